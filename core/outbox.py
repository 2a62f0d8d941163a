"""The transactional outbox: the e-mails' Celery tasks, sent after commit, never lost while the broker is down.

Only the e-mails use it (the notifications, the password reset, the visit invitations): they have no other
recovery path. Other tasks are sent after commit by their base task (``core.broker.TransactionAwareTask``) and
recovered by their sweeper.

``outbox_enqueue(task, args=…, kwargs=…)`` writes an ``OutboxMessage`` in the caller's transaction, so a rolled-back
change leaves no message. Once the transaction commits, its messages are handed to the broker one by one over a
quick connection (``core.broker.quick_connection``, pooled: one connection attempt, ``OUTBOX_QUICK_SEND_TIMEOUT`` for
it and for each reply). The first failure leaves the transaction's other messages untried, for the ``core.relay_outbox``
beat task (every ``OUTBOX_RELAY_SECONDS``, with Celery's usual retries): a request waits for a down broker once.

A row is a message not yet handed to the broker: the transaction that sends it locks it (``SKIP LOCKED``: the relay
and a quick send never send it together) and deletes it, so nothing is kept once sent. Delivery is at least once:
an e-mail may, rarely, go twice if a process dies between the broker's acknowledgement and that commit.
"""

from __future__ import annotations

import logging
import threading
from functools import partial

from django.db import DatabaseError, transaction

from config.celery import app
from core.broker import BROKER_ERRORS, quick_connection, task_named
from core.models import OutboxMessage

logger = logging.getLogger(__name__)

# What a broker or a database outage raises: the message stays, the relay sends it later.
OUTAGE = (*BROKER_ERRORS, DatabaseError)

# ``broker_down``: a quick send of this thread failed since its last ``outbox_enqueue``, i.e. in the commit hooks of
# the transaction being sent (a thread runs one transaction at a time; the next one writes its messages first).
_local = threading.local()


def outbox_enqueue(task: str, *, args: list | tuple = (), kwargs: dict | None = None) -> OutboxMessage:
    """Record ``task(*args, **kwargs)`` to be sent after the current transaction commits (JSON arguments)."""
    message = OutboxMessage.objects.create(task=task, args=list(args), kwargs=dict(kwargs or {}))
    _local.broker_down = False  # a new transaction: its messages get their quick try
    transaction.on_commit(partial(_send_after_commit, message.pk))
    return message


def _send_after_commit(pk: int) -> None:
    if getattr(_local, "broker_down", False):
        return  # the broker failed another message of this transaction: the relay sends this one
    try:
        with quick_connection(app) as connection:
            _send(pk, connection=connection, retry=False)
    except OUTAGE as exc:
        _local.broker_down = True
        logger.warning("Outbox message %s not sent after its commit, left to the relay: %s", pk, exc)


def outbox_relay(*, limit: int = 200) -> dict:
    """Send the pending messages, oldest first, with Celery's retries (the beat task); stops at the first outage."""
    pending = list(OutboxMessage.objects.order_by("id").values_list("pk", flat=True)[:limit])
    sent = 0
    try:
        for pk in pending:
            sent += _send(pk)
    except OUTAGE as exc:
        logger.warning(
            "Outbox relay: %d of %d message(s) sent, the others wait for its next run: %s", sent, len(pending), exc
        )
    return {"pending": len(pending), "sent": sent}


def _send(pk: int, **options) -> bool:
    """Hand one message to the broker and delete it, in one transaction; False if there is nothing to send (rolled
    back, sent already, or being sent by another process). Raises on an outage, and then changes nothing."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        if message is None or not message.delete()[0]:
            return False
        task_named(message.task).apply_async(args=message.args, kwargs=message.kwargs, **options)
    return True
