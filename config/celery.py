import os

from celery import Celery
from celery.signals import task_prerun

from core.logging import bind_task_id

# A process started without DJANGO_SETTINGS_MODULE gets the production settings (no DEBUG, key required);
# manage.py (development) and bin/run_local.py (`make run`) choose the local settings themselves.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("grappe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _log_with_the_task_id(task_id=None, **kwargs):
    """The worker's log lines carry the id of the task that wrote them (core/logging.py)."""
    bind_task_id(task_id)
