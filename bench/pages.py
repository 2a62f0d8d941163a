"""Dashboards, the benchmark page and the statistics page at scale.

    .venv/bin/python bench/pages.py [--repeat 7] [--small-database grappe_bench_small]

On the database ``bench/population.py`` built (10,000 clusters, 12,000 assessments: 120 assigned to
``bench.light`` in every population, all the others to ``bench.assessor``), each figure is the median of
``--repeat`` interleaved rounds:

- the assessor's and the administrators' dashboards and the administrator's cluster list, with their query
  counts and HTML size; with ``--small-database`` (a population of, say, 500 clusters built the same way)
  the same pages are timed there too (in a subprocess) and the ratio large/small is printed: a bounded page
  stays near 1×;
- the benchmark page of one assessment and the statistics page, warm (from the cache) against the registry
  page of the same run (target ≤ 3×), and cold (the population version bumped before each request) against a
  psycopg + numpy baseline that fetches the same validated answers and computes the same kind of figures
  (quartiles of every indicator among all clusters, the same kind and the same region, the cluster's
  percentile; or the shares meeting each criterion) with nothing else (target ≤ 2×).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

LATEST = """
SELECT DISTINCT ON (a.cluster_id) a.id, c.kind, c.region
FROM labelling_assessment a JOIN clusters_cluster c ON c.id = a.cluster_id
WHERE a.framework_id = %(framework)s AND a.status IN ('validated', 'decided')
ORDER BY a.cluster_id, a.validated_on DESC, a.reference_year DESC, a.id DESC
"""
ANSWERS = """
SELECT an.assessment_id, an.indicator_id, an.validated_number::float8, an.validated_option
FROM labelling_answer an
WHERE an.assessment_id IN (
  SELECT DISTINCT ON (a.cluster_id) a.id FROM labelling_assessment a
  WHERE a.framework_id = %(framework)s AND a.status IN ('validated', 'decided')
  ORDER BY a.cluster_id, a.validated_on DESC, a.reference_year DESC, a.id DESC)
"""
LABELS = """
SELECT c.region, l.level, count(*) FROM labelling_label l JOIN clusters_cluster c ON c.id = l.cluster_id
WHERE l.status = 'active' GROUP BY c.region, l.level
"""

DASHBOARDS = [
    ("assessor dashboard, 120 assigned", "bench.light", "/assessor/"),
    ("assessor dashboard, all assigned", "bench.assessor", "/assessor/"),
    ("administration dashboard", "bench.admin", "/administration/"),
    ("administration page 200", "bench.admin", "/administration/?page=200"),
    ("clusters (administrator)", "bench.admin", "/clusters/"),
]


def _client(username: str):
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _get(client, url: str):
    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return run


def dashboards(repeat: int) -> dict:
    results = {}
    for name, user, url in DASHBOARDS:
        fn = _get(_client(user), url)
        times = _common.interleaved({"page": fn}, repeat=repeat)
        results[name] = {
            "ms": _common.median(times["page"]) * 1000,
            "queries": _common.queries_of(fn),
            "bytes": len(fn().content),
        }
    return results


def baseline_position(raw, framework_id: int, codes: dict[int, int], levels: set[int], target_row: int):
    """psycopg + numpy: the population's validated values, quartiles per indicator for all, the kind and the
    region, and one cluster's percentile: what the benchmark page shows, without Django or pandas."""
    import numpy as np

    def run():
        rows = raw.execute(LATEST, {"framework": framework_id}).fetchall()
        ids = np.array([r[0] for r in rows])
        kinds = np.array([r[1] for r in rows])
        regions = np.array([r[2] for r in rows])
        answers = raw.execute(ANSWERS, {"framework": framework_id}).fetchall()
        position = {v: i for i, v in enumerate(ids.tolist())}
        matrix = np.full((len(ids), len(codes)), np.nan)
        for assessment, indicator, number, option in answers:
            column = codes.get(indicator)
            if column is None:
                continue
            if indicator in levels:
                matrix[position[assessment], column] = len(option or "")  # a stand-in for the option's points
            elif number is not None:
                matrix[position[assessment], column] = number
        mine = position.get(target_row, 0)
        out = []
        for mask in (np.ones(len(ids), dtype=bool), kinds == kinds[mine], regions == regions[mine]):
            group = matrix[mask]
            out.append(np.nanpercentile(group, [25, 50, 75], axis=0))
            out.append((group < matrix[mine]).sum(axis=0) / np.maximum((~np.isnan(group)).sum(axis=0), 1))
        return out

    return run


