"""Reads of an assessment's score: what the validated values earn, what the declared ones would earn (the
manager's preview), and the earlier assessment each is compared with.

These take an assessment the caller already holds (found through ``assessments_visible_to``), and compute from
its answers with the pure engine (``indicators.computations``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from indicators.computations import Eligibility, PreviousAssessment, ScoreResult, score_assessment
from indicators.services import framework_spec_for
from indicators.spec import FrameworkSpec
from labelling.answer_values import answer_declared, answer_validated, answer_validated_or_declared
from labelling.models import SCORED_STATUSES, Assessment


def previous_scored_assessment(*, assessment: Assessment) -> Assessment | None:
    """The same cluster's latest other assessment that was validated before this one."""
    qs = Assessment.objects.filter(
        cluster_id=assessment.cluster_id, status__in=SCORED_STATUSES, validated_on__isnull=False
    ).exclude(pk=assessment.pk)
    if assessment.validated_on is not None:
        qs = qs.filter(validated_on__lte=assessment.validated_on)
    return qs.order_by("-validated_on", "-pk").first()


def _eligibility(assessment: Assessment) -> Eligibility:
    return Eligibility(legal_entity=assessment.legal_entity, public_profile=assessment.public_profile)


def assessment_score(*, assessment: Assessment, today: datetime.date | None = None) -> ScoreResult:
    """The ScoreResult that the validated values earn, with the cluster's previous validated assessment.

    Before validation (a preview for the assessor), the validation date is taken as today.
    """
    spec = framework_spec_for(assessment.framework)
    answers = {a.indicator.code: answer_validated(a) for a in assessment.answers.select_related("indicator")}
    previous = None
    earlier = previous_scored_assessment(assessment=assessment)
    if earlier is not None:
        previous = PreviousAssessment(
            validated_on=earlier.validated_on,
            answers={a.indicator.code: answer_validated(a) for a in earlier.answers.select_related("indicator")},
        )
    return score_assessment(
        spec,
        answers,
        eligibility=_eligibility(assessment),
        validated_on=assessment.validated_on or today or timezone.localdate(),
        previous=previous,
    )


def _previous_validated(assessment: Assessment) -> PreviousAssessment | None:
    """The cluster's latest other assessment with a validation date, as the preview compares with it (its
    validated values, else the declared ones)."""
    previous = (
        Assessment.objects.filter(cluster_id=assessment.cluster_id, validated_on__isnull=False)
        .exclude(pk=assessment.pk)
        .order_by("-validated_on", "-pk")
        .first()
    )
    if previous is None:
        return None
    answers = {a.indicator.code: answer_validated_or_declared(a) for a in previous.answers.select_related("indicator")}
    return PreviousAssessment(validated_on=previous.validated_on, answers=answers)


def assessment_score_preview(*, assessment: Assessment, today: datetime.date | None = None) -> ScoreResult:
    """The score and level the declared answers would earn if validated today (a preview)."""
    spec = framework_spec_for(assessment.framework)
    answers = {a.indicator.code: answer_declared(a) for a in assessment.answers.select_related("indicator")}
    return score_assessment(
        spec,
        answers,
        eligibility=_eligibility(assessment),
        validated_on=today or timezone.localdate(),
        previous=_previous_validated(assessment),
    )


def assessment_result(*, assessment: Assessment) -> tuple[ScoreResult, bool]:
    """(result, provisional): validated values once validated, else the declared values as a preview."""
    if assessment.status in SCORED_STATUSES:
        return assessment_score(assessment=assessment), False
    return assessment_score_preview(assessment=assessment), True


@dataclass
class Scoring:
    """An assessment's score with what it was computed from (the report's and the level path's inputs)."""

    result: ScoreResult
    provisional: bool  # declared values (not validated yet)
    eligibility: Eligibility
    previous: PreviousAssessment | None
    previous_assessment: Assessment | None
    values: dict  # code -> the engine value the result was computed from


def assessment_scoring(*, assessment: Assessment) -> Scoring:
    """The score of an assessment (validated values once validated, else the declared ones) with the
    previous validated assessment it is compared with."""
    result, provisional = assessment_result(assessment=assessment)
    validated = assessment.status in SCORED_STATUSES
    answers = list(assessment.answers.select_related("indicator"))
    values = {a.indicator.code: (answer_validated(a) if validated else answer_declared(a)) for a in answers}
    earlier = previous_scored_assessment(assessment=assessment)
    previous = None
    if earlier is not None:
        earlier_values = {
            a.indicator.code: answer_validated_or_declared(a) for a in earlier.answers.select_related("indicator")
        }
        previous = PreviousAssessment(validated_on=earlier.validated_on, answers=earlier_values)
    return Scoring(result, provisional, _eligibility(assessment), previous, earlier, values)


def framework_specs_of(*, assessment_ids) -> dict[int, FrameworkSpec]:
    """The framework of each of these assessments, by assessment id (the audit trail names a level's options by
    their labels in the version the assessment was answered in)."""
    ids = {pk for pk in assessment_ids if pk}
    if not ids:
        return {}
    assessments = Assessment.objects.filter(pk__in=ids).select_related("framework")
    return {assessment.pk: framework_spec_for(assessment.framework) for assessment in assessments}
