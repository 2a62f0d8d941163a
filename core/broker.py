"""Handing tasks to the broker: the base task that sends after commit, and the quick connection of a web request.

``TransactionAwareTask`` (pretix's shape): ``apply_async`` inside an atomic block is deferred until the transaction
commits, so a worker never reads a row that is not committed yet and a rolled-back change sends nothing; outside a
transaction it sends at once. The deferred send makes one quick attempt (``quick_connection``: one connection try,
``OUTBOX_QUICK_SEND_TIMEOUT`` for the connection and each reply, so a down or frozen broker costs the request at
most that); when the broker cannot be reached it is logged and the task's own recovery path sends it later (the
reports' sweeper, ``labelling.services.reports.reports_sweep``). Messages that must survive a broker outage
without such a path (e-mails) go through the outbox (``core/outbox.py``) instead.
"""

from __future__ import annotations

import logging
from functools import partial

from celery import Task, current_app
from django.conf import settings
from django.db import transaction
from kombu import pools
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What an unreachable broker raises (a task's own error, in eager mode, is not one of them: it propagates).
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuError, OSError, ConnectionError, TimeoutError, RedisError)


def task_named(name: str) -> Task:
    """The registered task ``name`` (for a caller that may not import the task's module: a service whose app's
    tasks import it). Celery discovers the apps' ``tasks`` modules lazily: they are imported the first time a name
    is missing, never again. Importing them sends Celery's ``import_modules`` signal, on which its Django fixup runs
    ``django.setup()`` and the system checks: inside a worker that reconfigures logging onto the worker's
    redirected stderr, and the worker logs nothing more (a worker has imported its tasks when it started)."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def quick_connection(app):
    """A broker connection from a pool of its own: one connection attempt, short socket timeouts (web requests).

    The pool (kombu's, as Celery's own) is keyed by the broker's address and these options, so a changed
    ``broker_url`` gets a pool of its own."""
    timeout = settings.OUTBOX_QUICK_SEND_TIMEOUT
    quick = {"max_retries": 0, "socket_connect_timeout": timeout, "socket_timeout": timeout}
    return pools.connections[app.connection_for_write(transport_options=quick)].acquire(block=True, timeout=timeout)


class TransactionAwareTask(Task):
    """A task whose ``apply_async``/``delay`` inside a transaction waits for its commit (see the module)."""

    abstract = True

    def apply_async(self, args=None, kwargs=None, **options):
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(partial(self._send_after_commit, args, kwargs, options))
            return None
        return super().apply_async(args, kwargs, **options)

    def _send_after_commit(self, args, kwargs, options) -> None:
        try:
            with quick_connection(self.app) as connection:
                super().apply_async(args, kwargs, connection=connection, retry=False, **options)
        except BROKER_ERRORS as exc:
            logger.warning("Task %s%s not sent after the commit (the broker is down): %s", self.name, args or (), exc)
