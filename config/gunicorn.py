"""gunicorn's hooks: ``gunicorn --config python:config.gunicorn config.wsgi:application`` (the Dockerfile, the compose
file and the Kubernetes web Deployment).

With several gunicorn workers, each worker is a process with counters of its own, and a scrape of ``/metrics``
reaches one of them. With ``PROMETHEUS_MULTIPROC_DIR`` set, prometheus_client's multiprocess mode writes every
worker's figures to files in that directory, and ``/metrics`` adds them up (core/metrics.py). prometheus_client
wants that directory emptied before the server starts: files left by a previous run (a container restarted with
its volume, the ``migrate`` run before gunicorn in the compose file) would be added to the new run's figures. So:

- ``on_starting`` (the master, before any worker): create the directory if need be, and remove its ``*.db`` files;
- ``child_exit`` (the master, when a worker has exited): prometheus_client's ``mark_process_dead``, which removes
  the dead worker's live gauges.

Without ``PROMETHEUS_MULTIPROC_DIR`` both do nothing. Only gunicorn's own setting names are read from this module.
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import multiprocess


def _multiprocess_dir() -> Path | None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(directory) if directory else None


def on_starting(server) -> None:
    directory = _multiprocess_dir()
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink(missing_ok=True)
    server.log.info("Emptied PROMETHEUS_MULTIPROC_DIR %s", directory)


def child_exit(server, worker) -> None:
    if _multiprocess_dir() is None:
        return
    multiprocess.mark_process_dead(worker.pid)
