"""Reads of the PDF documents (the "gather" step of a report): what the assessment report and the certificate
show, read once. ``labelling.presenters.report`` shapes them into the templates' contexts.

A report is rendered by the worker for a report row already allowed (``report_request`` checked the capability),
so these take the report, not a user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from django.utils.text import slugify

from indicators import benchmarking
from indicators.computations import InvalidAnswers, ScoreResult, score_assessment
from indicators.models import Category, Indicator
from indicators.services import framework_spec_for
from indicators.spec import FrameworkSpec, guidance_from_source
from labelling.models import Answer, Assessment, Decision, Evidence, Label, Report, ReportKind, Review
from labelling.selectors.peers import BenchmarkPosition, benchmark_population, benchmark_position_for
from labelling.selectors.registry import label_validity, verification_url
from labelling.selectors.scoring import Scoring, assessment_scoring

LOGO_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class LevelPathFacts:
    """What the path to the next level is computed from (the report and the summary page show it)."""

    scoring: Scoring
    spec: FrameworkSpec
    indicators: dict[str, Indicator]  # by code


def level_path_facts(*, assessment: Assessment, scoring: Scoring | None = None) -> LevelPathFacts:
    return LevelPathFacts(
        scoring=scoring or assessment_scoring(assessment=assessment),
        spec=framework_spec_for(assessment.framework),
        indicators={i.code: i for i in assessment.framework.indicators.all()},
    )


@dataclass(frozen=True)
class PeerFacts:
    """The assessment's position among its peers, and every peer's compared value by indicator code."""

    position: BenchmarkPosition
    compared: pd.DataFrame


def report_peers(*, assessment: Assessment) -> PeerFacts:
    spec = framework_spec_for(assessment.framework)
    values, _groups = benchmark_population(framework=assessment.framework, include=assessment)
    return PeerFacts(
        position=benchmark_position_for(assessment=assessment),
        compared=benchmarking.comparable_values(spec, values),
    )


def cluster_logo(cluster) -> tuple[bytes, str] | None:
    """(the cluster's logo, its file name), or None when there is none or it cannot be read or is too large."""
    if not cluster.logo:
        return None
    try:
        if cluster.logo.size > LOGO_MAX_BYTES:
            return None
        with cluster.logo.open("rb") as handle:
            return handle.read(), cluster.logo.name
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class ReportFacts:
    """What the assessment report shows, read once."""

    report: Report
    assessment: Assessment
    spec: FrameworkSpec
    scoring: Scoring
    previous_result: ScoreResult | None  # the previous assessment's values scored by this framework
    indicators: dict[str, Indicator]  # by code, with their category
    categories: list[tuple[Category, list[str]]]  # in order, each with its indicator codes in order
    answers: dict[str, Answer]  # by indicator code
    level_path: LevelPathFacts
    peers: PeerFacts | None  # None while provisional (no peer comparison)
    decision: Decision | None
    label: Label | None
    evidence: list[Evidence]  # with their answer's indicator, in the indicators' order
    assessors: list  # the users who assessed it: the assessor, then the other reviewers without a conflict
    logo: tuple[bytes, str] | None
    # Each indicator's guidance on reaching its criterion ({code: {"fr", "en"}}, from the framework's source).
    guidance: dict = field(default_factory=dict)
    # What the apps above labelling add to the report (``register_report_facts``): the expert's process adds
    # "expert" (the visit and the findings).
    extras: dict = field(default_factory=dict)


# The readers that apps above labelling register to add facts to the report: name -> reader(assessment).
REPORT_FACTS: dict[str, Callable[[Assessment], object]] = {}


def register_report_facts(name: str, reader: Callable[[Assessment], object]) -> None:
    """Make ``report_facts`` add ``reader(assessment)`` to its ``extras`` under ``name`` (the template's context gets
    it under the same name)."""
    REPORT_FACTS[name] = reader


def _previous_result(spec: FrameworkSpec, scoring: Scoring) -> ScoreResult | None:
    if scoring.previous is None:
        return None
    previous_values = dict(scoring.previous.answers)
    try:
        return score_assessment(
            spec,
            {code: v for code, v in previous_values.items() if code in spec.codes},
            eligibility=scoring.eligibility,
            validated_on=scoring.previous.validated_on,
        )
    except InvalidAnswers:  # an older framework's values that this version refuses: no comparison
        return None


def report_facts(*, report: Report) -> ReportFacts:
    assessment = Assessment.objects.select_related("cluster", "framework", "assessor").get(pk=report.assessment_id)
    spec = framework_spec_for(assessment.framework)
    scoring = assessment_scoring(assessment=assessment)
    categories = [
        (category, [i.code for i in sorted(category.indicators.all(), key=lambda i: i.position)])
        for category in assessment.framework.categories.order_by("position").prefetch_related("indicators")
    ]
    assessors = [assessment.assessor] if assessment.assessor_id else []
    assessors += [
        review.assessor
        for review in Review.objects.filter(assessment=assessment, conflict_declared=False).select_related("assessor")
    ]
    return ReportFacts(
        report=report,
        assessment=assessment,
        spec=spec,
        scoring=scoring,
        previous_result=_previous_result(spec, scoring),
        indicators={i.code: i for i in assessment.framework.indicators.select_related("category")},
        categories=categories,
        answers={a.indicator.code: a for a in assessment.answers.select_related("indicator")},
        level_path=level_path_facts(assessment=assessment, scoring=scoring),
        peers=None if scoring.provisional else report_peers(assessment=assessment),
        decision=Decision.objects.filter(assessment=assessment).select_related("decided_by").first(),
        label=Label.objects.filter(assessment=assessment).order_by("-pk").first(),
        evidence=list(
            Evidence.objects.filter(answer__assessment=assessment)
            .select_related("answer__indicator")
            .order_by("answer__indicator__position", "created_at")
        ),
        assessors=assessors,
        logo=cluster_logo(assessment.cluster),
        guidance=guidance_from_source(assessment.framework.source),
        extras={name: reader(assessment) for name, reader in REPORT_FACTS.items()},
    )


@dataclass(frozen=True)
class CertificateFacts:
    """What the certificate shows, read once."""

    report: Report
    label: Label  # with its cluster and assessment
    verify_url: str
    validity: dict


def certificate_facts(*, report: Report) -> CertificateFacts:
    labels = Label.objects.select_related("cluster", "assessment")
    label = (
        labels.get(pk=report.label_id)
        if report.label_id
        else labels.filter(assessment_id=report.assessment_id).order_by("-pk").first()
    )
    return CertificateFacts(
        report=report, label=label, verify_url=verification_url(label), validity=label_validity(label=label)
    )


def report_download_name(report: Report) -> str:
    """The name a downloaded PDF gets (the stored object's key is random: it names no cluster)."""
    cluster = slugify(report.assessment.cluster.acronym or report.assessment.cluster.name) or "cluster"
    if report.kind == ReportKind.CERTIFICATE and report.label is not None:
        return f"certificate-{report.label.certificate_number}.pdf"
    return f"assessment-{cluster}-{report.assessment.reference_year}-{report.pk}.pdf"
