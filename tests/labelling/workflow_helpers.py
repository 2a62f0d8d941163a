"""Set-up for the workflow tests: assessments brought to a given step through the real services."""

from __future__ import annotations

from decimal import Decimal

from audit.models import AuditEvent
from indicators.services import framework_spec_for
from labelling.models import Answer, Assessment
from labelling.services.answers import assessment_create, assessment_submit
from labelling.services.workflow import (
    answer_review,
    assessment_assign,
    assessment_assign_second,
    assessment_decide,
    assessment_validate,
    review_countersign,
    review_declare_no_conflict,
)
from tests.expertise.helpers import meet_prerequisites, visited_with_findings
from tests.labelling.samples import fill


def answer_of(assessment: Assessment, code: str) -> Answer:
    """The assessment's answer to indicator ``code``, with its indicator and assessment."""
    return Answer.objects.select_related("indicator", "assessment").get(assessment=assessment, indicator__code=code)


def events_of(assessment: Assessment, action: str) -> list[AuditEvent]:
    """The audit events ``action`` of the assessment, oldest first."""
    return list(AuditEvent.objects.filter(assessment=assessment, action=action).order_by("id"))


def value_for(indicator_spec, result: str = "full"):
    """A value that earns ``result`` ("full", "partial" or "none") on this indicator."""
    if indicator_spec.value_type == "level":
        return next(o.code for o in indicator_spec.options if o.result == result)
    if result == "full":
        return indicator_spec.full
    if result == "partial":
        return indicator_spec.partial
    # none: beyond the partial threshold on the wrong side
    if indicator_spec.direction == "lower":
        return indicator_spec.partial + 1
    return Decimal(0)


def values_for(assessment: Assessment, result: str = "full", **overrides) -> dict:
    spec = framework_spec_for(assessment.framework)
    values = {i.code: value_for(i, result) for i in spec.indicators}
    values.update(overrides)
    return values


def answer_all(assessment: Assessment, manager, values: dict | None = None) -> None:
    """Every answer declared (values earning full points unless given), with the samples' comment."""
    fill(assessment, manager, values if values is not None else values_for(assessment))


def submitted(cluster, manager, *, values=None, reference_year: int = 2025, applied_level=None) -> Assessment:
    """A submitted assessment: the cluster's records first meet the prerequisites to apply (the submission's guard),
    then every answer is declared."""
    meet_prerequisites(cluster, year=reference_year)
    assessment = assessment_create(
        user=manager, cluster=cluster, reference_year=reference_year, applied_level=applied_level
    )
    answer_all(assessment, manager, values)
    return assessment_submit(user=manager, assessment=assessment, expected_version=assessment.version)


def in_review(cluster, manager, administrator, assessor, *, declared: bool = True, **kwargs) -> Assessment:
    assessment = assessment_assign(
        user=administrator, assessment=submitted(cluster, manager, **kwargs), assessor=assessor
    )
    if declared:
        review_declare_no_conflict(user=assessor, assessment=assessment)
    return assessment


def accept_all(assessment: Assessment, assessor) -> None:
    for answer in Answer.objects.filter(assessment=assessment).select_related("indicator", "assessment"):
        answer_review(user=assessor, answer=answer, accept=True, expected_version=answer.version)


def validated(cluster, manager, administrator, assessor, **kwargs) -> Assessment:
    """Reviewed, interviewed or visited, the findings written (the validation's guard), and validated."""
    assessment = in_review(cluster, manager, administrator, assessor, **kwargs)
    accept_all(assessment, assessor)
    visited_with_findings(assessment, assessor)
    return assessment_validate(user=assessor, assessment=assessment)


def countersigned(assessment: Assessment, administrator, second=None) -> Assessment:
    """A second assessor (made if not given) declares no conflict and countersigns the validated review, as a
    Gold decision of ecei-31 requires."""
    from tests import factories

    second = second or factories.AssessorFactory(username=f"second-{assessment.pk}")
    assessment = assessment_assign_second(user=administrator, assessment=assessment, assessor=second)
    review_declare_no_conflict(user=second, assessment=assessment)
    review_countersign(user=second, assessment=assessment)
    return Assessment.objects.get(pk=assessment.pk)


def decided(cluster, manager, administrator, assessor, *, countersign: bool = True, **kwargs):
    assessment = validated(cluster, manager, administrator, assessor, **kwargs)
    if countersign:
        assessment = countersigned(assessment, administrator)
    decision = assessment_decide(user=administrator, assessment=assessment)
    return decision
