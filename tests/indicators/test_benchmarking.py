"""The vectorised scoring and the peer statistics (indicators.benchmarking): no database."""

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators import benchmarking
from indicators.computations import Eligibility, PreviousAssessment, add_months, score_assessment
from indicators.spec import default_framework_spec, parse_framework

FRAMEWORK = default_framework_spec()
CODES = [spec.code for spec in FRAMEWORK.indicators]
ELIGIBLE = Eligibility(legal_entity=True, public_profile=True)


# --- helpers -----------------------------------------------------------------------------------------


def full_answers(**overrides):
    """Every indicator at its full threshold (level: the full option); 150 points."""
    answers = {}
    for spec in FRAMEWORK.indicators:
        if spec.value_type == "level":
            answers[spec.code] = next(o.code for o in spec.options if o.result == "full")
        else:
            answers[spec.code] = int(spec.full) if spec.full == int(spec.full) else spec.full
    answers.update(overrides)
    return answers


def option(code, result):
    return next(o.code for o in FRAMEWORK.indicator(code).options if o.result == result)


def assert_same_as_one_by_one(rows, *, eligibility, validated_on=None, previous=None, framework=FRAMEWORK):
    """Score ``rows`` (label -> answers dict) both ways and compare every field of every row.

    ``eligibility``: label -> Eligibility; ``validated_on``: label -> date; ``previous``: label ->
    PreviousAssessment (only the rows that have one)."""
    labels = list(rows)
    codes = [spec.code for spec in framework.indicators]
    validated_on = validated_on or {}
    previous = previous or {}
    answers = pd.DataFrame([rows[label] for label in labels], index=labels)
    eligibility_frame = pd.DataFrame(
        [
            {"legal_entity": eligibility[r].legal_entity, "public_profile": eligibility[r].public_profile}
            for r in labels
        ],
        index=labels,
    )
    previous_labels = [r for r in labels if r in previous]
    previous_frame = pd.DataFrame([dict(previous[r].answers) for r in previous_labels], index=previous_labels)
    scored = benchmarking.score_frame(
        framework,
        answers,
        eligibility=eligibility_frame,
        validated_on=pd.Series([validated_on.get(r) for r in labels], index=labels, dtype=object),
        previous=previous_frame if previous_labels else None,
        previous_validated_on=pd.Series([previous[r].validated_on for r in previous_labels], index=previous_labels),
    )
    assert list(scored.index) == labels
    for label in labels:
        expected = score_assessment(
            framework,
            rows[label],
            eligibility=eligibility[label],
            validated_on=validated_on.get(label),
            previous=previous.get(label),
        )
        row = scored.loc[label]
        got = {
            "level": row["level"],
            "points": Decimal(str(row["points"])),
            "score": Decimal(str(row["score_display"])),
            "eligible": bool(row["eligible"]),
            "baseline_met": bool(row["baseline_met"]),
            "silver_window": bool(row["in_silver_window"]),
            "improved": tuple(c for c in codes if row[f"improved:{c}"]),
            "improved_count": int(row["improved"]),
            "categories": {c.code: Decimal(str(row[f"category:{c.code}"])) for c in framework.categories},
            "indicators": {c: (row[f"result:{c}"], Decimal(str(row[f"points:{c}"]))) for c in codes},
        }
        want = {
            "level": expected.level,
            "points": expected.points,
            "score": expected.score,
            "eligible": expected.eligible,
            "baseline_met": expected.baseline_met,
            "silver_window": expected.silver_window,
            "improved": expected.improved,
            "improved_count": len(expected.improved),
            "categories": expected.categories,
            "indicators": {c: (i.result, i.points) for c, i in expected.indicators.items()},
        }
        assert got == want, label
        assert math.isclose(row["score"], float(expected.points) * 100 / expected.max_points)
        assert row["max_points"] == expected.max_points
    return scored


# --- vectorised == one by one -----------------------------------------------------------------------


