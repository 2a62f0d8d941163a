"""`make run`: one machine, SQLite, a Celery worker on the filesystem broker, no Redis."""

from .base import *  # noqa: F401

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")
# No Redis: a cache in files under var/cache, shared by the web process and the worker — the worker's label
# expiry must reach the web process's cached registry filters and statistics (core/caching.py).
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'cache'}")}  # noqa: F405
# kombu's filesystem transport: the web process and the worker exchange messages as files.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
_queue = BASE_DIR / "var" / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(_queue / "out"),
    "data_folder_out": str(_queue / "out"),
    "processed_folder": str(_queue / "processed"),
    "store_processed": False,
}
for _folder in ("out", "processed"):
    (_queue / _folder).mkdir(parents=True, exist_ok=True)
# Fan-out (the worker's remote control) and beat's schedule file live under var/ too, not in the working directory.
CELERY_BROKER_TRANSPORT_OPTIONS["control_folder"] = str(_queue / "control")
(_queue / "control").mkdir(parents=True, exist_ok=True)
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")

# The web server and the worker write to the same SQLite file: wait for the lock rather than fail at once,
# take the write lock when a transaction starts (no deadlock on upgrade), and let readers run beside a writer.
if DATABASES["default"]["ENGINE"].endswith(".sqlite3"):  # noqa: F405 - Django's or django-prometheus's wrapper
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
