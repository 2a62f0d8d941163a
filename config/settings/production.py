"""Production: every secret comes from the environment, and the process refuses to start without it."""

import sys

from django.core.exceptions import ImproperlyConfigured

from core.checks import site_url_problem

from .base import *  # noqa: F401

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: a missing key stops the process
# An empty, short or development key would let a misconfigured deployment start: refuse it too
# (the same rule as Django's security.W009 deploy check, made fatal).
if (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure-")
    or SECRET_KEY in {"local-development-only-not-secret", "tests-only-not-secret"}
):
    raise ImproperlyConfigured(
        "SECRET_KEY is empty, too short or a development key: set a random value of at least 50 characters, "
        'e.g. python3 -c "import secrets; print(secrets.token_urlsafe(64))"'
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": database_from_env()}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CACHES = {"default": cache_from_env()}  # no default: Redis, shared by every web process
# The PDFs are signed with the labelling body's key (SIGNING_KEY_FILE, …): no self-signed development key here.
SIGNING_DEVELOPMENT_KEY = env.bool("SIGNING_DEVELOPMENT_KEY", default=False)

STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Links in e-mails and the certificates' QR codes use SITE_URL: say so at start when it is not https
# (also a warning of `manage.py check --deploy`, grappe.W001).
if site_url_problem(SITE_URL):
    sys.stderr.write(f"WARNING: {site_url_problem(SITE_URL)}\n")
