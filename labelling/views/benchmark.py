"""Benchmark pages: a cluster's position among its peers (its managers and administrators), and the
population statistics (administrators)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clusters.models import ClusterKind
from core.places import region_name
from indicators import values
from indicators.models import Framework
from indicators.services import framework_spec_for
from labelling import selectors
from labelling.models import Assessment, Level
from labelling.presenters.report import strip_chart
from labelling.selectors.peers import MIN_PEERS, population_statistics
from labelling.selectors.report import report_peers


def _language() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def _text(texts: dict, language: str) -> str:
    return texts.get(language) or texts.get("fr") or texts.get("en") or ""


def number_display(value) -> str:
    """At most two decimals, none when they are zeros, written the local way (17,5 in French)."""
    if value is None:
        return "—"
    for places in (0, 1):
        if round(value, places) == round(value, 2):
            return values.format_number(value, places=places)
    return values.format_number(value, places=2)


def result_display(points, weight: int) -> str:
    """A level indicator is compared on its points: 0, w/2 or w."""
    if points is None:
        return "—"
    if points >= weight:
        return _("Met")
    if points > 0:
        return _("Partly met")
    return _("Not met")


def peer_group_label(peer_group: str, key: str) -> str:
    if peer_group == "kind":
        try:
            return _("same kind (%(kind)s)") % {"kind": ClusterKind(key).label}
        except ValueError:
            return _("same kind")
    if peer_group == "region":
        return _("same region (%(region)s)") % {"region": region_name(key)}
    return _("all clusters")


STRIP_WIDTH = 220  # px: the report's strip (130) drawn wider on a page


def benchmark_tables(assessment: Assessment) -> dict:
    """The position of ``assessment`` as display rows grouped by category."""
    language = _language()
    spec = framework_spec_for(assessment.framework)
    peers = report_peers(assessment=assessment)  # the position, and every peer's compared value (the strips)
    position, compared = peers.position, peers.compared
    by_code = {item.code: item for item in position.indicators}
    shown_groups = [name for name in ("all", "kind") if name == "all" or name in position.keys]
    categories = []
    too_small = False
    for category in spec.categories:
        rows = []
        for code in category.indicator_codes:
            item = by_code[code]
            indicator = spec.indicator(code)
            level = indicator.value_type == "level"
            if level:
                option = indicator.option(item.value) if item.value else None
                value = _text(option.label, language) if option else "—"
            elif indicator.value_type == "pct" and item.points is not None:
                value = number_display(item.points) + ("%" if language == "en" else "\u202f%")  # 51,3 % / 51.3%
            else:
                value = number_display(item.points)

            def show(x, level=level, weight=indicator.weight):
                if level:
                    return result_display(x, weight)
                return values.format_statistic(x) if x is not None else "—"

            groups = []
            for name in shown_groups:
                peer = item.groups.get(name)
                if peer is None:
                    continue
                too_small = too_small or not peer.shown
                groups.append(
                    {
                        "name": name,
                        "peers": peer.peers,
                        "shown": peer.shown,
                        "median": show(peer.median),
                        "q1": show(peer.q1),
                        "q3": show(peer.q3),
                        "percentile": peer.percentile,
                        "percentile_display": number_display(
                            None if peer.percentile is None else round(peer.percentile)
                        ),
                    }
                )
            main = groups[0] if groups else None
            everyone = item.groups.get("all")
            column = [float(v) for v in compared[code].tolist()] if code in compared else []
            # The PDF report's strip chart (same geometry, wider): drawn only where the medians may be shown.
            strip = (
                strip_chart(
                    values=column,
                    own=item.points,
                    q1=everyone.q1,
                    median=everyone.median,
                    q3=everyone.q3,
                    width=STRIP_WIDTH,
                )
                if everyone is not None and everyone.shown
                else {}
            )
            rows.append(
                {
                    "code": code,
                    "name": _text(indicator.name, language),
                    "unit": ""
                    if indicator.value_type == "pct"
                    else values.unit_for(indicator, item.points, language=language),
                    "lower_is_better": indicator.direction == "lower",
                    "value": value,
                    "all": main,
                    "kind": groups[1] if len(groups) > 1 else None,
                    "bar": None if main is None or main["percentile"] is None else round(main["percentile"]),
                    "strip": strip,
                }
            )
        categories.append({"code": category.code, "name": _text(category.name, language), "rows": rows})
    return {
        "categories": categories,
        "population": position.population,
        "too_small": too_small,
        "min_peers": MIN_PEERS,
        "kind_label": peer_group_label("kind", position.keys["kind"]) if "kind" in position.keys else "",
        "has_kind": "kind" in position.keys,
    }


@login_required
@require_GET
def assessment_benchmark(request, pk: int):
    assessment = selectors.assessment_get(user=request.user, pk=pk, capability="assessment.benchmark")
    context = {"assessment": assessment, **benchmark_tables(assessment)}
    return render(request, "labelling/assessment_benchmark.html", context)


def statistics_tables(framework: Framework) -> dict:
    language = _language()
    spec = framework_spec_for(framework)
    statistics = population_statistics(framework=framework)
    by_code = {row["code"]: row for row in statistics.criteria}
    categories = []
    for category in spec.categories:
        rows = []
        for code in category.indicator_codes:
            row = by_code[code]
            rows.append(
                {
                    **row,
                    "name": _text(spec.indicator(code).name, language),
                    "full_percent": None if row["full_share"] is None else round(100 * row["full_share"]),
                    "met_percent": None if row["met_share"] is None else round(100 * row["met_share"]),
                }
            )
        categories.append({"code": category.code, "name": _text(category.name, language), "rows": rows})
    levels = [(level, Level(level).label) for level in ("bronze", "silver", "gold")]
    regions = [{**entry, "counts": [entry[level] for level, _label in levels]} for entry in statistics.labels_by_region]
    return {
        "framework": framework,
        "framework_name": _text(spec.name, language),
        "population": statistics.population,
        "categories": categories,
        "levels": levels,
        "labels_by_level": [(label, statistics.labels_by_level.get(level, 0)) for level, label in levels],
        "labels_total": sum(statistics.labels_by_level.values()),
        "regions": regions,
    }


@login_required
@require_GET
def statistics(request):
    framework = selectors.statistics_framework_get(user=request.user, code=request.GET.get("framework"))
    return render(request, "labelling/statistics.html", statistics_tables(framework))
