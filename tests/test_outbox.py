"""Broker outage: side effects after commit go through the outbox (core/outbox.py), so a closed broker port
delays them instead of answering 500 after the change was saved, and loses nothing."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from celery import Task
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from core.models import OutboxMessage
from core.outbox import outbox_enqueue, outbox_relay
from indicators.services import framework_ensure_default
from labelling.models import LabelStatus, Report, ReportStatus
from labelling.services.reports import reports_sweep
from tests import factories
from tests.labelling.workflow_helpers import decided
from tests.worker import _database_url, wait_for_status


def _reset_broker_pools() -> None:
    app._pool = None  # the connection pool and the producer pool are built once, from broker_url
    app.amqp._producer_pool = None


@contextmanager
def broker_closed(*, silent: bool = False, retry_quickly: bool = True):
    """Point this process's Celery app at a local port where the broker is "down"; gives a function that brings
    the broker back.

    Down is a closed port (the connection is refused at once, as when Redis is stopped) or, ``silent``, a port
    that accepts the connection and never answers (a frozen Redis, a half-open connection): only a timeout ends
    that wait. The send after a commit makes one attempt bounded by ``OUTBOX_QUICK_SEND_TIMEOUT`` whatever the
    settings below (core/outbox.py). The relay retries the way Celery does, within the broker's connection
    timeout, 2 s then 4 s apart (6 s in all for production's 3 s): ``retry_quickly`` shortens that to 0.5 s,
    retried every 0.1 s, so that a test which relays while the broker is down does not wait 6 s. Never relay
    while the broker is silent: Celery's own connections have no socket timeout and would wait for ever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    watchdog = threading.Timer(15, listener.close)  # a regression fails (the wait ends) instead of hanging the run
    if silent:
        listener.listen(16)  # the kernel completes the connections; nobody reads or answers
        watchdog.start()
    else:
        listener.close()  # free once closed: connecting to it is refused
    previous = (app.conf.broker_url, app.conf.broker_connection_timeout, app.conf.broker_transport_options)
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    if retry_quickly:
        app.conf.broker_connection_timeout = 0.5
        app.conf.broker_transport_options = {
            **previous[2],
            "interval_start": 0.1,
            "interval_step": 0.1,
            "interval_max": 0.2,
        }
    _reset_broker_pools()

    def restore():
        app.conf.broker_url, app.conf.broker_connection_timeout, app.conf.broker_transport_options = previous
        _reset_broker_pools()

    try:
        yield restore
    finally:
        restore()
        watchdog.cancel()
        listener.close()


@pytest.fixture
def closed_broker():
    """The broker is down for the whole test (``broker_closed``); calling the value brings it back."""
    with broker_closed() as restore:
        yield restore


@pytest.fixture
def handed_over(monkeypatch):
    """The tasks (name, arguments) this process tries to hand to the broker, whether or not the broker takes them."""
    tried = []
    hand_over = Task.apply_async

    def spy(self, args=None, kwargs=None, **options):
        tried.append((self.name, args))
        return hand_over(self, args, kwargs, **options)

    monkeypatch.setattr(Task, "apply_async", spy)
    return tried


@pytest.fixture(autouse=True)
def _in_english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def test_a_message_is_written_with_the_change_and_dropped_with_its_rollback(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            outbox_enqueue("core.relay_outbox")
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox_enqueue("labelling.send_email", kwargs={"subject": "s", "body": "b", "recipients": []})
            raise RuntimeError("rolled back")
    assert list(OutboxMessage.objects.values_list("task", flat=True)) == ["core.relay_outbox"]
    assert len(callbacks) == 1  # only the committed one will be sent


def test_the_beat_schedule_relays_the_outbox():
    assert app.conf.beat_schedule["relay-outbox"]["task"] == "core.relay_outbox"
    app.loader.import_default_modules()
    assert "core.relay_outbox" in app.tasks


def _sent_here(monkeypatch) -> list[str]:
    """The e-mail task's subjects, as the broker would take them (nothing reaches a broker)."""
    sent = []
    app.loader.import_default_modules()
    task = app.tasks["labelling.send_email"]
    monkeypatch.setattr(task, "apply_async", lambda args, kwargs, **options: sent.append(kwargs["subject"]))
    return sent


def test_a_message_is_sent_once_even_when_relayed_again(db, monkeypatch):
    sent = _sent_here(monkeypatch)
    OutboxMessage.objects.create(task="labelling.send_email", kwargs={"subject": "hello"})
    assert outbox_relay()["sent"] == 1
    assert outbox_relay()["sent"] == 0
    assert sent == ["hello"]
    assert not OutboxMessage.objects.exists()  # a row is a message still to send


@pytest.mark.django_db(transaction=True)
def test_a_message_another_process_is_sending_is_left_to_it_without_waiting(monkeypatch):
    sent = _sent_here(monkeypatch)
    message = OutboxMessage.objects.create(task="labelling.send_email", kwargs={"subject": "hello"})
    with psycopg.connect(_database_url(connection.settings_dict)) as other:  # another process, sending it
        other.execute("SELECT id FROM core_outboxmessage WHERE id = %s FOR UPDATE", [message.pk])
        started = time.monotonic()
        assert outbox_relay() == {"pending": 1, "sent": 0}
        assert time.monotonic() - started < 1  # skipped, not waited for
        other.rollback()  # it failed: the message is still to send
    assert outbox_relay()["sent"] == 1
    assert sent == ["hello"]


def test_a_revocation_with_the_broker_down_answers_normally_and_its_email_follows(
    framework,
    cluster,
    manager,
    administrator,
    assessor,
    client_for,
    closed_broker,
    django_capture_on_commit_callbacks,
    caplog,
):
    manager.email = "manager@example.org"
    manager.save()
    label = decided(cluster, manager, administrator, assessor).assessment.label
    OutboxMessage.objects.all().delete()  # the decision's own e-mails: not the point here
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            reverse("labelling:label_revoke", args=[label.pk]), {"reason": "Misleading figures."}
        )
    assert time.monotonic() - started < 10
    assert response.status_code == 302  # before the outbox: 500, and the e-mail was lost
    label.refresh_from_db()
    assert label.status == LabelStatus.REVOKED
    [message] = OutboxMessage.objects.all()
    assert message.task == "labelling.send_email"
    assert message.kwargs["recipients"] == ["manager@example.org"]
    assert "left to the relay" in caplog.text  # the broker's refusal, logged for the operators

    assert outbox_relay()["sent"] == 0  # still down: nothing lost, nothing sent
    closed_broker()  # the broker is back
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True  # run the e-mail task here, to read the e-mail it sends
    try:
        assert outbox_relay()["sent"] == 1
    finally:
        app.conf.task_always_eager = previous
    assert settings.EMAIL_BACKEND.endswith("locmem.EmailBackend")
    [email] = mail.outbox
    assert email.to == ["manager@example.org"] and label.certificate_number in email.body


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_report_requested_while_the_broker_is_down_is_produced_once_it_is_back(celery_worker_process, settings):
    """A report has no outbox message: its base task sends it after the commit, one quick try, and the sweeper
    (its one recovery path) queues it again once the broker is back."""
    framework_ensure_default()
    cluster = factories.ClusterFactory(name="Outbox Valley")
    manager = factories.ManagerFactory(username="outbox_manager")
    cluster.managers.add(manager)
    administrator = factories.AdministratorFactory(username="outbox_admin")
    assessor = factories.AssessorFactory(username="outbox_assessor")
    # Decided while the broker is up: its three e-mails are handed over at once, not after three timeouts.
    assessment = decided(cluster, manager, administrator, assessor).assessment
    OutboxMessage.objects.all().delete()

    from tests.conftest import _client_for

    with broker_closed(silent=True, retry_quickly=False) as broker_back:
        client = _client_for(manager)
        started = time.monotonic()
        response = client.post(
            reverse("labelling:report_request", args=[assessment.pk]), {"kind": "assessment", "language": "en"}
        )
        assert time.monotonic() - started < 2 * settings.OUTBOX_QUICK_SEND_TIMEOUT  # one quick try, not kombu's
        assert response.status_code == 302  # not a 500, and the report is kept
        report = Report.objects.get(assessment=assessment)
        assert report.status == ReportStatus.PENDING
        assert client.get(response["Location"]).status_code == 200
        assert not OutboxMessage.objects.exists()

        broker_back()  # the broker is back: the beat's sweeper queues the stale report again
        Report.objects.filter(pk=report.pk).update(
            updated_at=timezone.now() - timedelta(seconds=settings.REPORT_STALE_SECONDS + 1)
        )
        assert reports_sweep()["requeued"] == [report.pk]
        wait_for_status(report, ReportStatus.READY, worker=celery_worker_process, timeout=90)


@pytest.mark.parametrize("silent", [False, True], ids=["refused", "silent"])
def test_a_request_waits_for_a_broker_that_is_down_once_and_the_relay_sends_its_messages_later(
    silent,
    framework,
    cluster,
    manager,
    administrator,
    assessor,
    client_for,
    django_capture_on_commit_callbacks,
    handed_over,
):
    """With production's retry settings (kombu alone would wait about 6 s for each message), a revocation that
    sends two e-mails (one per language) answers within one quick bound: a refused connection costs a few
    milliseconds, a silent broker ``OUTBOX_QUICK_SEND_TIMEOUT`` (1 s) once, for the first message only."""
    bound = settings.OUTBOX_QUICK_SEND_TIMEOUT
    cluster.managers.add(factories.ManagerFactory(username="english_manager", language="en"))
    label = decided(cluster, manager, administrator, assessor).assessment.label
    OutboxMessage.objects.all().delete()
    with broker_closed(silent=silent, retry_quickly=False):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(administrator).post(
                reverse("labelling:label_revoke", args=[label.pk]), {"reason": "Misleading figures."}
            )
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    # Before: 6 s per message (12 s here), and a silent broker held the request for ever.
    assert elapsed < 2 * bound
    if silent:
        assert elapsed >= 0.9 * bound  # it did wait for the broker's answer, once
    assert OutboxMessage.objects.count() == 2  # both kept for the relay
    # the second was not tried: the broker had just failed
    assert [name for name, _args in handed_over] == ["labelling.send_email"]

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the broker is back; run the e-mail task here, to read what it sends
    try:
        assert outbox_relay()["sent"] == 2
        assert outbox_relay()["sent"] == 0  # sent once
    finally:
        app.conf.task_always_eager = previous
    assert sorted(email.to[0] for email in mail.outbox) == ["english_manager@example.org", manager.email]
    assert not OutboxMessage.objects.exists()


def test_the_wait_for_a_silent_broker_does_not_grow_with_the_messages_of_a_transaction(
    db, django_capture_on_commit_callbacks, handed_over
):
    bound = settings.OUTBOX_QUICK_SEND_TIMEOUT
    with broker_closed(silent=True, retry_quickly=False):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            for n in range(5):
                outbox_enqueue("core.ping", args=[f"token-{n}"])
        elapsed = time.monotonic() - started
    assert 0.9 * bound <= elapsed < 2 * bound  # once, not five times
    assert handed_over == [("core.ping", ["token-0"])]  # the others were not tried
    assert OutboxMessage.objects.count() == 5
    with broker_closed(silent=True, retry_quickly=False):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            outbox_enqueue("core.ping", args=["next-request"])
        assert time.monotonic() - started >= 0.9 * bound  # the next transaction tries again: nothing is remembered


def test_a_password_reset_with_the_broker_down_answers_normally_and_keeps_its_email(
    db, client_for, closed_broker, django_capture_on_commit_callbacks
):
    factories.ManagerFactory(username="forgetful", email="forgetful@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(None).post(reverse("password_reset"), {"email": "forgetful@example.org"})
    assert response.status_code == 302
    [message] = OutboxMessage.objects.filter(task="accounts.send_password_reset")
    assert message.kwargs["to"] == "forgetful@example.org"
    closed_broker()
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        assert outbox_relay()["sent"] == 1
    finally:
        app.conf.task_always_eager = previous
    assert mail.outbox[0].to == ["forgetful@example.org"]
    assert not OutboxMessage.objects.exists()  # nothing is kept once sent, the reset link neither
