"""Writes of the awarding committee. Every service is one transaction: the capability first (``NotFound`` for what
the user may not see or do), the row locked (``select_for_update``) and its version compared
(``core.locking.version_check``), then the write and its audit event. Refusals are domain errors: ``InvalidFields``
naming the field, ``InvalidTransition`` (409) for a step the session or the case no longer allows.

A decision that issues a label goes through labelling's own decision (``assessment_decide``): the assessment
becomes decided and the label is issued with its number, exactly as a direct decision does."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can
from accounts.selectors import administrators
from audit.services import audit_log
from committee.models import (
    LABEL_OUTCOMES,
    Case,
    CommitteeSession,
    ConflictDeclaration,
    FollowUp,
    Minutes,
    MinutesStatus,
    Outcome,
    SessionStatus,
)
from committee.presenters import minutes_context
from committee.selectors import minutes_facts
from core.broker import task_named
from core.exceptions import InvalidFields, InvalidTransition, NotFound
from core.locking import version_check
from core.text import long_date
from labelling.models import TEXT_MAX_LENGTH, Assessment, Label, LabelStatus, Level
from labelling.selectors import assessment_score
from labelling.services.labels import conditions_until_error, label_conditions_met, label_revoke
from labelling.services.notifications import notify
from labelling.services.reports import html_to_pdf
from labelling.services.steps import step_allowed
from labelling.services.workflow import assessment_decide
from labelling.signing import sign_pdf


def _require(user, capability: str, obj=None) -> None:
    if not can(user, capability, obj):
        raise NotFound()


def _text(value, field: str) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_MAX_LENGTH:
        raise InvalidFields(
            {
                field: [
                    _("At most %(limit)s characters (you wrote %(count)s).")
                    % {"limit": TEXT_MAX_LENGTH, "count": len(value)}
                ]
            }
        )
    return value


def _locked_session(session: CommitteeSession, expected_version) -> CommitteeSession:
    locked = CommitteeSession.objects.select_for_update().filter(pk=session.pk).first()
    version_check(locked, expected_version)
    return locked


def _require_open(session: CommitteeSession) -> None:
    if session.status != SessionStatus.OPEN:
        raise InvalidTransition(_("This session is closed: its agenda and its decisions can no longer change."))


def _bump(obj, *fields: str) -> None:
    obj.version += 1
    obj.save(update_fields=[*fields, "version", "updated_at"])


# --- sessions ----------------------------------------------------------------------------------------------------


def session_create(
    *, user, held_on: datetime.date, chair, members, place: str = "", video_link: str = ""
) -> CommitteeSession:
    """An administrator opens an awarding-committee session: a date, a place or an https video link, a chair (an
    administrator) and at least one member (committee members)."""
    _require(user, "committee.manage")
    place = (place or "").strip()
    video_link = (video_link or "").strip()
    members = list(members or [])
    errors: dict[str, list] = {}
    if held_on is None:
        errors["held_on"] = [_("Give the date of the session.")]
    if not place and not video_link:
        errors["place"] = [_("Give the place of the session or its video link.")]
    if video_link and not video_link.lower().startswith("https://"):
        errors["video_link"] = [_("The video link must be an https:// address.")]
    if chair is None or not can(chair, "committee.chair"):
        errors["chair"] = [_("The chair of a session is an administrator.")]
    if not members:
        errors["members"] = [_("A session needs at least one committee member.")]
    elif any(not can(m, "committee.sit") or not m.is_active for m in members):
        errors["members"] = [_("Only active committee members can sit on a session.")]
    if errors:
        raise InvalidFields(errors)
    with transaction.atomic():
        session = CommitteeSession.objects.create(held_on=held_on, place=place, video_link=video_link, chair=chair)
        session.members.set(members)
        audit_log(
            actor=user,
            action="committee.session_created",
            target=session.held_on.isoformat(),
            after={
                "session": session.pk,
                "held_on": session.held_on.isoformat(),
                "place": place,
                "video_link": video_link,
                "chair": chair.username,
                "members": sorted(m.username for m in members),
            },
        )
    return session


def session_close(*, user, session: CommitteeSession, expected_version) -> CommitteeSession:
    """An administrator closes an open session once every case on its agenda has an outcome."""
    _require(user, "committee.manage")
    with transaction.atomic():
        locked = _locked_session(session, expected_version)
        _require_open(locked)
        pending = list(locked.cases.filter(outcome="").select_related("assessment__cluster"))
        if pending:
            raise InvalidTransition(
                _("Decide every case before closing the session. Not decided yet: %(clusters)s.")
                % {"clusters": ", ".join(c.assessment.cluster.name for c in pending)}
            )
        locked.status = SessionStatus.CLOSED
        locked.closed_at = timezone.now()
        _bump(locked, "status", "closed_at")
        audit_log(
            actor=user,
            action="committee.session_closed",
            target=locked.held_on.isoformat(),
            before={"status": SessionStatus.OPEN},
            after={"session": locked.pk, "status": SessionStatus.CLOSED},
        )
        # The minutes, in the language of the administrator who closes the session, produced by a worker.
        minutes = Minutes.objects.create(session=locked, language=_language_of(user))
        _render_minutes_later(minutes.pk)
        _tell_the_outcomes(locked)
    return locked


def attendance_record(*, user, session: CommitteeSession, present, expected_version) -> CommitteeSession:
    """The chair records which members of an open session are present (they vote on the cases decided from then on;
    each decision keeps its own list). An empty list is allowed: nobody has arrived yet."""
    _require(user, "committee_session.preside", session)
    present = list(present or [])
    with transaction.atomic():
        locked = _locked_session(session, expected_version)
        _require_open(locked)
        members = {m.pk for m in locked.members.all()}
        if any(p.pk not in members for p in present):
            raise InvalidFields({"present": [_("Only members of the session can be recorded as present.")]})
        before = sorted(locked.present.values_list("username", flat=True))
        locked.present.set(present)
        _bump(locked)
        audit_log(
            actor=user,
            action="committee.attendance_recorded",
            target=locked.held_on.isoformat(),
            before={"present": before},
            after={"session": locked.pk, "present": sorted(p.username for p in present)},
        )
    return locked


def _language_of(user) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    return language if language in languages else settings.LANGUAGE_CODE


def _tell_the_outcomes(session: CommitteeSession) -> None:
    """Each case's cluster managers get its outcome, in their language (through the outbox)."""
    for case in session.cases.select_related("assessment__cluster").order_by("pk"):
        cluster = case.assessment.cluster
        label = (
            Label.objects.filter(assessment_id=case.assessment_id).first() if case.outcome in LABEL_OUTCOMES else None
        )
        notify(
            users=list(cluster.managers.filter(is_active=True)),
            subject=gettext_lazy("Grappe: the awarding committee's decision on the assessment %(of_cluster)s"),
            template="committee/email/outcome.txt",
            context={
                "case": case,
                "cluster": cluster.name,
                "assessment": case.assessment,
                "label": label,
                "deferred": case.outcome == Outcome.DEFERRED,
            },
        )


