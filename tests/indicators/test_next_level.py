"""The path to the next level against a brute force enumeration (hypothesis), and on the ecei-31 framework."""

from datetime import date
from decimal import Decimal
from itertools import product

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.computations import (
    LEVEL_BRONZE,
    LEVEL_GOLD,
    LEVEL_SILVER,
    Eligibility,
    PreviousAssessment,
    score_assessment,
)
from indicators.next_level import (
    BLOCKED_ELIGIBILITY,
    BLOCKED_NO_PREVIOUS,
    REASON_BASELINE,
    apply_path,
    level_path,
    next_level,
    next_level_path,
)
from indicators.spec import CategorySpec, FrameworkSpec, IndicatorSpec, OptionSpec, default_framework_spec

ECEI = default_framework_spec()
YES = Eligibility(legal_entity=True, public_profile=True)
OPTIONS = (
    OptionSpec("good", "full", {"fr": "bon", "en": "good"}),
    OptionSpec("fair", "partial", {"fr": "moyen", "en": "fair"}),
    OptionSpec("none", "none", {"fr": "aucun", "en": "none"}),
)
TEXT = {"fr": "", "en": ""}


@st.composite
def indicator_specs(draw, code: str):
    # S3, the eligibility indicator (at least 10 participants), is a count.
    value_type = "int" if code == "S3" else draw(st.sampled_from(["int", "pct", "level"]))
    weight = draw(st.sampled_from([2, 4, 6]))
    baseline = draw(st.booleans())
    if value_type == "level":
        return IndicatorSpec(code, "A", "level", weight, "higher", None, None, None, baseline, OPTIONS, "", TEXT,
                             TEXT, TEXT, "")  # fmt: skip
    low = draw(st.integers(min_value=1, max_value=40))
    high = draw(st.integers(min_value=low + 1, max_value=80))
    direction = "lower" if value_type == "int" and code != "S3" and draw(st.booleans()) else "higher"
    full, partial = (Decimal(low), Decimal(high)) if direction == "lower" else (Decimal(high), Decimal(low))
    return IndicatorSpec(code, "A", value_type, weight, direction, full, partial, None, baseline, (), "", TEXT, TEXT,
                         TEXT, "")  # fmt: skip


@st.composite
def cases(draw):
    n = draw(st.integers(min_value=1, max_value=5))
    codes = ["S3", *(f"A{i}" for i in range(1, n))] if draw(st.booleans()) else [f"A{i}" for i in range(n)]
    specs = tuple(draw(indicator_specs(code)) for code in codes)
    framework = FrameworkSpec("t", TEXT, (CategorySpec("A", TEXT, tuple(codes)),), specs)

    def value(spec):
        if spec.value_type == "level":
            return st.sampled_from([None, "good", "fair", "none"])
        return st.one_of(st.none(), st.integers(min_value=0, max_value=100).map(Decimal))

    answers = {spec.code: draw(value(spec)) for spec in specs}
    previous = None
    if draw(st.booleans()):
        previous = PreviousAssessment(
            validated_on=draw(st.sampled_from([date(2024, 3, 1), date(2025, 6, 1)])),
            answers={spec.code: draw(value(spec)) for spec in specs if draw(st.booleans())},
        )
    eligibility = Eligibility(legal_entity=True, public_profile=draw(st.booleans()) or draw(st.booleans()))
    return framework, answers, previous, eligibility


def _score(framework, answers, eligibility, previous):
    return score_assessment(framework, answers, eligibility=eligibility, validated_on=date(2026, 3, 1),
                            previous=previous)  # fmt: skip


def _reaches(result, level) -> bool:
    if level == LEVEL_GOLD:
        return result.level == LEVEL_GOLD
    if level == LEVEL_SILVER:
        return result.eligible and result.baseline_met and result.silver_window and len(result.improved) >= 3
    return result.eligible


def _candidates(spec, current):
    """Every value worth trying for one indicator: as it is, each threshold, each option, 10 (eligibility)."""
    if spec.value_type == "level":
        return [current, *spec.option_codes]
    values = {current, spec.full, spec.partial, Decimal(10)}
    return [current, *sorted(v for v in values if v is not None and v != current)]


def brute_force(framework, answers, eligibility, previous, level):
    """(indicators changed, points gained) of the best way to reach ``level``, by trying every combination."""
    before = _score(framework, answers, eligibility, previous).points
    best = None
    specs = framework.indicators
    for combination in product(*(_candidates(spec, answers[spec.code]) for spec in specs)):
        changed = dict(zip([s.code for s in specs], combination, strict=True))
        result = _score(framework, changed, eligibility, previous)
        if not _reaches(result, level):
            continue
        count = sum(1 for spec in specs if changed[spec.code] != answers[spec.code])
        key = (count, result.points - before)
        if best is None or key < best:
            best = key
    return best


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.sampled_from([LEVEL_BRONZE, LEVEL_SILVER, LEVEL_GOLD]))
def test_the_path_is_as_short_and_as_small_as_the_best_combination(case, level):
    framework, answers, previous, eligibility = case
    result = _score(framework, answers, eligibility, previous)

    path = level_path(framework, result, level, eligibility=eligibility, previous=previous)
    expected = brute_force(framework, answers, eligibility, previous, level)

    if expected is None:
        assert not path.reachable
        return
    if not path.reachable:
        # Only an eligibility the indicators cannot fix, or Silver without a previous assessment, blocks.
        assert path.blocked in (BLOCKED_ELIGIBILITY, BLOCKED_NO_PREVIOUS)
        assert not (eligibility.legal_entity and eligibility.public_profile) or level == LEVEL_SILVER
        return
    assert (len(path.steps), path.points_after - path.points_before) == expected
    after = _score(framework, apply_path(answers, path), eligibility, previous)
    assert _reaches(after, level)
    assert after.points == path.points_after


