"""The review and decision workflow: assign, declare no conflict, review answers, request changes,
validate, score and decide.

Every service locks the assessment row (``select_for_update``) inside ``transaction.atomic`` so that two
people acting at the same moment see each other's result, and writes the audit trail with before/after.
Refusals are domain errors: ``NotFound`` when the user may not touch the assessment at all (the API and
pages answer 404), ``InvalidTransition`` when the step does not fit the current status (409), and
``DomainError`` with field errors for bad input (400).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can
from accounts.selectors import administrators, assessors_offered_for
from audit.services import audit_log
from core.exceptions import DomainError, InvalidTransition, NotFound
from core.locking import version_check
from labelling.answer_values import answer_declared, answer_needs_review, answer_validated, json_value
from labelling.models import (
    LABEL_LEVELS,
    TEXT_MAX_LENGTH,
    Answer,
    Assessment,
    Decision,
    Label,
    Level,
    Review,
    current_label_of,
)
from labelling.selectors import assessment_score, countersignature_state, review_for
from labelling.services.answers import value_parse
from labelling.services.labels import label_award
from labelling.services.notifications import notify
from labelling.services.steps import require_step

# --- the frame of every step ---------------------------------------------------------------------------


def _lock(assessment: Assessment) -> Assessment:
    """The assessment row, locked until the end of the transaction, with its cluster."""
    return (
        Assessment.objects.select_for_update(of=("self",)).select_related("cluster", "framework").get(pk=assessment.pk)
    )


def _require(user, capability: str, assessment: Assessment) -> None:
    """``NotFound`` (404) unless the user holds ``capability`` on the assessment."""
    if not can(user, capability, assessment):
        raise NotFound()


@contextmanager
def _step(
    user, assessment: Assessment, capability: str, step: str | Callable[[Assessment], str], *, message=None
) -> Iterator[tuple[Assessment, str]]:
    """The frame of a step, in one transaction: the assessment row locked, the ``capability`` checked again on it
    (``NotFound``), the ``step`` (or the one ``step(locked)`` names) checked against ``TRANSITIONS``
    (``InvalidTransition``). Yields ``(locked, the status the step leads to)``; the service writes, then
    ``_record`` s what it did."""
    with transaction.atomic():
        locked = _lock(assessment)
        _require(user, capability, locked)
        yield locked, require_step(locked, step(locked) if callable(step) else step, message=message)


@dataclass
class Notice:
    """An e-mail that a step sends (after the commit, through the outbox), with the assessment and cluster in its
    context."""

    users: Iterable
    subject: object  # a lazy translatable string
    template: str
    context: dict = field(default_factory=dict)


def _record(user, locked: Assessment, action: str, *, before, after, target: str = "", notice: Notice | None = None):
    """The end of a step: one event of the audit trail, and the e-mail it sends."""
    audit_log(actor=user, action=action, assessment=locked, target=target, before=before, after=after)
    if notice is not None:
        notify(
            users=list(notice.users),
            subject=notice.subject,
            template=notice.template,
            context={"assessment": locked, "cluster": locked.cluster.name, **notice.context},
        )


def _managers(assessment: Assessment):
    return list(assessment.cluster.managers.filter(is_active=True))


def _require_no_conflict_declared(assessment: Assessment, user) -> Review:
    review = review_for(assessment=assessment, assessor=user)
    if review is None or review.no_conflict_declared_at is None:
        raise InvalidTransition(_("Declare that you have no conflict of interest before reviewing this assessment."))
    return review


# --- assignment and conflict of interest ------------------------------------------------------------


def _require_offered(assessment: Assessment, assessor) -> None:
    """An assessor who declared a conflict of interest with the cluster is never assigned to it again."""
    if not assessors_offered_for(assessment.cluster).filter(pk=assessor.pk).exists():
        raise DomainError(
            _("Choose an assessor."),
            errors={"assessor": [_("This assessor declared a conflict of interest with this cluster.")]},
        )


def _require_two_countries(locked: Assessment, assessor, other) -> None:
    """Gold is assessed by two experts, not both of the cluster's country (ESCA's practice): assigning the second
    one of the same country as the cluster when the first one is too is refused, with the reason."""
    if locked.applied_level != Level.GOLD or other is None:
        return
    country = (locked.cluster.country or "").upper()
    if country and (assessor.country or "").upper() == country and (other.country or "").upper() == country:
        raise DomainError(
            _("Choose an assessor."),
            errors={
                "assessor": [
                    _(
                        "A Gold assessment needs one expert from another country than the cluster's (%(country)s): "
                        "both assessors would be from %(country)s."
                    )
                    % {"country": country}
                ]
            },
        )


def assessment_assign(*, user, assessment: Assessment, assessor) -> Assessment:
    """An administrator gives a submitted assessment to an assessor: submitted → in review.

    Re-assigning an assessment already in review to someone else is allowed; the new assessor then
    declares no conflict of interest before reviewing.
    """
    _require(user, "assessment.assign", assessment)
    if not can(assessor, "review.take"):
        raise DomainError(_("Choose an assessor."), errors={"assessor": [_("This user is not an assessor.")]})
    _require_offered(assessment, assessor)
    if assessment.second_assessor_id == assessor.pk:
        raise DomainError(
            _("Choose an assessor."),
            errors={"assessor": [_("This assessor is already the second assessor of this assessment.")]},
        )
    message = _("Only a submitted assessment or one in review can be assigned.")
    with _step(user, assessment, "assessment.assign", "assign", message=message) as (locked, target):
        before = {"status": locked.status, "assessor": locked.assessor.username if locked.assessor else None}
        if locked.status == target and locked.assessor_id == assessor.pk:
            return locked  # already theirs
        _require_two_countries(locked, assessor, locked.second_assessor)
        locked.assessor = assessor
        locked.status = target
        locked.version += 1
        locked.save(update_fields=["assessor", "status", "version", "updated_at"])
        _record(
            user,
            locked,
            "assessment.assigned",
            target=assessor.username,
            before=before,
            after={"status": locked.status, "assessor": assessor.username},
            notice=Notice(
                [assessor],
                gettext_lazy("Grappe: the assessment %(of_cluster)s is assigned to you"),
                "labelling/email/assigned.txt",
            ),
        )
    return locked


def _declaring(user, *, conflict: bool) -> Callable[[Assessment], str]:
    """The step of a declaration on the locked assessment: the first assessor declares while the assessment is in
    review, the second one until the decision."""

    def step(locked: Assessment) -> str:
        first = can(user, "assessment.assessor", locked)
        if conflict:
            return "declare_conflict" if first else "second_declare_conflict"
        return "declare_no_conflict" if first else "second_declare_no_conflict"

    return step


def review_declare_no_conflict(*, user, assessment: Assessment) -> Review:
    """The assigned assessor (or the second assessor) declares no conflict of interest; required before any
    review action (or countersignature)."""
    _require(user, "assessment.declare_conflict", assessment)
    with _step(user, assessment, "assessment.declare_conflict", _declaring(user, conflict=False)) as (locked, _target):
        review, _created = Review.objects.get_or_create(assessment=locked, assessor=user)
        if review.no_conflict_declared_at is not None:
            return review
        review.no_conflict_declared_at = timezone.now()
        review.conflict_declared = False
        review.save(update_fields=["no_conflict_declared_at", "conflict_declared", "updated_at"])
        _record(
            user,
            locked,
            "review.no_conflict_declared",
            target=user.username,
            before={"no_conflict_declared": False},
            after={"no_conflict_declared": True},
        )
    return review


def review_declare_conflict(*, user, assessment: Assessment, reason: str) -> Assessment:
    """The assigned assessor declares a conflict of interest with a reason.

    The first assessor is unassigned and the assessment returns to *submitted* (the answers they reviewed
    lose that review: a new assessor starts afresh); a second assessor is only unassigned. Either way the
    assessor loses access at once, is no longer offered for this cluster's assessments, the administrators
    are e-mailed and the declaration is audited.
    """
    _require(user, "assessment.declare_conflict", assessment)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Say what the conflict of interest is."), errors={"reason": [_("Say what the conflict of interest is.")]}
        )
    if len(reason) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("Say what the conflict of interest is."),
            errors={"reason": [_("Keep this under %(max)d characters.") % {"max": TEXT_MAX_LENGTH}]},
        )
    with _step(user, assessment, "assessment.declare_conflict", _declaring(user, conflict=True)) as (locked, target):
        first = can(user, "assessment.assessor", locked)
        review, _created = Review.objects.get_or_create(assessment=locked, assessor=user)
        review.conflict_declared = True
        review.conflict_details = reason
        review.conflict_declared_at = timezone.now()
        review.no_conflict_declared_at = None
        review.save(
            update_fields=[
                "conflict_declared",
                "conflict_details",
                "conflict_declared_at",
                "no_conflict_declared_at",
                "updated_at",
            ]
        )
        before = {"status": locked.status, "assessor": user.username, "role": "first" if first else "second"}
        if first:
            locked.assessor = None
            locked.status = target
            reviewed = list(locked.answers.filter(reviewed=True).values_list("pk", flat=True))
            locked.answers.filter(pk__in=reviewed).update(
                reviewed=False,
                validated_number=None,
                validated_option="",
                justification="",
                assessor_comment="",
                version=models.F("version") + 1,
                updated_at=timezone.now(),
            )
            fields = ["assessor", "status"]
        else:
            locked.second_assessor = None
            fields = ["second_assessor"]
        locked.version += 1
        locked.save(update_fields=[*fields, "version", "updated_at"])
        _record(
            user,
            locked,
            "review.conflict_declared",
            target=user.username,
            before=before,
            after={"status": locked.status, "assessor": None, "reason": reason},
            notice=Notice(
                administrators(),
                gettext_lazy("Grappe: conflict of interest declared on the assessment %(of_cluster)s"),
                "labelling/email/conflict_declared.txt",
                {"assessor": user.get_full_name() or user.username, "reason": reason, "second": not first},
            ),
        )
    return locked


def assessment_assign_second(*, user, assessment: Assessment, assessor) -> Assessment:
    """An administrator gives the assessment a second assessor, who countersigns the review (Gold)."""
    _require(user, "assessment.assign", assessment)
    if assessor is None or not can(assessor, "review.take"):
        raise DomainError(_("Choose an assessor."), errors={"assessor": [_("This user is not an assessor.")]})
    _require_offered(assessment, assessor)
    message = _("A second assessor can be assigned once the assessment is submitted and until the decision.")
    with _step(user, assessment, "assessment.assign", "assign_second", message=message) as (locked, _target):
        if locked.assessor_id == assessor.pk:
            raise DomainError(
                _("Choose an assessor."),
                errors={"assessor": [_("The second assessor must be another person than the first one.")]},
            )
        if locked.second_assessor_id == assessor.pk:
            return locked
        _require_two_countries(locked, assessor, locked.assessor)
        before = {"second_assessor": locked.second_assessor.username if locked.second_assessor else None}
        locked.second_assessor = assessor
        locked.version += 1
        locked.save(update_fields=["second_assessor", "version", "updated_at"])
        _record(
            user,
            locked,
            "assessment.second_assigned",
            target=assessor.username,
            before=before,
            after={"second_assessor": assessor.username},
            notice=Notice(
                [assessor],
                gettext_lazy("Grappe: countersign the review %(of_cluster)s"),
                "labelling/email/second_assigned.txt",
            ),
        )
    return locked


@contextmanager
def _countersigning(user, assessment: Assessment) -> Iterator[tuple]:
    """The frame of the second assessor's answer on a validated review: yields ``(locked, their review)``."""
    message = _("The review can be countersigned once it is validated.")
    with _step(user, assessment, "assessment.countersign", "countersign", message=message) as (locked, _target):
        review = review_for(assessment=locked, assessor=user)
        if review is None or review.no_conflict_declared_at is None:
            raise InvalidTransition(_("Declare that you have no conflict of interest before countersigning."))
        yield locked, review


