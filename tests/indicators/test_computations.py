"""The scoring rules of indicators.md, on the shipped ecei-31 framework. Pure: no database."""

import dataclasses
import json
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from indicators.computations import (
    Eligibility,
    InvalidAnswers,
    InvalidValue,
    PreviousAssessment,
    add_months,
    clean_value,
    display_score,
    in_silver_window,
    indicator_points,
    indicator_result,
    label_expiry,
    score_assessment,
)
from indicators.spec import default_framework_spec

ECEI = default_framework_spec()
ELIGIBLE = Eligibility(legal_entity=True, public_profile=True)
NUMERIC = [spec.code for spec in ECEI.indicators if spec.value_type != "level"]
LEVELS = [spec.code for spec in ECEI.indicators if spec.value_type == "level"]
SIX_NOT_BASELINE = [s.code for s in ECEI.indicators if s.weight == 6 and not s.baseline]  # G7 F2 V1 V5 V6 V9 R3
FOUR = [s.code for s in ECEI.indicators if s.weight == 4]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def value_for(code: str, result: str):
    """A value of indicator ``code`` that earns exactly ``result``, on the threshold when there is one."""
    spec = ECEI.indicator(code)
    if spec.value_type == "level":
        return next(option.code for option in spec.options if option.result == result)
    if result == "full":
        return spec.full
    if result == "partial":
        return spec.partial
    return spec.partial + 1 if spec.direction == "lower" else spec.partial - 1


def answers_with(**results) -> dict:
    """Every indicator full, except the codes given ({code: "partial"|"none"|value})."""
    answers = {code: value_for(code, "full") for code in ECEI.codes}
    for code, wanted in results.items():
        answers[code] = value_for(code, wanted) if wanted in ("full", "partial", "none") else wanted
    return answers


def score(answers, *, eligibility=ELIGIBLE, validated_on=None, previous=None):
    return score_assessment(ECEI, answers, eligibility=eligibility, validated_on=validated_on, previous=previous)


# --- One indicator ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", NUMERIC)
def test_a_value_on_the_full_threshold_earns_the_full_weight(code):
    spec = ECEI.indicator(code)
    assert indicator_result(spec, spec.full) == "full"
    assert indicator_points(spec, spec.full) == spec.weight


@pytest.mark.parametrize("code", NUMERIC)
def test_a_value_on_the_partial_threshold_earns_half_the_weight(code):
    spec = ECEI.indicator(code)
    assert indicator_result(spec, spec.partial) == "partial"
    assert indicator_points(spec, spec.partial) == Decimal(spec.weight) / 2


@pytest.mark.parametrize("code", [c for c in NUMERIC if ECEI.indicator(c).direction == "higher"])
def test_just_below_a_threshold_earns_the_lower_result(code):
    spec = ECEI.indicator(code)
    step = Decimal("1") if spec.value_type == "int" else Decimal("0.01")
    assert indicator_result(spec, spec.full - step) == "partial"
    assert indicator_result(spec, spec.partial - step) == "none"
    assert indicator_points(spec, spec.partial - step) == 0


def test_v5_is_better_when_lower():
    v5 = ECEI.indicator("V5")
    assert v5.direction == "lower"
    assert [indicator_result(v5, months) for months in (0, 12, 13, 24, 25, 120)] == [
        "full",
        "full",
        "partial",
        "partial",
        "none",
        "none",
    ]
    assert [indicator_points(v5, months) for months in (12, 13, 25)] == [6, 3, 0]


@pytest.mark.parametrize(
    "code, option, result",
    [
        ("V1", "co_built", "full"),
        ("V1", "consulted", "partial"),
        ("V1", "none", "none"),
        ("V2", "current", "full"),
        ("V2", "outdated", "partial"),
        ("V2", "none", "none"),
        ("V3", "complete", "full"),
        ("V3", "partial", "partial"),
        ("V3", "none", "none"),
        ("V4", "audited", "full"),
        ("V4", "budget_monitoring", "partial"),
        ("V4", "none", "none"),
        ("V12", "bilingual", "full"),
        ("V12", "national", "partial"),
        ("V12", "none", "none"),
    ],
)
def test_a_level_option_decides_the_result(code, option, result):
    spec = ECEI.indicator(code)
    assert indicator_result(spec, option) == result
    expected = {"full": spec.weight, "partial": Decimal(spec.weight) / 2, "none": 0}[result]
    assert indicator_points(spec, option) == expected


