#!/usr/bin/env python
"""`make run`: the web server and a Celery worker (with beat) side by side, stopped together by Ctrl-C.

Both use config.settings.local: SQLite and kombu's filesystem broker under var/, so nothing else needs to run.
If either process ends, the other is stopped too and the exit status says which one failed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_TIMEOUT = 15.0


def _print_accounts(url: str) -> None:
    sys.path.insert(0, str(BASE_DIR))
    from demo.data import DEMO_ACCOUNTS, DEMO_NOTICE

    width = max(len(a.username) for a in DEMO_ACCOUNTS)
    lines = [
        "",
        f"Grappe is running at {url}  (Ctrl-C stops the web server and the worker)",
        "Demo accounts:",
        *(f"  {a.username:<{width}}  {a.password}  ({a.description})" for a in DEMO_ACCOUNTS),
        DEMO_NOTICE,
        "",
    ]
    print("\n".join(lines), flush=True)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    # The whole group: runserver's autoreloader child, the worker's embedded beat — even when the leader
    # has already died.
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    """Ask every process group to stop, then insist after STOP_TIMEOUT seconds."""
    for name, process in processes.items():
        # runserver stops on SIGINT; the worker does a warm shutdown (finishes its task) on SIGTERM.
        _signal_group(process, signal.SIGTERM if name == "worker" else signal.SIGINT)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    time.sleep(0.5)
    for process in processes.values():
        _signal_group(process, signal.SIGKILL)  # whatever is left in the groups
        process.wait()


def site_url_for(host: str, port: int) -> str:
    """The address of the local server, as links must spell it (an IPv6 host in brackets)."""
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - listening everywhere: links use the loopback address
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--no-reload", action="store_true", help="do not restart the web server on code changes")
    args = parser.parse_args(argv)

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "PYTHONUNBUFFERED": "1"}
    # E-mail links and the certificates' QR codes point at the server that runs (unless SITE_URL is given).
    env.setdefault("SITE_URL", site_url_for(args.host, args.port))
    python = sys.executable
    runserver = [python, "manage.py", "runserver", f"{args.host}:{args.port}"]
    if args.no_reload:
        runserver.append("--noreload")
    worker = [
        python,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--beat",  # embedded beat: label expiry and reminders
        "--pool=solo",  # one task at a time: SQLite has a single writer anyway
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    processes: dict[str, subprocess.Popen] = {}
    stopping = False
    stopped = False

    def _on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        # Own process groups: Ctrl-C reaches this supervisor, which stops the children in order.
        processes["web"] = subprocess.Popen(runserver, cwd=BASE_DIR, env=env, start_new_session=True)  # noqa: S603
        processes["worker"] = subprocess.Popen(worker, cwd=BASE_DIR, env=env, start_new_session=True)  # noqa: S603
        _print_accounts(env["SITE_URL"].rstrip("/") + "/")
        while not stopping:
            ended = [name for name, process in processes.items() if process.poll() is not None]
            if ended:
                print(
                    f"\nThe {ended[0]} process ended (status {processes[ended[0]].returncode}); stopping.", flush=True
                )
                _stop(processes)
                stopped = True
                return 1
            time.sleep(0.3)
        print("\nStopping the web server and the worker…", flush=True)
        _stop(processes)
        stopped = True
        print("Stopped.", flush=True)
        return 0
    finally:
        if not stopped:
            _stop(processes)


if __name__ == "__main__":
    sys.exit(main())
