"""Time the whole report task against WeasyPrint's bare render of the same final HTML, for the demo's Gold
assessment (Cosmetic Valley), in French and in English.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe .venv/bin/python bench/reports.py [--repeat 3]

A throw-away test database is created (``test_<name>``; in memory on SQLite), the demo is loaded into it (34
fictional peers included, so the peer section is computed for real) and it is dropped at the end.

- **task**: ``labelling.render_report`` run in this process, as the worker runs it: load the row, gather the
  context (scores, peer statistics, the path to the next level, evidence), render the template, WeasyPrint
  (PDF/A-3b), the PAdES signature (pyHanko), store the file, mark the report ready;
- **bare render**: ``weasyprint.HTML(string=<the same final HTML>).write_pdf(pdf_variant="pdf/a-3b")`` with the
  same static-only URL fetcher — the least any PDF of that content costs.

After one warm-up of each, the two are run ``--repeat`` times, interleaved; each figure is the best run (as
``timeit`` does), in wall-clock seconds and in CPU seconds of this process (the database's own work is in the
wall figure only). On a shared machine the wall figure varies with the load; the CPU one much less. Exit
status 1 when, for a language, both ratios are above ``--target`` (1.2).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def _pages(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(BytesIO(pdf)).root["/Pages"]["/Count"])


def _timed(function) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(language: str, repeat: int) -> dict:
    from weasyprint import HTML

    from labelling.models import Assessment, Report
    from labelling.services import reports as services
    from labelling.tasks import render_report

    assessment = Assessment.objects.get(cluster__name="Cosmetic Valley", status="decided")
    task_runs, bare_runs = [], []
    html = pdf = None

    def task():
        report = Report.objects.create(assessment=assessment, kind="assessment", language=language)
        status = render_report(report.pk)
        assert status == "ready", status
        return report

    def bare():
        HTML(string=html, base_url=services.REPORT_BASE_URL, url_fetcher=services.safe_url_fetcher()).write_pdf(
            pdf_variant=services.PDF_VARIANT
        )

    report = task()  # warm-up: imports, fonts, the signing key, the template cache
    html = services.report_html(report=report)  # the same final HTML (the template is deterministic)
    report.refresh_from_db()
    with report.file.open("rb") as handle:
        pdf = handle.read()
    bare()
    for _run in range(repeat):  # interleaved, so that a burst of load on the machine hits both alike
        task_runs.append(_timed(task))
        bare_runs.append(_timed(bare))
    task_wall, bare_wall = min(r[0] for r in task_runs), min(r[0] for r in bare_runs)
    task_cpu, bare_cpu = min(r[1] for r in task_runs), min(r[1] for r in bare_runs)
    return {
        "language": language,
        "task": task_wall,
        "bare": bare_wall,
        "ratio": task_wall / bare_wall,
        "task_cpu": task_cpu,
        "bare_cpu": bare_cpu,
        "ratio_cpu": task_cpu / bare_cpu,
        "pages": _pages(pdf),
        "size": len(pdf),
        "task_runs": [r[0] for r in task_runs],
        "bare_runs": [r[0] for r in bare_runs],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--target", type=float, default=1.2)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    worst = 0.0
    try:
        from demo.services import demo_load
        from indicators.services import framework_ensure_default

        framework_ensure_default()
        started = time.perf_counter()
        demo_load()
        print(f"database: {connection.vendor} · demo loaded in {time.perf_counter() - started:.1f} s")
        print(f"{'language':<9}{'task':>9}{'bare render':>13}{'ratio':>8}  {'cpu: task':>10}{'bare':>8}{'ratio':>7}"
              f"{'pages':>7}{'size':>11}")  # fmt: skip
        for language in ("fr", "en"):
            row = measure(language, args.repeat)
            worst = max(worst, min(row["ratio"], row["ratio_cpu"]))
            print(
                f"{row['language']:<9}{row['task']:>8.2f}s{row['bare']:>12.2f}s{row['ratio']:>8.2f}"
                f"  {row['task_cpu']:>9.2f}s{row['bare_cpu']:>7.2f}s{row['ratio_cpu']:>7.2f}"
                f"{row['pages']:>7}{row['size'] / 1024:>9.1f} KB"
            )
            runs = ", ".join(f"{t:.2f}" for t in row["task_runs"])
            bare = ", ".join(f"{t:.2f}" for t in row["bare_runs"])
            print(f"         task runs: {runs} s · bare runs: {bare} s")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    verdict = "OK" if worst <= args.target else "TOO SLOW"
    print(f"worst ratio: {worst:.2f} (target ≤ {args.target:.1f}): {verdict}")
    return 0 if worst <= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
