"""The format of the expert's interview or visit, from the level the cluster applies for (ESCA's published process):
pure functions, no database."""

from __future__ import annotations

import datetime

from expertise.models import VisitKind, VisitMode

# The expected length of each format (the assessor's slots are free; this is what the pages suggest and show).
DURATIONS = {
    VisitKind.INTERVIEW: datetime.timedelta(hours=3),
    VisitKind.HALF_DAY: datetime.timedelta(hours=5),
    VisitKind.TWO_DAYS: datetime.timedelta(days=2),
    VisitKind.ONE_DAY: datetime.timedelta(days=1),
}
# A Gold renewal within a year of the previous Gold's expiry is visited in one day.
RENEWAL_WINDOW = datetime.timedelta(days=365)


def visit_kind(applied_level: str, *, gold_renewal: bool = False) -> str:
    if applied_level == "gold":
        return VisitKind.ONE_DAY if gold_renewal else VisitKind.TWO_DAYS
    if applied_level == "silver":
        return VisitKind.HALF_DAY
    return VisitKind.INTERVIEW


def allowed_modes(kind: str) -> tuple[str, ...]:
    """Bronze's interview is by video or on site; the visits of Silver and Gold are on site."""
    if kind == VisitKind.INTERVIEW:
        return (VisitMode.VIDEO, VisitMode.ON_SITE)
    return (VisitMode.ON_SITE,)


def needs_two_experts(kind: str) -> bool:
    return kind in (VisitKind.TWO_DAYS, VisitKind.ONE_DAY)