def _number_strategy(spec):
    full, partial = spec.full, spec.partial
    whole = spec.value_type == "int"
    top = spec.max_value if spec.max_value is not None else max(full, partial) * 3
    edges = {full, partial, full + 1, partial + 1, max(full - 1, Decimal(0)), max(partial - 1, Decimal(0)), Decimal(0)}
    if not whole:
        edges |= {full - Decimal("0.1"), partial - Decimal("0.1"), full + Decimal("0.1")}
    edges = sorted(e for e in edges if 0 <= e <= top)
    if spec.code == "S3":  # the eligibility minimum is 10 committed participants
        edges += [Decimal(9), Decimal(10), Decimal(11)]
    if whole:
        base = st.one_of(st.sampled_from(edges), st.integers(0, int(top)).map(Decimal))
        as_python = st.sampled_from([int, Decimal, float])
    else:
        tenths = st.integers(0, int(top * 10)).map(lambda n: Decimal(n) / 10)
        base = st.one_of(st.sampled_from(edges), tenths)
        as_python = st.sampled_from([Decimal, float, str])
    value = st.builds(lambda number, kind: kind(number) if kind is not str else str(number), base, as_python)
    return st.one_of(value, st.just(None))


def _answer_strategy(spec):
    if spec.value_type == "level":
        return st.sampled_from([*spec.option_codes, None])
    return _number_strategy(spec)


ANSWERS = st.fixed_dictionaries({spec.code: _answer_strategy(spec) for spec in FRAMEWORK.indicators})
SPECIAL_DATES = [dt.date(2024, 2, 29), dt.date(2023, 1, 31), dt.date(2023, 3, 31), dt.date(2024, 8, 31)]
DATES = st.one_of(st.sampled_from(SPECIAL_DATES), st.dates(dt.date(2020, 1, 1), dt.date(2029, 12, 31)))


@st.composite
def assessment_rows(draw):
    answers = draw(ANSWERS)
    eligibility = Eligibility(legal_entity=draw(st.booleans()), public_profile=draw(st.booleans()))
    prior_on = draw(DATES)
    bound = draw(st.sampled_from([12, 36, None]))
    if bound is None:
        validated_on = prior_on + dt.timedelta(days=draw(st.integers(-30, 1300)))
    else:
        validated_on = add_months(prior_on, bound) + dt.timedelta(days=draw(st.integers(-1, 1)))
    previous = None
    if draw(st.booleans()):
        previous = PreviousAssessment(validated_on=prior_on, answers=draw(ANSWERS))
    if draw(st.integers(0, 9)) == 0:
        validated_on = None
    return answers, eligibility, validated_on, previous


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(assessment_rows(), min_size=1, max_size=12))
def test_the_vectorised_scoring_gives_exactly_the_per_assessment_results(population):
    rows = {f"a{n}": answers for n, (answers, *_rest) in enumerate(population)}
    assert_same_as_one_by_one(
        rows,
        eligibility={f"a{n}": item[1] for n, item in enumerate(population)},
        validated_on={f"a{n}": item[2] for n, item in enumerate(population) if item[2] is not None},
        previous={f"a{n}": item[3] for n, item in enumerate(population) if item[3] is not None},
    )


def test_a_random_population_of_two_thousand_is_scored_like_one_by_one():
    rng = np.random.default_rng(7)
    n = 2000
    rows, eligibility, validated_on, previous = {}, {}, {}, {}
    quality = rng.normal(0.6, 0.6, n)
    for i in range(n):
        answers = {}
        for spec in FRAMEWORK.indicators:
            z = quality[i] + rng.normal(0, 0.6)
            if spec.value_type == "level":
                answers[spec.code] = option(spec.code, "full" if z > 1 else "partial" if z > 0 else "none")
            else:
                value = float(spec.partial + (spec.full - spec.partial) * Decimal(str(round(z, 2))))
                value = min(max(value, 0.0), float(spec.max_value or 10_000))
                answers[spec.code] = int(round(value)) if spec.value_type == "int" else round(value, 1)
        rows[i] = answers
        eligibility[i] = Eligibility(legal_entity=bool(rng.random() < 0.95), public_profile=True)
        prior_on = dt.date(2021, 1, 1) + dt.timedelta(days=int(rng.integers(0, 1500)))
        validated_on[i] = prior_on + dt.timedelta(days=int(rng.integers(200, 1300)))
        if rng.random() < 0.6:
            worse = {c: (round(v * 0.8, 1) if isinstance(v, float) else v) for c, v in answers.items()}
            previous[i] = PreviousAssessment(validated_on=prior_on, answers=worse)
    scored = assert_same_as_one_by_one(rows, eligibility=eligibility, validated_on=validated_on, previous=previous)
    assert set(scored["level"]) >= {"bronze", "gold"}


