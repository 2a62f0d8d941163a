"""Defects found in review (deployment): each test failed before its fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def test_the_wsgi_entry_point_does_not_default_to_the_development_settings():
    """gunicorn config.wsgi without DJANGO_SETTINGS_MODULE must not serve with DEBUG and a known key."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG")}
    code = "import config.wsgi, django.conf as c; print('DEBUG=%s' % c.settings.DEBUG)"
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert "DEBUG=True" not in run.stdout
    assert run.returncode != 0 and "ImproperlyConfigured" in run.stderr  # production refuses to start without a key


def test_cluster_logos_are_served_without_debug_and_private_files_are_not(client, settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "logos").mkdir(parents=True)
    (tmp_path / "media" / "logos" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert client.get("/media/logos/logo.png").status_code == 200
    assert client.get("/media/../private/evidence.pdf").status_code in (400, 404)
    assert client.get("/media/%2e%2e/%2e%2e/config/settings/base.py").status_code in (400, 404)
    assert client.get("/media/logos/missing.png").status_code == 404
