"""The PDF documents' presenter: what ``labelling.selectors.report`` read, shaped for the templates.

``report_context`` builds everything the template ``reports/assessment.html`` draws — cover, executive
summary, radar chart, the 31 indicators, peer positions, the path to the next level, evidence annex and
signature block — with every number already written the reader's way (``indicators.values``); the
template only lays it out. ``level_path_for`` is shared with the self-assessment summary page. Nothing here
queries the database.
"""

from __future__ import annotations

import base64
import math
import mimetypes
from decimal import Decimal

import segno
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.places import region_name
from core.text import long_date
from indicators import values
from indicators.computations import ELIGIBILITY_MINIMUM, GOLD_PERCENT, SILVER_MIN_IMPROVED
from indicators.next_level import (
    BLOCKED_ELIGIBILITY,
    BLOCKED_NO_PREVIOUS,
    REASON_BASELINE,
    REASON_ELIGIBILITY,
    REASON_IMPROVEMENT,
    level_path,
    next_level,
)
from indicators.spec import guidance_text
from labelling.models import LabelStatus, Level
from labelling.selectors.report import CertificateFacts, LevelPathFacts, PeerFacts, ReportFacts
from labelling.selectors.scoring import Scoring

# The level badge of the cover (WeasyPrint draws SVG with attributes, not with the stylesheet's fill/stroke).
BADGE_COLOURS = {
    "gold": {"dark": "#8a6d0b", "light": "#e3c35a"},
    "silver": {"dark": "#5f666e", "light": "#c9ced4"},
    "bronze": {"dark": "#7a4519", "light": "#d9a273"},
    "none": {"dark": "#4d5763", "light": "#c5ccd4"},
}


def _result_label(result: str) -> str:
    return {"full": _("met"), "partial": _("partly met")}.get(result, _("not met"))


def _level_label(level: str) -> str:
    return str(Level(level).label) if level in Level.values else level


# --- the path to the next level --------------------------------------------------------------------------


def level_path_for(facts: LevelPathFacts) -> dict | None:
    """The path to the next level as the report and the summary page show it (None at Gold)."""
    scoring, spec, indicators = facts.scoring, facts.spec, facts.indicators
    result = scoring.result
    level = next_level(result)
    if level is None:
        return None
    path = level_path(spec, result, level, eligibility=scoring.eligibility, previous=scoring.previous)
    reasons = {
        REASON_BASELINE: _("minimum requirement"),
        REASON_ELIGIBILITY: _("eligibility: at least %(n)s committed participants") % {"n": ELIGIBILITY_MINIMUM},
        REASON_IMPROVEMENT: _("improvement over the previous assessment"),
    }
    steps = []
    for step in path.steps:
        indicator = indicators[step.code]
        steps.append(
            {
                "code": step.code,
                "indicator": indicator,
                "now": values.format_value(indicator, step.current_value) or "—",
                "now_result": _result_label(step.current_result),
                "target": values.format_target(indicator, step.target_value),
                "target_result": _result_label(step.target_result),
                "points": values.format_signed(step.points_gained),
                "reason": reasons.get(step.reason, _("points towards the Gold bar")),
            }
        )
    blocked = ""
    if path.blocked == BLOCKED_ELIGIBILITY:
        blocked = _(
            "No label can be earned while the organisation is not confirmed as a legal entity listed in the "
            "public registry: these are declarations on the assessment, not indicators."
        )
    elif path.blocked == BLOCKED_NO_PREVIOUS:
        blocked = _("Silver needs a previous validated assessment 12 to 36 months before this one.")
    elif not path.reachable:
        blocked = _("Even with every indicator at its best, this level cannot be reached with this framework.")
    return {
        "level": level,
        "level_label": _level_label(level),
        "reachable": path.reachable,
        "blocked": blocked,
        "steps": steps,
        "count": len(steps),
        "points_before": values.format_number(path.points_before),
        "points_after": values.format_number(path.points_after),
        "points_required": values.format_number(path.points_required) if path.points_required is not None else "",
    }


# --- charts (geometry computed here so the templates only draw) -----------------------------------------


def _wrap(text: str, width: int = 16) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines[:3]


