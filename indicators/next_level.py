"""The path to the next level: the fewest indicators whose improvement earns the next label.

Pure Python on :mod:`indicators.spec` and :class:`indicators.computations.ScoreResult` — no ORM — so it is
tested against a brute force enumeration without a database (``tests/indicators/test_next_level.py``).

The optimisation is exact. Each indicator may stay as it is or be raised to the partial or the full
criterion; every baseline (★) indicator below its partial criterion *must* be raised (a minimum
requirement), and so must the eligibility indicator (S3) when it is under 10. Among the choices that reach
the target level we take the one that changes the **fewest indicators**, then the one that asks for the
**smallest improvement** (fewest points gained: half points rather than full points where that is enough),
then the earliest indicators in the framework's order. A dynamic programme over the indicators does it
exactly: its state is (points gained, capped at what Gold needs; improved indicators, capped at what
Silver needs), and its value the lexicographic (indicators changed, points gained) — both additive, so
capping the state loses no solution.

- **Gold**: baseline met, eligible, and Σ points × 100 ≥ 80 × Σ weights (120 of 150 points).
- **Silver**: baseline met, eligible, a previous validated assessment 12–36 months before, and at least
  3 indicators earning more points than in that assessment (the improvement rule).
- **Bronze** (from no label): eligible; only S3 can be raised here, the other conditions are declarations.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .computations import (
    ELIGIBILITY_INDICATOR,
    ELIGIBILITY_MINIMUM,
    FULL,
    GOLD_PERCENT,
    LEVEL_BRONZE,
    LEVEL_GOLD,
    LEVEL_NONE,
    LEVEL_SILVER,
    NONE,
    PARTIAL,
    SILVER_MIN_IMPROVED,
    Eligibility,
    PreviousAssessment,
    ScoreResult,
    indicator_result,
    points_for_result,
    previous_points,
)
from .spec import FrameworkSpec, IndicatorSpec

RESULT_RANK = {NONE: 0, PARTIAL: 1, FULL: 2}

# Why an indicator is on the path.
REASON_BASELINE = "baseline"  # a minimum requirement not met
REASON_ELIGIBILITY = "eligibility"  # S3 under 10 participants
REASON_POINTS = "points"  # points towards the Gold bar
REASON_IMPROVEMENT = "improvement"  # one more improved indicator for Silver

# Why a level cannot be reached by improving indicators.
BLOCKED_ELIGIBILITY = "eligibility"  # not a legal entity, or not listed in the public registry
BLOCKED_NO_PREVIOUS = "no_previous"  # Silver needs a previous validated assessment 12–36 months before
BLOCKED_UNREACHABLE = "unreachable"  # even every indicator at its best is not enough


@dataclass(frozen=True)
class PathStep:
    code: str
    current_value: Decimal | str | None
    current_result: str
    target_result: str
    target_value: Decimal | str  # the value to reach: a threshold (≥, or ≤ for V5) or an option code
    points_gained: Decimal
    reason: str


@dataclass(frozen=True)
class LevelPath:
    level: str  # the level this path leads to
    reachable: bool
    blocked: str = ""  # one of BLOCKED_* when not reachable
    steps: tuple[PathStep, ...] = ()
    points_before: Decimal = Decimal(0)
    points_after: Decimal = Decimal(0)
    points_required: Decimal | None = None  # Gold's bar in points

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(step.code for step in self.steps)


@dataclass(frozen=True)
class _Move:
    result: str
    value: Decimal | str
    gain: int  # in half points
    improved: bool
    changed: bool


def target_value(spec: IndicatorSpec, result: str) -> Decimal | str | None:
    """The least value that earns ``result`` (a threshold, or the first option giving it); None if none does."""
    if spec.value_type == "level":
        for option in spec.options:
            if option.result == result:
                return option.code
        return None
    threshold = spec.full if result == FULL else spec.partial if result == PARTIAL else None
    if threshold is None:
        return None
    if spec.value_type == "int":
        rounded = math.floor(threshold) if spec.direction == "lower" else math.ceil(threshold)
        return Decimal(rounded)
    return threshold


def _half(points: Decimal) -> int:
    return int(points * 2)


def _moves(
    spec: IndicatorSpec,
    score,
    previous_half: int | None,
    *,
    needs_eligibility: bool,
    check_baseline: bool = True,
) -> tuple[list[_Move], bool]:
    """The candidate moves of one indicator, and whether it must change. ``check_baseline`` (Silver, Gold): a
    baseline indicator's move must meet it, also when it is the move that gives S3 its 10 participants."""
    current = score.result
    current_half = _half(score.points)
    mandatory = (spec.baseline and current == NONE) or needs_eligibility
    moves: list[_Move] = []
    if not mandatory:
        improved = previous_half is not None and current_half > previous_half
        moves.append(_Move(current, score.value, 0, improved, False))
    targets = [target_value(spec, result) for result in (PARTIAL, FULL)]
    if needs_eligibility:
        # S3 must reach 10 participants: each criterion's value raised to 10 at least, or 10 itself.
        minimum = Decimal(ELIGIBILITY_MINIMUM)
        targets = [max(value, minimum) for value in targets if isinstance(value, Decimal)] + [minimum]
    seen: set = set()
    for value in targets:
        if value is None or value in seen:
            continue
        seen.add(value)
        result = indicator_result(spec, value)
        if RESULT_RANK[result] < RESULT_RANK[current] or (result == current and not needs_eligibility):
            continue
        if check_baseline and spec.baseline and result == NONE:
            continue
        half = _half(points_for_result(spec, result))
        improved = previous_half is not None and half > previous_half
        moves.append(_Move(result, value, half - current_half, improved, True))
    return moves, mandatory


