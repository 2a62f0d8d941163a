"""The scoring engine of indicators.md: points, scores, baseline, eligibility, improvements and the level.

Pure Python on :mod:`indicators.spec` values — no ORM, no request — so every rule is tested without a
database. Comparisons are exact (Decimal and whole numbers); only the displayed scores are rounded.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from . import values
from .spec import FrameworkSpec, IndicatorSpec
from .values import InvalidValue  # noqa: F401 (re-exported: callers catch computations.InvalidValue)

Value = Decimal | int | float | str | None  # numbers for int/dec/pct, an option code for level; None = unanswered

FULL, PARTIAL, NONE = "full", "partial", "none"

LEVEL_NONE, LEVEL_BRONZE, LEVEL_SILVER, LEVEL_GOLD = "none", "bronze", "silver", "gold"
# From worst to best (for comparisons such as "the level never falls"); the rules are checked
# in the order none, gold, silver, bronze (see level_for).
# A condition of the level rules is met, not met, or does not apply (never shown as failed: a first assessment
# has nothing to compare with, and a Gold level needs no Silver condition).
MET, NOT_MET, NOT_APPLICABLE = "met", "not_met", "not_applicable"
LEVEL_RANK = {LEVEL_NONE: 0, LEVEL_BRONZE: 1, LEVEL_SILVER: 2, LEVEL_GOLD: 3}

GOLD_PERCENT = 80  # excellence score needed for Gold
SILVER_MIN_IMPROVED = 3  # improved indicators needed for Silver
SILVER_WINDOW_MONTHS = (12, 36)  # previous validation between 12 and 36 months before this one
LABEL_VALIDITY_MONTHS = 24
ELIGIBILITY_INDICATOR = "S3"  # committed participants
ELIGIBILITY_MINIMUM = 10

_ONE_DECIMAL = Decimal("0.1")


class InvalidAnswers(ValueError):
    """Several answers are invalid: ``errors`` is a list of (indicator code, message)."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{code}: {message}" for code, message in errors))


# --- Values -----------------------------------------------------------------------------------------------------


def clean_value(spec: IndicatorSpec, value: Value) -> Decimal | str | None:
    """The value as the engine uses it (a Decimal, or an option code), or InvalidValue naming the problem.

    The rules are :func:`indicators.values.check`'s, the same as the forms' and the API's.
    """
    cleaned = values.clean(spec, value, code=spec.code)
    return Decimal(cleaned) if isinstance(cleaned, int) else cleaned


def indicator_result(spec: IndicatorSpec, value: Value) -> str:
    """ "full", "partial" or "none" for this value (None, i.e. unanswered, gives "none")."""
    cleaned = clean_value(spec, value)
    if cleaned is None:
        return NONE
    if spec.value_type == "level":
        option = spec.option(cleaned)
        return option.result if option is not None else NONE
    assert isinstance(cleaned, Decimal)
    if spec.direction == "lower":
        if spec.full is not None and cleaned <= spec.full:
            return FULL
        if spec.partial is not None and cleaned <= spec.partial:
            return PARTIAL
        return NONE
    if spec.full is not None and cleaned >= spec.full:
        return FULL
    if spec.partial is not None and cleaned >= spec.partial:
        return PARTIAL
    return NONE


def points_for_result(spec: IndicatorSpec, result: str) -> Decimal:
    if result == FULL:
        return Decimal(spec.weight)
    if result == PARTIAL:
        return Decimal(spec.weight) / 2
    return Decimal(0)


def indicator_points(spec: IndicatorSpec, value: Value) -> Decimal:
    """w when the value reaches the full threshold, w/2 when it reaches only the partial one, else 0."""
    return points_for_result(spec, indicator_result(spec, value))


# --- Dates ------------------------------------------------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    """``d`` plus ``months`` months, keeping the day, or the month's last day when that day does not exist."""
    year, month_index = divmod(d.year * 12 + (d.month - 1) + months, 12)
    month = month_index + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def label_expiry(decided_on: date) -> date:
    """The last day a label is valid: the day before the second anniversary of its decision."""
    return add_months(decided_on, LABEL_VALIDITY_MONTHS) - timedelta(days=1)


def in_silver_window(previous_validated_on: date, validated_on: date) -> bool:
    """p + 12 months <= d <= p + 36 months."""
    low, high = SILVER_WINDOW_MONTHS
    return add_months(previous_validated_on, low) <= validated_on <= add_months(previous_validated_on, high)


# --- Results ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    legal_entity: bool
    public_profile: bool


@dataclass(frozen=True)
class PreviousAssessment:
    validated_on: date
    answers: Mapping[str, Value]


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    value: Decimal | str | None
    result: str
    points: Decimal


