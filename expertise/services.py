"""Writes of the expert's process: one transaction each, the capability checked first, the row locked, the audit
trail written in the same transaction, e-mails through the outbox."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can
from audit.services import audit_log
from clusters.models import Cluster
from core.exceptions import ConflictError, InvalidFields, InvalidTransition, NotFound
from core.locking import version_check
from core.outbox import outbox_enqueue
from core.text import of_name
from expertise.calendar import invitation_method, visit_invitation
from expertise.formats import allowed_modes, needs_two_experts
from expertise.models import (
    PEOPLE_MET_MAX_LENGTH,
    REASON_MAX_LENGTH,
    CategoryFindings,
    Findings,
    PrerequisiteExemption,
    Visit,
    VisitMode,
    VisitSlot,
    VisitStatus,
)
from expertise.selectors import findings_of, kind_for, open_visit_of, visit_recipients, visits_to_remind
from labelling.models import TEXT_MAX_LENGTH, Assessment
from labelling.services.notifications import notify
from labelling.services.steps import require_step


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


# --- the interview or visit ----------------------------------------------------------------------------------------

MAX_SLOTS = 3


@dataclass(frozen=True)
class Slot:
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None


def _lock_assessment(assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("cluster", "framework", "assessor", "second_assessor")
        .get(pk=assessment.pk)
    )


def _lock_visit(visit: Visit) -> Visit:
    return Visit.objects.select_for_update(of=("self",)).get(pk=visit.pk)


def _earliest(assessment: Assessment) -> datetime.datetime | None:
    """For Gold, a visit takes place no sooner than the framework's freeze days after the submission."""
    days = assessment.framework.gold_visit_freeze_days
    if assessment.applied_level != "gold" or not days or assessment.submitted_at is None:
        return None
    return assessment.submitted_at + datetime.timedelta(days=days)


def _too_soon(earliest: datetime.datetime, days: int) -> str:
    return _("A Gold visit takes place at least %(days)d days after the submission: from %(date)s.") % {
        "days": days,
        "date": date_format(timezone.localtime(earliest), "DATETIME_FORMAT"),
    }


def _check_times(errors: dict, prefix: str, slot: Slot, *, now, assessment: Assessment) -> None:
    """A slot's or a move's times: both given, in the future, the end after the start, not too soon for Gold."""
    start_field, end_field = f"{prefix}starts_at", f"{prefix}ends_at"
    if slot.starts_at is None:
        errors[start_field] = [_("Enter the start.")]
    if slot.ends_at is None:
        errors[end_field] = [_("Enter the end.")]
    if slot.starts_at is None or slot.ends_at is None:
        return
    earliest = _earliest(assessment)
    if slot.starts_at <= now:
        errors[start_field] = [_("Choose a start in the future.")]
    elif earliest is not None and slot.starts_at < earliest:
        errors[start_field] = [_too_soon(earliest, assessment.framework.gold_visit_freeze_days)]
    if slot.ends_at <= slot.starts_at:
        errors[end_field] = [_("The end must come after the start.")]


def _text(text: str, field: str, errors: dict, *, required_message=None) -> str:
    text = (text or "").strip()
    if required_message and not text:
        errors[field] = [required_message]
    elif len(text) > REASON_MAX_LENGTH:
        errors[field] = [_("Keep this under %(max)d characters.") % {"max": REASON_MAX_LENGTH}]
    elif "\x00" in text:
        errors[field] = [_("Null characters are not allowed.")]
    return text


def _check_experts(assessment: Assessment, kind: str) -> None:
    """A Gold visit needs the second expert, and the two experts must not both be of the cluster's country."""
    if not needs_two_experts(kind):
        return
    if assessment.second_assessor is None:
        raise InvalidTransition(
            _("A Gold visit is made by two experts: an administrator assigns the second assessor first.")
        )
    country = (assessment.cluster.country or "").upper()
    countries = [(expert.country or "").upper() for expert in (assessment.assessor, assessment.second_assessor)]
    if "" in countries:
        raise InvalidTransition(
            _("Record both experts' countries in their profiles: a Gold visit needs one from another country.")
        )
    if all(c == country for c in countries):
        raise InvalidTransition(
            _("A Gold visit needs an expert from another country than the cluster's (%(country)s): both are.")
            % {"country": country}
        )