def radar_chart(categories: list[dict], *, previous: dict | None = None, size: int = 360) -> dict:
    """An SVG radar of the category scores (0–100 %), category names around it, a scale on the first axis,
    and the previous assessment's outline (``previous``: category code → score) when there is one."""
    n = max(len(categories), 1)
    width = size + 220  # room for the category names left and right of the chart
    centre_x, centre = width / 2, size / 2
    radius = size / 2 - 55

    def point(i: int, fraction: float, extra: float = 0.0) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * fraction + extra
        return round(centre_x + r * math.cos(angle), 1), round(centre + r * math.sin(angle), 1)

    def polygon(fractions: list[float]) -> str:
        return " ".join("{},{}".format(*point(i, f)) for i, f in enumerate(fractions))

    def fraction(score) -> float:
        return min(max(float(score or 0), 0.0), 100.0) / 100

    rings = []
    for ring in (25, 50, 75, 100):
        x, y = point(0, ring / 100)
        rings.append(
            {
                "points": polygon([ring / 100] * n),
                "label": values.format_percent(ring, places=0),
                "x": x + 4,
                "y": y + 3,
            }
        )
    axes = []
    for i, category in enumerate(categories):
        (x, y), (lx, ly) = point(i, 1.0), point(i, 1.0, 22)
        anchor = "middle" if abs(lx - centre_x) < 10 else ("start" if lx > centre_x else "end")
        lines = _wrap(f"{category['code']} — {category['name']}", 22) + [
            values.format_percent(category["score"], places=1)
        ]
        if ly < centre - radius / 2:  # above the chart: the lines grow upwards
            top = ly - (len(lines) - 1) * 12
        elif ly > centre + radius / 2:  # below: downwards
            top = ly + 4
        else:  # beside: centred on the axis
            top = ly - (len(lines) - 1) * 6
        axes.append(
            {
                "x": x,
                "y": y,
                "lx": lx,
                "anchor": anchor,
                "lines": [{"text": text, "y": round(top + 12 * k, 1)} for k, text in enumerate(lines)],
                "score": values.format_percent(category["score"], places=1),
            }
        )
    chart = {
        "size": size,
        "width": width,
        "centre_x": centre_x,
        "centre": centre,
        "axes": axes,
        "rings": rings,
        "polygon": polygon([fraction(c["score"]) for c in categories]),
        "dots": [dict(zip(("x", "y"), point(i, fraction(c["score"])), strict=True)) for i, c in enumerate(categories)],
        "previous": None,
    }
    if previous:
        chart["previous"] = polygon([fraction(previous.get(c["code"])) for c in categories])
    return chart


def strip_chart(*, values: list[float], own: float | None, q1, median, q3, width: int = 130, height: int = 16) -> dict:
    """A small strip chart: every peer's value as a tick, the Q1–Q3 box, the median, and the cluster's dot."""
    numbers = [v for v in values if v is not None and not math.isnan(v)]
    if own is not None:
        numbers.append(own)
    if not numbers:
        return {}
    low, high = min(numbers), max(numbers)
    span = (high - low) or 1.0
    pad = 4

    def x(v: float) -> float:
        return round(pad + (width - 2 * pad) * (v - low) / span, 1)

    return {
        "width": width,
        "height": height,
        "ticks": sorted({x(v) for v in values if v is not None and not math.isnan(v)}),
        "box": {"x": x(q1), "w": max(x(q3) - x(q1), 1.0)} if q1 is not None and q3 is not None else None,
        "median": x(median) if median is not None else None,
        "own": x(own) if own is not None else None,
    }


# --- the assessment report -----------------------------------------------------------------------------


def _logo_data_uri(logo: tuple[bytes, str] | None) -> str:
    """The cluster's logo inlined (the PDF fetcher serves nothing but our static files and data: URIs)."""
    if logo is None:
        return ""
    body, name = logo
    content_type = mimetypes.guess_type(name)[0] or "image/png"
    return f"data:{content_type};base64,{base64.b64encode(body).decode('ascii')}"


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _assessors(users: list) -> list[str]:
    """The assessors' names, the assessor first, each once."""
    names = []
    for user in users:
        name = _person(user)
        if name and name not in names:
            names.append(name)
    return names


def peer_rows(peers: PeerFacts | None, *, indicators: dict, kind: str) -> tuple[list[dict], dict]:
    """Per indicator: median, quartiles and percentile among all clusters and the same kind, with group sizes
    and a strip chart over all clusters' values (none while provisional: ``peers`` is None)."""
    if peers is None:
        return [], {}
    compared, position = peers.compared, peers.position
    rows = []
    for item in position.indicators:
        indicator = indicators[item.code]
        level = indicator.value_type == "level"

        def shown(value, *, level=level, indicator=indicator):
            if value is None:
                return ""
            if level:  # level indicators are compared on their points
                return values.format_number(value) + "\u00a0pt"
            text = values.format_statistic(value)
            return values.format_with_unit(indicator, text) if indicator.value_type == "pct" else text

        groups = {}
        for name in ("all", "kind"):
            peer = item.groups.get(name)
            if peer is None:
                continue
            groups[name] = {
                "count": peer.count,
                "shown": peer.shown,
                "median": shown(peer.median),
                "q1": shown(peer.q1),
                "q3": shown(peer.q3),
                "percentile": values.format_number(round(peer.percentile)) if peer.percentile is not None else "",
            }
        everyone = item.groups.get("all")
        column = [float(v) for v in compared[item.code].tolist()] if item.code in compared else []
        rows.append(
            {
                "indicator": indicator,
                "value": values.format_value(indicator, item.value) or "—",
                "groups": groups,
                "strip": strip_chart(
                    values=column,
                    own=item.points,
                    q1=everyone.q1 if everyone else None,
                    median=everyone.median if everyone else None,
                    q3=everyone.q3 if everyone else None,
                )
                if everyone and everyone.shown
                else {},
            }
        )
    return rows, {"population": position.population, "kind": kind}


