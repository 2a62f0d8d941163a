"""Celery tasks of the awarding committee: thin wrappers around a service."""

from __future__ import annotations

from celery import shared_task

from committee.services import conditions_remind


@shared_task(name="committee.remind_conditions")
def remind_conditions() -> dict:
    """Hourly (Celery beat): remind the administrators and the managers of the conditional labels whose review date
    has come, once each."""
    return conditions_remind()
