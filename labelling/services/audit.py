from __future__ import annotations

from typing import Any

from labelling.models import AuditEvent


def audit_log(
    *, actor, action: str, assessment=None, cluster=None, target: str = "", before: Any = None, after: Any = None
) -> AuditEvent:
    """Append one event to the audit trail. Call it inside the service's transaction."""
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
