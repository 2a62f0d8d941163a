"""Celery tasks of the expert's process: thin wrappers around a service."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.core.mail import EmailMessage

from expertise.services import visits_remind


@shared_task(
    name="expertise.send_invitation",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=10,
    max_retries=5,
)
def send_invitation(*, subject: str, body: str, recipients: list[str], ics: str, method: str) -> int:
    """Send one e-mail with its calendar invitation attached (rendered by the caller in the recipients' language)."""
    message = EmailMessage(subject, body, None, recipients)
    message.attach("invitation.ics", ics.encode(), f'text/calendar; charset="utf-8"; method={method}')
    return message.send()


@shared_task(name="expertise.remind_visits")
def remind_visits() -> dict:
    """Beat: the reminders 7 days and 1 day before each accepted visit, to everyone it concerns."""
    return visits_remind()
