import os

from celery import Celery

# A process started without DJANGO_SETTINGS_MODULE gets the production settings (no DEBUG, key required);
# manage.py (development) and bin/run_local.py (`make run`) choose the local settings themselves.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("grappe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
