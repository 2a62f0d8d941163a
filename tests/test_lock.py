"""The lock files (`make lock`) and bin/check_lock.py, which `make install` and the Dockerfile use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.conf import settings

PYPROJECT = """
[project]
name = "x"
dependencies = ["Django>=5.2,<5.3", "celery[redis]>=5.4,<6", "tomli>=1; python_version < '3.0'"]
[project.optional-dependencies]
dev = ["pytest>=8"]
"""
LOCK = """\
celery==5.7.0 \\
    --hash=sha256:00
django==5.2.19 \\
    --hash=sha256:01
pytest==9.2.0 \\
    --hash=sha256:02
"""


def _check(tmp_path: Path, pyproject: str, lock: str, extras: str = "dev") -> subprocess.CompletedProcess:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "requirements.lock").write_text(lock)
    command = [sys.executable, "bin/check_lock.py", str(tmp_path / "requirements.lock"), "--extras", extras]
    command += ["--pyproject", str(tmp_path / "pyproject.toml")]
    return subprocess.run(command, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60)  # noqa: S603


def test_an_up_to_date_lock_passes(tmp_path):
    assert _check(tmp_path, PYPROJECT, LOCK).returncode == 0


def test_a_dependency_the_lock_lacks_is_named_with_the_advice_to_run_make_lock(tmp_path):
    result = _check(tmp_path, PYPROJECT.replace('"pytest>=8"', '"pytest>=8", "polib>=1.2"'), LOCK)
    assert result.returncode == 1
    assert "polib (polib>=1.2) is not in requirements.lock" in result.stderr
    assert "run `make lock`" in result.stderr


def test_a_pin_outside_the_range_is_refused(tmp_path):
    result = _check(tmp_path, PYPROJECT.replace("Django>=5.2,<5.3", "Django>=6"), LOCK)
    assert result.returncode == 1 and "Django==5.2.19 in requirements.lock is outside" in result.stderr


def test_the_committed_locks_exist_and_pin_with_hashes():
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (settings.BASE_DIR / name).read_text()
        assert "--hash=sha256:" in text and "django==" in text
    assert "pytest==" in (settings.BASE_DIR / "requirements-dev.lock").read_text()
    assert "pytest==" not in (settings.BASE_DIR / "requirements.lock").read_text()  # no dev tools in the image


def test_make_install_and_the_dockerfile_use_the_locks():
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    assert "--require-hashes -r $(LOCK)" in makefile and "bin/check_lock.py $(LOCK)" in makefile
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text()
    assert "pip install --require-hashes -r requirements.lock" in dockerfile