def test_an_unanswered_indicator_earns_nothing():
    assert indicator_result(ECEI.indicator("S1"), None) == "none"
    assert indicator_points(ECEI.indicator("V1"), None) == 0
    assert indicator_points(ECEI.indicator("S1"), "  ") == 0


def test_an_odd_weight_gives_half_points_exactly():
    spec = dataclasses.replace(ECEI.indicator("S1"), weight=5)
    assert indicator_points(spec, 50) == Decimal("2.5")


@pytest.mark.parametrize(
    "code, value, message, kind",
    [
        ("S3", "abc", "must be a whole number.", "type"),
        ("S3", 12.5, "must be a whole number.", "type"),
        ("S3", True, "must be a whole number.", "type"),
        ("S3", -1, "must be 0 or more.", "range"),
        ("G2", "lots", "must be a number.", "type"),
        ("G2", -0.5, "must be 0 or more.", "range"),
        ("S1", 100.01, "must be a percentage from 0 to 100.", "range"),
        ("S1", -1, "must be a percentage from 0 to 100.", "range"),
        ("S1", [80], "must be a number (a percentage).", "type"),
        ("V8", 8, "must be at most 7.", "range"),
        ("V1", "excellent", "must be one of: co_built, consulted, none.", "type"),
        ("V1", 1, "must be one of: co_built, consulted, none.", "type"),
    ],
)
def test_a_value_of_the_wrong_type_or_out_of_range_is_refused(code, value, message, kind):
    with pytest.raises(InvalidValue) as caught:
        clean_value(ECEI.indicator(code), value)
    assert (caught.value.code, caught.value.message, caught.value.kind) == (code, message, kind)


@pytest.mark.parametrize(
    "code, value, cleaned",
    [
        ("S3", 110, Decimal(110)),
        ("S3", "110", Decimal(110)),
        ("S3", 110.0, Decimal(110)),
        ("G2", "2,5", Decimal("2.5")),
        ("G2", 0.1, Decimal("0.1")),
        ("S1", 100, Decimal(100)),
        ("S1", 0, Decimal(0)),
        ("V8", 7, Decimal(7)),
        ("V1", " consulted ", "consulted"),
        ("S1", None, None),
    ],
)
def test_valid_values_are_accepted_on_the_bounds(code, value, cleaned):
    assert clean_value(ECEI.indicator(code), value) == cleaned


# --- Scores -----------------------------------------------------------------------------------------------------


def test_the_shipped_framework_weighs_150_points():
    assert ECEI.total_weight == 150
    assert len(SIX_NOT_BASELINE) == 7


def test_all_full_is_gold_with_150_points():
    result = score(answers_with())
    assert (result.level, result.points, result.score, result.max_points) == ("gold", 150, Decimal("100.0"), 150)
    assert result.categories == {code: Decimal("100.0") for code in "SGFVR"}


def test_exactly_120_of_150_points_earns_gold():
    result = score(answers_with(**dict.fromkeys(SIX_NOT_BASELINE[:5], "none")))
    assert result.points == 120
    assert result.score == Decimal("80.0")
    assert result.gold_score_met
    assert result.level == "gold"


def test_119_of_150_points_is_not_gold():
    # 150 − 4×6 − 4 − 3 = 119
    answers = answers_with(
        **dict.fromkeys(SIX_NOT_BASELINE[:4], "none"), **{FOUR[0]: "none", SIX_NOT_BASELINE[4]: "partial"}
    )
    result = score(answers)
    assert result.points == 119
    assert result.score == Decimal("79.3")
    assert not result.gold_score_met
    assert result.level == "bronze"


def test_the_displayed_score_is_rounded_half_up_to_one_decimal():
    assert display_score(Decimal(1), 16) == Decimal("6.3")  # 6.25
    assert display_score(Decimal(1), 2000) == Decimal("0.1")  # 0.05
    assert display_score(Decimal(2), 3) == Decimal("66.7")
    assert display_score(Decimal(0), 0) == Decimal("0.0")


def test_a_category_score_is_the_ratio_over_the_category():
    result = score(answers_with(S1="none", G2="partial"))
    assert result.categories["S"] == Decimal("77.8")  # 14 / 18
    assert result.categories["G"] == Decimal("93.5")  # 43 / 46
    assert result.categories["F"] == Decimal("100.0")