def review_countersign(*, user, assessment: Assessment) -> Review:
    """The second assessor countersigns the validated review (required before a Gold decision)."""
    _require(user, "assessment.countersign", assessment)
    with _countersigning(user, assessment) as (locked, review):
        before = {"countersigned": review.countersigned_at is not None, "disagreement": review.disagreement}
        review.countersigned_at = timezone.now()
        review.disagreed_at = None
        review.disagreement = ""
        review.save(update_fields=["countersigned_at", "disagreed_at", "disagreement", "updated_at"])
        _record(
            user, locked, "review.countersigned", target=user.username, before=before, after={"countersigned": True}
        )
    return review


def review_disagree(*, user, assessment: Assessment, reason: str) -> Review:
    """The second assessor records a disagreement with the review, with a reason (a Gold decision stays
    refused; the administrators see the reason)."""
    _require(user, "assessment.countersign", assessment)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Give the reason for your disagreement."),
            errors={"reason": [_("Give the reason for your disagreement.")]},
        )
    if len(reason) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("Give the reason for your disagreement."),
            errors={"reason": [_("Keep this under %(max)d characters.") % {"max": TEXT_MAX_LENGTH}]},
        )
    with _countersigning(user, assessment) as (locked, review):
        before = {"countersigned": review.countersigned_at is not None, "disagreement": review.disagreement}
        review.countersigned_at = None
        review.disagreed_at = timezone.now()
        review.disagreement = reason
        review.save(update_fields=["countersigned_at", "disagreed_at", "disagreement", "updated_at"])
        _record(
            user,
            locked,
            "review.disagreed",
            target=user.username,
            before=before,
            after={"countersigned": False, "disagreement": reason},
            notice=Notice(
                administrators(),
                gettext_lazy("Grappe: the second assessor disagrees with the review of %(cluster)s"),
                "labelling/email/disagreed.txt",
                {"assessor": user.get_full_name() or user.username, "reason": reason},
            ),
        )
    return review


