"""The production settings: `check --deploy` is clean, a missing or weak secret stops the process, and the WSGI
entry point never falls back to the development settings."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "ALLOWED_HOSTS": "grappe.example.org",
    "DATABASE_URL": "postgres://grappe:secret@db.example.org:5432/grappe",
    "CELERY_BROKER_URL": "redis://redis.example.org:6379/0",
    "CACHE_URL": "redis://redis.example.org:6379/1",
    "SITE_URL": "https://grappe.example.org",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The variables of this process (DATABASE_URL, SECRET_KEY…) must not leak into the production check.
    base = {k: v for k, v in os.environ.items() if k not in {*PRODUCTION_ENV, "SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _dot_env_defines(name: str) -> bool:
    dot_env = settings.BASE_DIR / ".env"
    return dot_env.exists() and any(line.strip().startswith(f"{name}=") for line in dot_env.read_text().splitlines())


def test_the_deploy_checks_pass_with_the_production_settings():
    env = {**PRODUCTION_ENV, "SECRET_KEY": secrets.token_urlsafe(64)}

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr


@pytest.mark.skipif(_dot_env_defines("SECRET_KEY"), reason="a local .env file defines SECRET_KEY")
def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env=PRODUCTION_ENV)

    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


@pytest.mark.parametrize(
    "secret_key",
    ["", "short-key", "django-insecure-" + "x" * 60, "local-development-only-not-secret"],
)
def test_production_refuses_an_empty_short_or_development_secret_key(secret_key):
    result = _manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": secret_key})

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


@pytest.mark.parametrize("missing", ["ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL"])
def test_production_refuses_to_start_without_its_other_required_variables(missing):
    if _dot_env_defines(missing):
        pytest.skip(f"a local .env file defines {missing}")
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}

    result = _manage("check", env={**env, "SECRET_KEY": secrets.token_urlsafe(64)})

    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_never_runs_in_debug_even_when_asked():
    env = {**PRODUCTION_ENV, "SECRET_KEY": secrets.token_urlsafe(64), "DEBUG": "true"}

    result = _manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_the_wsgi_entry_point_does_not_default_to_the_development_settings():
    """gunicorn config.wsgi without DJANGO_SETTINGS_MODULE must not serve with DEBUG and a known key."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG")}
    code = "import config.wsgi, django.conf as c; print('DEBUG=%s' % c.settings.DEBUG)"
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert "DEBUG=True" not in run.stdout
    assert run.returncode != 0 and "ImproperlyConfigured" in run.stderr  # production refuses to start without a key


def test_production_warns_at_start_and_in_the_deploy_checks_when_site_url_is_not_https():
    env = {**PRODUCTION_ENV, "SECRET_KEY": secrets.token_urlsafe(64), "SITE_URL": "http://127.0.0.1:8000"}
    result = _manage("check", "--deploy", env=env)
    assert "WARNING: SITE_URL is 'http://127.0.0.1:8000'" in result.stderr
    assert "grappe.W001" in result.stderr
    clean = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**env, "SITE_URL": "https://grappe.example.org"}
    )
    assert clean.returncode == 0, clean.stderr
    assert "SITE_URL" not in clean.stderr


@pytest.mark.parametrize(
    "host, port, expected",
    [
        ("127.0.0.1", 8108, "http://127.0.0.1:8108"),
        ("0.0.0.0", 8000, "http://127.0.0.1:8000"),  # noqa: S104
        ("::1", 8001, "http://[::1]:8001"),
    ],
)
def test_make_run_points_site_url_at_the_running_server(host, port, expected):
    sys.path.insert(0, str(settings.BASE_DIR / "bin"))
    try:
        from run_local import site_url_for
    finally:
        sys.path.pop(0)
    assert site_url_for(host, port) == expected