def _invite(visit: Visit, assessment: Assessment, *, subject, template: str, context=None) -> None:
    """E-mail everyone the visit concerns, each in their language, with the calendar invitation attached (through
    the outbox, after the commit)."""
    people = visit_recipients(assessment=assessment)
    by_language: dict[str, list] = {}
    for person in people:
        if person.email and person.is_active:
            by_language.setdefault(person.language or settings.LANGUAGE_CODE, []).append(person)
    method = invitation_method(visit)
    for language, recipients in by_language.items():
        with translation.override(language):
            ics = visit_invitation(visit, organiser=assessment.assessor, attendees=people).decode()
            body_context = {
                "site_url": settings.SITE_URL.rstrip("/"),
                "visit": visit,
                "assessment": assessment,
                "cluster": assessment.cluster.name,
                "of_cluster": of_name(assessment.cluster.name),
                **(context or {}),
            }
            text = str(subject) % body_context
            body = render_to_string(template, body_context)
        outbox_enqueue(
            "expertise.send_invitation",
            kwargs={
                "subject": text,
                "body": body,
                "recipients": sorted({p.email for p in recipients}),
                "ics": ics,
                "method": method,
            },
        )


def _visit_state(visit: Visit) -> dict:
    return {
        "status": visit.status,
        "starts_at": visit.starts_at.isoformat() if visit.starts_at else None,
        "ends_at": visit.ends_at.isoformat() if visit.ends_at else None,
        "sequence": visit.sequence,
    }


def visit_propose(
    *, user, assessment: Assessment, slots: list[Slot], mode: str, meeting_url: str = "", address: str = ""
) -> Visit:
    """The assigned assessor proposes one to three slots for the interview or visit; the managers are e-mailed.

    The format follows the level applied for; Bronze's interview is by video (a meeting link, ``https``) or on site
    (an address); Silver's and Gold's visits are on site. Refused: slots in the past, overlapping, ending before they
    start, too soon after the submission for Gold; a visit already open (proposed or accepted)."""
    if not can(user, "assessment.assessor", assessment):
        raise NotFound()
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_assessment(assessment)
        require_step(locked, "plan_visit", message=_("A visit is planned while the assessment is in review."))
        kind = kind_for(assessment=locked)
        errors: dict[str, list[str]] = {}
        slots = [s for s in slots if s.starts_at is not None or s.ends_at is not None]
        if not slots:
            errors["slot_1_starts_at"] = [_("Propose at least one slot.")]
        if len(slots) > MAX_SLOTS:
            errors["slots"] = [_("Propose at most %(max)d slots.") % {"max": MAX_SLOTS}]
        for number, slot in enumerate(slots[:MAX_SLOTS], 1):
            _check_times(errors, f"slot_{number}_", slot, now=now, assessment=locked)
        timed = [(n, s) for n, s in enumerate(slots[:MAX_SLOTS], 1) if s.starts_at and s.ends_at]
        for index, (number, slot) in enumerate(timed):
            for other_number, other in timed[:index]:
                if slot.starts_at < other.ends_at and other.starts_at < slot.ends_at:
                    errors.setdefault(f"slot_{number}_starts_at", []).append(
                        _("This slot overlaps slot %(other)d.") % {"other": other_number}
                    )
        if mode not in allowed_modes(kind):
            errors["mode"] = [_("This format takes place on site.")]
        meeting_url = (meeting_url or "").strip()
        address = _text(address, "address", errors)
        if mode == VisitMode.VIDEO:
            if not meeting_url:
                errors["meeting_url"] = [_("Give the meeting link of the video interview.")]
            elif urlsplit(meeting_url).scheme != "https" or not urlsplit(meeting_url).hostname:
                errors["meeting_url"] = [_("The meeting link must be an https:// address.")]
            elif len(meeting_url) > 200:
                errors["meeting_url"] = [_("Keep this under %(max)d characters.") % {"max": 200}]
        elif mode == VisitMode.ON_SITE and not address:
            errors["address"] = [_("Give the address of the visit.")]
        if errors:
            raise InvalidFields(errors)
        if open_visit_of(assessment=locked) is not None:
            raise InvalidTransition(_("A visit is already proposed or accepted: move or cancel it instead."))
        visit = Visit.objects.create(
            assessment=locked,
            uid=f"{uuid.uuid4()}@grappe",
            kind=kind,
            mode=mode,
            meeting_url=meeting_url if mode == VisitMode.VIDEO else "",
            address=address if mode == VisitMode.ON_SITE else "",
            proposed_by=user,
        )
        VisitSlot.objects.bulk_create(
            [VisitSlot(visit=visit, starts_at=s.starts_at, ends_at=s.ends_at) for s in slots[:MAX_SLOTS]]
        )
        audit_log(
            actor=user,
            action="visit.proposed",
            assessment=locked,
            target=kind,
            after={
                "kind": kind,
                "mode": mode,
                "slots": [[s.starts_at.isoformat(), s.ends_at.isoformat()] for s in slots[:MAX_SLOTS]],
            },
        )
        notify(
            users=list(locked.cluster.managers.filter(is_active=True)),
            subject=gettext_lazy("Grappe: choose the date of the expert's visit %(of_cluster)s"),
            template="expertise/email/proposed.txt",
            context={"assessment": locked, "cluster": locked.cluster.name, "visit": visit},
        )
    return visit