def test_gold_meets_a_baseline_s3_above_its_10_participants_when_its_partial_bar_is_higher():
    """S3 is a baseline indicator whose partial bar (11) is above the eligibility's 10 participants: the path to Gold
    raises it to a bar, not to the 10 participants that eligibility alone asks (hypothesis found it)."""
    s3 = IndicatorSpec(
        "S3", "A", "int", 4, "higher", Decimal(12), Decimal(11), None, True, (), "", TEXT, TEXT, TEXT, ""
    )
    a2 = IndicatorSpec("A2", "A", "pct", 6, "higher", Decimal(2), Decimal(1), None, False, (), "", TEXT, TEXT, TEXT, "")
    levels = [
        IndicatorSpec(code, "A", "level", 6, "higher", None, None, None, False, OPTIONS, "", TEXT, TEXT, TEXT, "")
        for code in ("A1", "A3")
    ]
    specs = (s3, levels[0], a2, levels[1])
    framework = FrameworkSpec("t", TEXT, (CategorySpec("A", TEXT, tuple(s.code for s in specs)),), specs)
    answers = dict.fromkeys((s.code for s in specs), None)
    path = level_path(framework, _score(framework, answers, YES, None), LEVEL_GOLD, eligibility=YES, previous=None)
    assert path.reachable
    assert {step.code: step.target_value for step in path.steps}["S3"] >= Decimal(11)  # its partial bar at least
    assert (len(path.steps), path.points_after - path.points_before) == brute_force(
        framework, answers, YES, None, LEVEL_GOLD
    )
    assert _score(framework, apply_path(answers, path), YES, None).level == LEVEL_GOLD


def _ecei_answers(result: str) -> dict:
    answers = {}
    for spec in ECEI.indicators:
        if spec.value_type == "level":
            answers[spec.code] = next(o.code for o in spec.options if o.result == result)
        else:
            answers[spec.code] = spec.full if result == "full" else spec.partial
    return answers


def test_a_bronze_cluster_is_shown_the_fewest_indicators_to_reach_120_points():
    answers = _ecei_answers("partial")  # 75 points, baseline met
    result = score_assessment(ECEI, answers, eligibility=YES)
    assert result.level == LEVEL_BRONZE

    path = next_level_path(ECEI, result, eligibility=YES)

    assert path.level == LEVEL_GOLD and path.reachable
    # 45 points are missing: the 13 weight-6 indicators from partial (3) to full (6) give 39, and three
    # weight-4 ones (2 → 4) the last 6.
    weights = sorted(ECEI.indicator(step.code).weight for step in path.steps)
    assert weights == [4] * 3 + [6] * 13
    assert all(step.target_result == "full" for step in path.steps)
    assert path.points_after == 120
    step = path.steps[0]
    assert step.target_value == ECEI.indicator(step.code).full


def test_a_baseline_indicator_below_its_partial_criterion_is_always_on_the_path():
    answers = _ecei_answers("full")
    answers["G2"] = Decimal("0.5")  # staff FTE under 1.5: baseline not met
    result = score_assessment(ECEI, answers, eligibility=YES)

    path = next_level_path(ECEI, result, eligibility=YES)

    assert result.level == LEVEL_BRONZE and path.level == LEVEL_GOLD
    assert [(s.code, s.target_result, s.target_value, s.reason) for s in path.steps] == [
        ("G2", "partial", Decimal("1.5"), REASON_BASELINE)
    ]


def test_silver_asks_for_three_improved_indicators_and_gold_for_nothing_more_at_gold():
    answers = _ecei_answers("partial")
    previous = PreviousAssessment(validated_on=date(2024, 3, 1), answers=dict(answers))
    result = score_assessment(ECEI, answers, eligibility=YES, validated_on=date(2026, 3, 1), previous=previous)
    assert next_level(result) == LEVEL_SILVER

    path = next_level_path(ECEI, result, eligibility=YES, previous=previous)

    assert path.reachable and len(path.steps) == 3
    assert all(step.target_result == "full" for step in path.steps)
    gold = score_assessment(ECEI, _ecei_answers("full"), eligibility=YES)
    assert next_level_path(ECEI, gold, eligibility=YES) is None


def test_no_path_when_the_cluster_is_not_listed_in_the_registry():
    result = score_assessment(ECEI, _ecei_answers("full"), eligibility=Eligibility(True, False))

    path = next_level_path(ECEI, result, eligibility=Eligibility(True, False))

    assert result.level == "none" and path.level == LEVEL_BRONZE
    assert not path.reachable and path.blocked == BLOCKED_ELIGIBILITY
