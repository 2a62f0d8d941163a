"""Celery tasks of the labelling app: thin wrappers that load rows by id and call a service."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError

from core.broker import TransactionAwareTask
from labelling.services.labels import labels_expire
from labelling.services.reports import report_record_error, report_render, reports_sweep

logger = logging.getLogger(__name__)

# Errors worth another try: the database or the disk hiccuped. A template or data error is not retried.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)
REPORT_MAX_RETRIES = 3


def _retry_delay(retries: int) -> int:
    return 5 * 2**retries  # 5 s, 10 s, 20 s


@shared_task(
    name="labelling.render_report",
    base=TransactionAwareTask,  # sent once the request's transaction commits
    bind=True,
    max_retries=REPORT_MAX_RETRIES,
    acks_late=True,  # a worker that dies mid-render leaves the message to another one (idempotent)
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,  # SoftTimeLimitExceeded inside the task: recorded below
    time_limit=settings.REPORT_TIME_LIMIT,  # the pool process is killed; the sweeper settles the report
)
def render_report(self, report_id: int) -> str:
    """Render one report's PDF; transient failures are retried, the last error is kept on the report."""
    try:
        report = report_render(report_id=report_id, claim=self.request.id)
    except SoftTimeLimitExceeded:
        logger.error("Report %s took longer than %s s", report_id, settings.REPORT_SOFT_TIME_LIMIT)
        report_record_error(
            report_id=report_id,
            error=f"Rendering took longer than {settings.REPORT_SOFT_TIME_LIMIT} s and was stopped.",
            final=True,
        )
        return "failed"
    except TRANSIENT_ERRORS as exc:
        final = self.request.called_directly or self.request.retries >= self.max_retries
        report_record_error(report_id=report_id, error=f"{type(exc).__name__}: {exc}", final=final)
        if final:
            logger.exception("Report %s failed for good", report_id)
            return "failed"
        raise self.retry(exc=exc, countdown=_retry_delay(self.request.retries)) from exc
    except Exception as exc:
        logger.exception("Report %s failed", report_id)
        report_record_error(report_id=report_id, error=f"{type(exc).__name__}: {exc}", final=True)
        return "failed"
    return report.status if report is not None else "missing"


@shared_task(name="labelling.sweep_reports")
def sweep_reports() -> dict:
    """Every minute (Celery beat): re-queue or fail the reports that a dead worker left pending or running."""
    return reports_sweep()


@shared_task(name="labelling.expire_labels")
def expire_labels() -> dict:
    """Hourly (Celery beat): expire labels past their date and send the 90- and 30-day reminders."""
    run = labels_expire()
    return {"expired": len(run.expired), "reminded_90": len(run.reminded_90), "reminded_30": len(run.reminded_30)}


@shared_task(
    name="labelling.send_email",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=10,
    max_retries=5,
)
def send_email(*, subject: str, body: str, recipients: list[str]) -> int:
    """Send one notification e-mail (rendered by the caller in the recipients' language)."""
    return send_mail(subject, body, None, recipients)
