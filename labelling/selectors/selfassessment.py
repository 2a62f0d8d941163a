"""Reads of the manager's self-assessment: what is missing before submission, the progress, the answers a page
shows and the previous assessment's answers.

The page-level reads (``category_answers``, ``summary_facts``) take the user and read only an assessment that
the user may see (``NotFound`` otherwise); the checks of one assessment (``assessment_missing``…) take an
assessment the caller already holds, as the services do on a locked row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.permissions import can
from clusters.selectors import proposals_for
from core.exceptions import NotFound
from indicators.computations import ScoreResult
from labelling.answer_values import answer_needs_comment, indicator_expects_evidence, proposal_fields, proposal_set
from labelling.models import Answer, Assessment, AssessmentStatus, Review
from labelling.selectors.assessments import assessments_visible_to
from labelling.selectors.report import LevelPathFacts, level_path_facts
from labelling.selectors.scoring import assessment_score_preview


def _visible(user, assessment: Assessment) -> Assessment:
    if not assessments_visible_to(user).filter(pk=assessment.pk).exists():
        raise NotFound()
    return assessment


def assessment_missing_items(*, assessment: Assessment) -> list[tuple[str, str, str, str]]:
    """What keeps the assessment from being submitted: ``(indicator code, category code, field, sentence)``
    where field is ``value`` or ``comment`` (codes and field empty for a problem of the whole assessment)."""
    missing: list[tuple[str, str, str, str]] = []
    answers = list(
        assessment.answers.select_related("indicator", "indicator__category").order_by("indicator__position")
    )
    if not answers:
        missing.append(("", "", "", _("The assessment has no indicators to answer.")))
    for answer in answers:
        code = answer.indicator.code
        where = (code, answer.indicator.category.code)
        if not answer.is_answered:
            missing.append(
                (*where, "value", _("%(code)s — %(name)s: no answer.") % {"code": code, "name": answer.indicator.name})
            )
        elif answer_needs_comment(answer):
            missing.append(
                (
                    *where,
                    "comment",
                    _("%(code)s — %(name)s: the value differs from the proposed one; explain why in a comment.")
                    % {"code": code, "name": answer.indicator.name},
                )
            )
    return missing


def assessment_missing(*, assessment: Assessment) -> list[str]:
    """What keeps the assessment from being submitted, as translated sentences (empty: ready)."""
    return [sentence for *_where, sentence in assessment_missing_items(assessment=assessment)]


def assessment_evidence_missing(*, assessment: Assessment) -> list[Answer]:
    """Answers whose indicator expects evidence and that have none yet (advised, not required)."""
    return [
        answer
        for answer in assessment.answers.select_related("indicator").prefetch_related("evidence")
        if indicator_expects_evidence(answer.indicator) and not answer.evidence.all()
    ]


def assessment_progress(*, assessment: Assessment) -> dict:
    """Counts for the progress bar: answered / indicators, evidence attached / expected."""
    answers = list(assessment.answers.select_related("indicator").prefetch_related("evidence"))
    expected = [a for a in answers if indicator_expects_evidence(a.indicator)]
    return {
        "answered": sum(1 for a in answers if a.is_answered),
        "total": len(answers),
        "evidence_attached": sum(1 for a in expected if a.evidence.all()),
        "evidence_expected": len(expected),
        "evidence_files": sum(len(a.evidence.all()) for a in answers),
    }


def category_answers(*, user, assessment: Assessment, category) -> list[Answer]:
    """The answers of one category of the page, in order, with their evidence. While the user may edit the
    assessment, each carries the proposal of the cluster's current records (in memory: the records may have
    changed since the assessment was created; ``labelling.services.answers`` stores them when answers are saved)."""
    _visible(user, assessment)
    answers = list(
        assessment.answers.filter(indicator__category=category)
        .select_related("indicator")
        .prefetch_related("evidence")
        .order_by("indicator__position")
    )
    if answers and assessment.is_editable_by_manager and can(user, "assessment.edit", assessment):
        proposals = proposals_for(cluster=assessment.cluster, reference_year=assessment.reference_year)
        for answer in answers:
            proposal_set(
                answer, proposal_fields(indicator=answer.indicator, proposal=proposals.get(answer.indicator.code))
            )
    return answers


def previous_answers(*, user, assessment: Assessment) -> dict[str, Answer]:
    """The answers of the assessment this one renews, by indicator code (empty for a first assessment)."""
    _visible(user, assessment)
    if not assessment.previous_id:
        return {}
    return {
        a.indicator.code: a
        for a in Answer.objects.filter(assessment_id=assessment.previous_id).select_related("indicator")
    }


@dataclass(frozen=True)
class SummaryFacts:
    """What the manager's summary page shows, read once."""

    preview: ScoreResult
    categories: list
    answers: list[Answer]
    review: Review | None  # the assessor's review while changes are requested (its general comment)
    missing: list[str]
    evidence_missing: list[Answer]
    progress: dict
    level_path: LevelPathFacts  # the path to the next level's inputs


def summary_facts(*, user, assessment: Assessment) -> SummaryFacts:
    """The summary page's reads: the score preview, the answers in order, the change request, what is missing."""
    _visible(user, assessment)
    review = None
    if assessment.status == AssessmentStatus.CHANGES_REQUESTED and assessment.assessor_id:
        review = assessment.reviews.filter(assessor_id=assessment.assessor_id).first()
    return SummaryFacts(
        preview=assessment_score_preview(assessment=assessment),
        categories=list(assessment.framework.categories.order_by("position")),
        answers=list(
            assessment.answers.select_related("indicator", "indicator__category")
            .prefetch_related("evidence")
            .order_by("indicator__position")
        ),
        review=review,
        missing=assessment_missing(assessment=assessment),
        evidence_missing=assessment_evidence_missing(assessment=assessment),
        progress=assessment_progress(assessment=assessment),
        level_path=level_path_facts(assessment=assessment),
    )