def visit_accept(*, user, visit: Visit, slot_id: int, expected_version: int) -> Visit:
    """A manager of the cluster accepts one of the proposed slots: everyone concerned gets the invitation."""
    if not can(user, "visit.answer", visit):
        raise NotFound()
    with transaction.atomic():
        assessment = _lock_assessment(visit.assessment)
        locked = _lock_visit(visit)
        require_step(assessment, "plan_visit", message=_("A visit is planned while the assessment is in review."))
        version_check(locked, expected_version)
        if locked.status != VisitStatus.PROPOSED:
            raise InvalidTransition(_("Only proposed slots can be accepted."))
        slot = locked.slots.filter(pk=slot_id).first() if str(slot_id).isdigit() else None
        if slot is None:
            raise InvalidFields({"slot": [_("Choose one of the proposed slots.")]})
        now = timezone.now()
        errors: dict[str, list[str]] = {}
        _check_times(errors, "", Slot(slot.starts_at, slot.ends_at), now=now, assessment=assessment)
        if errors:
            raise InvalidFields({"slot": [message for messages in errors.values() for message in messages]})
        _check_experts(assessment, locked.kind)
        before = _visit_state(locked)
        locked.status = VisitStatus.ACCEPTED
        locked.starts_at, locked.ends_at = slot.starts_at, slot.ends_at
        locked.version += 1
        locked.save(update_fields=["status", "starts_at", "ends_at", "version", "updated_at"])
        audit_log(actor=user, action="visit.accepted", assessment=assessment, before=before, after=_visit_state(locked))
        _invite(
            locked,
            assessment,
            subject=gettext_lazy("Grappe: the expert's visit %(of_cluster)s is planned"),
            template="expertise/email/invitation.txt",
        )
    return locked


def visit_decline(*, user, visit: Visit, comment: str, expected_version: int) -> Visit:
    """A manager asks for other slots, with a comment; the assessor proposes again."""
    if not can(user, "visit.answer", visit):
        raise NotFound()
    errors: dict[str, list[str]] = {}
    comment = _text(comment, "comment", errors, required_message=_("Say which dates would suit you."))
    if errors:
        raise InvalidFields(errors)
    with transaction.atomic():
        assessment = _lock_assessment(visit.assessment)
        locked = _lock_visit(visit)
        require_step(assessment, "plan_visit", message=_("A visit is planned while the assessment is in review."))
        version_check(locked, expected_version)
        if locked.status != VisitStatus.PROPOSED:
            raise InvalidTransition(_("Only proposed slots can be declined."))
        locked.status = VisitStatus.DECLINED
        locked.comment = comment
        locked.version += 1
        locked.save(update_fields=["status", "comment", "version", "updated_at"])
        audit_log(
            actor=user,
            action="visit.declined",
            assessment=assessment,
            before={"status": VisitStatus.PROPOSED},
            after={"status": locked.status, "comment": comment},
        )
        notify(
            users=[a for a in (assessment.assessor,) if a is not None],
            subject=gettext_lazy("Grappe: other dates asked for the visit %(of_cluster)s"),
            template="expertise/email/declined.txt",
            context={"assessment": assessment, "cluster": assessment.cluster.name, "visit": locked},
        )
    return locked


