"""`make run`: one machine, SQLite, a Celery worker on the filesystem broker, no Redis."""

from .base import *  # noqa: F401

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")
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
