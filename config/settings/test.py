"""The test suite: PostgreSQL and Redis on this machine unless the environment says otherwise."""

import atexit
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from .base import *  # noqa: F401

SECRET_KEY = env("SECRET_KEY", default="tests-only-not-secret")
DEBUG = False
DATABASES = {"default": database_from_env(default="postgres://postgres@127.0.0.1:5432/grappe")}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
# Redis database 14, with a prefix of this run's own so that runs side by side never share keys.
CACHES = {"default": cache_from_env(default="redis://127.0.0.1:6379/14")}
# Processes that must share the cache (the web nodes of tests/test_two_nodes.py) are given one prefix.
CACHES["default"]["KEY_PREFIX"] = env(
    "TEST_CACHE_KEY_PREFIX", default=f"grappe-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each run's files (public and private media) live in a temporary directory of the run's own, which the suite
# removes when it exits (atexit). The environment carries it to the processes the run starts (the
# Celery worker of tests/worker.py), so that they read and write the same files. MEDIA_ROOT and
# PRIVATE_MEDIA_ROOT in the environment still win (tests/test_backup.py runs bin/backup.py on folders of its own).
# A run that was killed (no atexit) leaves its folder: the next run removes those whose process is gone (the
# folder's name carries the pid of the run that made it).
TEST_FILES_OWNED = "GRAPPE_TEST_FILES" not in os.environ  # True: this process made it and removes it


def _process_is_gone(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError, OverflowError):
        return False
    return False


if TEST_FILES_OWNED:
    for _stale in Path(tempfile.gettempdir()).glob("grappe-test-files-*-*"):
        if _process_is_gone(_stale.name.split("-")[3]):
            shutil.rmtree(_stale, ignore_errors=True)
    os.environ["GRAPPE_TEST_FILES"] = tempfile.mkdtemp(prefix=f"grappe-test-files-{os.getpid()}-")
    atexit.register(shutil.rmtree, os.environ["GRAPPE_TEST_FILES"], ignore_errors=True)
# Under pytest-xdist (`make test` runs `-n auto`) the controller imports these settings first, and its workers
# inherit its folder: each worker takes a subfolder of its own (gw0, gw1…), so that no two workers share a
# file, and passes it on to its own subprocesses (GRAPPE_TEST_FILES_WORKER says the subfolder is already
# taken). The controller's atexit removes them all; a killed run's are removed with its folder.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1… in an xdist worker
if _XDIST_WORKER and os.environ.get("GRAPPE_TEST_FILES_WORKER") != _XDIST_WORKER:
    _worker_files = Path(os.environ["GRAPPE_TEST_FILES"]) / _XDIST_WORKER
    _worker_files.mkdir(exist_ok=True)
    os.environ["GRAPPE_TEST_FILES"] = str(_worker_files)
    os.environ["GRAPPE_TEST_FILES_WORKER"] = _XDIST_WORKER
    atexit.register(shutil.rmtree, _worker_files, ignore_errors=True)
TEST_FILES_ROOT = Path(os.environ["GRAPPE_TEST_FILES"])
MEDIA_ROOT = env.path("MEDIA_ROOT", default=TEST_FILES_ROOT / "media")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=TEST_FILES_ROOT / "private")
SIGNING_DEVELOPMENT_DIR = BASE_DIR / "var" / "test-signing"  # a self-signed key, created on first use
if STORAGES["private"]["BACKEND"].endswith("FileSystemStorage"):  # not with a bucket (STORAGE_URL)
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