# --- review -----------------------------------------------------------------------------------------


def _review_state(answer: Answer) -> dict:
    """An answer's review as the audit trail records it (before and after)."""
    return {
        "reviewed": answer.reviewed,
        "validated": json_value(answer_validated(answer)),
        "justification": answer.justification,
        "assessor_comment": answer.assessor_comment,
    }


def _reviewed_state(answer: Answer) -> dict:
    return {
        "reviewed": True,
        "declared": json_value(answer_declared(answer)),
        "validated": json_value(answer_validated(answer)),
        "justification": answer.justification,
        "assessor_comment": answer.assessor_comment,
    }


REVIEW_FIELDS = ["validated_number", "validated_option", "justification", "reviewed", "version", "updated_at"]


def answer_review(
    *,
    user,
    answer: Answer,
    accept: bool,
    value=None,
    justification: str = "",
    comment: str = "",
    expected_version: int,
) -> Answer:
    """The assessor accepts the declared value (validated = declared) or enters a corrected one.

    A correction is checked against the indicator's type and range and needs a justification. The
    declared fields are never touched.
    """
    assessment = answer.assessment
    _require(user, "assessment.assessor", assessment)
    justification = (justification or "").strip()
    comment = (comment or "").strip()
    errors: dict[str, list[str]] = {}
    parsed = None
    if not accept:
        if value is None or (isinstance(value, str) and not value.strip()):
            errors["value"] = [_("Enter the corrected value.")]
        else:
            try:
                parsed = value_parse(indicator=answer.indicator, raw=value)
            except DomainError as exc:
                errors.update(exc.errors or {"value": [str(exc.message)]})
        if not justification:
            errors["justification"] = [_("Explain why the declared value is corrected.")]
    for name, text in (("justification", justification), ("comment", comment)):
        if len(text) > TEXT_MAX_LENGTH:
            errors[name] = [_("Keep this under %(max)d characters.") % {"max": TEXT_MAX_LENGTH}]
    if errors:
        raise DomainError(_("The review of this answer was not saved."), errors=errors)

    with _step(user, assessment, "assessment.assessor", "review_answer") as (locked_assessment, _target):
        _require_no_conflict_declared(locked_assessment, user)
        locked = Answer.objects.select_for_update().select_related("indicator").get(pk=answer.pk)
        locked.assessment = locked_assessment  # read once (its assessors' cached figures are renewed on save)
        version_check(locked, expected_version)
        if accept and locked.declared is None:
            raise DomainError(
                _("The review of this answer was not saved."),
                errors={"value": [_("Nothing was declared: enter the validated value with a justification.")]},
            )
        before = _review_state(locked)
        if accept:
            locked.validated_number = locked.declared_number
            locked.validated_option = locked.declared_option
            locked.justification = ""
        elif locked.indicator.value_type == "level":
            locked.validated_option = parsed
            locked.validated_number = None
        else:
            locked.validated_number = Decimal(parsed)
            locked.validated_option = ""
        if not accept:
            locked.justification = justification
        locked.assessor_comment = comment
        locked.reviewed = True
        locked.version += 1
        locked.save(update_fields=[*REVIEW_FIELDS, "assessor_comment"])
        _record(
            user,
            locked_assessment,
            "answer.accepted" if accept else "answer.corrected",
            target=locked.indicator.code,
            before=before,
            after=_reviewed_state(locked),
        )
    return locked


