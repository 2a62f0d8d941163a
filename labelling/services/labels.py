"""Labels: award (from a decision), revoke, restore (on appeal), expire and remind."""

from __future__ import annotations

import datetime
import secrets
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can
from audit.services import audit_log
from core.exceptions import DomainError, InvalidFields, InvalidTransition, NotFound
from core.text import long_date
from indicators.computations import label_expiry
from labelling.models import CODE_ALPHABET, CODE_LENGTH, Assessment, Label, LabelStatus, Level
from labelling.models import certificate_number_for as number_of
from labelling.services.notifications import notify

REMINDER_DAYS = (90, 30)


def verification_code() -> str:
    """Eight random characters (40 bits): a certificate's number cannot be guessed from its neighbours'."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def certificate_number_for(*, year: int, sequence: int, code: str | None = None) -> str:
    """A new certificate's number (``labelling.models.certificate_number_for``), with a random code."""
    return number_of(year=year, sequence=sequence, code=code or verification_code())


def conditions_until_error(*, conditions_until: datetime.date, awarded_on: datetime.date) -> str:
    """Why a label awarded on ``awarded_on`` cannot carry conditions until that date ("" when it can): the review
    date falls after the award and no later than the label's last valid day."""
    if conditions_until <= awarded_on:
        return _("The review date must be in the future.")
    last_day = label_expiry(awarded_on)
    if conditions_until > last_day:
        return _("The review date must fall within the label's validity (through %(date)s).") % {
            "date": long_date(last_day)
        }
    return ""


def label_award(*, user, assessment: Assessment, level: str, awarded_on: datetime.date, conditions_until=None) -> Label:
    """Issue the label of a decided assessment (called by ``assessment_decide`` inside its transaction).

    The certificate number is ``GRP-<year>-<label id>-<random code>``: the id comes from the database sequence,
    so two decisions at the same moment can never get the same number (no read-then-increment race), and the
    code keeps numbers from being enumerated. The row is inserted with a temporary unique number, then renamed
    in the same transaction.
    The cluster's earlier active labels are superseded (marked expired) by the new one.
    ``conditions_until``: a label granted with conditions is valid, with conditions until that review date.
    """
    if level not in (Level.BRONZE, Level.SILVER, Level.GOLD):
        raise DomainError(_("A label is bronze, silver or gold."), errors={"level": [_("Choose a level.")]})
    if conditions_until is not None:
        error = conditions_until_error(conditions_until=conditions_until, awarded_on=awarded_on)
        if error:
            raise InvalidFields({"conditions_until": [error]})
    with transaction.atomic():
        superseded = list(
            Label.objects.select_for_update().filter(cluster_id=assessment.cluster_id, status=LabelStatus.ACTIVE)
        )
        label = Label.objects.create(
            cluster_id=assessment.cluster_id,
            assessment=assessment,
            level=level,
            certificate_number=f"pending-{uuid.uuid4().hex}",
            awarded_on=awarded_on,
            expires_on=label_expiry(awarded_on),
            conditions_until=conditions_until,
        )
        label.certificate_number = certificate_number_for(year=awarded_on.year, sequence=label.pk)
        label.save(update_fields=["certificate_number", "updated_at"])
        for old in superseded:
            old.status = LabelStatus.EXPIRED
            old.superseded_by = label
            old.save(update_fields=["status", "superseded_by", "updated_at"])
            audit_log(
                actor=user,
                action="label.superseded",
                assessment=old.assessment,
                cluster=old.cluster,
                target=old.certificate_number,
                before={"status": LabelStatus.ACTIVE},
                after={"status": LabelStatus.EXPIRED, "superseded_by": label.certificate_number},
            )
        audit_log(
            actor=user,
            action="label.awarded",
            assessment=assessment,
            target=label.certificate_number,
            before=None,
            after={
                "level": label.level,
                "certificate_number": label.certificate_number,
                "awarded_on": label.awarded_on.isoformat(),
                "expires_on": label.expires_on.isoformat(),
                "conditions_until": conditions_until.isoformat() if conditions_until else None,
            },
        )
    return label


def label_conditions_met(*, user, label: Label) -> Label:
    """An administrator records that the conditions of an active conditional label are met: it becomes a plain
    label (its verification page no longer mentions conditions). Audited; the caller e-mails."""
    if not can(user, "label.conditions_met", label):
        raise NotFound()
    with transaction.atomic():
        locked = Label.objects.select_for_update(of=("self",)).get(pk=label.pk)
        if locked.status != LabelStatus.ACTIVE:
            raise InvalidTransition(_("Only an active label can have its conditions met."))
        if locked.conditions_until is None:
            raise InvalidTransition(_("This label has no conditions."))
        before = locked.conditions_until.isoformat()
        locked.conditions_until = None
        locked.save(update_fields=["conditions_until", "updated_at"])
        audit_log(
            actor=user,
            action="label.conditions_met",
            assessment=locked.assessment,
            target=locked.certificate_number,
            before={"conditions_until": before},
            after={"conditions_until": None},
        )
    return locked


