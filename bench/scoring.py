"""Score 10,000 synthetic assessments vectorised (indicators.benchmarking) and one by one
(indicators.computations.score_assessment), check that both agree, and print the timings.

    .venv/bin/python bench/scoring.py [--n 10000] [--seed 2026] [--repeat 7] [--single-repeat 3]

Timings are the best of several runs (like ``timeit``: on a shared machine the best run is the one that
was least disturbed); the median of the vectorised runs is printed too.

Exit status 1 when the two paths disagree on any assessment, or when a target is missed
(--no-targets to only report): the whole population scored with its statistics in < 1 s, and
>= 20x faster than one by one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from indicators import benchmarking  # noqa: E402
from indicators.computations import Eligibility, PreviousAssessment, score_assessment  # noqa: E402
from indicators.spec import FrameworkSpec, default_framework_spec  # noqa: E402

TARGET_SECONDS = 1.0
TARGET_SPEEDUP = 20.0

KINDS = ["pole", "grappe", "cluster", "other"]
KIND_WEIGHTS = [0.4, 0.3, 0.2, 0.1]
REGIONS = ["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"]
SECTORS = ["cosmetics", "energy", "polymers", "water", "aeronautics", "automotive", "health", "digital",
           "agrifood", "textile", "wood", "tourism"]  # fmt: skip


# --- synthetic population -------------------------------------------------------------------------


def _values_for(spec, z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Values spread around the thresholds: z = 0 gives the partial threshold, z = 1 the full one.

    About one value in ten is exactly a threshold, to exercise the comparisons at the edge."""
    n = len(z)
    if spec.value_type == "level":
        by_result = {o.result: o.code for o in spec.options}
        codes = np.where(z >= 1, by_result["full"], np.where(z >= 0, by_result["partial"], by_result["none"]))
        return codes.astype(object)
    full, partial = float(spec.full), float(spec.partial)
    values = partial + (full - partial) * z
    edge = rng.random(n)
    values = np.where(edge < 0.05, full, np.where(edge < 0.10, partial, values))
    values = np.clip(values, 0, float(spec.max_value) if spec.max_value is not None else None)
    if spec.value_type == "int":
        return np.round(values)
    return np.round(values, 1)