def test_thresholds_are_reached_exactly_at_the_limit():
    rows = {
        "at-full": full_answers(),
        "below-full": full_answers(S1=74.9, G2=Decimal("2.9"), S3=49),
        "at-partial": full_answers(S1=50, G2=Decimal("1.5"), S3=30),
        "below-partial": full_answers(S1=Decimal("49.9"), G2="1,4", S3=29),
    }
    scored = assert_same_as_one_by_one(rows, eligibility=dict.fromkeys(rows, ELIGIBLE))
    assert list(scored["result:S1"]) == ["full", "partial", "partial", "none"]
    assert list(scored["result:G2"]) == ["full", "partial", "partial", "none"]
    assert list(scored["result:S3"]) == ["full", "partial", "partial", "none"]


def test_v5_is_better_when_lower():
    rows = {months: full_answers(V5=months) for months in (0, 12, 13, 24, 25, 60)}
    scored = assert_same_as_one_by_one(rows, eligibility=dict.fromkeys(rows, ELIGIBLE))
    assert list(scored["result:V5"]) == ["full", "full", "partial", "partial", "none", "none"]
    assert list(scored["points:V5"]) == [6, 6, 3, 3, 0, 0]


def test_gold_needs_exactly_eighty_percent_and_the_baseline():
    # Full everywhere except V1 (6), V5 (6), V6 (6), F2 (6) and R3 (6) -> 120 points: gold.
    at_80 = full_answers(V1=option("V1", "none"), V5=60, V6=0, F2=0, R3=0)
    below = full_answers(V1=option("V1", "none"), V5=60, V6=0, F2=0, R3=0, S1=50)  # 118
    no_baseline = full_answers(G1=1)  # 144 points, but G1 under its partial threshold
    rows = {"at-80": at_80, "below": below, "no-baseline": no_baseline}
    scored = assert_same_as_one_by_one(rows, eligibility=dict.fromkeys(rows, ELIGIBLE))
    assert list(scored["points"]) == [120, 118, 144]
    assert list(scored["level"]) == ["gold", "bronze", "bronze"]
    assert list(scored["score_display"]) == [80.0, 78.7, 96.0]


def test_eligibility_needs_ten_participants_a_legal_entity_and_a_public_profile():
    rows = {"nine": full_answers(S3=9), "ten": full_answers(S3=10), "private": full_answers(), "none": {}}
    eligibility = {
        "nine": ELIGIBLE,
        "ten": ELIGIBLE,
        "private": Eligibility(legal_entity=True, public_profile=False),
        "none": ELIGIBLE,
    }
    scored = assert_same_as_one_by_one(rows, eligibility=eligibility)
    assert list(scored["eligible"]) == [False, True, False, False]
    assert list(scored["level"]) == ["none", "bronze", "none", "none"]


@pytest.mark.parametrize(
    ("previous_on", "validated_on", "inside"),
    [
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), True),  # + 12 months = 28 February 2025
        (dt.date(2024, 2, 29), dt.date(2025, 2, 27), False),
        (dt.date(2024, 2, 29), dt.date(2027, 2, 28), True),  # + 36 months = 28 February 2027
        (dt.date(2024, 2, 29), dt.date(2027, 3, 1), False),
        (dt.date(2023, 2, 28), dt.date(2024, 2, 28), True),
        (dt.date(2023, 2, 28), dt.date(2024, 2, 27), False),
        (dt.date(2023, 1, 31), dt.date(2024, 1, 31), True),
        (dt.date(2023, 3, 31), dt.date(2026, 3, 31), True),
        (dt.date(2023, 3, 31), dt.date(2026, 4, 1), False),
        (dt.date(2025, 6, 15), dt.date(2025, 6, 14), False),  # before the previous one
    ],
)
def test_the_silver_window_counts_months_like_add_months(previous_on, validated_on, inside):
    prior = {code: (0 if FRAMEWORK.indicator(code).value_type != "level" else None) for code in CODES}
    current = full_answers(V1=option("V1", "none"), V5=60, V6=0, F2=0, R3=0, S1=50)  # 118: not gold
    scored = assert_same_as_one_by_one(
        {"x": current},
        eligibility={"x": ELIGIBLE},
        validated_on={"x": validated_on},
        previous={"x": PreviousAssessment(validated_on=previous_on, answers=prior)},
    )
    assert bool(scored.at["x", "in_silver_window"]) is inside
    assert scored.at["x", "level"] == ("silver" if inside else "bronze")


