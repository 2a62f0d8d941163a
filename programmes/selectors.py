"""Reads about programmes. What depends on who asks takes the user and starts from ``programmes_visible_to``;
an enrolled cluster is reached only through its programme (404 for a cluster the programme does not enrol). A getter
that takes the user checks the visibility and the step's capability in one check and raises the domain ``NotFound``
(the 404 page, ``core.pages``; 404 in the API, ``core.api``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, QuerySet, Sum
from django.utils import timezone, translation

from accounts.permissions import can, is_administrator, officer_programme_ids
from clusters.models import Cluster
from clusters.selectors import cluster_records, clusters_managed_by
from core.exceptions import NotFound
from labelling.selectors import (
    assessment_score,
    cluster_label_history,
    current_labels_of,
    framework_specs_of,
    label_validity,
    ready_assessment_reports_of,
)
from programmes.computations import Computed, compute
from programmes.indicator_sets import IndicatorSet, indicator_set
from programmes.models import (
    Contract,
    Enrolment,
    Programme,
    ReportProof,
    ReportValue,
    SharedReport,
    Target,
    YearlyReport,
)


def programmes_visible_to(user) -> QuerySet[Programme]:
    """Every programme for an administrator, those they follow for a programme officer, none for anybody else."""
    if is_administrator(user):
        return Programme.objects.all()
    ids = officer_programme_ids(user)
    return Programme.objects.filter(pk__in=ids) if ids else Programme.objects.none()


def programmes_for(*, user) -> QuerySet[Programme]:
    """The programmes list: only the columns it shows."""
    return programmes_visible_to(user).only(
        "name_fr", "name_en", "funder", "funder_kind", "starts_on", "ends_on", "indicator_set"
    )


def programme_get(*, user, pk: int) -> Programme:
    programme = programmes_visible_to(user).filter(pk=pk).first()
    if programme is None or not can(user, "programme.view", programme):
        raise NotFound()
    return programme


def set_of(programme: Programme) -> IndicatorSet:
    spec = indicator_set(programme.indicator_set)
    if spec is None:  # a set removed from the files after the programme was created
        raise NotFound()
    return spec


def enrolments_of(*, programme: Programme) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(programme=programme)
        .select_related("cluster")
        .only("joined_on", "left_on", "programme_id", "cluster__name", "cluster__acronym", "cluster__s3_domains")
        .order_by("cluster__name", "pk")
    )


def enrolment_get(*, user, programme_pk: int, cluster_pk: int, capability: str = "programme.cluster_view") -> Enrolment:
    """The enrolment of that cluster in that programme when the user may see the programme and has ``capability`` on
    the enrolment (``contract.edit``: the officer who records its contract), ``NotFound`` otherwise."""
    programme = programme_get(user=user, pk=programme_pk)
    enrolment = Enrolment.objects.filter(programme=programme, cluster_id=cluster_pk).select_related("cluster").first()
    if enrolment is None:
        raise NotFound()
    enrolment.programme = programme
    if not can(user, capability, enrolment):
        raise NotFound()
    return enrolment


def managed_enrolments(*, user) -> QuerySet[Enrolment]:
    """Every enrolment of the clusters the user manages (their landing page; none for anybody else)."""
    return (
        Enrolment.objects.filter(cluster__in=clusters_managed_by(user))
        .select_related("programme", "cluster")
        .order_by("cluster__name", "programme__starts_on", "pk")
    )


@dataclass(frozen=True)
class FigureRow:
    code: str
    name: str
    value: str
    explanation: str
    computed: bool


def computed_figures(*, enrolment: Enrolment, spec: IndicatorSet, year: int) -> list[FigureRow]:
    """The set's indicators for ``year``: the computed ones from the records, with their explanation (three
    queries, the self-assessment's records reader); the declared ones are left to the yearly report."""
    records = cluster_records(cluster=enrolment.cluster, reference_year=year)
    figures = compute(records, year=year, codes=[i.code for i in spec.indicators if i.computed])
    rows = []
    for indicator in spec.indicators:
        figure = figures.get(indicator.code)
        rows.append(
            FigureRow(
                code=indicator.code,
                name=indicator.label(),
                value=indicator.format(figure.value if figure else None),
                explanation=figure.explanation() if figure else "",
                computed=indicator.computed,
            )
        )
    return rows