def synthetic_population(framework: FrameworkSpec, n: int, seed: int):
    """answers, eligibility, validated_on, previous, previous_validated_on, groups."""
    rng = np.random.default_rng(seed)
    index = pd.RangeIndex(n, name="assessment")
    quality = rng.normal(0.55, 0.55, n)  # a cluster's overall quality, so that levels are spread out
    answers = {}
    previous_answers = {}
    has_previous = rng.random(n) < 0.6
    for spec in framework.indicators:
        z = quality + rng.normal(0, 0.7, n)
        z_previous = z - rng.normal(0.25, 0.6, n)
        if spec.code == "S3":  # committed participants: a few clusters below the eligibility minimum of 10
            answers[spec.code] = np.round(rng.lognormal(np.log(60), 0.7, n))
            previous_answers[spec.code] = np.round(answers[spec.code] * rng.uniform(0.7, 1.1, n))
            continue
        answers[spec.code] = _values_for(spec, z, rng)
        previous_answers[spec.code] = _values_for(spec, z_previous, rng)
    answers_frame = pd.DataFrame(answers, index=index)
    previous_frame = pd.DataFrame(previous_answers, index=index)[has_previous]

    eligibility = pd.DataFrame({"legal_entity": rng.random(n) < 0.97, "public_profile": rng.random(n) < 0.95},
                               index=index)  # fmt: skip

    # Previous validation dates from 2021 to 2024, some on 29 February or a month's end; this one 6 to 42
    # months later, and one in ten exactly on (or one day off) a bound of the Silver window.
    start = np.datetime64("2021-01-01")
    previous_on = start + rng.integers(0, 4 * 365, n).astype("timedelta64[D]")
    leap = rng.random(n) < 0.03
    previous_on = np.where(leap, np.datetime64("2024-02-29"), previous_on)
    month_end = rng.random(n) < 0.05
    previous_on = np.where(
        month_end, (previous_on.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1, previous_on
    ).astype("datetime64[D]")
    validated_on = previous_on + rng.integers(180, 1280, n).astype("timedelta64[D]")
    bound = rng.random(n)
    at_low = benchmarking.add_months_array(previous_on, 12) + rng.integers(-1, 2, n).astype("timedelta64[D]")
    at_high = benchmarking.add_months_array(previous_on, 36) + rng.integers(-1, 2, n).astype("timedelta64[D]")
    validated_on = np.where(bound < 0.05, at_low, np.where(bound < 0.10, at_high, validated_on))
    validated = pd.Series(validated_on, index=index)
    previous_validated = pd.Series(previous_on, index=index)[has_previous]

    groups = pd.DataFrame(
        {
            "kind": rng.choice(KINDS, n, p=KIND_WEIGHTS),
            "region": rng.choice(REGIONS, n),
            "sector": rng.choice(SECTORS, n),
            "year": pd.Series(validated_on).dt.year.to_numpy(),
        },
        index=index,
    )
    return answers_frame, eligibility, validated, previous_frame, previous_validated, groups


# --- the two paths ------------------------------------------------------------------------------------


def vectorised(framework, answers, eligibility, validated, previous, previous_validated, groups):
    started = time.perf_counter()
    scored = benchmarking.score_frame(
        framework,
        answers,
        eligibility=eligibility,
        validated_on=validated,
        previous=previous,
        previous_validated_on=previous_validated,
    )
    scoring = time.perf_counter() - started
    peers = benchmarking.peer_statistics(answers, groups, framework)
    shares = benchmarking.criteria_shares(scored, groups, framework)
    total = time.perf_counter() - started
    return scored, peers, shares, scoring, total


def _python_value(value):
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return int(value) if float(value).is_integer() else float(value)


def one_by_one_inputs(answers, eligibility, validated, previous, previous_validated):
    """Plain Python inputs for score_assessment (built outside the timing)."""
    records = answers.to_dict(orient="index")
    previous_records = previous.to_dict(orient="index")
    inputs = []
    for row, record in records.items():
        prior = None
        if row in previous_records:
            prior = PreviousAssessment(
                validated_on=pd.Timestamp(previous_validated[row]).date(),
                answers={code: _python_value(v) for code, v in previous_records[row].items()},
            )
        inputs.append(
            (
                row,
                {code: _python_value(v) for code, v in record.items()},
                Eligibility(
                    legal_entity=bool(eligibility.at[row, "legal_entity"]),
                    public_profile=bool(eligibility.at[row, "public_profile"]),
                ),
                pd.Timestamp(validated[row]).date(),
                prior,
            )
        )
    return inputs


def one_by_one(framework, inputs):
    started = time.perf_counter()
    results = {
        row: score_assessment(framework, values, eligibility=el, validated_on=on, previous=prior)
        for row, values, el, on, prior in inputs
    }
    return results, time.perf_counter() - started


def differences(framework, scored: pd.DataFrame, results) -> list[str]:
    """Every field where the vectorised row differs from the per-assessment ScoreResult."""
    problems = []
    rows = scored.to_dict(orient="index")
    codes = [spec.code for spec in framework.indicators]
    for row, result in results.items():
        mine = rows[row]
        expected = {
            "level": result.level,
            "points": result.points,
            "score_display": result.score,
            "eligible": result.eligible,
            "baseline_met": result.baseline_met,
            "improved": len(result.improved),
            "in_silver_window": result.silver_window,
        }
        got = {
            "level": mine["level"],
            "points": Decimal(str(mine["points"])),
            "score_display": Decimal(str(mine["score_display"])),
            "eligible": bool(mine["eligible"]),
            "baseline_met": bool(mine["baseline_met"]),
            "improved": int(mine["improved"]),
            "in_silver_window": bool(mine["in_silver_window"]),
        }
        for code in codes:
            item = result.indicators[code]
            expected[f"result:{code}"], got[f"result:{code}"] = item.result, mine[f"result:{code}"]
            expected[f"points:{code}"] = item.points
            got[f"points:{code}"] = Decimal(str(mine[f"points:{code}"]))
            expected[f"improved:{code}"] = code in result.improved
            got[f"improved:{code}"] = bool(mine[f"improved:{code}"])
        for code, value in result.categories.items():
            expected[f"category:{code}"], got[f"category:{code}"] = value, Decimal(str(mine[f"category:{code}"]))
        for key, value in expected.items():
            if got[key] != value:
                problems.append(f"assessment {row}: {key} vectorised={got[key]!r} one-by-one={value!r}")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="number of assessments (default 10,000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=7, help="runs of the vectorised path (best reported)")
    parser.add_argument("--single-repeat", type=int, default=3, help="runs of the one-by-one path (best reported)")
    parser.add_argument("--no-targets", action="store_true", help="report only; do not fail on the targets")
    args = parser.parse_args(argv)

    framework = default_framework_spec()
    population = synthetic_population(framework, args.n, args.seed)
    answers, eligibility, validated, previous, previous_validated, groups = population

    benchmarking.score_frame(framework, answers.head(10), eligibility=eligibility)  # warm-up (imports, caches)
    runs = [vectorised(framework, *population) for _ in range(max(args.repeat, 1))]
    scored, peers, shares = runs[-1][:3]
    scoring_time = min(run[3] for run in runs)
    vector_time = min(run[4] for run in runs)
    vector_median = statistics.median(run[4] for run in runs)

    inputs = one_by_one_inputs(answers, eligibility, validated, previous, previous_validated)
    single_runs = [one_by_one(framework, inputs) for _ in range(max(args.single_repeat, 1))]
    results = single_runs[-1][0]
    single_time = min(run[1] for run in single_runs)

    problems = differences(framework, scored, results)
    levels = scored["level"].value_counts().reindex(list(benchmarking.LEVELS))
    speedup = single_time / vector_time

    print(f"N                                   {args.n:>12,}")
    print(f"with a previous assessment          {int(scored['has_previous'].sum()):>12,}")
    print("levels                              " + ", ".join(f"{lvl} {count:,}" for lvl, count in levels.items()))
    print(f"vectorised: scoring                 {scoring_time * 1000:>12.1f} ms")
    print(f"vectorised: scoring + statistics    {vector_time * 1000:>12.1f} ms  (best of {len(runs)} runs)")
    print(f"vectorised: median of the runs      {vector_median * 1000:>12.1f} ms")
    print(f"vectorised: per assessment          {vector_time / args.n * 1e6:>12.2f} µs")
    print(f"one by one (score_assessment)       {single_time * 1000:>12.1f} ms  (best of {len(single_runs)} runs)")
    print(f"one by one: per assessment          {single_time / args.n * 1e6:>12.2f} µs")
    print(f"speed-up                            {speedup:>12.1f} x")
    print(f"peer-group rows in the distribution {len(peers.distribution):>12,}")
    print(f"criteria rows                       {len(shares.by_indicator):>12,}")

    status = 0
    if problems:
        print(f"MISMATCH: {len(problems)} differences between the two paths", file=sys.stderr)
        for line in problems[:20]:
            print("  " + line, file=sys.stderr)
        status = 1
    else:
        print(f"agreement                           all {args.n:,} assessments identical (levels, points, results)")
    if not args.no_targets:
        if vector_time >= TARGET_SECONDS:
            print(f"TARGET MISSED: {vector_time:.3f} s >= {TARGET_SECONDS} s", file=sys.stderr)
            status = 1
        if speedup < TARGET_SPEEDUP:
            print(f"TARGET MISSED: speed-up {speedup:.1f}x < {TARGET_SPEEDUP}x", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
