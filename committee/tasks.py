"""Celery tasks of the awarding committee: thin wrappers around a service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from committee.services import conditions_remind, minutes_record_error, minutes_render, minutes_sweep
from core.broker import TransactionAwareTask
from labelling.tasks import REPORT_MAX_RETRIES, TRANSIENT_ERRORS

logger = logging.getLogger(__name__)


@shared_task(name="committee.remind_conditions")
def remind_conditions() -> dict:
    """Hourly (Celery beat): remind the administrators and the managers of the conditional labels whose review date
    has come, once each."""
    return conditions_remind()


@shared_task(
    name="committee.render_minutes",
    base=TransactionAwareTask,  # sent once the closing transaction commits
    bind=True,
    max_retries=REPORT_MAX_RETRIES,
    acks_late=True,  # a worker that dies mid-render leaves the message to another one (idempotent)
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TIME_LIMIT,
)
def render_minutes(self, minutes_id: int) -> str:
    """Render, sign and store a closed session's minutes; transient failures are retried, the last error kept."""
    try:
        minutes = minutes_render(minutes_id=minutes_id)
    except TRANSIENT_ERRORS as exc:
        final = self.request.called_directly or self.request.retries >= self.max_retries
        minutes_record_error(minutes_id=minutes_id, error=f"{type(exc).__name__}: {exc}", final=final)
        if final:
            logger.exception("Minutes %s failed for good", minutes_id)
            return "failed"
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
    except Exception as exc:  # a template or data error, or the time limit: kept for the administrators
        logger.exception("Minutes %s failed", minutes_id)
        minutes_record_error(minutes_id=minutes_id, error=f"{type(exc).__name__}: {exc}", final=True)
        return "failed"
    return minutes.status if minutes is not None else "missing"


@shared_task(name="committee.sweep_minutes")
def sweep_minutes() -> dict:
    """Every five minutes (Celery beat): queue again the minutes a lost message or a dead worker left behind."""
    return minutes_sweep()