def label_rows(*, cluster: Cluster, today: datetime.date | None = None) -> list[dict]:
    """The cluster's labels, newest first, with their validity (what an officer may see of the labelling)."""
    today = today or timezone.localdate()
    return [
        {"label": label, "validity": label_validity(label=label, today=today)}
        for label in cluster_label_history(cluster=cluster)
    ]


def reports_of(*, enrolment: Enrolment) -> QuerySet[YearlyReport]:
    return YearlyReport.objects.filter(programme_id=enrolment.programme_id, cluster_id=enrolment.cluster_id).only(
        "year", "status", "submitted_at", "version", "programme_id", "cluster_id"
    )


def contract_of(*, enrolment: Enrolment) -> Contract | None:
    return Contract.objects.filter(programme_id=enrolment.programme_id, cluster_id=enrolment.cluster_id).first()


# --- yearly reports ------------------------------------------------------------------------------------------------


def reports_visible_to(user) -> QuerySet[YearlyReport]:
    """Every report for an administrator, those of the programmes they follow for an officer, those of their
    clusters for a manager, none for anybody else."""
    if is_administrator(user):
        return YearlyReport.objects.all()
    ids = officer_programme_ids(user)
    if ids:
        return YearlyReport.objects.filter(programme_id__in=ids)
    return YearlyReport.objects.filter(cluster__in=clusters_managed_by(user))


def report_get(*, user, pk: int, capability: str = "yearly_report.view") -> YearlyReport:
    """The report if the user may see it and has ``capability`` on it (``yearly_report.fill``, ``.review``: a
    step's own), ``NotFound`` otherwise."""
    report = reports_visible_to(user).select_related("programme", "cluster", "decided_by").filter(pk=pk).first()
    if report is None or not can(user, capability, report):
        raise NotFound()
    return report


def managed_enrolment_get(*, user, pk: int) -> Enrolment:
    """An enrolment of a cluster the user manages (404 otherwise)."""
    enrolment = managed_enrolments(user=user).filter(pk=pk).first()
    if enrolment is None:
        raise NotFound()
    return enrolment


@dataclass(frozen=True)
class ValueRow:
    indicator: object  # SetIndicator
    row: object  # ReportValue
    shown: str
    computed_shown: str
    explanation: str
    overridden: bool


def report_rows(*, report: YearlyReport, spec: IndicatorSet) -> list[ValueRow]:
    """The report's figures in the set's order, with the computed value and its explanation (one query)."""
    rows = {row.indicator: row for row in report.values.all()}
    found = []
    for indicator in spec.indicators:
        row = rows.get(indicator.code)
        if row is None:
            continue
        found.append(
            ValueRow(
                indicator=indicator,
                row=row,
                shown=indicator.format(row.value),
                computed_shown=indicator.format(row.computed) if row.computed is not None else "",
                explanation=Computed.explanation_of(row.explanation),
                overridden=row.computed is not None and row.value != row.computed,
            )
        )
    return found


def proofs_of(*, report: YearlyReport) -> QuerySet[ReportProof]:
    return report.proofs.only("original_name", "size", "created_at", "report_id").order_by("pk")


def proof_get(*, user, pk: int) -> ReportProof:
    proof = ReportProof.objects.filter(pk=pk, report__in=reports_visible_to(user)).select_related("report").first()
    if proof is None or not can(user, "yearly_report.view", proof.report):
        raise NotFound()
    return proof


def enrolment_reports(*, enrolment: Enrolment) -> list[dict]:
    """Each year of the programme (while the cluster was enrolled) with its report, if started, and its state."""
    programme = enrolment.programme
    reports = {r.year: r for r in reports_of(enrolment=enrolment)}
    today = timezone.localdate()
    rows = []
    for year in programme.years:
        if year < enrolment.joined_on.year or (enrolment.left_on and year > enrolment.left_on.year):
            continue
        report = reports.get(year)
        rows.append(
            {
                "year": year,
                "report": report,
                "due": programme.due_date(year),
                "state": report_state(report, programme.due_date(year), today),
            }
        )
    return rows


def report_state(report: YearlyReport | None, due: datetime.date, today: datetime.date) -> str:
    """not_started, draft, submitted, returned, approved, or late (not submitted by its due date)."""
    if report is not None and report.status in ("submitted", "approved"):
        return report.status
    if today > due:
        return "late"
    return "not_started" if report is None else report.status


