"""``bin/services.sh`` (issue 22, item 16): what ``make test`` and ``.ci/run`` do about PostgreSQL and Redis on a
machine where they run, are installed but down, or are missing — every case run here without installing, starting
or stopping anything (a dry run, or stand-in commands that only write down how they were called)."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "bin" / "services.sh"


def _closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(**env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    environment.update({key: str(value) for key, value in env.items()})
    return subprocess.run(["bash", str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=60)


@pytest.fixture
def down() -> dict:
    """Both services down: their probes look at ports where nothing listens."""
    return {"SERVICES_PG_PORT": _closed_port(), "SERVICES_REDIS_PORT": _closed_port(), "SERVICES_WAIT": 1}


@pytest.fixture
def recorder(tmp_path) -> Path:
    """A stand-in command that writes its name and arguments to calls.log."""
    log = tmp_path / "calls.log"
    stub = tmp_path / "record"
    stub.write_text(f'#!/bin/sh\necho "$(basename "$0") $*" >> {log}\n')
    stub.chmod(0o755)
    return stub


def _stand_in(recorder: Path, name: str) -> str:
    path = recorder.parent / name
    path.symlink_to(recorder)
    return str(path)


@pytest.mark.parametrize("dry_run", ["1", ""])
def test_where_both_run_it_does_nothing(dry_run):
    """This machine runs both (the suite needs them): a real run, as `make test` does it, changes nothing."""
    result = run(SERVICES_DRY_RUN=dry_run)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["PostgreSQL is up on 127.0.0.1:5432.", "Redis is up on 127.0.0.1:6379."]


def test_installed_but_down_they_are_started_without_installing_anything(down, tmp_path):
    (tmp_path / "etc" / "15" / "main").mkdir(parents=True)
    result = run(SERVICES_DRY_RUN=1, SERVICES_UID=0, POSTGRES_ETC=tmp_path / "etc", APT_GET="true", **down)
    assert result.returncode == 0, result.stderr
    commands = [line for line in result.stdout.splitlines() if line.startswith("+")]
    assert commands == [
        "+ pg_ctlcluster --skip-systemctl-redirect 15 main start",
        "+ mkdir -p /var/lib/redis /var/log/redis",
        f"+ redis-server --daemonize yes --bind 127.0.0.1 -::1 --port {down['SERVICES_REDIS_PORT']} --save '' "
        "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/grappe.log",
    ]


def test_missing_as_root_debians_packages_are_installed_trusted_on_127_0_0_1_and_started(down, tmp_path, recorder):
    """Not a dry run: apt-get, pg_ctlcluster and redis-server are stand-ins; pg_hba.conf is a copy."""
    hba = tmp_path / "etc" / "15" / "main" / "pg_hba.conf"
    hba.parent.mkdir(parents=True)
    hba.write_text("local all postgres peer\nhost all all 127.0.0.1/32 scram-sha-256\n")
    result = run(
        SERVICES_UID=0,
        POSTGRES_ETC=tmp_path / "etc",
        APT_GET=_stand_in(recorder, "apt-get"),
        PG_CTLCLUSTER=tmp_path / "not-installed" / "pg_ctlcluster",
        REDIS_SERVER=tmp_path / "not-installed" / "redis-server",
        **down,
    )
    # The stand-ins start nothing, so the wait fails: said, and the script fails (make stops there).
    assert result.returncode == 1
    assert "PostgreSQL did not answer on 127.0.0.1 within 1s." in result.stderr
    calls = (tmp_path / "calls.log").read_text().splitlines()
    assert calls == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends postgresql",
        "apt-get install -y -qq --no-install-recommends redis-server",
    ]
    assert hba.read_text().splitlines()[:2] == ["host all all 127.0.0.1/32 trust", "host all all ::1/128 trust"]


def test_missing_without_root_one_line_each_says_what_to_install(down, tmp_path):
    result = run(
        SERVICES_UID=1000,
        PG_CTLCLUSTER=tmp_path / "pg_ctlcluster",
        REDIS_SERVER=tmp_path / "redis-server",
        POSTGRES_ETC=tmp_path,
        **down,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"*** PostgreSQL is not running on 127.0.0.1:{down['SERVICES_PG_PORT']}: install it (Debian: apt-get install "
        "postgresql, as root) and start it, or set DATABASE_URL.",
        f"*** Redis is not running on 127.0.0.1:{down['SERVICES_REDIS_PORT']}: install it (Debian: apt-get install "
        "redis-server, as root) and start it.",
    ]


def test_services_elsewhere_are_left_alone(down):
    result = run(
        DATABASE_URL="postgres://grappe@db.example.org:5432/grappe",
        CELERY_BROKER_URL="redis://broker.example.org:6379/0",
        SERVICES_UID=0,
        **down,
    )
    assert result.returncode == 0
    assert "left alone" in result.stdout and "+" not in result.stdout


def test_make_test_and_ci_go_through_the_script():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    assert "\nservices: ##" in makefile and "\tbin/services.sh\n" in makefile
    assert "database: install services ##" in makefile  # and `test` depends on `database`
    assert "bin/services.sh" in (Path(settings.BASE_DIR) / ".ci" / "run").read_text()
