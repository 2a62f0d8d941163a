"""Build a population for the scale benches into a database of its own.

    .venv/bin/python bench/population.py                 # 10,000 clusters into grappe_bench
    .venv/bin/python bench/population.py --clusters 2500 --database grappe_bench_2500
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_bench_i12 .venv/bin/python bench/population.py

For N clusters (default 10,000): N decided assessments of reference year 2025 with their 31 validated
answers, decisions and labels (92 % active, 5 % expired, 3 % revoked), plus N/5 assessments of 2026 in review
— 1.2 N assessments, 37.2 N answers —, 120 of them (100 decided, 20 in review) assigned to the assessor
``bench.light`` whatever N, every other one to the assessor ``bench.assessor``; one
administrator ``bench.admin`` (password ``bench-password``). 5 % of the clusters withdrew from the public
registry; names mix accented words ("Nekoé", "Énergie") so that search has something to fold.

The database is dropped and created again, migrated by Django, then filled with PostgreSQL ``COPY`` (the
columns of each table come from the models, so a field added later gets its default). About 10 s for
10,000 clusters on the 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

FRENCH_REGIONS = ["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"]
FOREIGN = [("ES", "ES21"), ("ES", "ES51"), ("DE", "DE11"), ("IT", "ITC4"), ("BE", "BE10"), ("PT", "PT11")]
WORDS = ["Nekoé", "Énergie", "Aéro", "Végétal", "Mécanique", "Numérique", "Santé", "Océan", "Forêt", "Matériaux"]
SECTORS = ["cosmétique", "énergie", "aéronautique", "agroalimentaire", "numérique", "santé", "bois", "mer"]
CITIES = ["Orléans", "Tours", "Chartres", "Lyon", "Bordeaux", "Nantes", "Lille", "Toulouse", "Besançon"]

LIGHT_DECIDED, LIGHT_IN_REVIEW = 100, 20  # bench.light's assignments, in every population


def _recreate_database(url: str) -> None:
    import environ
    import psycopg
    from psycopg import sql

    config = environ.Env.db_url_config(url)
    name = config["NAME"]
    with psycopg.connect(
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _columns(model, given: dict) -> list:
    return [f for f in model._meta.concrete_fields if f.attname in given or not f.primary_key]


def copy_rows(cursor, model, rows: list[dict]) -> int:
    """COPY ``rows`` (dicts by attribute name) into the model's table; missing fields take their default."""
    if not rows:
        return 0
    fields = _columns(model, rows[0])
    defaults = {}
    for field in fields:
        if field.attname not in rows[0]:
            default = field.get_default()
            defaults[field.attname] = default
    names = ", ".join(f'"{field.column}"' for field in fields)
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    with cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            values = []
            for field in fields:
                value = row.get(field.attname, defaults.get(field.attname))
                if field.attname in json_fields:
                    value = json.dumps(value, ensure_ascii=False)
                values.append(value)
            copy.write_row(values)
    return len(rows)