# --- the agenda --------------------------------------------------------------------------------------------------


def case_add(
    *, user, session: CommitteeSession, assessment: Assessment, expected_version, proposed_level: str = ""
) -> Case:
    """An administrator puts a validated assessment on an open session's agenda, with the level the scoring module
    gives and their proposal (by default the same level)."""
    _require(user, "committee.manage")
    proposed_level = (proposed_level or "").strip()
    if proposed_level and proposed_level not in Level.values:
        raise InvalidFields({"proposed_level": [_("Choose a level from the list.")]})
    with transaction.atomic():
        locked = _locked_session(session, expected_version)
        _require_open(locked)
        target = Assessment.objects.select_for_update(of=("self",)).select_related("cluster").get(pk=assessment.pk)
        if not step_allowed(target, "decide"):
            raise InvalidFields({"assessment": [_("Only a validated assessment can go on a committee's agenda.")]})
        if Case.objects.filter(assessment=target).exclude(outcome=Outcome.DEFERRED).exists():
            raise InvalidFields({"assessment": [_("This assessment is already on a committee's agenda.")]})
        computed = assessment_score(assessment=target).level
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    session=locked,
                    assessment=target,
                    computed_level=computed,
                    proposed_level=proposed_level or computed,
                )
        except IntegrityError as exc:  # the same assessment put on an agenda at the same moment
            raise InvalidFields({"assessment": [_("This assessment is already on a committee's agenda.")]}) from exc
        _bump(locked)
        audit_log(
            actor=user,
            action="committee.case_added",
            assessment=target,
            target=locked.held_on.isoformat(),
            after={
                "session": locked.pk,
                "case": case.pk,
                "computed_level": computed,
                "proposed_level": case.proposed_level,
            },
        )
    return case


