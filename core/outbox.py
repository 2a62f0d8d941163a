"""The transactional outbox: the e-mails' Celery tasks, sent after commit, never lost when the broker is down.

Only what has no other recovery path uses it (the notification e-mails, the password reset, the visit
invitations); other tasks are sent after commit by their base task (``core.broker.TransactionAwareTask``).

``outbox_enqueue(task, args=…, kwargs=…)`` writes an ``OutboxMessage`` in the caller's transaction and, once
it commits, hands the task to the broker at once: one quick try, on a connection of its own that makes a
single connection attempt (none of kombu's retries, 2 s then 4 s apart) and waits at most
``OUTBOX_QUICK_SEND_TIMEOUT`` for the connection and for each of the broker's replies. When the broker cannot be
reached the message stays pending, the request answers normally, and the ``core.relay_outbox`` task (Celery
beat, every ``OUTBOX_RELAY_SECONDS``; also ``manage.py relay_outbox``) sends it when the broker is back, with
Celery's usual connection and publish retries. Once a quick try has failed on a broker error, the other messages
of the same transaction are not tried (each would wait as long): a request pays the wait once, not once per
message. A rolled-back transaction leaves no message, so nothing is sent for a change that did not happen.

Delivery is at least once: an e-mail may, rarely, be sent twice if a process dies between the broker's
acknowledgement and the ``sent_at`` update.
Two processes never send the same message concurrently: each claims it first with a conditional UPDATE
(a lease of ``CLAIM_SECONDS``), which works on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from config.celery import app
from core.broker import BROKER_ERRORS, quick_connection, task_named
from core.models import OutboxMessage

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 120
ERROR_MAX_LENGTH = 2000
KEEP_SENT_DAYS = 7


# What a send came to: the relay and the quick send of a transaction's messages act on the difference.
SENT, NOT_SENT, BROKER_DOWN = "sent", "not sent", "broker down"


class _QuickSends:
    """The quick sends of one transaction's messages, run one after the other once it has committed."""

    def __init__(self) -> None:
        self.started = False  # its first send has run: the transaction is over, a new one makes a new batch
        self.broker_down = False  # a send failed on a broker error: the others are left to the relay


class _QuickSend:
    """The on-commit callback of one message: sends it unless the broker already failed this batch."""

    def __init__(self, pk: int, batch: _QuickSends) -> None:
        self.pk, self.batch = pk, batch

    def __call__(self) -> None:
        pk = self.pk
        self.batch.started = True
        if self.batch.broker_down:
            logger.info("Outbox message %s not tried (the broker failed in its transaction): left to the relay", pk)
        elif _send(pk, quick=True) == BROKER_DOWN:
            self.batch.broker_down = True


# One batch per thread at a time (a thread runs one transaction at a time; Django's connections are per thread).
# A rolled-back transaction's batch never starts: the next transaction takes it over, nothing left in it runs.
_local = threading.local()


def _current_batch() -> _QuickSends:
    batch = getattr(_local, "quick_sends", None)
    if batch is None or batch.started:
        batch = _local.quick_sends = _QuickSends()
    return batch


def outbox_enqueue(task: str, *, args: list | tuple = (), kwargs: dict | None = None) -> OutboxMessage:
    """Record ``task(*args, **kwargs)`` to be sent after the current transaction commits (JSON arguments)."""
    message = OutboxMessage.objects.create(task=task, args=list(args), kwargs=dict(kwargs or {}))
    transaction.on_commit(_QuickSend(message.pk, _current_batch()))
    return message


def _publish(message: OutboxMessage, *, quick: bool) -> None:
    """Hand one task to the broker. ``quick``: one try (inside a web request), else Celery's retry policy."""
    task = task_named(message.task)
    if quick:
        with quick_connection(app) as connection:
            task.apply_async(args=message.args, kwargs=message.kwargs, connection=connection, retry=False)
    else:
        task.apply_async(args=message.args, kwargs=message.kwargs)


def _claim(pk: int) -> bool:
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), pk=pk, sent_at__isnull=True
    ).update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    return claimed == 1


def outbox_send(pk: int, *, quick: bool = False) -> bool:
    """Send one pending message; True when the broker took it. Never raises for a broker or database outage."""
    return _send(pk, quick=quick) == SENT


def _send(pk: int, *, quick: bool) -> str:
    try:
        if not _claim(pk):
            return NOT_SENT  # already sent, or another process is sending it
        message = OutboxMessage.objects.get(pk=pk)
    except DatabaseError:
        logger.exception("Outbox message %s: the database is unavailable; the relay will send it", pk)
        return NOT_SENT
    try:
        _publish(message, quick=quick)
    except BROKER_ERRORS as exc:
        logger.warning("Outbox message %s (%s) not sent, will retry: %s", pk, message.task, exc)
        try:
            OutboxMessage.objects.filter(pk=pk).update(
                claimed_until=None, last_error=f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
            )
        except DatabaseError:
            logger.exception("Outbox message %s: could not record the error", pk)
        return BROKER_DOWN
    try:
        # The keyword arguments (an e-mail's text, a password-reset link) are not kept once sent.
        OutboxMessage.objects.filter(pk=pk).update(sent_at=timezone.now(), claimed_until=None, last_error="", kwargs={})
    except DatabaseError:
        logger.exception("Outbox message %s was sent but not marked: it may be sent again", pk)
    return SENT


def outbox_relay(*, limit: int = 200) -> dict:
    """Send the pending messages (oldest first) and forget those sent more than ``KEEP_SENT_DAYS`` ago."""
    pending = list(
        OutboxMessage.objects.filter(sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=timezone.now()))
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = failed = 0
    for pk in pending:
        if outbox_send(pk):
            sent += 1
        else:
            failed += 1
            break  # the broker is down: the next run tries again, no point hammering it
    cutoff = timezone.now() - timedelta(days=KEEP_SENT_DAYS)
    pruned, _ = OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()
    return {"pending": len(pending), "sent": sent, "failed": failed, "pruned": pruned}
