"""The worker fixture runs tasks in a real Celery worker, through Redis, on the test database."""

import uuid

import pytest
from django.db import connection

from audit.models import AuditEvent
from config.celery import app
from core.tasks import ping
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _succeeded(worker, token: str) -> bool:
    return f"{token} @ {connection.settings_dict['NAME']}'" in worker.log()


def test_a_task_sent_through_redis_is_run_by_the_worker_on_the_test_database(celery_worker_process):
    token = uuid.uuid4().hex

    ping.delay(token)

    # The worker logs what the task returned: the token and the name of the database it read from.
    wait_for(
        lambda: _succeeded(celery_worker_process, token),
        message=f"the worker's answer to {token}",
        worker=celery_worker_process,
    )
    assert "Task core.ping[" in celery_worker_process.log()
    assert connection.settings_dict["NAME"].startswith("test_")
    # A ping proves the worker is alive without writing anything: the append-only audit trail stays empty.
    assert not AuditEvent.objects.exists()


def test_the_test_process_sends_to_the_queue_that_only_this_sessions_worker_consumes(celery_worker_process):
    assert app.conf.task_default_queue == celery_worker_process.queue
    assert celery_worker_process.queue.startswith("grappe-test-")
    replies = app.control.ping(destination=[celery_worker_process.nodename], timeout=2.0)
    assert [next(iter(reply)) for reply in replies] == [celery_worker_process.nodename]


def test_the_task_is_not_run_eagerly(celery_worker_process):
    assert app.conf.task_always_eager is False
    token = uuid.uuid4().hex
    result = ping.apply_async(args=[token])
    # An eager call would return an EagerResult that is already done.
    assert type(result).__name__ == "AsyncResult"
    # Let the worker finish before the database is flushed for the next test.
    wait_for(lambda: _succeeded(celery_worker_process, token), worker=celery_worker_process)