def conflict_declare(*, user, case: Case, reason: str = "") -> ConflictDeclaration:
    """A member (or the chair) of the session declares a conflict of interest on a case: they do not vote on it."""
    _require(user, "committee_case.declare_conflict", case)
    reason = _text(reason, "reason")
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("session", "assessment__cluster")
            .get(pk=case.pk)
        )
        _require_open(locked.session)
        if locked.outcome:
            raise InvalidTransition(_("This case is already decided."))
        if locked.conflicts.filter(member=user).exists():
            raise InvalidTransition(_("You have already declared a conflict of interest on this case."))
        declaration = ConflictDeclaration.objects.create(case=locked, member=user, reason=reason)
        _bump(locked)
        audit_log(
            actor=user,
            action="committee.conflict_declared",
            assessment=locked.assessment,
            target=user.get_full_name() or user.username,
            after={"case": locked.pk, "reason": reason},
        )
    return declaration


# --- the decision ------------------------------------------------------------------------------------------------


def case_decide(
    *,
    user,
    case: Case,
    outcome: str,
    expected_version,
    conditions: str = "",
    review_on: datetime.date | None = None,
    reason: str = "",
) -> Case:
    """The chair records the committee's decision on a case (once), with the members present who may vote on it
    (at least one: those who declared a conflict of interest on the case do not vote; the chair cannot decide a case
    on which they declared one):

    - ``granted``: labelling's decision issues the label at the proposed level, as a direct decision does;
    - ``conditional``: the same, with the conditions and their review date kept on the case; the label is valid,
      with conditions until that date (``Label.conditions_until``: what its verification page says);
    - ``refused``: the assessment is decided without a label, with the reason;
    - ``deferred``: nothing happens to the assessment; it may go on a later session's agenda.
    """
    _require(user, "committee_case.decide", case)
    conditions = _text(conditions, "conditions")
    reason = _text(reason, "reason")
    errors: dict[str, list] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose an outcome from the list.")]
    elif outcome == Outcome.CONDITIONAL:
        if not conditions:
            errors["conditions"] = [_("Write the conditions of the label.")]
        if review_on is None:
            errors["review_on"] = [_("Give the date on which the conditions are reviewed.")]
        elif error := conditions_until_error(conditions_until=review_on, awarded_on=timezone.localdate()):
            errors["review_on"] = [error]
    elif outcome == Outcome.REFUSED and not reason:
        errors["reason"] = [_("Give the reason for the refusal.")]
    if errors:
        raise InvalidFields(errors)
    if outcome != Outcome.CONDITIONAL:
        conditions, review_on = "", None
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("session", "assessment__cluster")
            .filter(pk=case.pk)
            .first()
        )
        version_check(locked, expected_version)
        _require_open(locked.session)
        if locked.outcome:
            raise InvalidTransition(_("This case is already decided."))
        conflicted = set(locked.conflicts.values_list("member_id", flat=True))
        if user.pk in conflicted:
            raise InvalidTransition(
                _("You declared a conflict of interest on this case: you cannot record its decision.")
            )
        # Who votes: the members present, without those who declared a conflict of interest on the case.
        voters = [m for m in locked.session.present.order_by("pk") if m.pk not in conflicted]
        if not voters:
            raise InvalidTransition(
                _(
                    "No member present may vote on this case: record the members present first (a member who "
                    "declared a conflict of interest on it does not vote)."
                )
            )
        # The managers are not e-mailed now: they get the committee's outcome, once, when the session closes.
        if outcome in LABEL_OUTCOMES:
            # a conditional label is valid, with conditions until the review date (labelling keeps the date)
            assessment_decide(
                user=user,
                assessment=locked.assessment,
                level=locked.proposed_level,
                reason=reason,
                conditions_until=review_on,
                tell_managers=False,
            )
        elif outcome == Outcome.REFUSED:
            assessment_decide(
                user=user, assessment=locked.assessment, level=Level.NONE, reason=reason, tell_managers=False
            )
        locked.outcome = outcome
        locked.conditions = conditions
        locked.review_on = review_on
        locked.reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = user
        _bump(locked, "outcome", "conditions", "review_on", "reason", "decided_at", "decided_by")
        locked.voters.set(voters)
        audit_log(
            actor=user,
            action="committee.case_decided",
            assessment=locked.assessment,
            target=outcome,
            before={"outcome": ""},
            after={
                "case": locked.pk,
                "session": locked.session_id,
                "outcome": outcome,
                "level": locked.proposed_level if outcome in LABEL_OUTCOMES else Level.NONE,
                "review_on": review_on.isoformat() if review_on else None,
                "reason": reason,
                "voters": [m.username for m in voters],
            },
        )
    return locked