def test_silver_needs_three_improved_indicators():
    current = full_answers(V1=option("V1", "none"), V5=60, V6=0, F2=0, R3=0, S1=50)
    two_better = full_answers(V1=option("V1", "none"), V5=60, V6=0, F2=0, R3=0, S1=50, S2=35, S4=50)
    three_better = {**two_better, "G3": 50}
    previous = {
        "two": PreviousAssessment(validated_on=dt.date(2024, 3, 1), answers=two_better),
        "three": PreviousAssessment(validated_on=dt.date(2024, 3, 1), answers=three_better),
    }
    rows = {"two": current, "three": current}
    scored = assert_same_as_one_by_one(
        rows,
        eligibility=dict.fromkeys(rows, ELIGIBLE),
        validated_on=dict.fromkeys(rows, dt.date(2025, 9, 1)),
        previous=previous,
    )
    assert list(scored["improved"]) == [2, 3]
    assert list(scored["level"]) == ["bronze", "silver"]


def test_add_months_array_agrees_with_add_months_on_every_day_of_eight_years():
    days = [dt.date(2020, 1, 1) + dt.timedelta(days=n) for n in range(8 * 366)]
    array = np.array(days, dtype="datetime64[D]")
    for months in (1, 12, 24, 36, -1, -12):
        got = benchmarking.add_months_array(array, months)
        assert [d.astype(dt.date) for d in got] == [add_months(d, months) for d in days], months
    assert np.isnat(benchmarking.add_months_array(np.array(["NaT"], dtype="datetime64[D]"), 12)).all()


def test_an_invalid_answer_is_refused_with_every_bad_cell_named():
    answers = pd.DataFrame([full_answers(S1=120, V1="maybe"), full_answers(G1=2.5, S2="abc")], index=["x", "y"])
    eligibility = pd.DataFrame({"legal_entity": [True, True], "public_profile": [True, True]}, index=["x", "y"])
    with pytest.raises(benchmarking.InvalidFrame) as caught:
        benchmarking.score_frame(FRAMEWORK, answers, eligibility=eligibility)
    assert sorted(caught.value.errors) == [
        ("x", "S1", "out of range"),
        ("x", "V1", "unknown option"),
        ("y", "G1", "out of range"),
        ("y", "S2", "not a number"),
    ]


def test_an_invalid_previous_value_earns_nothing_like_in_score_assessment():
    current = full_answers()
    previous = PreviousAssessment(
        validated_on=dt.date(2024, 1, 10), answers={**full_answers(), "V1": "renamed", "S1": 130}
    )
    scored = assert_same_as_one_by_one(
        {"x": current},
        eligibility={"x": ELIGIBLE},
        validated_on={"x": dt.date(2025, 6, 1)},
        previous={"x": previous},
    )
    assert int(scored.at["x", "improved"]) == 2


def test_blank_text_is_unanswered_and_spaces_around_an_option_are_ignored():
    rows = {"x": full_answers(S1="", V1=" co_built ", V2="  ")}
    scored = assert_same_as_one_by_one(rows, eligibility={"x": ELIGIBLE})
    assert scored.at["x", "result:S1"] == "none"
    assert scored.at["x", "result:V1"] == "full"
    assert scored.at["x", "baseline_met"] == False  # noqa: E712 - V2 is a baseline indicator


def test_a_missing_column_counts_as_unanswered():
    answers = pd.DataFrame([full_answers()]).drop(columns=["R1", "V12"])
    scored = benchmarking.score_frame(
        FRAMEWORK, answers, eligibility=pd.DataFrame({"legal_entity": [True], "public_profile": [True]})
    )
    assert scored.at[0, "points"] == 142
    assert scored.at[0, "result:R1"] == "none"


