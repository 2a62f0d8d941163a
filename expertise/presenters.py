"""Shaping for the pages of the expert's process: functions of what the selectors read, querying nothing."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format

from expertise.models import VisitStatus


def when(value) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


def slot_label(slot) -> str:
    """« 12 mars 2027 9:00 – 12:00 », or both full dates when the slot spans days."""
    start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    if start.date() == end.date():
        return f"{date_format(start, 'DATETIME_FORMAT')} – {date_format(end, 'TIME_FORMAT')}"
    return f"{date_format(start, 'DATETIME_FORMAT')} – {date_format(end, 'DATETIME_FORMAT')}"


def visit_flags(visit) -> dict[str, bool]:
    """One flag per status of a visit: the visit page tests ``flags.accepted``, it never compares a status."""
    return {value: visit is not None and visit.status == value for value in VisitStatus.values}
