"""The worker fixture runs tasks in a real Celery worker, through Redis, on the test database."""

import uuid

import pytest

from audit.models import AuditEvent
from config.celery import app
from core.tasks import ping_db
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_task_sent_through_redis_is_run_by_the_worker_on_the_test_database(celery_worker_process):
    token = uuid.uuid4().hex

    ping_db.delay(token)

    event = wait_for(
        lambda: AuditEvent.objects.filter(action="worker.ping", target=token).first(),
        message=f"the worker's audit event {token}",
        worker=celery_worker_process,
    )
    assert event.actor is None
    assert "Task core.ping_db[" in celery_worker_process.log()


def test_the_test_process_sends_to_the_queue_that_only_this_sessions_worker_consumes(celery_worker_process):
    assert app.conf.task_default_queue == celery_worker_process.queue
    assert celery_worker_process.queue.startswith("grappe-test-")
    replies = app.control.ping(destination=[celery_worker_process.nodename], timeout=2.0)
    assert [next(iter(reply)) for reply in replies] == [celery_worker_process.nodename]


def test_the_task_is_not_run_eagerly(celery_worker_process):
    assert app.conf.task_always_eager is False
    token = uuid.uuid4().hex
    result = ping_db.apply_async(args=[token])
    # An eager call would return an EagerResult that is already done.
    assert type(result).__name__ == "AsyncResult"
    # Let the worker finish before the database is flushed for the next test.
    wait_for(lambda: AuditEvent.objects.filter(target=token).exists(), worker=celery_worker_process)
