"""Load on gunicorn over loopback: the public registry page, a certificate page and the registry API list.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe .venv/bin/python bench/load_public.py \
        [--concurrency 1,8,32] [--seconds 8] [--workers 3]

A scratch database ``<name>_load`` is created, migrated and given the demo data (``load_demo``), then gunicorn
(``--workers``, sync) serves it on 127.0.0.1 with the test settings (no DEBUG, Redis cache; the throttle rates
of the test settings are high, so that the figures measure the service and not the 429 of one address). For
each URL and concurrency level, that many client threads (keep-alive connections) send requests for
``--seconds``; the script prints requests, requests/s, the 50th/95th/99th percentile latency, and the errors
(connection errors and any status other than 200), and, as the house rule asks, the ratio of the median
latency at concurrency 1 to the raw SQL of the same rows (the selector's own query run on a cursor, in the same
run). The client shares the machine's cores with gunicorn: read the figures as a floor.

Exit status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _scratch_url(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_load"
    return parts._replace(path="/" + quote(name)).geturl(), parts._replace(path="/postgres").geturl(), name


def _prepare(database_url: str, env: dict) -> None:
    import psycopg

    scratch, admin, name = _scratch_url(database_url)
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    for command in (["migrate", "--no-input"], ["load_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603


def _targets(env: dict) -> tuple[dict[str, str], dict[str, float]]:
    """The URLs to load, and the time of the raw SQL of each one's rows (best of 20)."""
    os.environ.update({"DATABASE_URL": env["DATABASE_URL"], "DJANGO_SETTINGS_MODULE": env["DJANGO_SETTINGS_MODULE"]})
    import django

    django.setup()
    from django.db import connection

    from labelling import selectors

    registry = selectors.registry_labels()
    number = registry.values_list("certificate_number", flat=True).first()
    if number is None:
        sys.exit("The demo data has no label in the registry.")
    urls = {
        "registry page": "/registry/",
        "certificate page": f"/verify/{number}/",
        "API registry list": "/api/v1/registry/",
    }
    page = registry[:50]  # what one page of the registry (page or API, 50 a page) shows
    queries = {
        "registry page": page,
        "certificate page": selectors.registry_labels().filter(certificate_number=number),
        "API registry list": page,
    }
    raw = {}
    for key, queryset in queries.items():
        sql, params = queryset.query.sql_with_params()
        best = float("inf")
        with connection.cursor() as cursor:
            for _ in range(20):
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                best = min(best, time.perf_counter() - started)
        raw[key] = best
    connection.close()
    return urls, raw


def _load(port: int, path: str, concurrency: int, seconds: float) -> dict:
    latencies: list[float] = []
    statuses: Counter = Counter()
    errors: Counter = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, codes, failures = [], Counter(), Counter()
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Host": "localhost", "Accept-Language": "fr"})
                response = connection.getresponse()
                response.read()
                codes[response.status] += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as exc:
                failures[type(exc).__name__] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            statuses.update(codes)
            errors.update(failures)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    bad = sum(count for status, count in statuses.items() if status != 200) + sum(errors.values())
    return {
        "requests": len(latencies) + sum(errors.values()),
        "rps": len(latencies) / elapsed,
        "p50": percentile(0.50),
        "p95": percentile(0.95),
        "p99": percentile(0.99),
        "median_s": statistics.median(latencies) if latencies else float("nan"),
        "errors": bad,
        "detail": dict(statuses) | {name: count for name, count in errors.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", default="1,8,32", help="comma-separated client counts")
    parser.add_argument("--seconds", type=float, default=8.0, help="per URL and concurrency level")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grappe")
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/load.py needs PostgreSQL (DATABASE_URL=postgres://…).")
    scratch, admin, name = _scratch_url(database_url)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": scratch,
        "LOG_LEVEL": "WARNING",
    }
    print(f"Preparing {name} (migrate, load_demo)…", flush=True)
    _prepare(database_url, env)
    urls, raw = _targets(env)
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(args.workers), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    failed = 0
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit("gunicorn did not start.")
                time.sleep(0.2)
        for path in urls.values():  # warm every worker's caches
            _load(port, path, args.workers, 1.0)
        levels = [int(level) for level in args.concurrency.split(",")]
        print(f"gunicorn, {args.workers} sync workers, 127.0.0.1, {args.seconds:g} s per line, {os.cpu_count()} CPUs")
        print(f"{'target':<18} {'conc':>4} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
              f" {'errors':>6}  statuses")  # fmt: skip
        for key, path in urls.items():
            ratio = None
            for level in levels:
                result = _load(port, path, level, args.seconds)
                failed += result["errors"]
                if level == 1:
                    ratio = result["median_s"] / raw[key]
                print(f"{key:<18} {level:>4} {result['requests']:>8} {result['rps']:>7.1f} {result['p50']:>7.1f}"
                      f" {result['p95']:>7.1f} {result['p99']:>7.1f} {result['errors']:>6}  {result['detail']}",
                      flush=True)  # fmt: skip
            if ratio is not None:
                print(f"{'':<18} {path}: raw SQL of its rows {raw[key] * 1000:.2f} ms; median request at "
                      f"concurrency 1 = {ratio:.0f} x the raw query")  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
        import psycopg

        with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("errors: none" if not failed else f"errors: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
