"""The manager's side of an assessment: create it, answer the indicators, confirm the eligibility, submit,
withdraw a draft.

An answer's values as the scoring engine takes them are read in ``labelling.answer_values``; what is missing
before submission, the progress and the score preview in ``labelling.selectors``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can
from audit.services import audit_log
from clusters.selectors import proposals_for
from core.exceptions import DomainError, InvalidFields, InvalidTransition, NotFound
from core.locking import version_check
from indicators import values
from indicators.models import Framework
from indicators.services import framework_ensure_default
from labelling.answer_values import answer_declared, answer_previous_value, json_value, proposal_fields
from labelling.models import LABEL_LEVELS, TEXT_MAX_LENGTH, Answer, Assessment, AssessmentStatus, Evidence, Level
from labelling.selectors import assessment_missing, assessment_progress
from labelling.services.notifications import notify
from labelling.services.proposals import proposals_refresh_locked
from labelling.services.steps import require_step, step_allowed

FIRST_REFERENCE_YEAR = 2000


# --- values -------------------------------------------------------------------------------------


def value_parse(*, indicator, raw: Any):
    """Turn what a form, a file or the API gave into a typed value for ``indicator``.

    Returns ``None`` for an empty value (the answer is cleared). Raises ``DomainError`` with
    ``errors={"value": [message, …]}`` when the value does not fit the indicator's type or range
    (the rules of :func:`indicators.values.check`, shared with the scoring engine).
    """
    try:
        return values.clean(indicator, raw)
    except values.InvalidValue as exc:
        raise DomainError(_("Invalid value."), errors={"value": exc.messages}) from None


def _set_declared(answer: Answer, value) -> None:
    if answer.indicator.value_type == "level":
        answer.declared_option = value or ""
        answer.declared_number = None
    else:
        answer.declared_number = None if value is None else Decimal(value)
        answer.declared_option = ""


# --- services -----------------------------------------------------------------------------------


def _default_framework():
    framework = Framework.objects.filter(is_default=True).first()
    if framework is None:
        framework = framework_ensure_default()
    return framework


def _copy_evidence(*, source: Evidence, answer: Answer, user) -> Evidence:
    """Copy an evidence file (a new stored file: deleting one copy never removes the other)."""
    with source.file.open("rb") as handle:
        content = handle.read()
    copy = Evidence(
        answer=answer,
        original_name=source.original_name,
        content_type=source.content_type,
        size=source.size,
        document_date=source.document_date,
        uploaded_by=source.uploaded_by or user,
    )
    # A random stored name, as for an upload (the user's file name is only shown, never used as a path).
    extension = source.file.name.rsplit(".", 1)[-1] if "." in source.file.name.rsplit("/", 1)[-1] else "bin"
    copy.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
    copy.save()
    return copy


def _duplicate_year(reference_year: int) -> DomainError:
    message = _(
        "This cluster already has an assessment for %(year)s: open it from the list, or withdraw it if it is a draft."
    ) % {"year": reference_year}
    return DomainError(_("The assessment cannot be created."), errors={"reference_year": [message]})


def assessment_create(
    *,
    user,
    cluster,
    reference_year: int,
    framework=None,
    previous: Assessment | None = None,
    legal_entity: bool | None = None,
    public_profile: bool | None = None,
    applied_level: str | None = None,
) -> Assessment:
    """Start an assessment: one Answer per indicator of the framework, proposals from the records.

    ``applied_level`` is the level the cluster applies for (Bronze when not given): it sets the format of the
    expert's interview or visit, and stays editable until the submission.

    With ``previous`` (a renewal), the declared answers, comments and evidence files of that assessment
    are copied (the review is not); each answer then shows what it was last time.
    """
    errors: dict[str, list[str]] = {}
    this_year = timezone.localdate().year
    try:
        reference_year = int(reference_year)
    except (TypeError, ValueError):
        errors["reference_year"] = [_("Enter a year.")]
    else:
        if not FIRST_REFERENCE_YEAR <= reference_year <= this_year:
            errors["reference_year"] = [
                _("Enter a year between %(first)d and %(last)d.") % {"first": FIRST_REFERENCE_YEAR, "last": this_year}
            ]
    if previous is not None and previous.cluster_id != cluster.pk:
        errors["previous"] = [_("The previous assessment must be one of this cluster's.")]
    applied_level = applied_level or Level.BRONZE.value
    if applied_level not in LABEL_LEVELS:
        errors["applied_level"] = [_("Choose a level from the list.")]
    if errors:
        raise DomainError(_("The assessment cannot be created."), errors=errors)

    if framework is None:
        framework = _default_framework()
    with transaction.atomic():
        # Serialise creations for one cluster so that the "one assessment per year" check holds.
        type(cluster).objects.select_for_update().filter(pk=cluster.pk).first()
        same_year = Assessment.objects.filter(cluster=cluster, reference_year=reference_year).exists()
        if same_year:
            raise _duplicate_year(reference_year)
        try:
            with transaction.atomic():  # the unique constraint is the last word if two requests race
                assessment = Assessment.objects.create(
                    cluster=cluster,
                    framework=framework,
                    reference_year=reference_year,
                    previous=previous,
                    created_by=user if user is not None and user.is_authenticated else None,
                    legal_entity=cluster.legal_entity if legal_entity is None else legal_entity,
                    public_profile=cluster.public_profile if public_profile is None else public_profile,
                    applied_level=applied_level,
                )
        except IntegrityError:
            raise _duplicate_year(reference_year) from None
        proposals = proposals_for(cluster=cluster, reference_year=reference_year)
        previous_answers = {}
        if previous is not None:
            previous_answers = {
                a.indicator.code: a for a in previous.answers.select_related("indicator").prefetch_related("evidence")
            }
        indicators = list(framework.indicators.order_by("position"))
        answers = []
        for indicator in indicators:
            answer = Answer(assessment=assessment, indicator=indicator)
            answer.proposed_number, answer.proposed_option, answer.proposal_explanation = proposal_fields(
                indicator=indicator, proposal=proposals.get(indicator.code)
            )
            old = previous_answers.get(indicator.code)
            if old is not None:
                last_value = answer_previous_value(answer, old)
                if last_value is not None:
                    try:
                        _set_declared(answer, value_parse(indicator=indicator, raw=last_value))
                    except DomainError:
                        pass  # the framework changed: the manager answers again
                answer.comment = old.comment
            answers.append(answer)
        Answer.objects.bulk_create(answers)
        copied_files = 0
        if previous_answers:
            for answer in assessment.answers.select_related("indicator"):
                old = previous_answers.get(answer.indicator.code)
                for evidence in old.evidence.all() if old is not None else ():
                    _copy_evidence(source=evidence, answer=answer, user=user)
                    copied_files += 1
        audit_log(
            actor=user,
            action="assessment.created",
            assessment=assessment,
            target=str(reference_year),
            after={
                "reference_year": reference_year,
                "framework": framework.code,
                "previous": previous.pk if previous is not None else None,
                "legal_entity": assessment.legal_entity,
                "public_profile": assessment.public_profile,
                "applied_level": applied_level,
                "evidence_copied": copied_files,
            },
        )
    return assessment


def _require_editable(assessment: Assessment) -> None:
    require_step(
        assessment,
        "edit",
        message=_("This assessment has been submitted: it can no longer be changed unless changes are requested."),
    )


def answer_save(*, user, answer: Answer, value, comment: str = "", expected_version: int) -> Answer:
    """Declare a value (or clear it with ``None``/"") and a comment for one indicator.

    ``expected_version`` is the answer's version the user loaded (mandatory): ``ConflictError`` when it moved.
    """
    indicator = answer.indicator
    comment = (comment or "").strip()
    errors: dict[str, list[str]] = {}
    parsed = None
    try:
        parsed = value_parse(indicator=indicator, raw=value)
    except DomainError as exc:
        errors.update(exc.errors)
    if len(comment) > TEXT_MAX_LENGTH:
        errors["comment"] = [_("Keep the comment under %(max)d characters.") % {"max": TEXT_MAX_LENGTH}]
    elif "\x00" in comment:  # PostgreSQL cannot store it
        errors["comment"] = [_("Null characters are not allowed.")]
    if errors:
        raise DomainError(_("The answer was not saved."), errors=errors)
    with transaction.atomic():
        locked = (
            Answer.objects.select_for_update()
            .select_related("assessment", "indicator", "assessment__cluster")
            .get(pk=answer.pk)
        )
        _require_editable(locked.assessment)
        version_check(locked, expected_version)
        before = {"value": json_value(answer_declared(locked)), "comment": locked.comment}
        _set_declared(locked, parsed)
        locked.comment = comment
        after = {"value": json_value(answer_declared(locked)), "comment": locked.comment}
        if before != after:
            locked.version += 1
            fields = ["declared_number", "declared_option", "comment", "version", "updated_at"]
            if locked.assessment.status == AssessmentStatus.CHANGES_REQUESTED and not locked.changed_since_request:
                locked.changed_since_request = True  # the assessor reviews it again after the resubmission
                fields.append("changed_since_request")
            locked.save(update_fields=fields)
            audit_log(
                actor=user,
                action="answer.declared",
                assessment=locked.assessment,
                target=indicator.code,
                before=before,
                after=after,
            )
    # Keep the caller's instance in step with the row.
    for field in ("declared_number", "declared_option", "comment", "version", "updated_at", "changed_since_request"):
        setattr(answer, field, getattr(locked, field))
    return locked


def answers_save(*, user, assessment: Assessment, answers, values: dict, comments: dict, versions: dict) -> int:
    """Save the answers of one page that changed (``values``, ``comments`` and ``versions`` by indicator code; an
    answer whose code is not in ``values`` is left alone), all or nothing: a conflict on one leaves every answer as
    it was, and the domain error names the refused answer's indicator (``exc.code``). The proposals are stored
    from the current records first (the page showed them). Returns the number of answers changed."""
    changed = 0
    with transaction.atomic():
        locked = Assessment.objects.select_for_update(of=("self",)).select_related("cluster").get(pk=assessment.pk)
        proposals_refresh_locked(user=user, locked=locked)
        for answer in answers:
            code = answer.indicator.code
            if code not in values:
                continue
            value, comment = values[code], (comments.get(code) or "").strip()
            current = answer_declared(answer)
            same_value = (current is None and value is None) or (
                current is not None
                and value is not None
                and (current == value if answer.indicator.value_type == "level" else Decimal(current) == Decimal(value))
            )
            if same_value and comment == answer.comment:
                continue
            try:
                answer_save(user=user, answer=answer, value=value, comment=comment, expected_version=versions.get(code))
            except DomainError as exc:
                exc.code = code  # which answer refused, for the page
                raise
            changed += 1
    return changed


def assessment_eligibility_save(
    *,
    user,
    assessment: Assessment,
    legal_entity: bool,
    public_profile: bool,
    expected_version: int,
    applied_level: str | None = None,
) -> Assessment:
    """The manager confirms (or not) the eligibility criteria that are not indicators while the assessment is
    editable, and the level applied for (``None``: unchanged) until the first submission (the step
    ``choose_level``: the interview or visit is planned for that level)."""
    if applied_level is not None and applied_level not in LABEL_LEVELS:
        raise InvalidFields({"applied_level": [_("Choose a level from the list.")]})
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _require_editable(locked)
        version_check(locked, expected_version)
        fields = ("legal_entity", "public_profile", "applied_level")
        before = {name: getattr(locked, name) for name in fields}
        locked.legal_entity = bool(legal_entity)
        locked.public_profile = bool(public_profile)
        if applied_level is not None and applied_level != locked.applied_level:
            require_step(
                locked,
                "choose_level",
                message=_(
                    "The level applied for is chosen until the first submission: the interview or visit is planned "
                    "for it. Ask an administrator if it must change."
                ),
            )
            locked.applied_level = applied_level
        after = {name: getattr(locked, name) for name in fields}
        if before != after:
            locked.version += 1
            locked.save(update_fields=[*fields, "version", "updated_at"])
            audit_log(actor=user, action="assessment.eligibility", assessment=locked, before=before, after=after)
    return locked


def assessment_submit(*, user, assessment: Assessment, expected_version: int) -> Assessment:
    """draft → submitted; changes requested → back *in review* with the same assessor, who is e-mailed.

    Refused with the list of what is missing. On a resubmission, the answers the manager changed since the
    request lose their review (the assessor reviews them again); the others keep it.
    """
    with transaction.atomic():
        locked = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("cluster", "assessor")
            .get(pk=assessment.pk)
        )
        # A resubmission after a change request goes straight back to the same assessor.
        resubmitted = locked.assessor_id is not None and step_allowed(locked, "resubmit")
        target = require_step(
            locked,
            "resubmit" if resubmitted else "submit",
            message=_("Only a draft or an assessment with changes requested can be submitted."),
        )
        version_check(locked, expected_version)
        proposals_refresh_locked(user=user, locked=locked)  # what is missing compares with the current records
        missing = assessment_missing(assessment=locked)
        if missing:
            raise DomainError(_("The assessment cannot be submitted yet: some answers are missing."), errors=missing)
        before = {"status": locked.status}
        changed: list[str] = []
        if resubmitted:
            changed_answers = locked.answers.filter(changed_since_request=True)
            changed = list(changed_answers.order_by("indicator__position").values_list("indicator__code", flat=True))
            changed_answers.update(reviewed=False, updated_at=timezone.now())
        locked.status = target
        locked.submitted_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["status", "submitted_at", "version", "updated_at"])
        audit_log(
            actor=user,
            action="assessment.resubmitted" if resubmitted else "assessment.submitted",
            assessment=locked,
            target=locked.assessor.username if resubmitted else "",
            before=before,
            after={"status": locked.status, **({"changed": changed} if resubmitted else {})},
        )
        if resubmitted:
            notify(
                users=[locked.assessor],
                subject=gettext_lazy("Grappe: the assessment %(of_cluster)s is back for your review"),
                template="labelling/email/resubmitted.txt",
                context={"assessment": locked, "cluster": locked.cluster.name, "changed": changed},
            )
    assessment.status = locked.status
    assessment.submitted_at = locked.submitted_at
    assessment.version = locked.version
    return locked


def assessment_withdraw(*, user, assessment: Assessment) -> None:
    """A manager withdraws (deletes) a draft: its answers and evidence files go; the audit trail keeps the
    withdrawal on the cluster. Anything beyond a draft is refused."""
    if not can(user, "assessment.view", assessment) or not can(user, "assessment.create", assessment.cluster):
        raise NotFound()
    with transaction.atomic():
        locked = Assessment.objects.select_for_update(of=("self",)).select_related("cluster").get(pk=assessment.pk)
        if not can(user, "assessment.withdraw", locked):
            raise InvalidTransition(_("Only a draft can be withdrawn; a submitted assessment follows its review."))
        files = [(e.file.storage, e.file.name) for e in Evidence.objects.filter(answer__assessment=locked)]
        progress = assessment_progress(assessment=locked)
        audit_log(
            actor=user,
            action="assessment.withdrawn",
            cluster=locked.cluster,
            target=str(locked.reference_year),
            before={
                "assessment": locked.pk,
                "reference_year": locked.reference_year,
                "status": locked.status,
                "answered": progress["answered"],
                "evidence_files": progress["evidence_files"],
            },
            after=None,
        )
        locked.delete()
        for storage, name in files:
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
