"""``/health/`` (django-health-check): what an operator or a container orchestrator asks "is it working?".

- ``/health/``: the database, the cache, both storages (public media and private files, by writing, reading
  and deleting a file), a Celery worker answering through the broker and consuming our queue, and the outbox
  (no message waiting for more than ``OUTBOX_MAX_AGE_SECONDS``: the broker would have been unreachable).
- ``/health/live/``: what the web process itself needs (database, cache, storages): whether it can serve. Docker
  Compose's web health check and Kubernetes's readiness probe use it: the worker waits for a healthy web service
  (migrations), so the web check must not wait for the worker.

Both answer 200 when every check passes and 503 otherwise, in HTML, JSON (``Accept: application/json`` or
``?format=json``) or plain text; the messages say what failed, never a secret.

- ``/health/process/``: only that the process answers (``process``): no database, cache or storage. Kubernetes's
  liveness probe uses it, so that an outage of a shared service (which every pod sees at once) takes the web pods
  out of the Service (readiness) without restarting them all, which would not bring the service back.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from health_check import checks
from health_check.base import HealthCheck
from health_check.checks import Cache, Storage
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from config.celery import app
from core.models import OutboxMessage


def _close_thread_connection() -> None:
    # Sync checks run in an executor thread, which has a database connection of its own: do not leak it.
    connection.close()


@dataclasses.dataclass
class Database(checks.Database):
    def run(self):
        try:
            super().run()
        finally:
            _close_thread_connection()


@dataclasses.dataclass
class Outbox(HealthCheck):
    """The transactional outbox is being relayed (core/outbox.py)."""

    def run(self):
        limit = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_MAX_AGE_SECONDS)
        try:
            waiting = OutboxMessage.objects.filter(created_at__lt=limit).count()
        finally:
            _close_thread_connection()
        if waiting:
            raise ServiceUnavailable(
                f"{waiting} task(s) waiting for more than {settings.OUTBOX_MAX_AGE_SECONDS} s: is the broker up?"
            )


@dataclasses.dataclass
class CeleryWorker(HealthCheck):
    """A Celery worker answers, through the broker, and consumes our queue.

    django-health-check's own ``Ping`` takes the first worker that answers; on a broker shared with other
    deployments (or test runs) that may be somebody else's, so this asks every worker which queues it
    consumes and looks for ours.
    """

    def __repr__(self):
        return f"CeleryWorker(queue={app.conf.task_default_queue!r})"

    def run(self):
        queue = app.conf.task_default_queue
        timeout = settings.HEALTH_CELERY_TIMEOUT
        try:
            # One attempt to reach the broker, bounded by the timeout: Celery's own connection retries for
            # several seconds (CELERY_BROKER_CONNECTION_TIMEOUT and its back-off), longer than an orchestrator waits.
            with app.connection_for_read(connect_timeout=timeout) as conn:
                conn.ensure_connection(max_retries=0, timeout=timeout)
                replies = app.control.inspect(timeout=timeout, connection=conn).active_queues() or {}
        except OSError as exc:
            raise ServiceUnavailable("The broker cannot be reached") from exc
        except Exception as exc:  # kombu wraps connection errors in its own classes
            raise ServiceUnavailable(f"The broker cannot be reached ({type(exc).__name__})") from exc
        if not replies:
            raise ServiceUnavailable("No Celery worker answers")
        if not any(item.get("name") == queue for queues in replies.values() for item in queues):
            raise ServiceUnavailable(f"No Celery worker consumes the queue {queue}")


WEB_CHECKS = (
    Database,
    Cache,
    (Storage, {"alias": "default"}),
    (Storage, {"alias": "private"}),
)
ALL_CHECKS = (*WEB_CHECKS, CeleryWorker, Outbox)


class GrappeHealthView(HealthCheckView):
    """django-health-check's view, answering 503 (not 500) when a check fails: the service is unavailable."""

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
            response.reason_phrase = "Service Unavailable"
        return response


def process(request):
    """200 while the process answers: no database, cache, storage or session is touched (Kubernetes's liveness)."""
    response = HttpResponse("OK\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


health = GrappeHealthView.as_view(checks=ALL_CHECKS)
health_live = GrappeHealthView.as_view(checks=WEB_CHECKS)