def assessment_request_changes(
    *, user, assessment: Assessment, comment: str = "", requests: dict[str, str] | None = None
) -> Assessment:
    """The assessor sends the assessment back to the manager: in review → changes requested.

    ``comment`` is the general request; ``requests`` maps indicator codes to a request on that indicator
    (shown to the manager beside the answer). At least one of them is needed. The answers' "changed since
    the request" marks start afresh: what the manager changes from now on is reviewed again after the
    resubmission.
    """
    _require(user, "assessment.assessor", assessment)
    comment = (comment or "").strip()
    requests = {str(code).strip(): (text or "").strip() for code, text in (requests or {}).items()}
    requests = {code: text for code, text in requests.items() if text}
    errors: dict[str, list[str]] = {}
    if not comment and not requests:
        errors["comment"] = [_("Say what the manager should change, in general or on named indicators.")]
    if len(comment) > TEXT_MAX_LENGTH:
        errors["comment"] = [_("Keep this under %(max)d characters.") % {"max": TEXT_MAX_LENGTH}]
    codes = set(assessment.answers.values_list("indicator__code", flat=True))
    unknown = sorted(code for code in requests if code not in codes)
    if unknown:
        errors["requests"] = [_("Unknown indicator: %(codes)s.") % {"codes": ", ".join(unknown)}]
    too_long = sorted(code for code, text in requests.items() if len(text) > TEXT_MAX_LENGTH)
    if too_long:
        errors.setdefault("requests", []).append(
            _("Keep each request under %(max)d characters (%(codes)s).")
            % {"max": TEXT_MAX_LENGTH, "codes": ", ".join(too_long)}
        )
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    with _step(user, assessment, "assessment.assessor", "request_changes") as (locked, target):
        review = _require_no_conflict_declared(locked, user)
        before = {"status": locked.status}
        locked.status = target
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        review.comment = comment
        review.save(update_fields=["comment", "updated_at"])
        answers = list(locked.answers.select_related("indicator"))
        for answer in answers:
            answer.change_request = requests.get(answer.indicator.code, "")
            answer.changed_since_request = False
        Answer.objects.bulk_update(answers, ["change_request", "changed_since_request"])
        by_position = {a.indicator.code: a.indicator for a in answers}
        _record(
            user,
            locked,
            "assessment.changes_requested",
            before=before,
            after={"status": locked.status, "comment": comment, "requests": requests},
            notice=Notice(
                _managers(locked),
                gettext_lazy("Grappe: changes requested on the assessment %(of_cluster)s"),
                "labelling/email/changes_requested.txt",
                {
                    "comment": comment,
                    "requests": [
                        {"code": code, "text": text}
                        for code, text in sorted(requests.items(), key=lambda item: by_position[item[0]].position)
                    ],
                },
            ),
        )
    return locked