def test_baseline_at_partial_is_enough():
    result = score(answers_with(S3="partial", G1="partial", G2="partial", F1="partial", V2="partial", V3="partial"))
    assert result.baseline_met


@pytest.mark.parametrize("code", ["S3", "G1", "G2", "F1", "V2", "V3"])
def test_a_baseline_indicator_below_partial_prevents_gold(code):
    result = score(answers_with(**{code: "none"}))
    assert result.points >= 120
    assert not result.baseline_met
    assert result.level == "bronze"


def test_an_unanswered_baseline_indicator_is_not_met():
    answers = answers_with()
    del answers["V3"]
    assert not score(answers).baseline_met


# --- Eligibility ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "legal_entity, public_profile, s3, eligible",
    [
        (True, True, 10, True),
        (True, True, 9, False),
        (False, True, 110, False),
        (True, False, 110, False),
        (True, True, None, False),
    ],
)
def test_eligibility_needs_a_legal_entity_a_public_profile_and_ten_participants(
    legal_entity, public_profile, s3, eligible
):
    answers = answers_with(S3=s3)
    result = score(answers, eligibility=Eligibility(legal_entity=legal_entity, public_profile=public_profile))
    assert result.eligible is eligible
    assert (result.level == "none") is not eligible


def test_an_ineligible_cluster_gets_no_label_even_with_a_perfect_score():
    result = score(answers_with(), eligibility=Eligibility(legal_entity=False, public_profile=True))
    assert (result.points, result.level) == (150, "none")


# --- Silver -----------------------------------------------------------------------------------------------------


BRONZE_NOW = dict.fromkeys(SIX_NOT_BASELINE, "none")  # 150 − 42 = 108 points: baseline met, not gold


def previous_with(validated_on: date, improved: int) -> PreviousAssessment:
    """A previous assessment where ``improved`` of the indicators full today were only partial."""
    answers = answers_with(**BRONZE_NOW)
    for code in FOUR[:improved]:
        answers[code] = value_for(code, "partial")
    return PreviousAssessment(validated_on=validated_on, answers=answers)


def test_three_improved_indicators_in_the_window_earn_silver():
    result = score(
        answers_with(**BRONZE_NOW), validated_on=date(2026, 3, 15), previous=previous_with(date(2024, 4, 2), 3)
    )
    assert result.points == 108
    assert result.improved == tuple(FOUR[:3])
    assert result.level == "silver"


def test_two_improved_indicators_are_not_enough_for_silver():
    result = score(
        answers_with(**BRONZE_NOW), validated_on=date(2026, 3, 15), previous=previous_with(date(2024, 4, 2), 2)
    )
    assert len(result.improved) == 2
    assert result.level == "bronze"


def test_equal_or_lower_points_are_not_improvements():
    previous_answers = answers_with(**BRONZE_NOW)
    previous_answers["S1"] = 99  # full then, full now
    previous_answers["G7"] = value_for("G7", "full")  # full then, none now
    previous = PreviousAssessment(validated_on=date(2024, 4, 2), answers=previous_answers)
    assert score(answers_with(**BRONZE_NOW), validated_on=date(2026, 3, 15), previous=previous).improved == ()


def test_an_indicator_absent_from_the_previous_assessment_is_not_compared():
    previous = PreviousAssessment(validated_on=date(2024, 4, 2), answers={"S3": 20})
    result = score(answers_with(**BRONZE_NOW), validated_on=date(2026, 3, 15), previous=previous)
    assert result.improved == ("S3",)


def test_a_failed_baseline_prevents_silver():
    now = answers_with(**BRONZE_NOW, V3="none")
    result = score(now, validated_on=date(2026, 3, 15), previous=previous_with(date(2024, 4, 2), 5))
    assert result.level == "bronze"


def test_gold_is_checked_before_silver():
    result = score(answers_with(), validated_on=date(2026, 3, 15), previous=previous_with(date(2024, 4, 2), 5))
    assert result.level == "gold"


def test_silver_needs_the_date_of_this_validation():
    result = score(answers_with(**BRONZE_NOW), validated_on=None, previous=previous_with(date(2024, 4, 2), 5))
    assert len(result.improved) == 5
    assert not result.silver_window
    assert result.level == "bronze"


