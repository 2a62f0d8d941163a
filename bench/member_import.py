"""Time the member import (clusters.importers + clusters.services.members_import) on 5,000 rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe .venv/bin/python bench/member_import.py [--rows 5000]
    DATABASE_URL=sqlite:///:memory: .venv/bin/python bench/member_import.py

A throw-away test database is created (``test_<name>`` on PostgreSQL, in memory on SQLite) and dropped at
the end, like the test suite does. For CSV and XLSX, the script prints the time to check the file, the time
to import it into an empty cluster, the time to re-import it (every row matched, a tenth of them changed),
rows per second, the peak Python memory (tracemalloc) and the number of SQL queries of each import.

Exit status 1 when an import of the given rows takes more than --target seconds (check + write).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from clusters.importers import headers_for, read_members  # noqa: E402
from clusters.models import Cluster, Member  # noqa: E402
from clusters.services import members_import  # noqa: E402

TYPES = ["PME", "Grande entreprise", "organisme de recherche", "université", "organisme public", "autre"]
SIZES = ["micro", "petite", "moyenne", "grande", ""]
REGIONS = ["24", "11", "84", "75", "44", "FR10", "DE11"]


def make_rows(n: int, seed: int, *, changed_every: int = 0) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        region = rng.choice(REGIONS)
        if changed_every and i % changed_every == 0:
            region = "93"
        rows.append(
            [
                f"Entreprise {i:05d} {['SAS', 'SA', 'SARL', 'Lab'][i % 4]}",
                rng.choice(TYPES),
                rng.choice(SIZES),
                region,
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2004, 2024)}",
                rng.choice(["oui", "non"]),
                rng.choice(["oui", "oui", "oui", "non"]),
            ]
        )
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    lines = [";".join(headers_for("fr"))] + [";".join(r) for r in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def to_xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers_for("en"))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_once(cluster: Cluster, data: bytes, filename: str, *, trace: bool = False) -> dict:
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    rows = read_members(data, filename=filename)
    checked = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = members_import(user=None, cluster=cluster, rows=rows, source=filename)
    finished = time.perf_counter()
    peak = 0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "check": checked - started,
        "write": finished - checked,
        "total": finished - started,
        "peak_mb": peak / 1024 / 1024,
        "queries": len(queries),
        "result": result,
    }


def report(label: str, n: int, size: int, timing: dict, peak_mb: float) -> None:
    result = timing["result"]
    print(
        f"{label:<18} {size / 1024:5.0f} KiB  check {timing['check']:5.2f} s  write {timing['write']:5.2f} s  "
        f"total {timing['total']:5.2f} s  {n / timing['total']:6.0f} rows/s  peak {peak_mb:5.1f} MiB  "
        f"{timing['queries']:2d} queries  (created {result.created}, updated {result.updated}, "
        f"unchanged {result.unchanged})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--target", type=float, default=5.0, help="seconds allowed per import (check + write)")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    worst = 0.0
    try:
        print(f"database: {connection.vendor} · {args.rows} rows · Python {sys.version.split()[0]}")
        first = make_rows(args.rows, args.seed)
        again = make_rows(args.rows, args.seed, changed_every=10)
        changed = make_rows(args.rows, args.seed + 1)  # every row different: the worst re-import
        for fmt, encode in (("csv", to_csv), ("xlsx", to_xlsx)):
            files = [("import", encode(first)), ("re-import 10%", encode(again)), ("re-import all", encode(changed))]
            # Timings without tracemalloc (it slows Python down several times), then the same runs traced.
            timed = Cluster.objects.create(name=f"Bench {fmt}", region="24")
            traced = Cluster.objects.create(name=f"Bench {fmt} traced", region="24")
            for label, data in files:
                timing = run_once(timed, data, f"members.{fmt}")
                memory = run_once(traced, data, f"members.{fmt}", trace=True)
                report(f"{fmt.upper()} {label}", args.rows, len(data), timing, memory["peak_mb"])
                worst = max(worst, timing["total"])
            assert Member.objects.filter(cluster=timed).count() == args.rows
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    verdict = "OK" if worst <= args.target else "TOO SLOW"
    print(f"slowest import: {worst:.2f} s (target {args.target:.1f} s): {verdict}")
    return 0 if worst <= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