def answers_accept_remaining(*, user, assessment: Assessment, category_code: str) -> list[str]:
    """Accept, in one action, every answer of a category that still needs a review and has a declared value.

    Each acceptance is a separate ``answer.accepted`` event of the audit trail. Returns the codes accepted;
    ``InvalidTransition`` when nothing is left to accept.
    """
    _require(user, "assessment.assessor", assessment)
    if not assessment.framework.categories.filter(code=category_code).exists():
        raise DomainError(_("Unknown category."), errors={"category": [_("Unknown category.")]})
    accepted = []
    with _step(user, assessment, "assessment.assessor", "review_answer") as (locked_assessment, _target):
        _require_no_conflict_declared(locked_assessment, user)
        answers = (
            Answer.objects.select_for_update(of=("self",))
            .select_related("indicator")
            .filter(assessment=locked_assessment, indicator__category__code=category_code)
            .order_by("indicator__position")
        )
        for answer in answers:
            if not answer_needs_review(answer) or answer.declared is None:
                continue
            answer.assessment = locked_assessment  # read once (its assessors' cached figures are renewed on save)
            before = _review_state(answer)
            answer.validated_number = answer.declared_number
            answer.validated_option = answer.declared_option
            answer.justification = ""
            answer.reviewed = True
            answer.version += 1
            answer.save(update_fields=REVIEW_FIELDS)
            _record(
                user,
                locked_assessment,
                "answer.accepted",
                target=answer.indicator.code,
                before=before,
                after={**_reviewed_state(answer), "bulk": True},
            )
            accepted.append(answer.indicator.code)
        if not accepted:
            raise InvalidTransition(_("Nothing is left to accept in this category."))
    return accepted