def test_a_framework_without_s3_checks_no_participant_count():
    data = FRAMEWORK.to_dict()
    data["code"] = "no-s3"
    data["categories"][0]["indicators"] = [i for i in data["categories"][0]["indicators"] if i["code"] != "S3"]
    framework = parse_framework(data)
    answers = {k: v for k, v in full_answers().items() if k != "S3"}
    scored = assert_same_as_one_by_one({"x": answers}, eligibility={"x": ELIGIBLE}, framework=framework)
    assert scored.at["x", "eligible"] == True  # noqa: E712


# --- peer statistics ----------------------------------------------------------------------------------


def population(values_by_code, kinds, regions=None, sectors=None):
    n = len(kinds)
    answers = pd.DataFrame({code: values_by_code.get(code, [None] * n) for code in CODES}, index=list("abcdefgh")[:n])
    groups = pd.DataFrame({"kind": kinds, "region": regions or ["24"] * n}, index=answers.index)
    if sectors is not None:
        groups["sector"] = sectors
    return answers, groups


def test_quartiles_and_percentiles_of_a_small_population():
    answers, groups = population({"S1": [10, 20, 20, 30, 40]}, kinds=["pole"] * 5)
    stats = benchmarking.peer_statistics(answers, groups, FRAMEWORK)
    # Worse peers + half the tied peers, over the 4 peers: 0, (1 + 0.5) / 4, (1 + 0.5) / 4, 3 / 4, 4 / 4.
    assert list(stats.percentiles[("all", "S1")]) == [0.0, 37.5, 37.5, 75.0, 100.0]
    assert stats.distribution.loc[("all", "*", "S1")].to_dict() == {"count": 5, "q1": 20, "median": 20, "q3": 30}


def test_quartiles_interpolate_between_values_like_numpy():
    answers, groups = population({"S1": [10, 20, 30, 40]}, kinds=["pole"] * 4)
    row = benchmarking.peer_statistics(answers, groups, FRAMEWORK).distribution.loc[("all", "*", "S1")]
    assert (row["q1"], row["median"], row["q3"]) == (17.5, 25.0, 32.5)
    assert (row["q1"], row["median"], row["q3"]) == tuple(np.percentile([10, 20, 30, 40], [25, 50, 75]))


def test_for_v5_fewer_months_rank_higher_but_quartiles_stay_in_value_order():
    answers, groups = population({"V5": [6, 12, 18, 24]}, kinds=["pole"] * 4)
    stats = benchmarking.peer_statistics(answers, groups, FRAMEWORK)
    assert list(stats.percentiles[("all", "V5")]) == [100.0, pytest.approx(200 / 3), pytest.approx(100 / 3), 0.0]
    row = stats.distribution.loc[("all", "*", "V5")]
    assert (row["q1"], row["median"], row["q3"]) == (10.5, 15.0, 19.5)


def test_percentiles_are_computed_within_each_peer_group():
    answers, groups = population(
        {"S1": [10, 20, 30, 40, 50]},
        kinds=["pole", "pole", "grappe", "grappe", "grappe"],
        regions=["24", "11", "24", "11", "24"],
    )
    stats = benchmarking.peer_statistics(answers, groups, FRAMEWORK)
    assert list(stats.percentiles[("kind", "S1")]) == [0.0, 100.0, 0.0, 50.0, 100.0]
    assert list(stats.percentiles[("region", "S1")]) == [0.0, 0.0, 50.0, 100.0, 100.0]
    assert stats.distribution.loc[("kind", "grappe", "S1")].to_dict() == {
        "count": 3,
        "q1": 35.0,
        "median": 40.0,
        "q3": 45.0,
    }
    assert stats.distribution.loc[("region", "11", "S1"), "median"] == 30.0