def _summary(*, scoring: Scoring, spec, path: dict | None) -> dict:
    """Why the level: eligibility, baseline, the score against 80 %, the Silver conditions."""
    result = scoring.result
    total = spec.total_weight
    gold_points = Decimal(GOLD_PERCENT * total) / 100
    s3 = result.indicators.get("S3")
    baseline_missing = [
        code for code, item in result.indicators.items() if spec.indicator(code).baseline and item.result == "none"
    ]
    return {
        "eligible": result.eligible,
        "legal_entity": scoring.eligibility.legal_entity,
        "public_profile": scoring.eligibility.public_profile,
        "participants": values.format_number(s3.value) if s3 is not None and s3.value is not None else "—",
        "participants_minimum": ELIGIBILITY_MINIMUM,
        "baseline_met": result.baseline_met,
        "baseline_missing": baseline_missing,
        "score": values.format_percent(result.score, places=1),
        "points": values.format_number(result.points),
        "max_points": total,
        "gold_points": values.format_number(gold_points),
        "gold_percent": values.format_percent(GOLD_PERCENT, places=0),
        "gold_score_met": result.gold_score_met,
        "has_previous": scoring.previous is not None,
        "conditions": result.conditions(),
        "silver_window": result.silver_window,
        "improved": list(result.improved),
        "improved_count": len(result.improved),
        "silver_minimum": SILVER_MIN_IMPROVED,
        "previous_on": long_date(scoring.previous.validated_on) if scoring.previous else "",
        "path": path,
    }


def next_threshold(result: str) -> str | None:
    """The threshold a value of this result reaches for next: the partial one for a value that earns nothing (it
    earns half the points), then the full one; ``None`` once fully met."""
    return {"none": "partial", "partial": "full"}.get(result)


def _recommendations(categories: list[dict], guidance: dict) -> list[dict]:
    """For every criterion not fully met (at every level, a Gold holder's too), the next threshold to reach and the
    framework's guidance for that threshold, by category, in the report's language."""
    language = (translation.get_language() or "fr")[:2]
    blocks = []
    for category in categories:
        rows = []
        for row in category["rows"]:
            threshold = next_threshold(row["result"])
            if threshold is None:
                continue
            code = row["indicator"].code
            rows.append(
                {
                    "code": code,
                    "name": row["indicator"].name,
                    "result_label": row["result_label"],
                    "threshold": threshold,
                    "target": row["partial_criterion"] if threshold == "partial" else row["criterion"],
                    "full": row["criterion"],
                    "guidance": guidance_text(guidance, code, threshold, language),
                }
            )
        blocks.append({"code": category["code"], "name": category["name"], "rows": rows})
    return blocks


