"""Recording the audit trail: the only way to write an ``AuditEvent``."""

from __future__ import annotations

from typing import Any

from audit.models import AuditEvent


def audit_log(
    *, actor, action: str, assessment=None, cluster=None, target: str = "", before: Any = None, after: Any = None
) -> AuditEvent:
    """Append one event to the audit trail. Call it inside the service's transaction, so that the event and the
    change it records are committed (or rolled back) together.

    ``actor``: the user who acted (an anonymous user or ``None`` for the system: a task, a command).
    ``action``: a dotted name, ``<object>.<verb>`` (``assessment.submit``, ``member.update``…).
    ``assessment`` / ``cluster``: what the event is about (the cluster defaults to the assessment's).
    ``target``: a short free label of the part changed (an indicator code, a member's name…).
    ``before`` / ``after``: JSON-serialisable values (dicts of the fields that changed, as a rule).
    """
    if cluster is None and assessment is not None:
        cluster = assessment.cluster
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        assessment=assessment,
        cluster=cluster,
        target=target,
        before=before,
        after=after,
    )