def visit_move(*, user, visit: Visit, starts_at, ends_at, reason: str, expected_version: int) -> Visit:
    """The accepted visit moves to new times, with a reason: the invitation's SEQUENCE grows and everyone concerned
    gets the updated invitation."""
    if not can(user, "visit.change", visit):
        raise NotFound()
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, required_message=_("Give the reason for the move."))
    with transaction.atomic():
        assessment = _lock_assessment(visit.assessment)
        locked = _lock_visit(visit)
        require_step(assessment, "plan_visit", message=_("A visit is planned while the assessment is in review."))
        version_check(locked, expected_version)
        _check_times(errors, "", Slot(starts_at, ends_at), now=timezone.now(), assessment=assessment)
        if errors:
            raise InvalidFields(errors)
        if locked.status != VisitStatus.ACCEPTED:
            raise InvalidTransition(_("Only an accepted visit can be moved."))
        before = _visit_state(locked)
        locked.starts_at, locked.ends_at = starts_at, ends_at
        locked.reason = reason
        locked.sequence += 1
        locked.reminded_7 = locked.reminded_1 = False
        locked.version += 1
        locked.save(
            update_fields=[
                "starts_at",
                "ends_at",
                "reason",
                "sequence",
                "reminded_7",
                "reminded_1",
                "version",
                "updated_at",
            ]
        )
        audit_log(
            actor=user,
            action="visit.moved",
            assessment=assessment,
            before=before,
            after={**_visit_state(locked), "reason": reason},
        )
        _invite(
            locked,
            assessment,
            subject=gettext_lazy("Grappe: the expert's visit %(of_cluster)s is moved"),
            template="expertise/email/invitation.txt",
            context={"moved": True},
        )
    return locked


def visit_cancel(*, user, visit: Visit, reason: str, expected_version: int) -> Visit:
    """The accepted (or proposed) visit is cancelled, with a reason: everyone concerned gets the cancellation
    (``METHOD:CANCEL``, the same UID, the next SEQUENCE)."""
    if not can(user, "visit.change", visit):
        raise NotFound()
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, required_message=_("Give the reason for the cancellation."))
    if errors:
        raise InvalidFields(errors)
    with transaction.atomic():
        assessment = _lock_assessment(visit.assessment)
        locked = _lock_visit(visit)
        require_step(assessment, "plan_visit", message=_("A visit is planned while the assessment is in review."))
        version_check(locked, expected_version)
        if locked.status not in (VisitStatus.ACCEPTED, VisitStatus.PROPOSED):
            raise InvalidTransition(_("This visit is no longer open."))
        was_accepted = locked.status == VisitStatus.ACCEPTED
        before = _visit_state(locked)
        locked.status = VisitStatus.CANCELLED
        locked.reason = reason
        locked.sequence += 1
        locked.version += 1
        locked.save(update_fields=["status", "reason", "sequence", "version", "updated_at"])
        audit_log(
            actor=user,
            action="visit.cancelled",
            assessment=assessment,
            before=before,
            after={**_visit_state(locked), "reason": reason},
        )
        if was_accepted:
            _invite(
                locked,
                assessment,
                subject=gettext_lazy("Grappe: the expert's visit %(of_cluster)s is cancelled"),
                template="expertise/email/cancelled.txt",
            )
        else:
            notify(
                users=visit_recipients(assessment=assessment),
                subject=gettext_lazy("Grappe: the expert's visit %(of_cluster)s is cancelled"),
                template="expertise/email/cancelled.txt",
                context={"assessment": assessment, "cluster": assessment.cluster.name, "visit": locked},
            )
    return locked


def visits_remind(*, now=None) -> dict:
    """The reminders 7 days and 1 day before each accepted visit (Celery beat), to everyone it concerns, once each."""
    now = now or timezone.now()
    sent = {7: 0, 1: 0}
    for days in (7, 1):
        for visit in visits_to_remind(days=days, now=now).select_related("assessment"):
            with transaction.atomic():
                locked = _lock_visit(visit)
                flag = "reminded_7" if days == 7 else "reminded_1"
                if getattr(locked, flag) or locked.status != VisitStatus.ACCEPTED:
                    continue
                setattr(locked, flag, True)
                if days == 1:
                    locked.reminded_7 = True  # a visit accepted less than a week ahead gets one reminder
                locked.save(update_fields=["reminded_7", "reminded_1", "updated_at"])
                assessment = Assessment.objects.select_related("cluster", "assessor", "second_assessor").get(
                    pk=locked.assessment_id
                )
                notify(
                    users=visit_recipients(assessment=assessment),
                    subject=gettext_lazy("Grappe: reminder, the expert's visit %(of_cluster)s is coming"),
                    template="expertise/email/reminder.txt",
                    context={
                        "assessment": assessment,
                        "cluster": assessment.cluster.name,
                        "visit": locked,
                        "days": days,
                    },
                )
                sent[days] += 1
    return {"reminded_7": sent[7], "reminded_1": sent[1]}


