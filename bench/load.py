"""The registry page under load, through gunicorn, beside a static file served by the same gunicorn.

    .venv/bin/python bench/load.py [--duration 8] [--connections 8] [--workers 2] [--port 8112]

Starts gunicorn (``config.wsgi``, ``--workers`` processes, the bench database and the test settings: Redis
cache) on 127.0.0.1 only, collects the static files into a temporary folder (whitenoise serves them from the
same processes), runs ``wrk`` (Debian's package) on loopback against ``/static/css/grappe.css``, then
``/registry/``, then ``/registry/?q=nekoe``, each for ``--duration`` seconds, prints the requests per second,
the latency and the ratio to the static file, and stops gunicorn. Every request loop is bounded in time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
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


def _wrk(url: str, *, duration: int, connections: int) -> tuple[float, str]:
    out = subprocess.run(  # noqa: S603
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],  # noqa: S607
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
    parser.add_argument("--duration", type=int, default=8)
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
    try:
        _wait(base + "/registry/")
        print(f"gunicorn {args.workers} workers, wrk 2 threads, {args.connections} connections, {args.duration} s each")
        print(f"{'url':28} {'requests/s':>11} {'median latency':>15} {'vs static':>10}")
        static_rate, static_latency = _wrk(
            base + "/static/css/grappe.css", duration=args.duration, connections=args.connections
        )
        print(f"{'/static/css/grappe.css':28} {static_rate:11.1f} {static_latency:>15} {'1.00×':>10}")
        for path in ("/registry/", "/registry/?q=nekoe", "/api/v1/registry/"):
            rate, latency = _wrk(base + path, duration=args.duration, connections=args.connections)
            print(f"{path:28} {rate:11.1f} {latency:>15} {rate / static_rate:9.3f}×")
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(gunicorn.pid, signal.SIGKILL)
        shutil.rmtree(static_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