def report_context(facts: ReportFacts) -> dict:
    """The context of ``reports/assessment.html``."""
    report, assessment, spec, scoring = facts.report, facts.assessment, facts.spec, facts.scoring
    cluster = assessment.cluster
    result = scoring.result
    indicators, answers, previous_result = facts.indicators, facts.answers, facts.previous_result

    categories = []
    for category, codes in facts.categories:
        rows = []
        for code in codes:
            indicator = indicators[code]
            answer = answers.get(code)
            score = result.indicators[code]
            declared = values.format_value(indicator, answer.declared) if answer else ""
            validated = values.format_value(indicator, answer.validated) if answer and answer.reviewed else ""
            change = ""
            if previous_result is not None and code in previous_result.indicators:
                delta = score.points - previous_result.indicators[code].points
                before = values.format_value(indicator, previous_result.indicators[code].value) or "—"
                change = {
                    "before": before,
                    "points": values.format_signed(delta),
                    "direction": (delta > 0) - (delta < 0),
                }
            rows.append(
                {
                    "indicator": indicator,
                    "declared": declared or "—",
                    "validated": validated or ("—" if scoring.provisional else declared or "—"),
                    "corrected": bool(answer and answer.justification.strip()),
                    "criterion": values.format_threshold(indicator, "full"),
                    "partial_criterion": values.format_threshold(indicator, "partial"),
                    "result": score.result,
                    "result_label": _result_label(score.result),
                    "points": values.format_number(score.points),
                    "weight": indicator.weight,
                    "manager_comment": answer.comment if answer else "",
                    "assessor_comment": answer.assessor_comment if answer else "",
                    "justification": answer.justification if answer else "",
                    "change": change,
                }
            )
        points = sum((result.indicators[c].points for c in codes), Decimal(0))
        weight = sum(indicators[c].weight for c in codes)
        categories.append(
            {
                "code": category.code,
                "name": category.name,
                "rows": rows,
                "met": sum(1 for r in rows if r["result"] == "full"),
                "partial": sum(1 for r in rows if r["result"] == "partial"),
                "count": len(rows),
                "points": values.format_number(points),
                "max_points": weight,
                "score": result.categories.get(category.code, Decimal(0)),
                "score_display": values.format_percent(result.categories.get(category.code, Decimal(0)), places=1),
                "bar": float(result.categories.get(category.code, Decimal(0))),
            }
        )

    path = level_path_for(facts.level_path)
    peers, peer_facts = peer_rows(facts.peers, indicators=indicators, kind=cluster.get_kind_display())
    decision, label = facts.decision, facts.label
    evidence = [
        {
            "name": item.original_name,
            "code": item.answer.indicator.code,
            "indicator": item.answer.indicator.name,
            "date": long_date(item.document_date),
        }
        for item in facts.evidence
    ]
    assessors = _assessors(facts.assessors)
    recommendations = _recommendations(categories, facts.guidance)
    return {
        **facts.extras,
        "recommendations": recommendations,
        "advice_count": sum(len(block["rows"]) for block in recommendations),
        "report": report,
        "assessment": assessment,
        "cluster": cluster,
        "logo": _logo_data_uri(facts.logo),
        "kind": cluster.get_kind_display(),
        "region": region_name(cluster.region),
        "result": result,
        "level": result.level,
        "level_display": _level_label(result.level),
        "badge": BADGE_COLOURS.get(result.level, BADGE_COLOURS["none"]),
        "score": values.format_percent(result.score, places=1),
        "points": values.format_number(result.points),
        "max_points": spec.total_weight,
        "provisional": scoring.provisional,
        "summary": _summary(scoring=scoring, spec=spec, path=path),
        "categories": categories,
        "chart": radar_chart(categories, previous=previous_result.categories if previous_result else None),
        "previous_assessment": scoring.previous_assessment,
        "previous_on": long_date(scoring.previous.validated_on) if scoring.previous else "",
        "path": path,
        "peers": peers,
        "peer_facts": peer_facts,
        "decision": decision,
        "decided_on": long_date(decision.decided_on) if decision else "",
        "decided_by": _person(decision.decided_by) if decision else "",
        "validated_on": long_date(assessment.validated_on),
        "label": label,
        "label_awarded_on": long_date(label.awarded_on) if label else "",
        "label_expires_on": long_date(label.expires_on) if label else "",
        "assessors": assessors,
        "evidence": evidence,
        "generated_on": long_date(timezone.localdate()),
        "total_met": sum(c["met"] for c in categories),
        "total_count": sum(c["count"] for c in categories),
        "labelling_body": settings.LABELLING_BODY,
    }


# --- the certificate -----------------------------------------------------------------------------------


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=1, dark="#1d2530")


MEDAL_COLOURS = {
    "gold": {"main": "#c9a227", "dark": "#8a6d0b", "light": "#f3dc8a", "ribbon": "#1f4e8c"},
    "silver": {"main": "#a7adb4", "dark": "#5f666e", "light": "#e4e7ea", "ribbon": "#1f4e8c"},
    "bronze": {"main": "#b0723a", "dark": "#6e4015", "light": "#e2b48a", "ribbon": "#1f4e8c"},
}


def certificate_context(facts: CertificateFacts) -> dict:
    """The context of ``reports/certificate.html``."""
    report, label, url = facts.report, facts.label, facts.verify_url
    level_word = {"gold": _("Gold"), "silver": _("Silver"), "bronze": _("Bronze")}.get(label.level, label.level)
    return {
        "report": report,
        "label": label,
        "cluster": label.cluster,
        "region": region_name(label.cluster.region),
        "kind": label.cluster.get_kind_display(),
        "level_display": _level_label(label.level),
        "title": _("Label %(level)s — Cluster management excellence") % {"level": level_word},
        "colours": MEDAL_COLOURS.get(label.level, MEDAL_COLOURS["bronze"]),
        "awarded_on": long_date(label.awarded_on),
        "expires_on": long_date(label.expires_on),
        "verify_url": url,
        "qr": qr_data_uri(url),
        "validity": facts.validity,
        "active": label.status == LabelStatus.ACTIVE,
        "labelling_body": settings.LABELLING_BODY,
        "reference_year": label.assessment.reference_year,
    }