def test_a_cluster_alone_in_its_group_has_no_percentile_there():
    answers, groups = population({"S1": [10, 20, 30]}, kinds=["pole", "pole", "other"], sectors=["a", "a", "b"])
    stats = benchmarking.peer_statistics(answers, groups, FRAMEWORK)
    assert math.isnan(stats.percentiles.at["c", ("kind", "S1")])
    assert math.isnan(stats.percentiles.at["c", ("sector", "S1")])
    assert stats.percentiles.at["c", ("all", "S1")] == 100.0
    assert stats.distribution.loc[("kind", "other", "S1")].to_dict() == {"count": 1, "q1": 30, "median": 30, "q3": 30}
    position = stats.position("c")
    assert math.isnan(position.at["S1", ("kind", "percentile")])
    assert position.at["S1", ("kind", "count")] == 1
    assert position.at["S1", ("all", "median")] == 20


def test_unanswered_values_and_missing_keys_are_left_out():
    answers, groups = population({"S1": [10, None, 30, 40]}, kinds=["pole", "pole", "pole", None])
    stats = benchmarking.peer_statistics(answers, groups, FRAMEWORK)
    assert stats.distribution.loc[("all", "*", "S1"), "count"] == 3
    assert stats.distribution.loc[("kind", "pole", "S1"), "count"] == 2
    assert math.isnan(stats.percentiles.at["b", ("all", "S1")])
    assert math.isnan(stats.percentiles.at["d", ("kind", "S1")])
    assert list(stats.distribution.index.get_level_values("group").unique()) == ["*", "pole", "24"]


