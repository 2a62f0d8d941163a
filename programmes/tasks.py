"""Celery tasks of the funders' side: thin wrappers around ``programmes.reminders`` (Celery beat)."""

from __future__ import annotations

from celery import shared_task

from programmes.services import officers_digest, reports_remind


@shared_task(name="programmes.remind_reports")
def remind_reports() -> dict:
    """Hourly: the reports' reminders (30 and 7 days before the due date, weekly when late); each sent once."""
    return {"sent": len(reports_remind().sent)}


@shared_task(name="programmes.officers_digest")
def send_officers_digest() -> dict:
    """Hourly: the officers' weekly digest of the reports that arrived (once per officer and ISO week)."""
    return {"sent": len(officers_digest().sent)}