def managed_report_states(*, user, today: datetime.date) -> list[dict]:
    """For each enrolment of the user's clusters, the report on the last year that has a due date not long past
    or coming (the year the managers are working on), with its state (two queries)."""
    enrolments = list(managed_enrolments(user=user).filter(left_on__isnull=True))
    if not enrolments:
        return []
    reports = {
        (r.programme_id, r.cluster_id, r.year): r
        for r in YearlyReport.objects.filter(cluster__in=clusters_managed_by(user)).only(
            "programme_id", "cluster_id", "year", "status"
        )
    }
    rows = []
    for enrolment in enrolments:
        programme = enrolment.programme
        years = [y for y in programme.years if y < today.year and y >= enrolment.joined_on.year]
        if not years:
            continue
        year = years[-1]
        report = reports.get((programme.pk, enrolment.cluster_id, year))
        rows.append(
            {
                "enrolment": enrolment,
                "year": year,
                "report": report,
                "state": report_state(report, programme.due_date(year), today),
            }
        )
    return rows


# --- performance contracts -----------------------------------------------------------------------------------------


def contracts_visible_to(user) -> QuerySet[Contract]:
    if is_administrator(user):
        return Contract.objects.all()
    ids = officer_programme_ids(user)
    if ids:
        return Contract.objects.filter(programme_id__in=ids)
    return Contract.objects.filter(cluster__in=clusters_managed_by(user))


def contract_get(*, user, pk: int, capability: str = "contract.view") -> Contract:
    contract = contracts_visible_to(user).select_related("programme", "cluster").filter(pk=pk).first()
    if contract is None or not can(user, capability, contract):
        raise NotFound()
    return contract


def targets_of(*, contract: Contract) -> dict[tuple[str, int], object]:
    """``{(indicator, year): target}`` of the contract (one query)."""
    return {(code, year): value for code, year, value in contract.targets.values_list("indicator", "year", "value")}


# --- the officer's dashboard ---------------------------------------------------------------------------------------

FLAG_DAYS = 90  # a label is flagged when it expires within this many days


@dataclass
class ProgrammeFacts:
    """What the dashboard reads about the whole programme, in a number of queries that does not depend on the
    number of clusters or years."""

    labels: dict  # cluster id -> newest label (current_labels_of)
    reports: dict  # cluster id -> (report id, status) for the year shown
    s3: dict  # cluster id -> the cluster's S3 domain codes
    totals: dict  # (indicator, year) -> {"sum", "avg", "count"} of the submitted and approved reports
    target_totals: dict  # (indicator, year) -> {"sum", "avg"} of the contracts' targets
    enrolled: int


def programme_facts(*, programme: Programme, year: int) -> ProgrammeFacts:
    """Five queries: the labels, the reports of the year, the clusters' S3 domains, the totals by indicator and
    year, the targets' totals."""
    enrolled_ids = Enrolment.objects.filter(programme=programme).values("cluster_id")
    labels = current_labels_of(cluster_ids=enrolled_ids)
    reports = {
        cluster_id: (pk, status)
        for cluster_id, pk, status in YearlyReport.objects.filter(programme=programme, year=year).values_list(
            "cluster_id", "pk", "status"
        )
    }
    s3 = dict(Cluster.objects.filter(pk__in=enrolled_ids).values_list("pk", "s3_domains"))
    totals = {
        (row["indicator"], row["report__year"]): row
        for row in ReportValue.objects.filter(
            report__programme=programme, report__status__in=("submitted", "approved"), value__isnull=False
        )
        .values("indicator", "report__year")
        .annotate(sum=Sum("value"), avg=Avg("value"), count=Count("pk"))
        .order_by()
    }
    target_totals = {
        (row["indicator"], row["year"]): row
        for row in Target.objects.filter(contract__programme=programme)
        .values("indicator", "year")
        .annotate(sum=Sum("value"), avg=Avg("value"))
        .order_by()
    }
    return ProgrammeFacts(labels, reports, s3, totals, target_totals, len(s3))