@pytest.mark.parametrize(
    "previous_on, validated_on, level",
    [
        (date(2024, 3, 15), date(2025, 3, 14), "bronze"),  # one day short of 12 months
        (date(2024, 3, 15), date(2025, 3, 15), "silver"),  # exactly 12 months
        (date(2024, 3, 15), date(2027, 3, 15), "silver"),  # exactly 36 months
        (date(2024, 3, 15), date(2027, 3, 16), "bronze"),  # one day past 36 months
        (date(2024, 2, 29), date(2025, 2, 27), "bronze"),
        (date(2024, 2, 29), date(2025, 2, 28), "silver"),  # 29 Feb 2024 + 12 months = 28 Feb 2025
        (date(2024, 2, 29), date(2027, 2, 28), "silver"),
        (date(2024, 2, 29), date(2027, 3, 1), "bronze"),
        (date(2023, 8, 31), date(2026, 8, 31), "silver"),
    ],
)
def test_the_silver_window_runs_from_12_to_36_months_inclusive(previous_on, validated_on, level):
    result = score(answers_with(**BRONZE_NOW), validated_on=validated_on, previous=previous_with(previous_on, 3))
    assert result.level == level
    assert in_silver_window(previous_on, validated_on) is (level == "silver")


# --- Dates ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2024, 1, 15), -13, date(2022, 12, 15)),
        (date(2024, 5, 31), 0, date(2024, 5, 31)),
    ],
)
def test_adding_months_keeps_the_day_or_takes_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    "decided_on, last_day",
    [
        (date(2026, 3, 15), date(2028, 3, 14)),
        (date(2028, 2, 29), date(2030, 2, 27)),
        (date(2026, 1, 1), date(2027, 12, 31)),
    ],
)
def test_a_label_is_valid_through_the_day_before_its_second_anniversary(decided_on, last_day):
    assert label_expiry(decided_on) == last_day


# --- Answers and JSON -------------------------------------------------------------------------------------------


def test_bad_answers_are_all_listed():
    answers = answers_with(S3="many", S1=120, V2="recent")
    answers["X1"] = 3
    with pytest.raises(InvalidAnswers) as caught:
        score(answers)
    assert caught.value.errors == [
        ("X1", "unknown indicator for the framework ecei-31."),
        ("S1", "must be a percentage from 0 to 100."),
        ("S3", "must be a whole number."),
        ("V2", "must be one of: current, outdated, none."),
    ]


def test_the_json_result_has_the_shape_of_the_specification():
    answers = answers_with(S2=Decimal("72.5"), S3=110, G4="partial", R3=None)
    data = score(answers).to_dict()
    assert list(data) == [
        "framework",
        "level",
        "score",
        "points",
        "eligible",
        "baseline_met",
        "improved",
        "categories",
        "indicators",
    ]
    assert data["framework"] == "ecei-31"
    assert data["level"] == "gold"
    assert data["points"] == 142 and isinstance(data["points"], int)
    assert data["score"] == 94.7 and isinstance(data["score"], float)
    assert data["categories"] == {"S": 100.0, "G": 95.7, "F": 100.0, "V": 100.0, "R": 57.1}
    assert all(isinstance(value, float) for value in data["categories"].values())
    assert data["indicators"]["S3"] == {"value": 110, "result": "full", "points": 6}
    assert data["indicators"]["S2"] == {"value": 72.5, "result": "full", "points": 4}
    assert data["indicators"]["G4"] == {"value": 2, "result": "partial", "points": 2}
    assert data["indicators"]["V1"] == {"value": "co_built", "result": "full", "points": 6}
    assert data["indicators"]["R3"] == {"value": None, "result": "none", "points": 0}
    assert list(data["indicators"]) == list(ECEI.codes)
    assert json.loads(json.dumps(data)) == data


def test_half_points_appear_as_a_decimal_number_in_json():
    framework = dataclasses.replace(
        ECEI, indicators=tuple(dataclasses.replace(s, weight=5) if s.code == "S1" else s for s in ECEI.indicators)
    )
    data = score_assessment(framework, answers_with(S1="partial"), eligibility=ELIGIBLE).to_dict()
    assert data["indicators"]["S1"]["points"] == 2.5
    assert data["points"] == 148.5