def build(n: int, *, seed: int) -> dict:
    import numpy as np
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Role, User
    from clusters.models import Cluster
    from indicators.computations import label_expiry
    from indicators.models import Framework
    from labelling.models import Answer, Assessment, Decision, Label

    rng = np.random.default_rng(seed)
    now = timezone.now()
    framework = Framework.objects.get(is_default=True)
    indicators = list(framework.indicators.order_by("position").values("pk", "code", "value_type", "options"))
    stamp = {"created_at": now, "updated_at": now}
    password = make_password("bench-password")
    counts = {}
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        users = [
            {"id": 1, "username": "bench.admin", "role": Role.ADMINISTRATOR, "is_staff": True, "is_superuser": True},
            {"id": 2, "username": "bench.assessor", "role": Role.ASSESSOR},
            {"id": 3, "username": "bench.light", "role": Role.ASSESSOR},
        ]
        for user in users:
            user.update(
                password=password,
                email=f"{user['username']}@example.org",
                first_name="Bench",
                last_name=user["username"].split(".")[1].title(),
                is_active=True,
                date_joined=now,
                last_login=None,
                language="fr",
            )
            user.setdefault("is_staff", False)
            user.setdefault("is_superuser", False)
        counts["users"] = copy_rows(cursor, User, users)

        kinds = rng.choice(["pole", "grappe", "cluster", "other"], size=n, p=[0.3, 0.3, 0.3, 0.1])
        foreign = rng.random(n) < 0.1
        clusters = []
        for i in range(n):
            if foreign[i]:
                country, region = FOREIGN[i % len(FOREIGN)]
            else:
                country, region = "FR", FRENCH_REGIONS[int(rng.integers(len(FRENCH_REGIONS)))]
            word = WORDS[i % len(WORDS)]
            clusters.append(
                {
                    "id": i + 1,
                    "name": f"{word} {i + 1:05d}",
                    "acronym": f"{word[:3].upper()}{i + 1}",
                    "kind": str(kinds[i]),
                    "legal_form": "Association loi 1901",
                    "legal_entity": True,
                    "public_profile": bool(rng.random() >= 0.05),
                    "country": country,
                    "region": region,
                    "city": CITIES[i % len(CITIES)],
                    "website": "",
                    "year_founded": int(rng.integers(1995, 2020)),
                    "sectors": sorted({SECTORS[int(k)] for k in rng.integers(len(SECTORS), size=2)}),
                    "s3_domains": [],
                    "description_fr": "",
                    "description_en": "",
                    "logo": "",
                    "version": 1,
                    **stamp,
                }
            )
        counts["clusters"] = copy_rows(cursor, Cluster, clusters)

        in_review = n // 5
        assessments = []
        for i in range(n):
            validated_on = datetime.date(2026, 1, 5) + datetime.timedelta(days=int(rng.integers(0, 300)))
            assessments.append(
                {
                    "id": i + 1,
                    "cluster_id": i + 1,
                    "framework_id": framework.pk,
                    "reference_year": 2025,
                    "status": "decided",
                    "assessor_id": 2,
                    "created_by_id": None,
                    "previous_id": None,
                    "legal_entity": True,
                    "public_profile": True,
                    "submitted_at": now,
                    "validated_on": validated_on,
                    "recommended_level": "",
                    "version": 5,
                    **stamp,
                }
            )
        for j in range(in_review):
            assessments.append(
                {
                    **assessments[j],
                    "id": n + j + 1,
                    "reference_year": 2026,
                    "status": "in_review",
                    "validated_on": None,
                    "version": 2,
                }
            )
        # ``bench.light`` has the same workload in every population (LIGHT_DECIDED + LIGHT_IN_REVIEW): its
        # dashboard shows what the population alone costs; ``bench.assessor`` has all the others.
        for assessment in assessments[n - LIGHT_DECIDED : n] + assessments[-LIGHT_IN_REVIEW:]:
            assessment["assessor_id"] = 3
        counts["assessments"] = copy_rows(cursor, Assessment, assessments)

        answers = []
        answer_id = 0
        for indicator in indicators:
            options = [o["code"] for o in indicator["options"] or []]
            size = len(assessments)
            if indicator["value_type"] == "level":
                picks = rng.integers(len(options), size=size) if options else np.zeros(size, dtype=int)
            elif indicator["value_type"] == "pct":
                picks = np.round(rng.uniform(0, 100, size=size), 1)
            else:
                picks = np.round(rng.gamma(2.0, 20.0, size=size), 1)
            empty = rng.random(size) < 0.03
            for k, assessment in enumerate(assessments):
                answer_id += 1
                decided = assessment["status"] == "decided"
                row = {
                    "id": answer_id,
                    "assessment_id": assessment["id"],
                    "indicator_id": indicator["pk"],
                    "declared_number": None,
                    "declared_option": "",
                    "validated_number": None,
                    "validated_option": "",
                    "proposed_number": None,
                    "proposed_option": "",
                    "proposal_explanation": "",
                    "comment": "",
                    "reviewed": decided,
                    "justification": "",
                    "assessor_comment": "",
                    "version": 1,
                    **stamp,
                }
                if not empty[k]:
                    if indicator["value_type"] == "level":
                        value = options[int(picks[k])] if options else ""
                        row["declared_option"] = value
                        if decided:
                            row["validated_option"] = value
                    else:
                        value = float(picks[k])
                        row["declared_number"] = value
                        if decided:
                            row["validated_number"] = value
                answers.append(row)
        counts["answers"] = copy_rows(cursor, Answer, answers)
        del answers

        decisions, labels = [], []
        levels = rng.choice(["bronze", "silver", "gold"], size=n, p=[0.6, 0.25, 0.15])
        status_draw = rng.random(n)
        for i in range(n):
            decided_on = assessments[i]["validated_on"] + datetime.timedelta(days=7)
            level = str(levels[i])
            decisions.append(
                {
                    "id": i + 1,
                    "assessment_id": i + 1,
                    "decided_by_id": 1,
                    "decided_on": decided_on,
                    "computed_level": level,
                    "level": level,
                    "reason": "",
                    "scores": {},
                    **stamp,
                }
            )
            status = "active" if status_draw[i] < 0.92 else ("expired" if status_draw[i] < 0.97 else "revoked")
            labels.append(
                {
                    "id": i + 1,
                    "cluster_id": i + 1,
                    "assessment_id": i + 1,
                    "level": level,
                    "certificate_number": f"GRP-{decided_on.year}-{i + 1:06d}",
                    "awarded_on": decided_on,
                    "expires_on": label_expiry(decided_on),
                    "status": status,
                    "revoked_at": now if status == "revoked" else None,
                    "revoked_reason": "Bench: revoked." if status == "revoked" else "",
                    "reminded_90": False,
                    "reminded_30": False,
                    **stamp,
                }
            )
        counts["decisions"] = copy_rows(cursor, Decision, decisions)
        counts["labels"] = copy_rows(cursor, Label, labels)

        for model in (User, Cluster, Assessment, Answer, Decision, Label):
            table = model._meta.db_table
            cursor.execute(  # table names come from the models, not from input
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"  # noqa: S608
            )
    with connection.cursor() as django_cursor:  # Django's connection is in autocommit mode
        django_cursor.execute("VACUUM ANALYZE")
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--database", help="database name (default: the one of BENCH_DATABASE_URL)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    url = _common.BENCH_URL
    if args.database:
        url = url.rsplit("/", 1)[0] + "/" + args.database
    started = time.perf_counter()
    _recreate_database(url)
    _common.setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    counts = build(args.clusters, seed=args.seed)
    done = time.perf_counter()
    print(f"database        {url.rsplit('/', 1)[1]}")
    for name, count in counts.items():
        print(f"{name:15} {count:>9,}")
    print(f"migrate         {migrated - started:8.1f} s")
    print(f"COPY            {done - migrated:8.1f} s")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    sys.exit(main())
