"""Reads about programmes. What depends on who asks takes the user and starts from ``programmes_visible_to``;
an enrolled cluster is reached only through its programme (404 for a cluster the programme does not enrol)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.permissions import is_administrator, officer_programme_ids, require
from clusters.models import Cluster
from clusters.selectors import cluster_records, clusters_managed_by
from labelling.selectors import cluster_label_history, label_validity
from programmes.computations import compute
from programmes.indicator_sets import IndicatorSet, indicator_set
from programmes.models import Contract, Enrolment, Programme, YearlyReport


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
    if programme is None:
        raise Http404
    require(user, "programme.view", programme)
    return programme


def set_of(programme: Programme) -> IndicatorSet:
    spec = indicator_set(programme.indicator_set)
    if spec is None:  # a set removed from the files after the programme was created
        raise Http404
    return spec


def enrolments_of(*, programme: Programme) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(programme=programme)
        .select_related("cluster")
        .only("joined_on", "left_on", "programme_id", "cluster__name", "cluster__acronym", "cluster__s3_domains")
        .order_by("cluster__name", "pk")
    )


def enrolment_get(*, user, programme_pk: int, cluster_pk: int) -> Enrolment:
    """The enrolment of that cluster in that programme when the user may see both (404 otherwise)."""
    programme = programme_get(user=user, pk=programme_pk)
    enrolment = Enrolment.objects.filter(programme=programme, cluster_id=cluster_pk).select_related("cluster").first()
    if enrolment is None:
        raise Http404
    enrolment.programme = programme
    require(user, "programme.cluster_view", enrolment)
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
