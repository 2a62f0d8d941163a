"""Reading the audit trail, for those who may."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.permissions import can
from audit.models import AuditEvent


def audit_trail(*, user, assessment) -> QuerySet:
    """The events of one assessment, newest first (none for a user without ``assessment.audit``)."""
    if not can(user, "assessment.audit", assessment):
        return AuditEvent.objects.none()
    return assessment.audit_events.select_related("actor").order_by("-created_at", "-id")


@dataclass(frozen=True)
class AuditFilters:
    kind: str = ""  # the first part of the action: "answer", "assessment", "label"…
    who: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None
    q: str = ""  # cluster name (administrators' page)


def audit_events(*, user, assessment=None, filters: AuditFilters | None = None) -> QuerySet:
    """The events of ``assessment`` (its managers and administrators), or every event (administrators)."""
    f = filters or AuditFilters()
    if assessment is not None:
        if not can(user, "assessment.audit", assessment):
            return AuditEvent.objects.none()
        qs = AuditEvent.objects.filter(assessment=assessment)
    else:
        if not can(user, "audit.view_all"):
            return AuditEvent.objects.none()
        qs = AuditEvent.objects.all()
    qs = qs.select_related("actor", "cluster", "assessment").only(
        "pk",
        "action",
        "target",
        "before",
        "after",
        "created_at",
        "actor",
        "cluster",
        "assessment",
        "actor__username",
        "actor__first_name",
        "actor__last_name",
        "cluster__name",
        "assessment__reference_year",
    )
    if f.kind:
        qs = qs.filter(Q(action__startswith=f"{f.kind}.") | Q(action=f.kind))
    if f.who:
        qs = qs.filter(
            Q(actor__username__icontains=f.who)
            | Q(actor__first_name__icontains=f.who)
            | Q(actor__last_name__icontains=f.who)
        )
    tz = timezone.get_current_timezone()
    if f.since:
        qs = qs.filter(created_at__gte=datetime.datetime.combine(f.since, datetime.time.min, tzinfo=tz))
    if f.until:
        qs = qs.filter(
            created_at__lt=datetime.datetime.combine(f.until + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        )
    if f.q:
        qs = qs.filter(cluster__name__icontains=f.q)
    return qs.order_by("-created_at", "-id")
