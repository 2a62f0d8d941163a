"""The public pages under load, through gunicorn, beside a static file served by the same gunicorn.

    .venv/bin/python bench/load.py [--duration 4] [--rounds 3] [--connections 8] [--workers 2] [--port 8112]

Starts gunicorn (``config.wsgi``, ``--workers`` processes, the bench database and the test settings: Redis
cache) on 127.0.0.1 only, collects the static files into a temporary folder (whitenoise serves them from the
same processes), and runs ``wrk`` (Debian's package) on loopback, each for ``--duration`` seconds:

- ``/static/css/grappe.css``, the yardstick;
- the public pages served from the cache (core/public_cache.py): ``/registry/``, a certificate's
  ``/verify/<number>/``, its badge and ``/api/v1/registry/``, each primed once, then hit as anonymous visitors
  do (targets: at least 0.5× the static file's requests per second);
- the same with ``If-None-Match`` and the ETag they gave: 304s (target: at least 0.8×);
- a search, ``/registry/?q=…``, whose first request renders (then it is a hit too).

A shared machine's speed drifts by a quarter within a minute (other tenants, the CPU's clock), more than the
differences measured here. So each page is measured in ``--rounds`` rounds, each a run of the static file then one of
the page, back to back: its ratio is the median of the page's runs over the median of the static runs paired with
them. It prints, per page, the requests per second and median latency (the page's median run), the static file's
requests per second beside it, the ratio, and the load average before and after; then stops gunicorn. Every request
loop is bounded in time. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

ROOT = _common.ROOT


def _wait(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout} s")


def _etag(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        return response.headers.get("ETag", "")


def _a_certificate_number() -> str:
    import psycopg

    with psycopg.connect(_common.BENCH_URL.replace("postgres://", "postgresql://", 1)) as connection:
        row = connection.execute(
            "SELECT certificate_number FROM labelling_label WHERE status = 'active' ORDER BY id LIMIT 1"
        ).fetchone()
    if row is None:
        raise SystemExit("the bench database has no active label: run bench/population.py first")
    return row[0]


def _wrk(url: str, *, duration: int, connections: int, headers: dict | None = None) -> tuple[float, str]:
    header_args = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(  # noqa: S603
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", *header_args, url],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
        timeout=duration + 60,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = re.search(r"^\s*50%\s+(\S+)", out, re.MULTILINE).group(1)  # the distribution's line, not a "…50%" stdev
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} responses were not 2xx/3xx")
    return rate, latency


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8112)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): nothing measured.")
        return 1
    static_root = tempfile.mkdtemp(prefix="grappe-bench-static-")
    env = {
        **os.environ,
        **{name: os.environ.get(name, rate) for name, rate in _common.BENCH_RATES.items()},
        "DATABASE_URL": _common.BENCH_URL,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.bench"),
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    gunicorn = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    missed = []
    try:
        _wait(base + "/registry/")
        number = _a_certificate_number()
        print(
            f"gunicorn {args.workers} workers, wrk 2 threads, {args.connections} connections, {args.duration} s a run, "
            f"{args.rounds} rounds of the static file then the page"
        )
        print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        print(f"{'url':44} {'requests/s':>11} {'median latency':>15} {'static':>8} {'vs static':>10} {'target':>7}")

        def run(path: str, headers: dict | None = None) -> tuple[float, str]:
            return _wrk(base + path, duration=args.duration, connections=args.connections, headers=headers)

        static = "/static/css/grappe.css"
        static_rate, static_latency = run(static)
        print(f"{static:44} {static_rate:11.1f} {static_latency:>15} {'':>8} {'1.00×':>10}")
        cached = ["/registry/", f"/verify/{number}/", f"/verify/{number}/badge.svg", "/api/v1/registry/"]
        rows = [(path, {}, 0.5) for path in cached]
        rows += [(path, {"If-None-Match": _etag(base + path)}, 0.8) for path in cached]
        rows += [("/registry/?q=nekoe", {}, None)]
        for path, headers, target in rows:
            _etag(base + path)  # primed: the kept copy exists
            statics, runs = [], []
            for _ in range(args.rounds):
                statics.append(run(static)[0])
                runs.append(run(path, headers))
            rate, latency = sorted(runs)[len(runs) // 2]
            paired = statistics.median(statics)
            ratio = statistics.median(rate for rate, _ in runs) / paired
            label = path + (" (304)" if headers else "")
            target_text = f"≥ {target}×" if target else ""
            print(f"{label:44} {rate:11.1f} {latency:>15} {paired:8.0f} {ratio:9.3f}× {target_text:>7}")
            if target and ratio < target:
                missed.append(label)
        print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(gunicorn.pid, signal.SIGKILL)
        shutil.rmtree(static_root, ignore_errors=True)
    if missed:
        print("Missed: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