# --- the expert's findings -----------------------------------------------------------------------------------------

FINDINGS_PARTS = ("strengths", "improvements", "recommendations")


def findings_save(
    *, user, assessment: Assessment, visited_on, people_met: str, categories: dict, expected_version: int
) -> Findings:
    """The assigned assessor writes (or rewrites) the findings: the date of the interview or visit, the people met,
    and for each category of the framework ``{"strengths", "improvements", "recommendations"}`` (a category left out
    keeps its texts). ``expected_version`` is the findings' version as read (0: none written yet). Refused field by
    field: a date in the future, a text longer than the limit, an unknown category."""
    if not can(user, "assessment.assessor", assessment):
        raise NotFound()
    errors: dict[str, list[str]] = {}
    people_met = (people_met or "").strip()
    if len(people_met) > PEOPLE_MET_MAX_LENGTH:
        errors["people_met"] = [_("Keep this under %(max)d characters.") % {"max": PEOPLE_MET_MAX_LENGTH}]
    if visited_on is not None and visited_on > timezone.localdate():
        errors["visited_on"] = [_("The interview or visit cannot be in the future.")]
    known = {c.code: c for c in assessment.framework.categories.all()}
    texts: dict[str, dict[str, str]] = {}
    for code, parts in (categories or {}).items():
        if code not in known:
            errors.setdefault("categories", []).append(_("Unknown category: %(code)s.") % {"code": code})
            continue
        parts = parts or {}
        texts[code] = {}
        for part in FINDINGS_PARTS:
            text = (parts.get(part) or "").strip()
            if len(text) > TEXT_MAX_LENGTH:
                errors[f"{code}_{part}"] = [_("Keep this under %(max)d characters.") % {"max": TEXT_MAX_LENGTH}]
            elif "\x00" in text:
                errors[f"{code}_{part}"] = [_("Null characters are not allowed.")]
            texts[code][part] = text
    if "\x00" in people_met:
        errors["people_met"] = [_("Null characters are not allowed.")]
    if errors:
        raise InvalidFields(errors)
    with transaction.atomic():
        locked_assessment = _lock_assessment(assessment)
        require_step(
            locked_assessment,
            "write_findings",
            message=_("The findings are written while the assessment is in review; once validated they are final."),
        )
        locked = Findings.objects.select_for_update().filter(assessment=locked_assessment).first()
        if locked is None:
            if expected_version is None:
                raise InvalidFields({"version": [_("The version of the record you edited is missing.")]})
            if int(expected_version) != 0:
                raise ConflictError()
            locked = Findings.objects.create(assessment=locked_assessment, written_by=user, version=0)
        else:
            version_check(locked, expected_version)
        before = findings_of(assessment=locked_assessment)
        locked.visited_on = visited_on
        locked.people_met = people_met
        locked.written_by = user
        locked.version += 1
        locked.save(update_fields=["visited_on", "people_met", "written_by", "version", "updated_at"])
        for code, parts in texts.items():
            CategoryFindings.objects.update_or_create(findings=locked, category=known[code], defaults=parts)
        after = findings_of(assessment=locked_assessment)
        audit_log(
            actor=user,
            action="findings.written",
            assessment=locked_assessment,
            before=_findings_state(before) if before.version else None,
            after=_findings_state(after),
        )
    return locked


def _findings_state(facts) -> dict:
    return {
        "visited_on": facts.visited_on.isoformat() if facts.visited_on else None,
        "people_met": facts.people_met,
        "categories": {
            c.code: {"strengths": c.strengths, "improvements": c.improvements, "recommendations": c.recommendations}
            for c in facts.categories
        },
    }
