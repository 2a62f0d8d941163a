"""Reading the audit trail, for those who may."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.permissions import can
from audit.models import AuditEvent


def audit_trail(*, user, assessment) -> QuerySet:
    """The events of one assessment, newest first (none for a user without ``assessment.audit``)."""
    if not can(user, "assessment.audit", assessment):
        return AuditEvent.objects.none()
    return assessment.audit_events.select_related("actor").order_by("-created_at", "-id")
