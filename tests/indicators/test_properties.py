"""Properties of the scoring engine that hold for any answers (hypothesis). Pure: no database."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.computations import (
    LEVEL_RANK,
    Eligibility,
    PreviousAssessment,
    add_months,
    indicator_points,
    label_expiry,
    score_assessment,
)
from indicators.spec import IndicatorSpec, default_framework_spec

ECEI = default_framework_spec()
NUMERIC = [spec for spec in ECEI.indicators if spec.value_type != "level"]
RESULT_RANK = {"none": 0, "partial": 1, "full": 2}

relaxed = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def values_of(spec: IndicatorSpec) -> st.SearchStrategy:
    """Any valid value of the indicator, or None (unanswered)."""
    if spec.value_type == "level":
        return st.sampled_from([*spec.option_codes, None])
    upper = int(spec.max_value) if spec.max_value is not None else 500
    if spec.value_type == "int":
        return st.one_of(st.none(), st.integers(min_value=0, max_value=upper))
    return st.one_of(
        st.none(),
        st.decimals(min_value=0, max_value=upper, places=2, allow_nan=False, allow_infinity=False),
    )


answers_strategy = st.fixed_dictionaries({spec.code: values_of(spec) for spec in ECEI.indicators})
eligibility_strategy = st.builds(Eligibility, legal_entity=st.booleans(), public_profile=st.booleans())
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@st.composite
def numeric_pairs(draw):
    spec = draw(st.sampled_from(NUMERIC))
    upper = int(spec.max_value) if spec.max_value is not None else 500
    if spec.value_type == "int":
        values = st.integers(min_value=0, max_value=upper)
    else:
        values = st.decimals(min_value=0, max_value=upper, places=3, allow_nan=False, allow_infinity=False)
    a, b = sorted([draw(values), draw(values)])
    return spec, a, b


@relaxed
@given(numeric_pairs())
def test_points_are_monotonic_in_the_value(pair):
    spec, low, high = pair
    if spec.direction == "higher":
        assert indicator_points(spec, low) <= indicator_points(spec, high)
    else:
        assert indicator_points(spec, low) >= indicator_points(spec, high)


@st.composite
def better_value(draw, spec: IndicatorSpec, value):
    """A value of ``spec`` that earns at least as many points as ``value``."""
    if spec.value_type == "level":
        floor = RESULT_RANK[spec.option(value).result] if value is not None else 0
        return draw(st.sampled_from([o.code for o in spec.options if RESULT_RANK[o.result] >= floor]))
    upper = spec.max_value if spec.max_value is not None else Decimal(500)
    current = Decimal(value) if value is not None else (upper if spec.direction == "lower" else Decimal(0))
    if spec.direction == "higher":
        low, high = current, upper
    else:
        low, high = Decimal(0), current
    if spec.value_type == "int":
        return draw(st.integers(min_value=int(low), max_value=int(high)))
    return draw(st.decimals(min_value=low, max_value=high, places=2, allow_nan=False, allow_infinity=False))


@st.composite
def improvement(draw):
    answers = draw(answers_strategy)
    spec = draw(st.sampled_from(ECEI.indicators))
    improved = dict(answers)
    improved[spec.code] = draw(better_value(spec, answers[spec.code]))
    return answers, improved


@relaxed
@given(
    improvement(),
    eligibility_strategy,
    st.one_of(st.none(), answers_strategy),
    dates,
    st.integers(min_value=0, max_value=48),
)
def test_the_level_never_falls_when_one_value_improves(
    pair, eligibility, previous_answers, validated_on, months_before
):
    answers, improved = pair
    previous = None
    if previous_answers is not None:
        previous = PreviousAssessment(validated_on=add_months(validated_on, -months_before), answers=previous_answers)
    before = score_assessment(ECEI, answers, eligibility=eligibility, validated_on=validated_on, previous=previous)
    after = score_assessment(ECEI, improved, eligibility=eligibility, validated_on=validated_on, previous=previous)
    assert after.points >= before.points
    assert LEVEL_RANK[after.level] >= LEVEL_RANK[before.level]


@relaxed
@given(answers_strategy, eligibility_strategy)
def test_the_score_stays_between_0_and_100(answers, eligibility):
    result = score_assessment(ECEI, answers, eligibility=eligibility)
    assert Decimal(0) <= result.score <= Decimal(100)
    assert 0 <= result.points <= result.max_points == 150
    assert all(Decimal(0) <= value <= Decimal(100) for value in result.categories.values())
    assert result.gold_score_met == (result.points * 100 >= 80 * 150)
    if not result.eligible:
        assert result.level == "none"


@relaxed
@given(dates, st.integers(min_value=-60, max_value=60))
def test_adding_months_moves_by_whole_months_and_never_overflows_the_month(start, months):
    moved = add_months(start, months)
    assert (moved.year * 12 + moved.month) - (start.year * 12 + start.month) == months
    assert moved.day <= start.day
    assert moved.day == start.day or (moved + timedelta(days=1)).month != moved.month


@relaxed
@given(dates)
def test_a_label_lasts_about_two_years(decided_on):
    expiry = label_expiry(decided_on)
    assert 729 <= (expiry - decided_on).days <= 730