def assessment_validate(*, user, assessment: Assessment, recommended_level: str = "") -> Assessment:
    """The assessor validates the reviewed answers: in review → validated (validated_on = today)."""
    _require(user, "assessment.assessor", assessment)
    recommended_level = (recommended_level or "").strip()
    if recommended_level and recommended_level not in Level.values:
        raise DomainError(
            _("Choose a level from the list."), errors={"recommended_level": [_("Choose a level from the list.")]}
        )
    with _step(user, assessment, "assessment.assessor", "validate") as (locked, target):
        _require_no_conflict_declared(locked, user)
        missing = [
            a.indicator.code
            for a in locked.answers.select_related("indicator").order_by("indicator__position")
            if answer_needs_review(a)
        ]
        if missing:
            raise DomainError(
                _("Review every answer before validating. Not reviewed yet: %(codes)s.")
                % {"codes": ", ".join(missing)},
                errors={"answers": missing},
            )
        before = {"status": locked.status, "validated_on": None}
        locked.status = target
        locked.validated_on = timezone.localdate()
        locked.recommended_level = recommended_level
        locked.version += 1
        locked.save(update_fields=["status", "validated_on", "recommended_level", "version", "updated_at"])
        _record(
            user,
            locked,
            "assessment.validated",
            before=before,
            after={
                "status": locked.status,
                "validated_on": locked.validated_on.isoformat(),
                "recommended_level": recommended_level,
            },
        )
    return locked


# --- decision ---------------------------------------------------------------------------------------


class CountersignatureRequired(InvalidTransition):
    default_message = gettext_lazy(
        "A Gold label needs the second assessor's countersignature of the review before the decision."
    )


def _require_countersignature(locked: Assessment) -> None:
    state = countersignature_state(assessment=locked)
    if state["gold_allowed"]:
        return
    if state["second_assessor"] is None:
        message = _(
            "A Gold label is assessed by two experts: assign a second assessor, who countersigns the review, "
            "before deciding Gold."
        )
    elif state["disagreement"]:
        message = _(
            "The second assessor disagrees with the review: Gold cannot be decided. Their reason: %(reason)s"
        ) % {"reason": state["disagreement"]}
    else:
        message = _("A Gold label needs the second assessor's countersignature: it has not been given yet.")
    raise CountersignatureRequired(message, errors={"level": [message]})


