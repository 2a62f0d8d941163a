"""What the scale benches share: the bench database, Django set up on it, timing and the raw psycopg side.

The bench database is ``BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/grappe_bench``);
``bench/population.py`` fills it once and the other scripts reuse it. Django runs with ``config.settings.bench``:
the test settings (Redis cache under a key prefix of its own for each run) with persistent connections.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/grappe_bench"
BENCH_URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


# The benches send thousands of requests from one address (config.settings.bench sets the rates per second).
BENCH_RATES = {
    "THROTTLE_PUBLIC_ANON": "1000000/minute",
    "THROTTLE_PUBLIC_PAGES": "1000000/minute",
    "THROTTLE_ANON": "1000000/minute",
    "THROTTLE_USER": "1000000/minute",
}


def setup_django(url: str = BENCH_URL) -> None:
    os.environ["DATABASE_URL"] = url
    for name, rate in BENCH_RATES.items():
        os.environ.setdefault(name, rate)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
    import logging

    from django.conf import settings

    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per forced log-in otherwise

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False


def raw_connection():
    """A plain psycopg connection to the bench database (the baseline side of every ratio)."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(BENCH_URL)
    return psycopg.connect(
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        dbname=config["NAME"],
        autocommit=True,
    )


def sql_of(queryset) -> tuple[str, tuple]:
    """The SQL Django runs for a queryset, for psycopg to run as is."""
    from django.db import connection

    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    del connection
    return sql, tuple(params)


def interleaved(pairs: dict[str, Callable[[], object]], *, repeat: int) -> dict[str, list[float]]:
    """Run each callable once per round, the rounds one after another (A B A B …), so both sides of a
    ratio see the same load of the machine; one warm-up round first. Returns the times in seconds."""
    for fn in pairs.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in pairs}
    for _ in range(repeat):
        for name, fn in pairs.items():
            gc.collect()
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def best(values: list[float]) -> float:
    return min(values)


def median(values: list[float]) -> float:
    return statistics.median(values)


def queries_of(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def peak_memory(fn: Callable[[], object]) -> int:
    """Peak Python memory (tracemalloc) while ``fn`` runs, in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"
