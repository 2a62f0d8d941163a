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
from django.db.models import Count

from indicators import benchmarking
from indicators.services import framework_spec_for
from labelling.models import Answer, Assessment, AssessmentStatus, Label, LabelStatus

BENCHMARKED_STATUSES = (AssessmentStatus.VALIDATED, AssessmentStatus.DECIDED)
# Fewer peers than this in a group: no percentile and no quartiles (they would reveal the peers' values).
MIN_PEERS = 3
# The peer groups shown to a manager, in this order.
SHOWN_PEER_GROUPS = ("all", "kind", "region")


def is_benchmarkable(assessment: Assessment) -> bool:
    return assessment.status in BENCHMARKED_STATUSES


def _assessment_rows(*, framework, include: Assessment | None = None) -> list[dict]:
    """The latest validated or decided assessment of every cluster (one query); ``include`` replaces the
    latest one of its cluster (a manager looking at an older assessment is compared as it was)."""
    rows = (
        Assessment.objects.filter(framework=framework, status__in=BENCHMARKED_STATUSES)
        .order_by("cluster_id", "-validated_on", "-reference_year", "-pk")
        .values(
            "pk", "cluster_id", "cluster__kind", "cluster__region", "cluster__sectors", "reference_year", "validated_on"
        )
    )
    chosen: dict[int, dict] = {}
    for row in rows:
        cluster_id = row["cluster_id"]
        if include is not None and cluster_id == include.cluster_id:
            if row["pk"] == include.pk:
                chosen[cluster_id] = row
            continue
        chosen.setdefault(cluster_id, row)
    return list(chosen.values())


def _frames(framework, rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    spec = framework_spec_for(framework)
    codes = [indicator.code for indicator in spec.indicators]
    ids = [row["pk"] for row in rows]
    values = pd.DataFrame(index=pd.Index(ids, name="assessment", dtype=np.int64), columns=codes, dtype=object)
    if ids:
        answers = Answer.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", "indicator__code", "indicator__value_type", "validated_number", "validated_option"
        )
        cells: dict[str, dict[int, object]] = {code: {} for code in codes}
        for assessment_id, code, value_type, number, option in answers:
            if code not in cells:
                continue
            if value_type == "level":
                if option:
                    cells[code][assessment_id] = option
            elif number is not None:
                cells[code][assessment_id] = float(number)
        for code in codes:
            column = cells[code]
            values[code] = pd.Series([column.get(pk) for pk in ids], index=values.index, dtype=object)
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
    return _frames(framework, _assessment_rows(framework=framework, include=include))


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


def benchmark_position_for(*, assessment: Assessment) -> BenchmarkPosition:
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


LABEL_LEVELS = ("bronze", "silver", "gold")


def population_statistics(*, framework) -> PopulationStatistics:
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
