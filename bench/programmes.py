"""The officer's dashboard on a programme of 1,000 clusters: the page against the raw psycopg queries of the same
rows, and its query count on 1,000 clusters × 4 years against 10 clusters × 2 years.

    .venv/bin/python bench/programmes.py [--clusters 1000] [--repeat 15]

The database is ``BENCH_DATABASE_URL`` (default: ``grappe_bench_programmes``, a database of its own: it is created
and migrated when missing, and the programme is built once, by bulk inserts: enrolments, contracts, a target and a
report value per indicator and year). "raw" is what the database must do anyway for the page: the labels, the
reports of the year, the S3 domains and the totals of the whole programme, then the page's 50 clusters with their
values and targets, run by psycopg with no Django at all. Each figure is the median of ``--repeat`` interleaved
rounds. Target: the page ≤ 3× raw, and the same number of queries on the small and the large programme. Exit status
1 when one is missed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grappe_bench_programmes")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

RAW = [
    # the newest label of every enrolled cluster
    """SELECT DISTINCT ON (l.cluster_id) l.cluster_id, l.level, l.status, l.expires_on, l.certificate_number
       FROM labelling_label l
       WHERE l.cluster_id IN (SELECT cluster_id FROM programmes_enrolment WHERE programme_id = %(p)s)
       ORDER BY l.cluster_id, l.awarded_on DESC, l.id DESC""",  # PostgreSQL's shortest form of the same read
    "SELECT cluster_id, id, status FROM programmes_yearlyreport WHERE programme_id = %(p)s AND year = %(y)s",
    """SELECT id, s3_domains FROM clusters_cluster
       WHERE id IN (SELECT cluster_id FROM programmes_enrolment WHERE programme_id = %(p)s)""",
    """SELECT v.indicator, r.year, sum(v.value), avg(v.value), count(*) FROM programmes_reportvalue v
       JOIN programmes_yearlyreport r ON r.id = v.report_id
       WHERE r.programme_id = %(p)s AND r.status IN ('submitted', 'approved') AND v.value IS NOT NULL
       GROUP BY v.indicator, r.year""",
    """SELECT t.indicator, t.year, sum(t.value), avg(t.value) FROM programmes_target t
       JOIN programmes_contract c ON c.id = t.contract_id WHERE c.programme_id = %(p)s GROUP BY t.indicator, t.year""",
    """SELECT e.id, e.joined_on, e.left_on, e.cluster_id, c.name, c.acronym, c.s3_domains FROM programmes_enrolment e
       JOIN clusters_cluster c ON c.id = e.cluster_id WHERE e.programme_id = %(p)s ORDER BY c.name, e.id LIMIT 50""",
    """SELECT r.cluster_id, v.indicator, v.value FROM programmes_reportvalue v
       JOIN programmes_yearlyreport r ON r.id = v.report_id
       WHERE r.programme_id = %(p)s AND r.year = %(y)s AND r.cluster_id = ANY(%(ids)s)""",
    """SELECT c.cluster_id, t.indicator, t.value FROM programmes_target t
       JOIN programmes_contract c ON c.id = t.contract_id
       WHERE c.programme_id = %(p)s AND t.year = %(y)s AND c.cluster_id = ANY(%(ids)s)""",
]


def _ensure_database(url: str) -> None:
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    with psycopg.connect(
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        user=config.get("USER") or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (config["NAME"],)).fetchone():
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def _build(name: str, clusters: int, years: tuple[int, int], officer):
    """A regional programme (the region's set, two S3 domains) of ``clusters`` clusters, every year reported."""
    from clusters.models import Cluster
    from programmes.indicator_sets import indicator_set
    from programmes.models import Contract, Enrolment, Programme, ReportValue, Target, YearlyReport

    existing = Programme.objects.filter(name_fr=name).first()
    if existing is not None:
        return existing
    programme = Programme.objects.create(
        name_fr=name,
        name_en=name,
        funder="Région (bench)",
        funder_kind="region",
        starts_on=datetime.date(years[0], 1, 1),
        ends_on=datetime.date(years[1], 12, 31),
        indicator_set="region-clusters",
        s3_domains=[{"code": "bio", "fr": "Bio", "en": "Bio"}, {"code": "energy", "fr": "Énergie", "en": "Energy"}],
    )
    programme.officers.add(officer)
    codes = indicator_set("region-clusters").codes
    made = Cluster.objects.bulk_create(
        Cluster(name=f"{name} {i:05d}", s3_domains=["bio"] if i % 2 else ["bio", "energy"]) for i in range(clusters)
    )
    Enrolment.objects.bulk_create(
        Enrolment(programme=programme, cluster=c, joined_on=programme.starts_on) for c in made
    )
    contracts = Contract.objects.bulk_create(
        Contract(programme=programme, cluster=c, starts_on=programme.starts_on, ends_on=programme.ends_on) for c in made
    )
    Target.objects.bulk_create(
        Target(contract=k, indicator=code, year=y, value=50)
        for k in contracts
        for y in programme.years
        for code in codes
    )
    reports = YearlyReport.objects.bulk_create(
        YearlyReport(
            programme=programme, cluster=c, year=y, status=("approved", "submitted", "returned", "draft")[i % 4]
        )
        for i, c in enumerate(made)
        for y in programme.years
    )
    ReportValue.objects.bulk_create(
        ReportValue(report=r, indicator=code, value=40 + i % 20) for i, r in enumerate(reports) for code in codes
    )
    return programme


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clusters", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    _ensure_database(_common.BENCH_URL)
    _common.setup_django()
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import Role, User

    call_command("migrate", verbosity=0)
    officer, _created = User.objects.get_or_create(username="bench-officer", defaults={"role": Role.OFFICER})
    large = _build(f"Bench programme {args.clusters}", args.clusters, (2023, 2026), officer)
    small = _build("Bench programme 10", 10, (2025, 2026), officer)
    raw = _common.raw_connection()
    client = Client()
    client.force_login(officer)
    year = 2025

    def page(programme):
        def run():
            response = client.get(f"/programmes/{programme.pk}/dashboard/?year={year}")
            assert response.status_code == 200, response.status_code

        return run

    def raw_page(programme):
        ids = list(programme.enrolments.order_by("cluster__name", "pk").values_list("cluster_id", flat=True)[:50])

        def run():
            for sql in RAW:
                raw.execute(sql, {"p": programme.pk, "y": year, "ids": ids}).fetchall()

        return run

    print(f"clusters enrolled           {large.enrolments.count():,} (× {len(large.years)} years)")
    small_queries = _common.queries_of(page(small))
    large_queries = _common.queries_of(page(large))
    times = _common.interleaved({"django": page(large), "raw": raw_page(large)}, repeat=args.repeat)
    d, r = _common.median(times["django"]), _common.median(times["raw"])
    ratio = d / r
    ok_ratio, ok_queries = ratio <= 3.0, small_queries == large_queries
    print(f"{'what':24} {'Django':>11} {'raw':>11} {'ratio':>7} {'target':>7}  verdict")
    print(f"{'dashboard page':24} {_common.ms(d)} {_common.ms(r)} {ratio:7.2f} {3.0:7.1f}  {_common.verdict(ok_ratio)}")
    print(
        f"queries: {small_queries} on 10 clusters × 2 years, {large_queries} on {args.clusters:,} clusters × 4 years"
        f"  {_common.verdict(ok_queries)}"
    )
    export = {
        "csv": lambda: b"".join(client.get(f"/programmes/{large.pk}/dashboard.csv?year={year}").streaming_content)
    }
    export_times = _common.interleaved(export, repeat=max(3, args.repeat // 5))
    print(f"{'CSV export (all)':24} {_common.ms(_common.median(export_times['csv']))}")
    return 0 if ok_ratio and ok_queries else 1


if __name__ == "__main__":
    sys.exit(main())
