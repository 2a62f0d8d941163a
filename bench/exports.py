"""The registry exports at scale: CSV, JSON and XLSX through the web view, against PostgreSQL's ``COPY`` of
the same rows, and their peak memory at 2,500 and at 10,000 rows.

    .venv/bin/python bench/exports.py [--repeat 5]       # on the database bench/population.py built

Each time is the median of ``--repeat`` interleaved rounds (export, COPY, export, COPY, …). The export is
the administrators' ``/administration/registry.<format>`` read to its last byte through Django's test client
(every label, every status); ``COPY`` writes the same rows and columns as CSV to psycopg, which reads them.
Peak memory is Python's (tracemalloc) while the rows are written, for the first 2,500 labels and for all of
them. Targets (issue 12): CSV and JSON ≤ 3× COPY, XLSX ≤ 8× COPY, peak(10,000) ≤ 1.5× peak(2,500).
Exit status 1 when one is missed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

COPY_SQL = """
COPY (
  SELECT l.certificate_number, c.name, c.acronym, c.kind, c.country, c.region, c.city, c.sectors, l.level,
         l.status, l.awarded_on, l.expires_on, (l.revoked_at AT TIME ZONE 'Europe/Paris')::date, a.reference_year
  FROM labelling_label l JOIN clusters_cluster c ON c.id = l.cluster_id
       JOIN labelling_assessment a ON a.id = l.assessment_id
  {where}
  ORDER BY c.name, l.awarded_on DESC, l.id
) TO STDOUT WITH (FORMAT csv, HEADER)
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    _common.setup_django()
    from django.test import Client

    from accounts.models import User
    from labelling import exporters, selectors
    from labelling.models import Label

    raw = _common.raw_connection()
    client = Client()
    client.force_login(User.objects.get(username="bench.admin"))
    total = Label.objects.count()

    def copy(where: str = ""):
        def run():
            size = 0
            with raw.cursor().copy(COPY_SQL.format(where=where)) as stream:
                for block in stream:
                    size += len(block)
            return size

        return run

    def export(fmt: str):
        url = {"csv": "/administration/registry.csv", "json": "/administration/registry.json"}.get(
            fmt, "/administration/registry.xlsx"
        )

        def run():
            response = client.get(url)
            assert response.status_code == 200
            size = 0
            for chunk in response.streaming_content if response.streaming else [response.content]:
                size += len(chunk)
            response.close()
            return size

        return run

    print(f"labels exported             {total:,}")
    print(f"{'format':8} {'export':>11} {'COPY':>11} {'ratio':>7} {'target':>7} {'queries':>8} {'bytes':>11}  verdict")
    failed = False
    for fmt, target in (("csv", 3.0), ("json", 3.0), ("xlsx", 8.0)):
        times = _common.interleaved({"export": export(fmt), "copy": copy()}, repeat=args.repeat)
        queries = _common.queries_of(export(fmt))
        size = export(fmt)()
        e, c = _common.median(times["export"]), _common.median(times["copy"])
        ok = e / c <= target
        failed |= not ok
        print(
            f"{fmt:8} {_common.ms(e)} {_common.ms(c)} {e / c:6.2f}× {target:6.1f}× {queries:8} {size:11,}  "
            f"{_common.verdict(ok)}"
        )

    # Peak memory while writing the rows: the first 2,500 labels, then all of them.
    def write(fmt: str, limit: int | None):
        def run():
            qs = selectors.registry_filtered()
            if limit is not None:
                qs = qs.filter(pk__in=Label.objects.order_by("pk").values("pk")[:limit])
            rows = exporters.registry_rows(qs)
            if fmt == "csv":
                for _line in exporters.csv_lines(rows):
                    pass
            elif fmt == "json":
                for _chunk in exporters.json_chunks(rows):
                    pass
            else:
                exporters.xlsx_file(rows).file.close()

        return run

    print(f"{'format':8} {'peak 2,500':>12} {'peak all':>12} {'ratio':>7} {'target':>7}  verdict")
    for fmt in ("csv", "json", "xlsx"):
        small = _common.peak_memory(write(fmt, 2500))
        large = _common.peak_memory(write(fmt, None))
        ok = large <= 1.5 * small
        failed |= not ok
        print(
            f"{fmt:8} {small / 2**20:9.2f} MiB {large / 2**20:9.2f} MiB {large / small:6.2f}× {1.5:6.1f}×  "
            f"{_common.verdict(ok)}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
