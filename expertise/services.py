"""Writes of the expert's process: one transaction each, the capability checked first, the row locked, the audit
trail written in the same transaction, e-mails through the outbox."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import can
from audit.services import audit_log
from clusters.models import Cluster
from core.exceptions import InvalidFields, NotFound
from expertise.models import REASON_MAX_LENGTH, PrerequisiteExemption


def _reason(reason: str, *, field: str = "reason", required_message=None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidFields({field: [required_message or _("Give the reason.")]})
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidFields({field: [_("Keep this under %(max)d characters.") % {"max": REASON_MAX_LENGTH}]})
    if "\x00" in reason:
        raise InvalidFields({field: [_("Null characters are not allowed.")]})
    return reason


def exemption_record(*, user, cluster: Cluster, reason: str) -> PrerequisiteExemption:
    """An administrator exempts the cluster from the prerequisites to apply, with the reason (a new reason replaces
    the previous one)."""
    if not can(user, "prerequisites.exempt", cluster):
        raise NotFound()
    reason = _reason(reason, required_message=_("Say why the cluster is exempted (e.g. its national programme)."))
    with transaction.atomic():
        Cluster.objects.select_for_update().filter(pk=cluster.pk).first()
        exemption = PrerequisiteExemption.objects.filter(cluster=cluster).first()
        before = None if exemption is None else {"reason": exemption.reason}
        if exemption is None:
            exemption = PrerequisiteExemption.objects.create(cluster=cluster, reason=reason, granted_by=user)
        else:
            exemption.reason = reason
            exemption.granted_by = user
            exemption.save(update_fields=["reason", "granted_by", "updated_at"])
        audit_log(
            actor=user,
            action="prerequisites.exempted",
            cluster=cluster,
            before=before,
            after={"reason": reason},
        )
    return exemption


def exemption_withdraw(*, user, cluster: Cluster) -> None:
    """An administrator withdraws the cluster's exemption: the prerequisites apply again."""
    if not can(user, "prerequisites.exempt", cluster):
        raise NotFound()
    with transaction.atomic():
        Cluster.objects.select_for_update().filter(pk=cluster.pk).first()
        exemption = PrerequisiteExemption.objects.filter(cluster=cluster).first()
        if exemption is None:
            return
        audit_log(
            actor=user,
            action="prerequisites.exemption_withdrawn",
            cluster=cluster,
            before={"reason": exemption.reason},
            after=None,
        )
        exemption.delete()
