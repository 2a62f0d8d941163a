"""Benchmarking against peers, from the database: the population of validated assessments as frames for
``indicators.benchmarking``, one assessment's position among its peers, and the administrators' statistics.

The population is read in a constant number of queries whatever its size (the assessments, then their
validated answers); every statistic is computed by ``indicators.benchmarking`` (pandas + numpy).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import Count, FloatField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from accounts.permissions import can
from core import caching
from core.exceptions import NotFound
from core.rows import fetch_rows
from indicators import benchmarking
from indicators.models import Framework, Indicator
from indicators.services import framework_spec_for
from labelling.models import LABEL_LEVELS, SCORED_STATUSES, Answer, Assessment, Label, LabelStatus

# Fewer peers than this in a group: no percentile and no quartiles (they would reveal the peers' values).
MIN_PEERS = 3
# The peer groups shown to a manager, in this order.
SHOWN_PEER_GROUPS = ("all", "kind", "region")


_ROW_FIELDS = (
    "pk",
    "cluster_id",
    "cluster__kind",
    "cluster__region",
    "cluster__sectors",
    "reference_year",
    "validated_on",
)


def latest_benchmarked(*, framework) -> QuerySet:
    """The latest validated or decided assessment of every cluster (by validation date, then reference
    year), as a query to use as a subquery: never a list of ids sent back to the database."""
    qs = Assessment.objects.filter(framework=framework, status__in=SCORED_STATUSES)
    if connection.vendor == "postgresql":  # DISTINCT ON reads the partial index assessment_benchmarked_latest
        return qs.order_by("cluster_id", "-validated_on", "-reference_year", "-pk").distinct("cluster_id")
    latest_of_cluster = (
        Assessment.objects.filter(framework=framework, status__in=SCORED_STATUSES, cluster_id=OuterRef("cluster_id"))
        .order_by("-validated_on", "-reference_year", "-pk")
        .values("pk")[:1]
    )
    return qs.filter(pk=Subquery(latest_of_cluster)).order_by()


def _population_ids(framework, include: Assessment | None) -> tuple[QuerySet, Q]:
    """(the assessments, the condition on ``Answer.assessment_id``) of the population; ``include`` takes
    the place of its cluster's latest assessment (when it is validated or decided itself)."""
    latest = latest_benchmarked(framework=framework)
    if include is None:
        ids = latest.values("pk")
        return Assessment.objects.filter(pk__in=ids), Q(assessment_id__in=ids)
    others = latest.exclude(cluster_id=include.cluster_id).values("pk")
    if include.status in SCORED_STATUSES and include.framework_id == framework.pk:
        return (
            Assessment.objects.filter(Q(pk__in=others) | Q(pk=include.pk)),
            Q(assessment_id__in=others) | Q(assessment_id=include.pk),
        )
    return Assessment.objects.filter(pk__in=others), Q(assessment_id__in=others)


def _assessment_rows(*, framework, include: Assessment | None = None) -> list[dict]:
    """One dict per assessment of the population (one query; ``include``: see ``_population_ids``)."""
    assessments, _answers = _population_ids(framework, include)
    return list(assessments.order_by("cluster_id").values(*_ROW_FIELDS))


_COLUMNS_CACHE: dict[int, tuple[object, dict[int, int]]] = {}


def _indicator_columns(framework, codes: list[str]) -> dict[int, int]:
    """Indicator id → its column among ``codes`` (kept per framework version, like its spec)."""
    cached = _COLUMNS_CACHE.get(framework.pk)
    if cached is not None and cached[0] == framework.updated_at:
        return cached[1]
    position = {code: i for i, code in enumerate(codes)}
    columns = {
        pk: position[code]
        for pk, code in Indicator.objects.filter(framework=framework).values_list("pk", "code")
        if code in position
    }
    _COLUMNS_CACHE[framework.pk] = (framework.updated_at, columns)
    return columns