def assessment_decide(
    *,
    user,
    assessment: Assessment,
    level: str | None = None,
    reason: str = "",
    conditions_until=None,
    tell_managers: bool = True,
) -> Decision:
    """An administrator decides on a validated assessment: validated → decided, and a label is issued
    when the level is not "none". ``level`` defaults to the computed one; a different level needs a reason.
    ``conditions_until``: the label is granted with conditions until that review date (the awarding committee).
    ``tell_managers``: the managers are e-mailed the decision; the awarding committee passes False, as it e-mails
    each case's outcome itself when its session closes (one e-mail per outcome).
    """
    _require(user, "assessment.decide", assessment)
    reason = (reason or "").strip()
    level = (level or "").strip() or None
    if level is not None and level not in Level.values:
        raise DomainError(_("Choose a level from the list."), errors={"level": [_("Choose a level from the list.")]})
    message = _("Only a validated assessment can be decided.")
    with _step(user, assessment, "assessment.decide", "decide", message=message) as (locked, target):
        result = assessment_score(assessment=locked)
        computed = result.level
        decided = level or computed
        if decided != computed and not reason:
            raise DomainError(
                _("Give the reason for deciding another level than the computed one."),
                errors={"reason": [_("Give the reason for deciding another level than the computed one.")]},
            )
        if decided == Level.GOLD:
            _require_countersignature(locked)
        today = timezone.localdate()
        decision = Decision.objects.create(
            assessment=locked,
            decided_by=user,
            decided_on=today,
            computed_level=computed,
            level=decided,
            reason=reason,
            scores=result.to_dict(),
        )
        before = {"status": locked.status}
        locked.status = target
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        audit_log(
            actor=user,
            action="assessment.decided",
            assessment=locked,
            target=decided,
            before=before,
            after={
                "status": locked.status,
                "computed_level": computed,
                "level": decided,
                "reason": reason,
                "score": str(result.score),
                "points": str(result.points),
            },
        )
        label = None
        if decided != Level.NONE:
            label = label_award(
                user=user, assessment=locked, level=decided, awarded_on=today, conditions_until=conditions_until
            )
        if tell_managers:
            notify(
                users=_managers(locked),
                subject=gettext_lazy("Grappe: decision on the assessment %(of_cluster)s"),
                template="labelling/email/decided.txt",
                context={"assessment": locked, "cluster": locked.cluster.name, "decision": decision, "label": label},
            )
    return decision


def decision_revise(*, user, assessment: Assessment, level: str, reason: str) -> Label:
    """A decided assessment's decision revised on appeal (the ``appeals`` app calls it inside its transaction): the
    decision takes the higher ``level`` with the appeal's ``reason``, and the label is issued by ``label_award``, as
    every label is (its number, its validity; the cluster's active label, the lower one, is superseded). A Gold label
    still needs the second assessor's countersignature."""
    _require(user, "assessment.decide", assessment)
    reason = (reason or "").strip()
    if level not in LABEL_LEVELS:
        raise DomainError(_("Choose a level from the list."), errors={"level": [_("Choose a level from the list.")]})
    if not reason:
        raise DomainError(_("Give the reason."), errors={"reason": [_("Give the reason.")]})
    message = _("Only a decided assessment's decision can be revised.")
    with _step(user, assessment, "assessment.decide", "revise", message=message) as (locked, _target):
        decision = Decision.objects.select_for_update().filter(assessment=locked).first()
        if decision is None:
            raise InvalidTransition(message)
        current = current_label_of(locked)
        held = current.level if current is not None else decision.level
        if held in LABEL_LEVELS and LABEL_LEVELS.index(level) <= LABEL_LEVELS.index(held):
            refusal = _("A revised decision raises the level: choose a level above %(level)s.") % {
                "level": Level(held).label
            }
            raise DomainError(refusal, errors={"level": [refusal]})
        if level == Level.GOLD:
            _require_countersignature(locked)
        before = {"level": decision.level, "reason": decision.reason}
        decision.level = level
        decision.reason = reason
        decision.save(update_fields=["level", "reason", "updated_at"])
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        audit_log(
            actor=user,
            action="assessment.decision_revised",
            assessment=locked,
            target=level,
            before=before,
            after={"level": level, "reason": reason},
        )
        return label_award(user=user, assessment=locked, level=level, awarded_on=timezone.localdate())