def baseline_statistics(raw, framework_id: int, codes: dict[int, int], thresholds):
    import numpy as np

    full, partial = thresholds

    def run():
        answers = raw.execute(ANSWERS, {"framework": framework_id}).fetchall()
        ids = {}
        for assessment, *_rest in answers:
            ids.setdefault(assessment, len(ids))
        matrix = np.full((len(ids), len(codes)), np.nan)
        for assessment, indicator, number, _option in answers:
            column = codes.get(indicator)
            if column is not None and number is not None:
                matrix[ids[assessment], column] = number
        shares = ((matrix >= full).sum(axis=0), ((matrix >= partial) & (matrix < full)).sum(axis=0))
        labels = raw.execute(LABELS).fetchall()
        return shares, labels

    return run


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--small-database", help="a smaller population, for the dashboards' large/small ratio")
    parser.add_argument("--dashboards-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    _common.setup_django()
    if args.dashboards_json:  # the subprocess on the small database
        print(json.dumps(dashboards(args.repeat)))
        return 0

    import numpy as np

    from core import caching
    from indicators.models import Framework, Indicator
    from labelling.models import Assessment, Label

    failed = False
    framework = Framework.objects.get(is_default=True)
    print(f"population                  {Label.objects.count():,} labels, {Assessment.objects.count():,} assessments")
    large = dashboards(args.repeat)
    small = None
    if args.small_database:
        url = _common.BENCH_URL.rsplit("/", 1)[0] + "/" + args.small_database
        env = {**os.environ, "BENCH_DATABASE_URL": url}
        out = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, __file__, "--dashboards-json", "--repeat", str(args.repeat)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        small = json.loads(out.strip().splitlines()[-1])
    print(f"{'page':33} {'time':>11} {'queries':>8} {'HTML':>10} {'vs small':>9}")
    for name, figures in large.items():
        ratio = ""
        if small is not None:
            r = figures["ms"] / small[name]["ms"]
            ratio = f"{r:8.2f}×"
            same_queries = figures["queries"] == small[name]["queries"]
            failed |= not same_queries or r > 2.0
            ratio += "" if same_queries else f" (queries {small[name]['queries']})"
        print(f"{name:33} {figures['ms']:8.1f} ms {figures['queries']:8} {figures['bytes']:10,} {ratio}")

    admin = _client("bench.admin")
    anonymous = _get(__import__("django.test", fromlist=["Client"]).Client(), "/registry/")
    mine = Assessment.objects.filter(status="decided").order_by("pk").first()
    benchmark = _get(admin, f"/assessments/{mine.pk}/benchmark/")
    statistics = _get(admin, "/administration/statistics/")

    warm = _common.interleaved(
        {"registry": anonymous, "benchmark": benchmark, "statistics": statistics}, repeat=args.repeat
    )
    registry_ms = _common.median(warm["registry"])
    print(f"{'registry page (reference)':33} {_common.ms(registry_ms)}")
    for name in ("benchmark", "statistics"):
        t = _common.median(warm[name])
        ok = t <= 3 * registry_ms
        failed |= not ok
        q = _common.queries_of(benchmark if name == "benchmark" else statistics)
        print(
            f"{name + ' page, warm':33} {_common.ms(t)} {t / registry_ms:6.2f}× the registry page (target ≤ 3×), "
            f"{q} queries  {_common.verdict(ok)}"
        )

    indicators = list(Indicator.objects.filter(framework=framework).order_by("position"))
    codes = {ind.pk: i for i, ind in enumerate(indicators)}
    levels = {ind.pk for ind in indicators if ind.value_type == "level"}
    full = np.array([float(ind.full_threshold or 0) for ind in indicators])
    partial = np.array([float(ind.partial_threshold or 0) for ind in indicators])
    raw = _common.raw_connection()

    def cold(fn):
        def run():
            caching.bump(caching.POPULATION)
            return fn()

        return run

    cold_times = _common.interleaved(
        {
            "benchmark": cold(benchmark),
            "baseline position": baseline_position(raw, framework.pk, codes, levels, mine.pk),
            "statistics": cold(statistics),
            "baseline statistics": baseline_statistics(raw, framework.pk, codes, (full, partial)),
        },
        repeat=max(3, args.repeat // 2),
    )
    for name, base in (("benchmark", "baseline position"), ("statistics", "baseline statistics")):
        t, b = _common.median(cold_times[name]), _common.median(cold_times[base])
        ok = t <= 2 * b
        failed |= not ok
        print(
            f"{name + ' page, cold':33} {_common.ms(t)} {t / b:6.2f}× psycopg+numpy ({_common.ms(b).strip()}, "
            f"target ≤ 2×)  {_common.verdict(ok)}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