def _frames(framework, rows: list[dict], answers_of: Q | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    spec = framework_spec_for(framework)
    codes = [indicator.code for indicator in spec.indicators]
    ids = [row["pk"] for row in rows]
    index = pd.Index(ids, name="assessment", dtype=np.int64)
    matrix = np.full((len(ids), len(codes)), None, dtype=object)
    if ids:
        # Indicator ids → column; no join for the codes, no inherited ordering (Answer.Meta.ordering would
        # sort 300,000 rows through a join), numbers cast to float by the database.
        column_of = _indicator_columns(framework, codes)
        level_columns = np.array([indicator.value_type == "level" for indicator in spec.indicators])
        condition = answers_of if answers_of is not None else Q(assessment_id__in=ids)
        records = fetch_rows(
            Answer.objects.filter(condition)
            .order_by()
            .values_list("assessment_id", "indicator_id", Cast("validated_number", FloatField()), "validated_option")
        )
        if records:
            frame = pd.DataFrame.from_records(records, columns=["assessment", "indicator", "number", "option"])
            rows_at = index.get_indexer(frame["assessment"].to_numpy())
            cols_at = frame["indicator"].map(column_of).fillna(-1).to_numpy(dtype=np.int64)
            known = (rows_at >= 0) & (cols_at >= 0)
            is_level = np.zeros(len(frame), dtype=bool)
            is_level[known] = level_columns[cols_at[known]]
            numbers = frame["number"].to_numpy(dtype=float, na_value=np.nan)
            options = frame["option"].fillna("").to_numpy(dtype=object)
            take_number = known & ~is_level & ~np.isnan(numbers)
            take_option = known & is_level & (options != "")
            matrix[rows_at[take_number], cols_at[take_number]] = numbers[take_number]
            matrix[rows_at[take_option], cols_at[take_option]] = options[take_option]
    values = pd.DataFrame(matrix, index=index, columns=codes, dtype=object)
    groups = pd.DataFrame(
        {
            "kind": [row["cluster__kind"] or "" for row in rows],
            "region": [row["cluster__region"] or "" for row in rows],
            "sector": [(row["cluster__sectors"] or [""])[0] if row["cluster__sectors"] else "" for row in rows],
            "cluster": [row["cluster_id"] for row in rows],
            "year": [row["reference_year"] for row in rows],
        },
        index=values.index,
    )
    return values, groups


def benchmark_population(*, framework, include: Assessment | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values, groups): one row per cluster, its latest validated or decided assessment of ``framework``.

    ``values``: one column per indicator code, the validated values (floats; option codes for level
    indicators; None when unanswered). ``groups``: columns ``kind``, ``region``, ``sector`` (the first
    sector), ``cluster`` and ``year`` (the reference year). Two queries whatever the population size.
    """
    _assessments, answers_of = _population_ids(framework, include)
    return _frames(framework, _assessment_rows(framework=framework, include=include), answers_of)


# --- one assessment's position -----------------------------------------------------------------------


def _number(value) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


@dataclass
class PeerPosition:
    peer_group: str
    group: str  # the group's key ("*" for all)
    count: int  # assessments of the group with a value (the cluster included)
    peers: int  # the other assessments of the group with a value
    shown: bool  # enough peers to show the statistics
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    percentile: float | None = None

    def to_dict(self) -> dict:
        return {
            "group": self.group,
            "count": self.count,
            "peers": self.peers,
            "enough_peers": self.shown,
            "q1": self.q1,
            "median": self.median,
            "q3": self.q3,
            "percentile": self.percentile,
        }


@dataclass
class IndicatorPosition:
    code: str
    category: str
    value_type: str
    weight: int
    direction: str
    value: float | str | None  # the validated value (an option code for level indicators)
    points: float | None  # the value compared: the value, or the points of a level
    groups: dict[str, PeerPosition] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "category": self.category,
            "value_type": self.value_type,
            "direction": self.direction,
            "value": self.value,
            "compared_value": self.points,
            "peer_groups": {name: position.to_dict() for name, position in self.groups.items()},
        }


@dataclass
class BenchmarkPosition:
    assessment_id: int
    population: int  # clusters in the population
    keys: dict[str, str]  # the assessment's kind, region, sector
    indicators: list[IndicatorPosition]
    min_peers: int = MIN_PEERS

    def to_dict(self) -> dict:
        return {
            "assessment": self.assessment_id,
            "population": self.population,
            "min_peers": self.min_peers,
            "peer_groups": {"all": "*", **self.keys},
            "indicators": [indicator.to_dict() for indicator in self.indicators],
        }


def population_key(what: str, framework, *rest) -> str:
    """The cache key of a value computed from the framework's validated population (``caching.POPULATION``)."""
    return ":".join(str(part) for part in ("benchmark", what, framework.pk, framework.code, *rest))


def benchmark_position_for(*, assessment: Assessment) -> BenchmarkPosition:
    """``compute_benchmark_position``, computed once per version of the population (``core.caching``)."""
    return caching.cached(
        population_key("position", assessment.framework, assessment.pk, assessment.status),
        lambda: compute_benchmark_position(assessment=assessment),
        versions=(caching.POPULATION,),
    )


def compute_benchmark_position(*, assessment: Assessment) -> BenchmarkPosition:
    """Per indicator: the assessment's validated value, and among all clusters, the same kind and the same
    region: the number of peers, q1, median, q3 and the percentile (None when fewer than ``MIN_PEERS``)."""
    framework = assessment.framework
    spec = framework_spec_for(framework)
    values, groups = benchmark_population(framework=framework, include=assessment)
    if assessment.pk not in values.index:  # not validated yet: compared with nobody
        values, groups = _frames(
            framework,
            [
                {
                    "pk": assessment.pk,
                    "cluster_id": assessment.cluster_id,
                    "cluster__kind": assessment.cluster.kind,
                    "cluster__region": assessment.cluster.region,
                    "cluster__sectors": assessment.cluster.sectors,
                    "reference_year": assessment.reference_year,
                    "validated_on": assessment.validated_on,
                }
            ],
        )
    statistics = benchmarking.peer_statistics(values, groups[["kind", "region", "sector"]], spec)
    position = statistics.position(assessment.pk)
    compared = benchmarking.comparable_values(spec, values.loc[[assessment.pk]]).iloc[0]
    keys = {
        name: str(groups.at[assessment.pk, name])
        for name in ("kind", "region", "sector")
        if groups.at[assessment.pk, name]
    }
    indicators = []
    for indicator in spec.indicators:
        raw = values.at[assessment.pk, indicator.code]
        own = _number(compared.get(indicator.code))
        item = IndicatorPosition(
            code=indicator.code,
            category=indicator.category,
            value_type=indicator.value_type,
            weight=indicator.weight,
            direction=indicator.direction,
            value=None if raw is None or (isinstance(raw, float) and math.isnan(raw)) else raw,
            points=own,
        )
        for peer_group in SHOWN_PEER_GROUPS:
            if peer_group != "all" and peer_group not in keys:
                continue
            if peer_group not in position.columns.get_level_values(0):
                continue
            row = position[peer_group].loc[indicator.code]
            count = int(row["count"]) if _number(row["count"]) is not None else 0
            peers = count - (1 if own is not None else 0)
            shown = peers >= MIN_PEERS
            item.groups[peer_group] = PeerPosition(
                peer_group=peer_group,
                group="*" if peer_group == "all" else keys[peer_group],
                count=count,
                peers=peers,
                shown=shown,
                q1=_number(row["q1"]) if shown else None,
                median=_number(row["median"]) if shown else None,
                q3=_number(row["q3"]) if shown else None,
                percentile=_number(row["percentile"]) if shown else None,
            )
        indicators.append(item)
    return BenchmarkPosition(assessment_id=assessment.pk, population=len(values), keys=keys, indicators=indicators)


# --- the administrators' statistics --------------------------------------------------------------------


@dataclass
class PopulationStatistics:
    population: int
    criteria: list[dict]  # per indicator: code, category, n, full, partial, none, full_share, met_share
    labels_by_level: dict[str, int]  # active labels per level
    labels_by_region: list[dict]  # {"region", "bronze", "silver", "gold", "total"}

    def to_dict(self) -> dict:
        return {
            "population": self.population,
            "criteria": self.criteria,
            "labels_by_level": self.labels_by_level,
            "labels_by_region": self.labels_by_region,
        }


def statistics_framework_get(*, user, code: str | None) -> Framework:
    """The framework whose population statistics the user reads (``code``; without one the default framework, else
    the first by code), if they have ``statistics.view`` (one check), else ``NotFound``: a code PostgreSQL cannot
    compare (NUL) is simply unknown."""
    if not can(user, "statistics.view"):
        raise NotFound()
    frameworks = Framework.objects.all()
    if code:
        framework = frameworks.filter(code=code).first() if "\x00" not in code else None
    else:
        framework = frameworks.filter(is_default=True).first() or frameworks.order_by("code").first()
    if framework is None:
        raise NotFound()
    return framework


def population_statistics(*, framework) -> PopulationStatistics:
    """``compute_population_statistics``, computed once per version of the population (``core.caching``)."""
    return caching.cached(
        population_key("statistics", framework),
        lambda: compute_population_statistics(framework=framework),
        versions=(caching.POPULATION,),
    )


def compute_population_statistics(*, framework) -> PopulationStatistics:
    """Share of clusters (their latest validated assessment) meeting each criterion, and the active labels
    counted by level and by region. Three queries whatever the population size."""
    spec = framework_spec_for(framework)
    values, _groups = benchmark_population(framework=framework)
    n = len(values)
    results = benchmarking.result_codes(spec, values, strict=False)  # rows × indicators: 0, 1, 2
    full = (results == 2).sum(axis=0)
    partial = (results == 1).sum(axis=0)
    criteria = []
    for position, indicator in enumerate(spec.indicators):
        f, p = int(full[position]), int(partial[position])
        criteria.append(
            {
                "code": indicator.code,
                "category": indicator.category,
                "n": n,
                "full": f,
                "partial": p,
                "none": n - f - p,
                "full_share": f / n if n else None,
                "met_share": (f + p) / n if n else None,
            }
        )
    counts = (
        Label.objects.filter(status=LabelStatus.ACTIVE)
        .order_by()
        .values_list("cluster__region", "level")
        .annotate(n=Count("pk"))
        .order_by("cluster__region", "level")
    )
    by_level = dict.fromkeys(LABEL_LEVELS, 0)
    regions: dict[str, dict] = {}
    for region, level, count in counts:
        by_level[level] = by_level.get(level, 0) + count
        entry = regions.setdefault(region or "", {"region": region or "", **dict.fromkeys(LABEL_LEVELS, 0), "total": 0})
        entry[level] = entry.get(level, 0) + count
        entry["total"] += count
    return PopulationStatistics(
        population=n, criteria=criteria, labels_by_level=by_level, labels_by_region=list(regions.values())
    )
