"""A real Celery worker for the tests: a subprocess fed through Redis, on the test database.

Eager mode hides serialisation and on-commit bugs, so the worker tests run the tasks the way production
does. Use it like this::

    @pytest.mark.worker
    @pytest.mark.django_db(transaction=True)
    def test_the_report_is_rendered_by_the_worker(celery_worker_process):
        report = report_request(...)
        wait_for_status(report, "ready")

``transaction=True`` matters: the worker is another process and only sees committed rows.

The worker consumes one queue whose name is unique to this test session, so that several test runs on one
machine (or one Redis) never take each other's tasks.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

READY_TIMEOUT = 60.0
DEFAULT_WAIT = 30.0
DRAIN_WAIT = 120.0
LOG_TAIL_LINES = 40
LOG_LINE_WIDTH = 400


class WorkerProcess:
    """What a test may want to know about the running worker."""

    def __init__(self, *, process: subprocess.Popen, queue: str, nodename: str, log_path: Path) -> None:
        self.process = process
        self.queue = queue
        self.nodename = nodename
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def received(self, task: str) -> int:
        """How many messages of ``task`` the worker has received so far (compare with a count taken before)."""
        return len(re.findall(rf"Task {re.escape(task)}\[[0-9a-f-]+\] received", self.log()))

    def log_tail(self) -> str:
        """The end of the log, each line cut short: what a failure shows (CI keeps only the end of long output)."""
        lines = self.log().splitlines()[-LOG_TAIL_LINES:]
        return "\n".join(line if len(line) <= LOG_LINE_WIDTH else f"{line[:LOG_LINE_WIDTH]}…" for line in lines)

    def drain(self) -> None:
        """Wait until the worker has run every task sent before this call.

        The worker runs one task at a time, in the order they arrive (``--pool=solo``): once a ping sent now has
        been answered, whatever a test sent before it is done. A test's tasks must not outlive it: the next test
        flushes the database under a task that still reads or writes it, or waits behind it for its own."""
        from django.db import connection

        from core.tasks import ping

        token = uuid.uuid4().hex
        ping.apply_async(args=[f"drain-{token}"])
        wait_for(
            lambda: f"drain-{token} @ {connection.settings_dict['NAME']}'" in self.log(),
            timeout=DRAIN_WAIT,
            message="the worker to finish the test's tasks",
            worker=self,
        )

    def assert_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"The Celery worker exited with status {self.process.returncode}:\n{self.log()}")


def _database_url(settings_dict: dict[str, Any]) -> str:
    from urllib.parse import quote

    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def _wait_until_ready(worker: WorkerProcess, app) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        worker.assert_alive()
        if " ready." in worker.log():
            # The log says the consumer is up; a ping through the broker proves the worker answers.
            replies = app.control.ping(destination=[worker.nodename], timeout=1.0)
            if replies:
                return
        time.sleep(0.2)
    pytest.fail(f"The Celery worker did not become ready within {READY_TIMEOUT:.0f} s:\n{worker.log()}")


@pytest.fixture
def celery_worker_process(celery_worker_session: WorkerProcess) -> Iterator[WorkerProcess]:
    """The session's worker, drained when the test ends (``WorkerProcess.drain``), before its database is flushed."""
    yield celery_worker_session
    celery_worker_session.drain()


@pytest.fixture(scope="session")
def celery_worker_session(django_db_setup, django_db_blocker) -> Iterator[WorkerProcess]:
    """Start ``celery -A config worker`` on a queue of its own, on the test database, through Redis."""
    from django.conf import settings
    from django.db import connection

    from config.celery import app

    broker_url = settings.CELERY_BROKER_URL
    if not broker_url.startswith(("redis://", "rediss://")):
        pytest.fail(f"The worker tests need a Redis broker; CELERY_BROKER_URL is {broker_url!r}.")
    with django_db_blocker.unblock():
        # After django_db_setup this is the test database (test_<name>) that pytest-django created.
        database_url = _database_url(connection.settings_dict)

    queue = f"grappe-test-{uuid.uuid4().hex[:12]}"
    nodename = f"{queue}@%h"
    previous_queue = settings.CELERY_TASK_DEFAULT_QUEUE
    previous_app_queue = app.conf.task_default_queue
    # The app read its configuration once; set both so that tasks sent from the tests go to our queue.
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    app.conf.task_default_queue = queue

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
    }
    log_file = tempfile.NamedTemporaryFile(prefix=f"{queue}-", suffix=".log", delete=False)
    log_path = Path(log_file.name)
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        queue,
        "-n",
        nodename,
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    process = subprocess.Popen(  # noqa: S603 - our own command line, no user input
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    hostname = os.uname().nodename
    worker = WorkerProcess(process=process, queue=queue, nodename=nodename.replace("%h", hostname), log_path=log_path)
    try:
        _wait_until_ready(worker, app)
        yield worker
    finally:
        process.terminate()  # SIGTERM: warm shutdown, the current task finishes first
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log_file.close()
        if process.returncode not in (0, -15):
            sys.stderr.write(f"\nThe Celery worker ended with status {process.returncode}:\n{worker.log()}\n")
        log_path.unlink(missing_ok=True)
        settings.CELERY_TASK_DEFAULT_QUEUE = previous_queue
        app.conf.task_default_queue = previous_app_queue


def wait_for(
    predicate: Callable[[], Any],
    *,
    timeout: float = DEFAULT_WAIT,
    interval: float = 0.1,
    message: str = "the condition",
    worker: WorkerProcess | None = None,
) -> Any:
    """Call ``predicate`` until it returns something true, and return that; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if worker is not None:
            worker.assert_alive()
        if time.monotonic() >= deadline:
            details = f"\nThe end of the worker's log:\n{worker.log_tail()}" if worker is not None else ""
            pytest.fail(f"Timed out after {timeout:.0f} s waiting for {message}.{details}")
        time.sleep(interval)


def wait_for_status(
    instance,
    status: str | tuple[str, ...],
    *,
    field: str = "status",
    timeout: float = DEFAULT_WAIT,
    worker: WorkerProcess | None = None,
):
    """Reload ``instance`` until ``instance.<field>`` is ``status`` (or one of them), and return it reloaded.

    Fails with the value it last saw when the timeout passes.
    """
    wanted = (status,) if isinstance(status, str) else tuple(status)
    seen: list[Any] = []

    def _reached():
        instance.refresh_from_db()
        value = getattr(instance, field)
        seen[:] = [value]
        return value in wanted

    deadline = time.monotonic() + timeout
    while not _reached():
        if worker is not None:
            worker.assert_alive()
        if time.monotonic() >= deadline:
            details = f"\nThe end of the worker's log:\n{worker.log_tail()}" if worker is not None else ""
            pytest.fail(
                f"Timed out after {timeout:.0f} s waiting for {type(instance).__name__} {instance.pk} "
                f"to reach {field}={'/'.join(wanted)}; it is still {seen[0]!r}.{details}"
            )
        time.sleep(0.1)
    return instance
