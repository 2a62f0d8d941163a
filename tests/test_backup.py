"""Backup and restore (bin/backup.py): the database and the files, restored into a fresh database and compared."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests import factories
from tests.worker import _database_url


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_the_same_counts(tmp_path, framework):
    cluster = factories.ClusterFactory(name="Backup Valley")
    for _ in range(7):
        factories.MemberFactory(cluster=cluster)
    private, media = tmp_path / "private", tmp_path / "media"
    (private / "reports" / "2026").mkdir(parents=True)
    (private / "reports" / "2026" / "report.pdf").write_bytes(b"%PDF-1.7 " + b"x" * 5000)
    (private / "evidence.pdf").write_bytes(b"%PDF-1.7 proof")
    (media / "logos").mkdir(parents=True)
    (media / "logos" / "logo.png").write_bytes(b"\x89PNG fake")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "PRIVATE_MEDIA_ROOT": str(private),
        "MEDIA_ROOT": str(media),
    }
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "bin/backup.py", "check", "--output", str(tmp_path / "backups")],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(result.stdout)  # shown with pytest -s
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: the restored copy matches the backup." in result.stdout
    lines = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.strip()}
    assert lines["clusters_member"][1:4] == ["7", "7", "7"]
    assert lines["clusters_cluster"][1] == lines["clusters_cluster"][2] != "0"
    assert "private" in lines and lines["private"][2:4] == ["2", "2"]
    [folder] = (tmp_path / "backups").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == [
        "database.dump",
        "manifest.json",
        "media.tar.gz",
        "private.tar.gz",
    ]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["clusters_member"] == 7 and manifest["media"]["files"] == 1
    # The scratch database is gone.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE %s",
            [f"{connection.settings_dict['NAME'][:40]}_restore_%"],
        )
        assert cursor.fetchone()[0] == 0
