"""Anomaly flags for the assessor: answers worth a look first.

An answer is flagged when its declared value differs by more than 10 % from the value computed from the
cluster's records (the proposal), or lies outside the 5th–95th percentile of the peers' validated values
(the other clusters' latest validated or decided assessment of the same framework, at least
``MIN_PEERS_FOR_RANGE`` of them). Level indicators are compared with their proposal only. A read: nothing
is stored but the peers' ranges, cached until the validated population changes; the flags follow the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.utils.translation import gettext as _

from core import caching
from indicators import values
from labelling.answer_values import answer_declared, answer_proposed, value_display
from labelling.models import Assessment
from labelling.selectors.peers import benchmark_population, population_key

RECORDS_TOLERANCE = Decimal("0.10")
PEER_PERCENTILES = (5, 95)
MIN_PEERS_FOR_RANGE = 5


@dataclass(frozen=True)
class Anomaly:
    kind: str  # "records" or "peers"
    message: str


def _fmt(value) -> str:
    """A number in the reader's convention (``12,5`` in French)."""
    return values.format_number(Decimal(value))


def peer_ranges(assessment: Assessment) -> dict[str, tuple[float, float, int]]:
    """Per numeric indicator: (p5, p95, number of peers) among the other clusters' validated assessments,
    computed once per cluster and version of the population (``core.caching.POPULATION``), as the benchmark
    is: an assessor opening the assessment again does not read the whole population again."""
    return caching.cached(
        population_key("peer-ranges", assessment.framework, assessment.cluster_id),
        lambda: _peer_ranges_uncached(assessment),
        versions=(caching.POPULATION,),
    )


def _peer_ranges_uncached(assessment: Assessment) -> dict[str, tuple[float, float, int]]:
    values, groups = benchmark_population(framework=assessment.framework)
    if values.empty:
        return {}
    peers = values[groups["cluster"] != assessment.cluster_id]
    ranges = {}
    for code in peers.columns:
        column = [v for v in peers[code].tolist() if isinstance(v, float | int) and not isinstance(v, bool)]
        if len(column) < MIN_PEERS_FOR_RANGE:
            continue
        low, high = np.percentile(np.array(column, dtype=float), PEER_PERCENTILES)
        ranges[code] = (float(low), float(high), len(column))
    return ranges


def answer_anomalies(*, assessment: Assessment, answers) -> dict[str, list[Anomaly]]:
    """``{code: [Anomaly, …]}`` for the given answers (with their indicators) of ``assessment``."""
    ranges = peer_ranges(assessment)
    flags: dict[str, list[Anomaly]] = {}
    for answer in answers:
        indicator = answer.indicator
        declared = answer_declared(answer)
        if declared is None:
            continue
        found = []
        proposed = answer_proposed(answer)
        if proposed is not None:
            if indicator.value_type == "level":
                if proposed != declared:
                    found.append(
                        Anomaly(
                            "records",
                            _("Differs from the level computed from the records (%(proposed)s).")
                            % {"proposed": value_display(indicator=indicator, value=proposed)},
                        )
                    )
            else:
                declared_d, proposed_d = Decimal(declared), Decimal(proposed)
                if proposed_d == 0:
                    off = declared_d != 0
                    share = None
                else:
                    share = abs(declared_d - proposed_d) / abs(proposed_d)
                    off = share > RECORDS_TOLERANCE
                if off:
                    message = (
                        _("Differs by %(share)s %% from the value computed from the records (%(proposed)s).")
                        % {"share": _fmt((share * 100).quantize(Decimal(1))), "proposed": _fmt(proposed_d)}
                        if share is not None
                        else _("Differs from the value computed from the records (%(proposed)s).")
                        % {"proposed": _fmt(proposed_d)}
                    )
                    found.append(Anomaly("records", message))
        peer_range = ranges.get(indicator.code)
        if peer_range is not None and indicator.value_type != "level":
            low, high, count = peer_range
            value = float(declared)
            if value < low or value > high:
                found.append(
                    Anomaly(
                        "peers",
                        _(
                            "Outside the peers' usual range (5th–95th percentile of %(count)d clusters: "
                            "%(low)s to %(high)s)."
                        )
                        % {
                            "count": count,
                            "low": _fmt(Decimal(str(round(low, 1)))),
                            "high": _fmt(Decimal(str(round(high, 1)))),
                        },
                    )
                )
        if found:
            flags[indicator.code] = found
    return flags
