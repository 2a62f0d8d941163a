"""Infrastructure tasks: proof that a worker is alive and reaches the database, and the outbox's relay."""

from celery import shared_task
from django.db import connection

from core.outbox import outbox_relay


@shared_task(name="core.ping")
def ping(token: str) -> str:
    """Read from the database and return ``token`` with the database's name, writing nothing.

    The worker logs what a task returns ("Task core.ping[…] succeeded in …: 'token @ name'"), so a sender
    without a result backend sees the round trip, and on which database it ran, in the worker's log."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return f"{token} @ {connection.settings_dict['NAME']}"


@shared_task(name="core.relay_outbox", ignore_result=True)
def relay_outbox() -> dict:
    """Celery beat: send the outbox messages that could not be sent after their commit (broker outage)."""
    return outbox_relay()
