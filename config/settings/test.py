"""The test suite: PostgreSQL and Redis on this machine unless the environment says otherwise."""

import os
import uuid

from .base import *  # noqa: F401

SECRET_KEY = env("SECRET_KEY", default="tests-only-not-secret")
DEBUG = False
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/grappe")}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
# Redis database 14, with a prefix of this run's own so that runs side by side never share keys.
CACHES = {"default": env.cache("CACHE_URL", default="redis://127.0.0.1:6379/14")}
CACHES["default"]["KEY_PREFIX"] = f"grappe-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "test-private")
SIGNING_DEVELOPMENT_DIR = BASE_DIR / "var" / "test-signing"  # a self-signed key, created on first use
STORAGES["private"]["OPTIONS"]["location"] = str(PRIVATE_MEDIA_ROOT)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
# whitenoise looks for STATIC_ROOT at start-up; a fresh clone has no var/ yet.
(BASE_DIR / str(STATIC_ROOT)).mkdir(parents=True, exist_ok=True)  # env.path gives no pathlib.Path
# The suite makes thousands of calls from one address within minutes: rates no test reaches by accident. The
# throttle tests set low rates and a caller address of their own (tests/test_throttling.py).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {scope: "100000/minute" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},
}
