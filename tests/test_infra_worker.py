"""The worker fixture runs tasks in a real Celery worker, through Redis, on the test database."""

import uuid

import pytest
from django.db import connection

from audit.models import AuditEvent
from config.celery import app
from core.models import OutboxMessage
from core.tasks import ping, relay_outbox
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


def test_a_task_that_sends_tasks_leaves_the_worker_logging(celery_worker_process):
    """A task that hands other tasks to the broker (the outbox relay, the reminders) once re-ran ``django.setup()``
    inside the worker (core.broker.task_named): logging was reconfigured onto the worker's redirected stderr and
    nothing more was logged, neither the task's end nor any later task."""
    message = OutboxMessage.objects.create(
        task="labelling.send_email",
        kwargs={"subject": "Grappe", "body": "relayed", "recipients": ["relay@example.org"]},
    )
    relay_outbox.delay()
    wait_for(
        lambda: (
            "Task core.relay_outbox[" in celery_worker_process.log()
            and "labelling.send_email[" in celery_worker_process.log().split("Task core.relay_outbox[", 1)[1]
        ),
        message="the relay and the e-mail it sent in the worker's log",
        worker=celery_worker_process,
    )
    wait_for(
        lambda: not OutboxMessage.objects.filter(pk=message.pk).exists(),  # deleted once sent
        message="the relay's commit",
        worker=celery_worker_process,
    )
    token = uuid.uuid4().hex
    ping.delay(token)
    wait_for(
        lambda: _succeeded(celery_worker_process, token), message="a ping after the relay", worker=celery_worker_process
    )