def label_revoke(*, user, label: Label, reason: str) -> Label:
    """An administrator revokes an active label. The record and the reason are kept."""
    if not can(user, "label.revoke", label):
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Give the reason for the revocation."), errors={"reason": [_("Give the reason for the revocation.")]}
        )
    with transaction.atomic():
        locked = Label.objects.select_for_update(of=("self",)).select_related("cluster").get(pk=label.pk)
        if locked.status != LabelStatus.ACTIVE:
            raise InvalidTransition(_("Only an active label can be revoked."))
        locked.status = LabelStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason
        locked.save(update_fields=["status", "revoked_at", "revoked_reason", "updated_at"])
        audit_log(
            actor=user,
            action="label.revoked",
            assessment=locked.assessment,
            target=locked.certificate_number,
            before={"status": LabelStatus.ACTIVE},
            after={"status": LabelStatus.REVOKED, "reason": reason},
        )
        notify(
            users=list(locked.cluster.managers.all()),
            subject=gettext_lazy("Grappe: the label %(of_cluster)s is revoked"),
            template="labelling/email/revoked.txt",
            context={"label": locked, "cluster": locked.cluster.name, "reason": reason},
        )
    return locked


def label_restore(*, user, label: Label, reason: str) -> Label:
    """A revoked label restored on appeal (the ``appeals`` app calls it inside its transaction): it is active again
    with its number and its dates, or expired when its validity has ended meanwhile or a newer label of the cluster
    has replaced it. The revocation stays in the audit trail."""
    if not can(user, "label.revoke", label):
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason."), errors={"reason": [_("Give the reason.")]})
    with transaction.atomic():
        locked = Label.objects.select_for_update(of=("self",)).select_related("cluster").get(pk=label.pk)
        if locked.status != LabelStatus.REVOKED:
            raise InvalidTransition(_("Only a revoked label can be restored."))
        newer = (
            Label.objects.filter(cluster_id=locked.cluster_id, status=LabelStatus.ACTIVE, pk__gt=locked.pk)
            .order_by("-pk")
            .first()
        )
        before = {"status": locked.status, "reason": locked.revoked_reason}
        locked.status = (
            LabelStatus.EXPIRED if newer is not None or locked.expires_on < timezone.localdate() else LabelStatus.ACTIVE
        )
        locked.superseded_by = newer
        locked.revoked_at = None
        locked.revoked_reason = ""
        locked.save(update_fields=["status", "superseded_by", "revoked_at", "revoked_reason", "updated_at"])
        audit_log(
            actor=user,
            action="label.restored",
            assessment=locked.assessment,
            target=locked.certificate_number,
            before=before,
            after={"status": locked.status, "reason": reason},
        )
    return locked


@dataclass
class ExpiryRun:
    expired: list[str] = field(default_factory=list)
    reminded_90: list[str] = field(default_factory=list)
    reminded_30: list[str] = field(default_factory=list)


def labels_expire(*, today: datetime.date | None = None) -> ExpiryRun:
    """Expire the active labels whose validity has ended (expires_on < today) and send each reminder once.

    The 90-day reminder goes when 90 days or fewer are left, the 30-day one when 30 or fewer are left; a
    label found already within 30 days gets only the 30-day reminder. Safe to run any number of times.
    """
    today = today or timezone.localdate()
    run = ExpiryRun()
    with transaction.atomic():
        for label in (
            Label.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("cluster")
            .filter(status=LabelStatus.ACTIVE, expires_on__lt=today)
        ):
            label.status = LabelStatus.EXPIRED
            label.save(update_fields=["status", "updated_at"])
            audit_log(
                actor=None,
                action="label.expired",
                assessment=label.assessment,
                target=label.certificate_number,
                before={"status": LabelStatus.ACTIVE},
                after={"status": LabelStatus.EXPIRED, "expires_on": label.expires_on.isoformat()},
            )
            run.expired.append(label.certificate_number)
        due = (
            Label.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("cluster")
            .filter(status=LabelStatus.ACTIVE, expires_on__gte=today)
            .filter(expires_on__lte=today + datetime.timedelta(days=REMINDER_DAYS[0]))
            .exclude(reminded_90=True, reminded_30=True)
        )
        for label in due:
            days_left = (label.expires_on - today).days
            if days_left <= 30 and not label.reminded_30:
                label.reminded_30 = True
                label.reminded_90 = True
                run.reminded_30.append(label.certificate_number)
            elif days_left <= 90 and not label.reminded_90:
                label.reminded_90 = True
                run.reminded_90.append(label.certificate_number)
            else:
                continue
            label.save(update_fields=["reminded_90", "reminded_30", "updated_at"])
            notify(
                users=list(label.cluster.managers.all()),
                subject=gettext_lazy("Grappe: the label %(of_cluster)s expires on %(expires_on)s"),
                template="labelling/email/expiry_reminder.txt",
                context={
                    "label": label,
                    "cluster": label.cluster.name,
                    "expires_on": label.expires_on.isoformat(),
                    "days_left": days_left,
                },
            )
    return run
