"""Shaping for the funders' pages: what a selector read becomes the rows and labels a template draws. Queries
nothing."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from indicators import values
from labelling.models import LABEL_LEVEL_CHOICES

STATE_LABELS = {
    "not_started": _("Not started"),
    "draft": _("Being filled"),
    "submitted": _("Submitted"),
    "returned": _("Returned"),
    "approved": _("Approved"),
    "late": _("Late"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def with_state_labels(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["state_label"] = state_label(row["state"])
    return rows


# --- the officer's dashboard ---------------------------------------------------------------------------------------


def _language() -> str:
    return (translation.get_language() or "fr")[:2]


def label_facts(label: dict | None, today: datetime.date, flag_days: int) -> dict:
    """The label as the dashboard shows it: level, valid until, and the flag (expires soon, revoked, expired)."""
    if label is None:
        return {"level": "", "level_label": str(_("No label")), "expires_on": None, "flag": "", "flag_label": ""}
    flag = ""
    if label["status"] == "revoked":
        flag = "revoked"
    elif label["status"] == "expired" or label["expires_on"] < today:
        flag = "expired"
    elif (label["expires_on"] - today).days <= flag_days:
        flag = "expires_soon"
    return {
        "level": label["level"],
        "level_label": str(LEVEL_LABELS.get(label["level"], label["level"])),
        "expires_on": label["expires_on"],
        "flag": flag,
        "flag_label": str(FLAG_LABELS.get(flag, "")),
    }


FLAG_LABELS = {
    "revoked": _("revoked"),
    "expired": _("expired"),
    "expires_soon": _("expires within 90 days"),
}
LEVEL_LABELS = dict(LABEL_LEVEL_CHOICES)


def achievement(value: Decimal | None, target: Decimal | None) -> Decimal | None:
    """value ÷ target × 100, rounded to a whole percent; None without both or with a zero target."""
    if value is None or target is None or target == 0:
        return None
    return (Decimal(value) * 100 / Decimal(target)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def dashboard_rows(*, enrolments, facts, figures: dict, targets: dict, spec, programme, year: int, today) -> list[dict]:
    due = programme.due_date(year)
    rows = []
    for enrolment in enrolments:
        cluster_id = enrolment.cluster_id
        report = facts.reports.get(cluster_id)
        state = report_state_of(report[1] if report else None, due, today)
        cells = []
        for indicator in spec.indicators:
            value, target = figures.get((cluster_id, indicator.code)), targets.get((cluster_id, indicator.code))
            pct = achievement(value, target) if indicator.kind != "yesno" else None
            cells.append(
                {
                    "value": value,
                    "target": target,
                    "value_shown": indicator.format(value) if value is not None else "—",
                    "target_shown": indicator.format(target) if target is not None else "—",
                    "achievement": pct,
                    "achievement_shown": values.format_percent(pct) if pct is not None else "",
                    "met": pct is not None and pct >= 100,
                }
            )
        rows.append(
            {
                "enrolment": enrolment,
                "cluster": enrolment.cluster,
                "label": label_facts(facts.labels.get(cluster_id), today, FLAG_DAYS_SHOWN),
                "report_id": report[0] if report else None,
                "state": state,
                "state_label": state_label(state),
                "cells": cells,
            }
        )
    return rows


FLAG_DAYS_SHOWN = 90


def report_state_of(status: str | None, due: datetime.date, today: datetime.date) -> str:
    if status in ("submitted", "approved"):
        return status
    if today > due:
        return "late"
    return status or "not_started"


def state_counts(*, facts, programme, year: int, today) -> list[dict]:
    due = programme.due_date(year)
    counts = dict.fromkeys(STATE_LABELS, 0)
    for cluster_id in facts.s3:
        report = facts.reports.get(cluster_id)
        counts[report_state_of(report[1] if report else None, due, today)] += 1
    return [{"state": s, "label": state_label(s), "count": n} for s, n in counts.items() if n]


def _aggregate(indicator, row: dict | None, key_sum: str = "sum", key_avg: str = "avg") -> Decimal | None:
    if row is None:
        return None
    value = row[key_avg] if indicator.kind == "percentage" else row[key_sum]
    if value is None:
        return None
    places = 1 if indicator.kind == "percentage" else 2
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def totals_table(*, spec, years: list[int], facts) -> list[dict]:
    """Per indicator and year: the programme's actual figure (the sum for counts and money, the mean for
    percentages) against the targets' (sum or mean), and the achievement."""
    table = []
    for indicator in spec.indicators:
        cells = []
        for year in years:
            actual = _aggregate(indicator, facts.totals.get((indicator.code, year)))
            target = _aggregate(indicator, facts.target_totals.get((indicator.code, year)))
            pct = achievement(actual, target)
            shown = indicator.format if indicator.kind != "yesno" else _yes_count
            cells.append(
                {
                    "year": year,
                    "actual": actual,
                    "target": target,
                    "actual_shown": shown(actual) if actual is not None else "—",
                    "target_shown": shown(target) if target is not None else "—",
                    "achievement_shown": values.format_percent(pct) if pct is not None else "",
                }
            )
        table.append({"indicator": indicator, "cells": cells})
    return table