def test_level_indicators_are_compared_on_their_points():
    values = [option("V1", "full"), option("V1", "none"), option("V1", "partial"), option("V1", "partial")]
    answers, groups = population({"V1": values}, kinds=["pole"] * 4)
    stats = benchmarking.peer_statistics(answers, groups, FRAMEWORK)
    assert list(stats.percentiles[("all", "V1")]) == [100.0, 0.0, 50.0, 50.0]
    row = stats.distribution.loc[("all", "*", "V1")]
    # "lower" interpolation: a quartile is always one of the points 0, 3 or 6.
    assert (row["q1"], row["median"], row["q3"]) == (0.0, 3.0, 3.0)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(0, 12)),
            st.one_of(st.none(), st.integers(0, 40)),
            st.sampled_from(["pole", "grappe", None]),
            st.sampled_from(["11", "24", "", None]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_the_statistics_equal_a_plain_pandas_groupby(rows):
    index = [f"r{n}" for n in range(len(rows))]
    answers = pd.DataFrame({"S1": [r[0] for r in rows], "V5": [r[1] for r in rows]}, index=index, dtype=float)
    groups = pd.DataFrame({"kind": [r[2] for r in rows], "region": [r[3] for r in rows]}, index=index)
    stats = benchmarking.peer_statistics(answers, groups, FRAMEWORK)
    keys = {"all": pd.Series("*", index=index), "kind": groups["kind"], "region": groups["region"].replace("", None)}
    for peer_group, key in keys.items():
        if key.isna().all():
            assert peer_group not in stats.percentiles.columns.get_level_values(0)
            continue
        for code, sign in (("S1", 1), ("V5", -1)):
            grouped = (answers[code] * sign).groupby(key)
            ranks = grouped.rank(method="average")
            peers = grouped.transform("count") - 1
            expected = (100 * (ranks - 1) / peers).where(peers > 0)
            pd.testing.assert_series_equal(
                stats.percentiles[(peer_group, code)], expected, check_names=False, check_index_type=False
            )
            raw = answers[code].groupby(key)
            for label, q in (("q1", 0.25), ("median", 0.5), ("q3", 0.75)):
                want = raw.quantile(q)
                got = stats.distribution.xs((peer_group, code), level=("peer_group", "indicator"))[label]
                pd.testing.assert_series_equal(
                    got.loc[want.index], want, check_names=False, check_index_type=False, check_dtype=False
                )


# --- criteria shares and label counts -----------------------------------------------------------------


def test_criteria_shares_and_label_counts_by_region():
    rows = {
        "a": full_answers(),  # gold
        "b": full_answers(S1=50, V1=option("V1", "none"), V5=60, V6=0, F2=0, R3=0),  # 118: bronze
        "c": full_answers(S1=10, S3=9),  # not eligible
        "d": full_answers(S1=60),  # 148: gold
    }
    answers = pd.DataFrame.from_dict(rows, orient="index")
    eligibility = pd.DataFrame({"legal_entity": True, "public_profile": True}, index=answers.index)
    scored = benchmarking.score_frame(FRAMEWORK, answers, eligibility=eligibility)
    groups = pd.DataFrame(
        {
            "kind": ["pole", "pole", "grappe", "grappe"],
            "region": ["24", "11", "24", "24"],
            "year": [2025, 2025, 2026, 2026],
        },
        index=answers.index,
    )
    shares = benchmarking.criteria_shares(scored, groups, FRAMEWORK)
    s1 = shares.by_indicator.loc[("all", "*", "S1")]
    assert (s1["n"], s1["full"], s1["partial"], s1["none"]) == (4, 1, 2, 1)
    assert (s1["full_share"], s1["partial_share"], s1["met_share"]) == (0.25, 0.5, 0.75)
    grappe = shares.by_indicator.loc[("kind", "grappe", "S1")]
    assert (grappe["n"], grappe["full"], grappe["partial"], grappe["none"]) == (2, 0, 1, 1)
    assert shares.by_indicator.loc[("region", "24", "S3"), "partial"] == 0
    assert shares.by_indicator.loc[("region", "24", "S3"), "none"] == 1
    assert shares.labels.loc["*"].to_dict() == {"none": 1, "bronze": 1, "silver": 0, "gold": 2, "total": 4}
    assert shares.labels_by_region.loc["24"].to_dict() == {"none": 1, "bronze": 0, "silver": 0, "gold": 2, "total": 3}
    assert shares.labels_by_region.loc["11"].to_dict() == {"none": 0, "bronze": 1, "silver": 0, "gold": 0, "total": 1}
    assert shares.labels_by_year.loc[2026, "gold"] == 1


def test_an_indicator_absent_from_the_previous_assessment_is_not_compared():
    current = full_answers()
    older_version = {code: value for code, value in full_answers(S1=0, S2=0).items() if code not in ("R1", "R2")}
    scored = assert_same_as_one_by_one(
        {"x": current},
        eligibility={"x": ELIGIBLE},
        validated_on={"x": dt.date(2025, 6, 1)},
        previous={"x": PreviousAssessment(validated_on=dt.date(2024, 1, 10), answers=older_version)},
    )
    assert [c for c in CODES if scored.at["x", f"improved:{c}"]] == ["S1", "S2"]


def test_an_unanswered_previous_value_counts_as_no_points():
    previous = PreviousAssessment(validated_on=dt.date(2024, 1, 10), answers={**full_answers(), "R1": None})
    scored = assert_same_as_one_by_one(
        {"x": full_answers()},
        eligibility={"x": ELIGIBLE},
        validated_on={"x": dt.date(2025, 6, 1)},
        previous={"x": previous},
    )
    assert [c for c in CODES if scored.at["x", f"improved:{c}"]] == ["R1"]


def test_an_empty_population_gives_empty_results():
    answers = pd.DataFrame(columns=CODES)
    groups = pd.DataFrame(columns=["kind", "region"])
    scored = benchmarking.score_frame(
        FRAMEWORK, answers, eligibility=pd.DataFrame(columns=["legal_entity", "public_profile"])
    )
    assert len(scored) == 0
    stats = benchmarking.peer_statistics(answers, groups, FRAMEWORK)
    assert stats.percentiles.empty
    assert (stats.distribution["count"] == 0).all()
    shares = benchmarking.criteria_shares(scored, groups, FRAMEWORK)
    assert shares.labels.loc["*", "total"] == 0


def test_an_assessment_listed_twice_is_refused():
    answers = pd.DataFrame([full_answers(), full_answers()], index=["x", "x"])
    eligibility = pd.DataFrame({"legal_entity": [True], "public_profile": [True]}, index=["x"])
    with pytest.raises(ValueError, match="identify each assessment once"):
        benchmarking.score_frame(FRAMEWORK, answers, eligibility=eligibility)


def test_the_bench_script_finds_both_paths_in_agreement_on_a_small_population(capsys):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "bench" / "scoring.py"
    spec = importlib.util.spec_from_file_location("bench_scoring", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    status = bench.main(["--n", "400", "--seed", "3", "--repeat", "1", "--single-repeat", "1", "--no-targets"])
    output = capsys.readouterr().out
    assert status == 0
    assert "all 400 assessments identical" in output