# --- a conditional label's follow-up -----------------------------------------------------------------------------


def _conditional_label(case: Case) -> Label:
    """The active label a conditional case issued, while its conditions are pending; else ``InvalidTransition``."""
    if case.outcome != Outcome.CONDITIONAL:
        raise InvalidTransition(_("Only a label granted with conditions has conditions to follow up."))
    if case.follow_up:
        raise InvalidTransition(_("The conditions of this label have already been followed up."))
    label = Label.objects.select_related("cluster").filter(assessment_id=case.assessment_id).first()
    if label is None or label.status != LabelStatus.ACTIVE or label.conditions_until is None:
        raise InvalidTransition(_("This label no longer holds: its conditions can no longer be followed up."))
    return label


def _locked_case(case: Case, expected_version) -> Case:
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("session", "assessment__cluster")
        .filter(pk=case.pk)
        .first()
    )
    version_check(locked, expected_version)
    return locked


def _followed_up(locked: Case, user, follow_up: str) -> None:
    locked.follow_up = follow_up
    locked.followed_up_at = timezone.now()
    locked.followed_up_by = user
    _bump(locked, "follow_up", "followed_up_at", "followed_up_by")


def conditions_met(*, user, case: Case, expected_version) -> Case:
    """An administrator records that a conditional label's conditions are met: the label becomes plain (labelling's
    ``label_conditions_met``, audited) and the cluster's managers are told, in their language."""
    _require(user, "committee_case.follow_up", case)
    with transaction.atomic():
        locked = _locked_case(case, expected_version)
        label = label_conditions_met(user=user, label=_conditional_label(locked))
        _followed_up(locked, user, FollowUp.MET)
        notify(
            users=list(locked.assessment.cluster.managers.filter(is_active=True)),
            subject=gettext_lazy("Grappe: the conditions of the label %(of_cluster)s are met"),
            template="committee/email/conditions_met.txt",
            context={"label": label, "cluster": locked.assessment.cluster.name, "assessment": locked.assessment},
        )
    return locked


def conditional_revoke(*, user, case: Case, reason: str, expected_version) -> Case:
    """An administrator revokes a conditional label whose conditions are not met, with the reason: labelling's own
    revocation (audited, the managers e-mailed in their language); the case records the follow-up."""
    _require(user, "committee_case.follow_up", case)
    reason = _text(reason, "reason")
    if not reason:
        raise InvalidFields({"reason": [_("Give the reason for the revocation.")]})
    with transaction.atomic():
        locked = _locked_case(case, expected_version)
        label_revoke(user=user, label=_conditional_label(locked), reason=reason)
        _followed_up(locked, user, FollowUp.REVOKED)
    return locked


def conditions_remind(*, today: datetime.date | None = None) -> dict:
    """Celery beat: on (or after) a conditional label's review date, remind the administrators and the cluster's
    managers once, each in their language, while its conditions are pending and the label holds."""
    today = today or timezone.localdate()
    due = Case.objects.filter(
        outcome=Outcome.CONDITIONAL,
        follow_up="",
        reminded_on__isnull=True,
        review_on__lte=today,
        assessment__label__status=LabelStatus.ACTIVE,
        assessment__label__conditions_until__isnull=False,
    ).values_list("pk", flat=True)
    reminded = []
    for pk in due:
        with transaction.atomic():
            locked = (
                Case.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("session", "assessment__cluster")
                .filter(pk=pk, reminded_on__isnull=True, follow_up="")
                .first()
            )
            if locked is None:
                continue  # another beat run has it, or it was followed up meanwhile
            locked.reminded_on = today
            locked.save(update_fields=["reminded_on", "updated_at"])
            label, cluster = locked.assessment.label, locked.assessment.cluster
            context = {"case": locked, "label": label, "cluster": cluster.name, "assessment": locked.assessment}
            notify(
                users=list(administrators()),
                subject=gettext_lazy("Grappe: the conditions of the label %(of_cluster)s are due for review"),
                template="committee/email/conditions_due_administrators.txt",
                context=context,
            )
            notify(
                users=list(cluster.managers.filter(is_active=True)),
                subject=gettext_lazy("Grappe: the conditions of the label %(of_cluster)s are due for review"),
                template="committee/email/conditions_due_managers.txt",
                context=context,
            )
            reminded.append(label.certificate_number)
    return {"reminded": reminded}


