"""Reads of the manager's self-assessment: what is missing before submission, the progress, the answers a page
shows and the previous assessment's answers.

The page-level reads (``category_answers``, ``summary_facts``) take the user and read only an assessment that
the user may see (``NotFound`` otherwise); the checks of one assessment (``assessment_missing``…) take an
assessment the caller already holds, as the services do on a locked row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.permissions import can
from clusters.selectors import proposals_for
from core.exceptions import NotFound
from indicators.computations import ScoreResult
from indicators.models import Category
from labelling.answer_values import answer_needs_comment, indicator_expects_evidence, proposal_fields, proposal_set
from labelling.models import Answer, Assessment, AssessmentStatus, Evidence, Review
from labelling.selectors.assessments import assessments_visible_to
from labelling.selectors.report import LevelPathFacts, level_path_facts
from labelling.selectors.scoring import assessment_score_preview


def _visible(user, assessment: Assessment) -> Assessment:
    if not assessments_visible_to(user).filter(pk=assessment.pk).exists():
        raise NotFound()
    return assessment


# --- the objects of the manager's pages ---------------------------------------------------------------------------

# What the manager's pages read of an answer's assessment (as ``assessments_visible_to`` does for an assessment).
_ASSESSMENT_OF_ANSWER = ("assessment__cluster", "assessment__framework", "assessment__assessor")


def manager_answer_get(*, user, pk) -> Answer:
    """An answer of an assessment the user may see and manage (``assessment.manage``: its evidence page), with its
    indicator and category, else ``NotFound``."""
    answer = (
        Answer.objects.select_related("indicator__category", *_ASSESSMENT_OF_ANSWER)
        .filter(pk=pk, assessment__in=assessments_visible_to(user).values("pk"))
        .first()
    )
    if answer is None or not can(user, "assessment.manage", answer.assessment):
        raise NotFound()
    return answer


def manager_evidence_get(*, user, pk) -> Evidence:
    """An evidence file of an answer the user may manage (``manager_answer_get``), else ``NotFound``."""
    evidence = (
        Evidence.objects.select_related("answer__indicator__category", *(f"answer__{f}" for f in _ASSESSMENT_OF_ANSWER))
        .filter(pk=pk, answer__assessment__in=assessments_visible_to(user).values("pk"))
        .first()
    )
    if evidence is None or not can(user, "assessment.manage", evidence.answer.assessment):
        raise NotFound()
    return evidence


def evidence_get(*, user, pk) -> Evidence:
    """An evidence file the user may download (``evidence.view``: who may see its assessment), else ``NotFound``."""
    evidence = (
        Evidence.objects.select_related("answer__assessment__cluster")
        .filter(pk=pk, answer__assessment__in=assessments_visible_to(user).values("pk"))
        .first()
    )
    if evidence is None or not can(user, "evidence.view", evidence):
        raise NotFound()
    return evidence


def cluster_assessments_of(*, user, cluster) -> QuerySet[Assessment]:
    """The cluster's assessments that the user sees, the newest first, with the assessment each one renews."""
    return (
        assessments_visible_to(user)
        .filter(cluster=cluster)
        .select_related("previous")
        .order_by("-reference_year", "-created_at")
    )


def renewal_source(*, cluster, pk: int) -> Assessment | None:
    """The cluster's assessment ``pk`` that a new one renews (the expiry reminders' link), else ``None``."""
    return cluster.assessments.filter(pk=pk).first()


def answer_get(*, assessment: Assessment, code: str) -> Answer:
    """The answer of an assessment the caller already fetched for the user (``assessment_get``) to the indicator
    ``code``, with its indicator, else ``NotFound`` ("Unknown indicator.": the autosave's script shows it). A code
    PostgreSQL cannot compare (NUL) is simply unknown."""
    answer = None
    if "\x00" not in code:
        answer = Answer.objects.select_related("indicator").filter(assessment=assessment, indicator__code=code).first()
    if answer is None:
        raise NotFound(_("Unknown indicator."))
    answer.assessment = assessment
    return answer


def fill_categories(*, assessment: Assessment, code: str | None = None) -> tuple[list[Category], Category]:
    """The categories of the assessment's framework in their order, and the one of ``code`` (the first without a
    code), else ``NotFound``."""
    categories = list(assessment.framework.categories.order_by("position"))
    category = next((c for c in categories if code is None or c.code == code), None)
    if category is None:
        raise NotFound()
    return categories, category


# --- before submission --------------------------------------------------------------------------------------------


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