def page_figures(*, programme: Programme, year: int, cluster_ids: list[int]) -> tuple[dict, dict]:
    """The values and the targets of ``year`` for the clusters of one page: ``{(cluster id, indicator): value}``
    twice (two queries)."""
    figures = {
        (cluster_id, code): value
        for cluster_id, code, value in ReportValue.objects.filter(
            report__programme=programme, report__year=year, report__cluster_id__in=cluster_ids
        ).values_list("report__cluster_id", "indicator", "value")
    }
    targets = {
        (cluster_id, code): value
        for cluster_id, code, value in Target.objects.filter(
            contract__programme=programme, year=year, contract__cluster_id__in=cluster_ids
        ).values_list("contract__cluster_id", "indicator", "value")
    }
    return figures, targets


def enrolments_in_chunks(*, programme: Programme, size: int = 500):
    """Every enrolment of the programme, ``size`` at a time (the exports), in name order."""
    enrolments = enrolments_of(programme=programme)
    ids = list(enrolments.values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        yield list(enrolments.filter(pk__in=ids[start : start + size]))


def year_shown(programme: Programme, asked, today: datetime.date) -> int:
    """The year asked for (``?year=``) when it is one of the programme's, else the last year that has ended, else
    the programme's last year when it is over, else its first."""
    years = programme.years
    try:
        year = int(asked or "")
    except (TypeError, ValueError):
        year = None
    if year in years:
        return year
    last_ended = today.year - 1
    if last_ended in years:
        return last_ended
    return years[-1] if last_ended > years[-1] else years[0]


def reports_of_cluster(*, user, cluster_pk: int) -> QuerySet[YearlyReport]:
    """The yearly reports of a cluster the user may see: 404 unless they manage it, follow a programme that enrols
    it, or are an administrator."""
    visible = (
        is_administrator(user)
        or clusters_managed_by(user).filter(pk=cluster_pk).exists()
        or Enrolment.objects.filter(cluster_id=cluster_pk, programme_id__in=officer_programme_ids(user)).exists()
    )
    if not visible:
        raise NotFound()
    return reports_visible_to(user).filter(cluster_id=cluster_pk).order_by("programme_id", "-year", "pk")


# --- assessment reports shared with a programme --------------------------------------------------------------------


def shareable_reports(*, enrolment: Enrolment) -> list[dict]:
    """The cluster's ready assessment reports, each with whether it is shared with the programme (two queries)."""
    reports = list(ready_assessment_reports_of(cluster=enrolment.cluster))
    shared = set(
        SharedReport.objects.filter(programme_id=enrolment.programme_id, report__in=reports).values_list(
            "report_id", flat=True
        )
    )
    return [{"report": report, "shared": report.pk in shared} for report in reports]


def shareable_report_get(*, enrolment: Enrolment, pk: int):
    report = ready_assessment_reports_of(cluster=enrolment.cluster).filter(pk=pk).first()
    if report is None:
        raise NotFound()
    return report


def shared_reports_of(*, enrolment: Enrolment) -> QuerySet[SharedReport]:
    """What the cluster's managers shared with the programme (the officer's page)."""
    return (
        SharedReport.objects.filter(
            programme_id=enrolment.programme_id, report__assessment__cluster_id=enrolment.cluster_id
        )
        .select_related("report__assessment")
        .order_by("-created_at", "-pk")
    )


def shared_report_get(*, user, pk: int) -> SharedReport:
    """A shared report the user may read: an officer of the programme it was shared with (404 otherwise, and once
    the manager withdrew it)."""
    shared = (
        SharedReport.objects.filter(pk=pk, programme__in=programmes_visible_to(user))
        .select_related("report__assessment", "programme")
        .first()
    )
    if shared is None or not can(user, "shared_report.view", shared):
        raise NotFound()
    return shared


def validated_scores(*, cluster: Cluster) -> dict | None:
    """The validated scores by category of the assessment behind the cluster's newest label (what an officer may
    see of an assessment: never its answers, evidence or comments); None without a label."""
    label = cluster_label_history(cluster=cluster).select_related("assessment").first()
    if label is None:
        return None
    result = assessment_score(assessment=label.assessment)
    spec = framework_specs_of(assessment_ids=[label.assessment_id]).get(label.assessment_id)
    if spec is None:
        return None
    language = (translation.get_language() or "fr")[:2]
    return {
        "label": label,
        "score": result.score,
        "categories": [
            {
                "name": category.name.get(language) or category.name.get("fr") or category.code,
                "score": result.categories.get(category.code),
            }
            for category in spec.categories
        ],
    }