def _yes_count(number: Decimal) -> str:
    """A yes/no indicator's total: how many clusters answered yes."""
    count = int(number)
    return str(ngettext("%(count)d yes", "%(count)d yes", count) % {"count": count})


def bar_chart_actual_vs_target(*, line: dict, width: int = 560, height: int = 220) -> dict:
    """Grouped bars, one pair per year (actual, target), on a scale from zero to the largest; geometry only."""
    top, bottom, left = 16, 28, 8
    cells = line["cells"]
    largest = max([float(c["actual"] or 0) for c in cells] + [float(c["target"] or 0) for c in cells] + [0])
    plot = height - top - bottom
    slot = (width - left * 2) / max(len(cells), 1)
    bar = min(28.0, slot / 3)
    groups = []
    for i, cell in enumerate(cells):
        x = left + i * slot + slot / 2
        bars = []
        for j, (kind, value, shown) in enumerate(
            (("actual", cell["actual"], cell["actual_shown"]), ("target", cell["target"], cell["target_shown"]))
        ):
            h = 0.0 if not largest or value is None else float(value) / largest * plot
            bars.append(
                {
                    "kind": kind,
                    "x": _n(x - bar + j * bar),
                    "y": _n(top + plot - h),
                    "width": _n(bar - 2),
                    "height": _n(h),
                    "title": shown,
                }
            )
        groups.append({"year": str(cell["year"]), "label_x": _n(x), "label_y": _n(height - 8), "bars": bars})
    return {
        "width": _n(width),
        "height": _n(height),
        "baseline": _n(top + plot),
        "groups": groups,
        "indicator": line["indicator"],
    }


def _n(number: float) -> str:
    """A coordinate as SVG reads it (a dot, no grouping), whatever the page's language."""
    return f"{number:.1f}"


def bar_chart_labels(*, facts, today, width: int = 560, row: int = 30) -> dict:
    """Horizontal bars: the clusters by the level of their newest label (and those without one); the flagged."""
    counts = {level: 0 for level in LEVEL_LABELS}
    counts[""] = 0
    flagged = 0
    for cluster_id in facts.s3:
        label = facts.labels.get(cluster_id)
        shown = label_facts(label, today, FLAG_DAYS_SHOWN)
        if shown["flag"] in ("revoked", "expired") or label is None:
            counts[""] += 1
        else:
            counts[label["level"]] += 1
        if shown["flag"]:
            flagged += 1
    largest = max(counts.values()) or 1
    label_width, bar_space = 140, width - 140 - 60
    bars = []
    for i, (level, count) in enumerate(counts.items()):
        bars.append(
            {
                "level": level or "none",
                "label": str(LEVEL_LABELS.get(level, _("No valid label"))),
                "count": str(count),
                "x": _n(label_width),
                "y": _n(i * row + 4),
                "width": _n(count / largest * bar_space),
                "height": _n(row - 8),
                "text_y": _n(i * row + row / 2 + 4),
                "count_x": _n(label_width + count / largest * bar_space + 6),
            }
        )
    return {"width": _n(width), "height": _n(row * len(bars) + 4), "bars": bars, "flagged": flagged}


def s3_groups(*, programme, facts, today, year: int) -> list[dict]:
    """The programme's S3 domains with the clusters that chose each (a cluster may be in several), and how
    many of them have a valid label and an approved report on the year."""
    due = programme.due_date(year)
    language = _language()
    groups = []
    known = set()
    for domain in programme.s3_domains or []:
        code = domain.get("code")
        known.add(code)
        members = [cid for cid, domains in facts.s3.items() if code in (domains or [])]
        groups.append(_group(domain.get(language) or domain.get("fr") or code, members, facts, today, due))
    others = [cid for cid, domains in facts.s3.items() if not known & set(domains or [])]
    if programme.s3_domains and others:
        groups.append(_group(str(_("No domain of the programme")), others, facts, today, due))
    return groups


def _group(name, members, facts, today, due) -> dict:
    labelled = sum(
        1 for cid in members if not label_facts(facts.labels.get(cid), today, 0)["flag"] and facts.labels.get(cid)
    )
    approved = sum(1 for cid in members if (facts.reports.get(cid) or (None, None))[1] == "approved")
    return {"name": name, "clusters": len(members), "labelled": labelled, "approved": approved}


def export_header(spec) -> tuple[list[str], list[str]]:
    """The export's column titles and keys (``cluster`` is escaped against formulas by the exporters)."""
    titles = [str(_("Cluster")), str(_("Label")), str(_("Valid through")), str(_("Flag")), str(_("Report"))]
    keys = ["cluster", "level", "expires_on", "flag", "state"]
    for indicator in spec.indicators:
        titles += [indicator.label(), f"{indicator.label()} — {_('target')}"]
        keys += [indicator.code, f"{indicator.code}_target"]
    return titles, keys


def export_tuple(row: dict) -> tuple:
    cells = []
    for cell in row["cells"]:
        cells += [_number(cell["value"]), _number(cell["target"])]
    label = row["label"]
    return (
        row["cluster"].name,
        label["level_label"] if label["level"] else "",
        label["expires_on"].isoformat() if label["expires_on"] else "",
        label["flag_label"],
        row["state_label"],
        *cells,
    )


def _number(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)
