"""Infrastructure tasks: proof that a worker is alive and reaches the database."""

from celery import shared_task

from audit.services import audit_log
from core.outbox import outbox_relay


@shared_task(name="core.ping_db")
def ping_db(token: str) -> str:
    """Write one audit event carrying ``token``, so that the sender can see the round trip in the database."""
    audit_log(actor=None, action="worker.ping", target=token[:100])
    return token


@shared_task(name="core.relay_outbox", ignore_result=True)
def relay_outbox() -> dict:
    """Celery beat: send the outbox messages that could not be sent after their commit (broker outage)."""
    return outbox_relay()
