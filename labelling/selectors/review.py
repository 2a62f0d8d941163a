"""Reads of the review cycle: an assessor's review, the second assessor's countersignature, and what the
assessment's page shows to each role (answers with their anomaly flags, score, decision, label, reports).

``detail_facts`` and ``review_answers`` take the user and read only an assessment the user may see
(``NotFound`` otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.permissions import can
from accounts.selectors import people_names
from audit.selectors import audit_trail
from core.exceptions import NotFound
from indicators.computations import ScoreResult
from indicators.services import framework_spec_for
from labelling.audit_sentences import names_needed
from labelling.models import Answer, Assessment, Decision, Label, Review
from labelling.selectors.anomalies import Anomaly, answer_anomalies
from labelling.selectors.assessments import assessments_visible_to, reports_for
from labelling.selectors.registry import label_validity
from labelling.selectors.scoring import assessment_result

# The latest events shown on the assessment's page (the whole trail has its own page).
AUDIT_ON_DETAIL = 10


def _visible(user, assessment: Assessment) -> Assessment:
    if not assessments_visible_to(user).filter(pk=assessment.pk).exists():
        raise NotFound()
    return assessment


def review_for(*, assessment: Assessment, assessor) -> Review | None:
    """The review of ``assessor`` on the assessment (their conflict declaration, comment, countersignature)."""
    if assessor is None:
        return None
    return Review.objects.filter(assessment=assessment, assessor=assessor).first()


def countersignature_state(*, assessment: Assessment) -> dict:
    """Whether a Gold decision may be taken: the framework's rule and the second assessor's answer."""
    required = bool(assessment.framework.gold_countersignature)
    review = review_for(assessment=assessment, assessor=assessment.second_assessor)
    return {
        "required": required,
        "second_assessor": assessment.second_assessor,
        "review": review,
        "countersigned": bool(review and review.countersigned_at),
        "disagreement": review.disagreement if review and review.disagreed_at else "",
        "gold_allowed": (not required) or bool(review and review.countersigned_at),
    }


def answer_codes(*, assessment: Assessment) -> list[str]:
    """The indicator codes of the assessment's answers, in the framework's order (what a change request may name)."""
    return list(assessment.answers.order_by("indicator__position").values_list("indicator__code", flat=True))


def review_answers(*, user, assessment: Assessment, anomalies: bool = False) -> tuple[list[Answer], dict]:
    """The assessment's answers in the framework's order (indicator, category, evidence read with them) and,
    when asked, their anomaly flags ``{code: [Anomaly, …]}``."""
    _visible(user, assessment)
    answers = list(
        assessment.answers.select_related("indicator", "indicator__category")
        .prefetch_related("evidence")
        .order_by("indicator__position")
    )
    flags: dict[str, list[Anomaly]] = answer_anomalies(assessment=assessment, answers=answers) if anomalies else {}
    return answers, flags


# What the reader may do on the assessment's page (``DetailFacts.may``): key → capability.
DETAIL_CAPABILITIES = {
    "assign": "assessment.assign",  # an administrator: assigns, decides, revokes
    "decide": "assessment.decide_directly",  # an administrator, when there is no awarding committee
    "refer": "assessment.refer",  # an administrator, when the awarding committee decides
    "assessor": "assessment.assessor",  # the assigned assessor
    "countersign": "assessment.countersign",  # the second assessor
    "audit": "assessment.audit",
    "benchmark": "assessment.benchmark",
    "edit": "assessment.edit",
}


@dataclass(frozen=True)
class DetailFacts:
    """What the assessment's page reads, besides its answers."""

    may: dict[str, bool]  # DETAIL_CAPABILITIES, for the reader
    review: Review | None  # the first assessor's
    second: dict  # countersignature_state
    result: ScoreResult | None  # None for a manager, or when the framework refuses an answer
    provisional: bool | None
    decision: Decision | None
    label: Label | None
    label_validity: dict | None
    reports: object  # QuerySet of Report
    audit_events: list
    audit_specs: dict  # the assessment's framework, by its id (``audit_sentences.audit_rows``)
    audit_names: dict = field(default_factory=dict)  # the people the events name, by user name


def detail_facts(*, user, assessment: Assessment) -> DetailFacts:
    """The reads of the assessment's page for ``user``: their capabilities, the reviews, the score (for the
    administrators and the assessors), the decision and label, the reports and the latest audit events."""
    _visible(user, assessment)
    may = {key: can(user, capability, assessment) for key, capability in DETAIL_CAPABILITIES.items()}
    result = provisional = None
    if may["assign"] or may["assessor"] or may["countersign"]:
        try:
            result, provisional = assessment_result(assessment=assessment)
        except Exception:  # noqa: BLE001 - an answer the current framework refuses must not hide the page
            result = None
    label = Label.objects.filter(assessment=assessment).first()
    events = list(audit_trail(user=user, assessment=assessment)[:AUDIT_ON_DETAIL])
    return DetailFacts(
        may=may,
        review=review_for(assessment=assessment, assessor=assessment.assessor),
        second=countersignature_state(assessment=assessment),
        result=result,
        provisional=provisional,
        decision=Decision.objects.filter(assessment=assessment).select_related("decided_by").first(),
        label=label,
        label_validity=label_validity(label=label) if label else None,
        reports=reports_for(user=user, assessment=assessment),
        audit_events=events,
        audit_specs={assessment.pk: framework_spec_for(assessment.framework)},
        audit_names=people_names(usernames=names_needed(events)),
    )