def level_path(
    framework: FrameworkSpec,
    result: ScoreResult,
    level: str,
    *,
    eligibility: Eligibility,
    previous: PreviousAssessment | None = None,
) -> LevelPath:
    """The smallest set of indicators to improve, with their target values, to earn ``level``."""
    points = result.points
    total = framework.total_weight
    if not (eligibility.legal_entity and eligibility.public_profile):
        return LevelPath(level=level, reachable=False, blocked=BLOCKED_ELIGIBILITY, points_before=points)
    if level == LEVEL_SILVER and (previous is None or not result.silver_window):
        return LevelPath(level=level, reachable=False, blocked=BLOCKED_NO_PREVIOUS, points_before=points)

    current_half = _half(points)
    need_gain = 0
    required = None
    if level == LEVEL_GOLD:
        # points × 100 ≥ 80 × total, in half points: (current + gain) × 50 ≥ 80 × total.
        need_gain = max(0, -(-(GOLD_PERCENT * total - 50 * current_half) // 50))
        required = Decimal(GOLD_PERCENT * total) / 100
    need_improved = SILVER_MIN_IMPROVED if level == LEVEL_SILVER else 0
    check_baseline = level in (LEVEL_GOLD, LEVEL_SILVER)

    items: list[tuple[IndicatorSpec, list[_Move]]] = []
    for spec in framework.indicators:
        score = result.indicators[spec.code]
        previous_half = None
        if previous is not None and spec.code in previous.answers:
            previous_half = _half(previous_points(spec, previous.answers[spec.code]))
        needs_eligibility = spec.code == ELIGIBILITY_INDICATOR and not (
            isinstance(score.value, Decimal) and score.value >= ELIGIBILITY_MINIMUM
        )
        if level == LEVEL_BRONZE:
            if needs_eligibility:
                moves, _mandatory = _moves(spec, score, previous_half, needs_eligibility=True, check_baseline=False)
                # Bronze asks only for eligibility: the smallest move that gives S3 its 10 participants.
                items.append((spec, sorted(moves, key=lambda m: (m.gain, RESULT_RANK[m.result]))[:1]))
            continue
        if not check_baseline:
            needs_eligibility = False
        moves, _mandatory = _moves(spec, score, previous_half, needs_eligibility=needs_eligibility)
        if not moves:
            return LevelPath(level=level, reachable=False, blocked=BLOCKED_UNREACHABLE, points_before=points)
        items.append((spec, moves))

    # state (gain capped, improved capped) -> (changed, gain, choices as a tuple of move indexes)
    states: dict[tuple[int, int], tuple[int, int, tuple[int, ...]]] = {(0, 0): (0, 0, ())}
    for _spec, moves in items:
        following: dict[tuple[int, int], tuple[int, int, tuple[int, ...]]] = {}
        for (gain, improved), (changed, total_gain, choices) in states.items():
            for index, move in enumerate(moves):
                key = (min(gain + move.gain, need_gain), min(improved + int(move.improved), need_improved))
                value = (changed + int(move.changed), total_gain + move.gain, (*choices, index))
                best = following.get(key)
                if best is None or value < best:
                    following[key] = value
        states = following
    best = states.get((need_gain, need_improved))
    if best is None:
        return LevelPath(
            level=level, reachable=False, blocked=BLOCKED_UNREACHABLE, points_before=points, points_required=required
        )
    _changed, gain, choices = best
    steps = []
    for (spec, moves), index in zip(items, choices, strict=True):
        move = moves[index]
        if not move.changed:
            continue
        score = result.indicators[spec.code]
        if spec.code == ELIGIBILITY_INDICATOR and not (
            isinstance(score.value, Decimal) and score.value >= ELIGIBILITY_MINIMUM
        ):
            reason = REASON_ELIGIBILITY
        elif spec.baseline and score.result == NONE and check_baseline:
            reason = REASON_BASELINE
        elif level == LEVEL_SILVER:
            reason = REASON_IMPROVEMENT
        else:
            reason = REASON_POINTS
        steps.append(
            PathStep(
                code=spec.code,
                current_value=score.value,
                current_result=score.result,
                target_result=move.result,
                target_value=move.value,
                points_gained=Decimal(move.gain) / 2,
                reason=reason,
            )
        )
    return LevelPath(
        level=level,
        reachable=True,
        steps=tuple(steps),
        points_before=points,
        points_after=points + Decimal(gain) / 2,
        points_required=required,
    )


def next_level(result: ScoreResult) -> str | None:
    """The level above the one earned: Bronze after none, Silver after Bronze when a previous assessment is in
    the Silver window (else Gold), Gold after Silver; None at Gold."""
    if result.level == LEVEL_NONE:
        return LEVEL_BRONZE
    if result.level == LEVEL_BRONZE:
        return LEVEL_SILVER if result.silver_window else LEVEL_GOLD
    if result.level == LEVEL_SILVER:
        return LEVEL_GOLD
    return None


def next_level_path(
    framework: FrameworkSpec,
    result: ScoreResult,
    *,
    eligibility: Eligibility,
    previous: PreviousAssessment | None = None,
) -> LevelPath | None:
    """The path to the level above the one ``result`` earns (None when it is already Gold)."""
    level = next_level(result)
    if level is None:
        return None
    return level_path(framework, result, level, eligibility=eligibility, previous=previous)


def apply_path(answers: Mapping[str, object], path: LevelPath) -> dict[str, object]:
    """The answers with every step's target value (to check a path by scoring it again)."""
    changed = dict(answers)
    for step in path.steps:
        changed[step.code] = step.target_value
    return changed