# --- the minutes ---------------------------------------------------------------------------------------------------


def _render_minutes_later(minutes_id: int) -> None:
    """Queue the rendering once the transaction commits (``committee.render_minutes`` is a
    ``core.broker.TransactionAwareTask``); a message lost with the broker is sent again by ``minutes_sweep``."""
    task_named("committee.render_minutes").apply_async(args=[minutes_id], kwargs={})


def minutes_html(*, minutes: Minutes) -> str:
    with translation.override(minutes.language):
        context = {**minutes_context(minutes_facts(minutes=minutes)), "language": minutes.language}
        return render_to_string("committee/minutes.html", context)


def minutes_render(*, minutes_id: int) -> Minutes | None:
    """Produce a session's minutes: the HTML (reads), WeasyPrint's PDF/A and the labelling body's PAdES signature
    (labelling's own, as the reports), the file in the private storage, the row ready. Safe to run twice: ready
    minutes are left alone."""
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(pk=minutes_id).first()
        if minutes is None or minutes.status == MinutesStatus.READY:
            return minutes
        minutes.attempts += 1
        minutes.save(update_fields=["attempts", "updated_at"])
    html = minutes_html(minutes=minutes)
    with translation.override(minutes.language):
        reason = _("Minutes of the awarding committee of %(date)s") % {"date": long_date(minutes.session.held_on)}
    pdf = sign_pdf(html_to_pdf(html), reason=reason, location=settings.SITE_URL)
    field = minutes.file.field
    stored = field.storage.save(
        field.generate_filename(minutes, f"{uuid.uuid4().hex}.pdf"), ContentFile(pdf), max_length=field.max_length
    )
    with transaction.atomic():
        current = Minutes.objects.select_for_update().get(pk=minutes_id)
        if current.status == MinutesStatus.READY:  # another delivery finished first
            transaction.on_commit(lambda: field.storage.delete(stored))
            return current
        current.file.name = stored
        current.status = MinutesStatus.READY
        current.error = ""
        current.finished_at = timezone.now()
        current.save(update_fields=["file", "status", "error", "finished_at", "updated_at"])
    return current


def minutes_record_error(*, minutes_id: int, error: str, final: bool) -> None:
    """Keep the error for the administrators; a final failure marks the minutes failed (the sweeper retries them
    while they have had fewer than ``REPORT_MAX_ATTEMPTS`` tries)."""
    fields = {"error": error[:2000], "updated_at": timezone.now()}
    if final:
        fields.update(status=MinutesStatus.FAILED, finished_at=timezone.now())
    Minutes.objects.filter(pk=minutes_id).exclude(status=MinutesStatus.READY).update(**fields)


def minutes_sweep() -> dict:
    """Celery beat: minutes left pending (a broker outage lost their message, a worker died) or failed with tries
    left, untouched for ``REPORT_STALE_SECONDS``, are queued again; past ``REPORT_MAX_ATTEMPTS`` they stay failed."""
    stale_before = timezone.now() - datetime.timedelta(seconds=settings.REPORT_STALE_SECONDS)
    stale = Minutes.objects.filter(
        status__in=(MinutesStatus.PENDING, MinutesStatus.FAILED),
        updated_at__lt=stale_before,
        attempts__lt=settings.REPORT_MAX_ATTEMPTS,
    ).values_list("pk", flat=True)
    requeued = []
    for pk in stale:
        with transaction.atomic():
            if Minutes.objects.filter(pk=pk, updated_at__lt=stale_before).update(
                status=MinutesStatus.PENDING, updated_at=timezone.now()
            ):
                _render_minutes_later(pk)
                requeued.append(pk)
    return {"requeued": requeued}