def display_score(points: Decimal, total: int | Decimal) -> Decimal:
    """100 × points ÷ total with one decimal, rounded half up (for display only)."""
    if not total:
        return Decimal("0.0")
    return (Decimal(100) * Decimal(points) / Decimal(total)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ScoreResult:
    framework: str
    level: str  # "none" | "bronze" | "silver" | "gold"
    score: Decimal  # excellence score with one decimal, for display; the rules compare exactly
    points: Decimal
    max_points: int
    eligible: bool
    baseline_met: bool
    improved: tuple[str, ...]
    categories: dict[str, Decimal]  # category score, one decimal
    indicators: dict[str, IndicatorScore]
    gold_score_met: bool = False  # points × 100 ≥ 80 × total weight
    silver_window: bool = False  # a previous validated assessment 12 to 36 months before
    compared: bool = False  # there was a previous validated assessment to compare with

    def conditions(self) -> dict[str, str]:
        """Each condition of the rules of indicators.md: ``MET``, ``NOT_MET`` or ``NOT_APPLICABLE``.

        Every page and PDF that marks the conditions reads them here. The Silver conditions apply only when there
        is a previous validated assessment to compare with, and not to a Gold level (Gold does not need them):
        there they are not applicable, never failed."""

        def state(met: bool) -> str:
            return MET if met else NOT_MET

        silver_met = self.silver_window and len(self.improved) >= SILVER_MIN_IMPROVED
        if silver_met:
            silver = MET
        elif not self.compared or self.level == LEVEL_GOLD:
            silver = NOT_APPLICABLE
        else:
            silver = NOT_MET
        return {
            "eligibility": state(self.eligible),
            "baseline": state(self.baseline_met),
            "gold_score": state(self.gold_score_met),
            "silver": silver,
        }

    def to_dict(self) -> dict:
        """The ``manage.py score --json`` shape of indicators.md."""
        return {
            "framework": self.framework,
            "level": self.level,
            "score": float(self.score),
            "points": values.json_number(self.points),
            "eligible": self.eligible,
            "baseline_met": self.baseline_met,
            "improved": list(self.improved),
            "categories": {code: float(score) for code, score in self.categories.items()},
            "indicators": {
                code: {
                    "value": values.json_number(item.value) if isinstance(item.value, Decimal) else item.value,
                    "result": item.result,
                    "points": values.json_number(item.points),
                }
                for code, item in self.indicators.items()
            },
        }


def clean_answers(framework: FrameworkSpec, answers: Mapping[str, Value]) -> dict[str, Decimal | str | None]:
    """Every indicator's cleaned value (None when unanswered); InvalidAnswers lists every bad or unknown code."""
    errors: list[tuple[str, str]] = []
    known = set(framework.codes)
    for code in answers:
        if code not in known:
            errors.append(
                (str(code), _("unknown indicator for the framework %(framework)s.") % {"framework": framework.code})
            )
    cleaned: dict[str, Decimal | str | None] = {}
    for spec in framework.indicators:
        try:
            cleaned[spec.code] = clean_value(spec, answers.get(spec.code))
        except InvalidValue as exc:
            errors.append((spec.code, exc.message))
    if errors:
        raise InvalidAnswers(errors)
    return cleaned


def previous_points(spec: IndicatorSpec, value: Value) -> Decimal:
    # An old value that the current version refuses (e.g. a renamed option) earned nothing comparable.
    try:
        return indicator_points(spec, value)
    except InvalidValue:
        return Decimal(0)


def is_eligible(framework: FrameworkSpec, cleaned: Mapping[str, Value], eligibility: Eligibility) -> bool:
    """Legal entity, listed in the public registry, and at least 10 committed participants (S3)."""
    if not (eligibility.legal_entity and eligibility.public_profile):
        return False
    if ELIGIBILITY_INDICATOR not in framework.codes:
        return True  # a framework without S3 has no participant count to check
    value = cleaned.get(ELIGIBILITY_INDICATOR)
    return isinstance(value, Decimal) and value >= ELIGIBILITY_MINIMUM


def level_for(*, eligible: bool, baseline_met: bool, gold_score_met: bool, silver_window: bool, improved: int) -> str:
    """The rules of indicators.md, checked in this order: none, gold, silver, bronze."""
    if not eligible:
        return LEVEL_NONE
    if baseline_met and gold_score_met:
        return LEVEL_GOLD
    if baseline_met and silver_window and improved >= SILVER_MIN_IMPROVED:
        return LEVEL_SILVER
    return LEVEL_BRONZE


def score_assessment(
    framework: FrameworkSpec,
    answers: Mapping[str, Value],
    *,
    eligibility: Eligibility,
    validated_on: date | None = None,
    previous: PreviousAssessment | None = None,
) -> ScoreResult:
    """Score an assessment's answers (missing codes count as unanswered; bad values raise InvalidAnswers)."""
    cleaned = clean_answers(framework, answers)
    indicators: dict[str, IndicatorScore] = {}
    for spec in framework.indicators:
        result = indicator_result(spec, cleaned[spec.code])
        indicators[spec.code] = IndicatorScore(
            code=spec.code, value=cleaned[spec.code], result=result, points=points_for_result(spec, result)
        )

    points = sum((item.points for item in indicators.values()), Decimal(0))
    total = framework.total_weight
    categories: dict[str, Decimal] = {}
    for category in framework.categories:
        category_points = sum((indicators[code].points for code in category.indicator_codes), Decimal(0))
        category_total = sum(framework.indicator(code).weight for code in category.indicator_codes)
        categories[category.code] = display_score(category_points, category_total)

    baseline_met = all(
        indicators[spec.code].result in (FULL, PARTIAL) for spec in framework.indicators if spec.baseline
    )
    gold_score_met = points * 100 >= GOLD_PERCENT * total
    eligible = is_eligible(framework, cleaned, eligibility)

    improved: tuple[str, ...] = ()
    silver_window = False
    if previous is not None:
        improved = tuple(
            spec.code
            for spec in framework.indicators
            # Only what the previous assessment answered can be compared (a new version may add indicators).
            if spec.code in previous.answers
            and indicators[spec.code].points > previous_points(spec, previous.answers[spec.code])
        )
        if validated_on is not None:
            silver_window = in_silver_window(previous.validated_on, validated_on)

    level = level_for(
        eligible=eligible,
        baseline_met=baseline_met,
        gold_score_met=gold_score_met,
        silver_window=silver_window,
        improved=len(improved),
    )
    return ScoreResult(
        framework=framework.code,
        level=level,
        score=display_score(points, total),
        points=points,
        max_points=total,
        eligible=eligible,
        baseline_met=baseline_met,
        improved=improved,
        categories=categories,
        indicators=indicators,
        gold_score_met=gold_score_met,
        silver_window=silver_window,
        compared=previous is not None,
    )
