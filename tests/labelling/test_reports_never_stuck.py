"""Reports never stay pending or running: time limits, the beat sweeper, a bounded status page, a cap on
requests, and a real worker killed with SIGKILL in the middle of a render (acks_late, reject_on_worker_lost)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from celery import Task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from indicators.services import framework_ensure_default
from labelling.models import Report, ReportStatus
from labelling.services import reports as report_services
from labelling.services.reports import report_request, reports_sweep
from labelling.tasks import render_report
from tests import factories
from tests.labelling.workflow_helpers import decided
from tests.worker import WorkerProcess, _database_url, _wait_until_ready, wait_for, wait_for_status

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def assessment(framework, cluster, manager, administrator, assessor):
    return decided(cluster, manager, administrator, assessor).assessment


def _sent(monkeypatch) -> list[int]:
    """The reports handed to the broker (below the base task that defers the send to the commit)."""
    sent: list[int] = []
    monkeypatch.setattr(Task, "apply_async", lambda self, args, kwargs, **options: sent.append(args[0]))
    return sent


def _age(report: Report, seconds: int) -> None:
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))


# --- the task's limits and the sweeper ----------------------------------------------------------------


def test_the_render_task_has_a_soft_and_a_hard_time_limit(settings):
    task = app.tasks["labelling.render_report"]
    assert (task.soft_time_limit, task.time_limit) == (settings.REPORT_SOFT_TIME_LIMIT, settings.REPORT_TIME_LIMIT)
    assert task.acks_late and task.reject_on_worker_lost
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.broker_transport_options["visibility_timeout"] > settings.REPORT_TIME_LIMIT
    assert app.conf.beat_schedule["sweep-reports"]["task"] == "labelling.sweep_reports"


@pytest.mark.django_db
def test_a_render_over_the_soft_time_limit_fails_with_a_message(assessment, manager, monkeypatch):
    report = Report.objects.create(assessment=assessment, kind="assessment", language="en", requested_by=manager)

    def too_slow(html):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(report_services, "html_to_pdf", too_slow)
    assert render_report(report.pk) == "failed"
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "took longer than 120 s" in report.error


@pytest.mark.django_db
def test_the_sweeper_requeues_a_stale_report_then_fails_it_after_the_last_attempt(
    assessment, manager, settings, django_capture_on_commit_callbacks, monkeypatch
):
    running = Report.objects.create(
        assessment=assessment, kind="assessment", language="en", status=ReportStatus.RUNNING, attempts=1
    )
    fresh = Report.objects.create(assessment=assessment, kind="assessment", language="fr", status="running")
    _age(running, settings.REPORT_STALE_SECONDS + 1)
    sent = _sent(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        assert reports_sweep() == {"requeued": [running.pk], "failed": []}
    running.refresh_from_db()
    assert running.status == ReportStatus.PENDING and "Queued again" in running.error
    assert sent == [running.pk]
    fresh.refresh_from_db()
    assert fresh.status == ReportStatus.RUNNING  # not stale yet

    Report.objects.filter(pk=running.pk).update(status="running", attempts=settings.REPORT_MAX_ATTEMPTS)
    _age(running, settings.REPORT_STALE_SECONDS + 1)
    assert reports_sweep() == {"requeued": [], "failed": [running.pk]}
    running.refresh_from_db()
    assert running.status == ReportStatus.FAILED and running.finished_at is not None
    assert "Stopped after 3 attempts" in running.error


@pytest.mark.django_db
def test_a_report_whose_message_was_lost_is_queued_again_by_the_sweeper_once(
    assessment, manager, settings, django_capture_on_commit_callbacks, monkeypatch
):
    """The sweeper is the one recovery path of a report's message (no outbox for reports)."""
    sent = _sent(monkeypatch)
    with django_capture_on_commit_callbacks(execute=False):  # the broker never got it
        report = report_request(user=manager, assessment=assessment, kind="assessment", language="en")
    assert sent == []
    _age(report, settings.REPORT_STALE_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert reports_sweep()["requeued"] == [report.pk]
        assert sent == []  # sent once the sweeper's transaction commits
    assert sent == [report.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert reports_sweep()["requeued"] == []  # no longer stale: not queued twice
    assert sent == [report.pk]


@pytest.mark.django_db
def test_the_status_page_stops_refreshing_after_a_while(assessment, manager, client_for, settings):
    report = Report.objects.create(assessment=assessment, kind="assessment", language="en", requested_by=manager)
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("labelling:report_status", args=[report.pk]))
    assert page.context["finished"] is False and 'http-equiv="refresh"' in page.content.decode()
    Report.objects.filter(pk=report.pk).update(
        created_at=timezone.now() - timedelta(seconds=settings.REPORT_POLL_MAX_SECONDS + 1)
    )
    page = client.get(reverse("labelling:report_status", args=[report.pk]))
    body = page.content.decode()
    assert page.context["finished"] is True and 'http-equiv="refresh"' not in body
    assert "taking much longer than usual" in body and 'data-finished="1"' in body


@pytest.mark.django_db
def test_a_report_whose_worker_died_says_it_will_be_tried_again_and_when(assessment, manager, client_for, settings):
    report = Report.objects.create(
        assessment=assessment, kind="assessment", language="en", requested_by=manager, status="running", attempts=1
    )
    quiet_since = timezone.now() - timedelta(seconds=settings.REPORT_SOFT_TIME_LIMIT + 5)
    Report.objects.filter(pk=report.pk).update(updated_at=quiet_since)
    client = client_for(manager)
    client.cookies["django_language"] = "en"

    body = client.get(reverse("labelling:report_status", args=[report.pk])).content.decode()

    retry_at = timezone.localtime(quiet_since + timedelta(seconds=settings.REPORT_STALE_SECONDS + 60))
    assert "will be tried again automatically at about" in body
    assert f"(attempt 2 of {settings.REPORT_MAX_ATTEMPTS})" in body
    assert (
        retry_at.strftime("%H:%M").lstrip("0") in body
        or retry_at.strftime("%H:%M") in body
        or (retry_at.strftime("%-I:%M") in body)
    )

    # the sweeper queued it again: the page says so, with the attempt to come
    Report.objects.filter(pk=report.pk).update(status="pending", updated_at=timezone.now())
    body = client.get(reverse("labelling:report_status", args=[report.pk])).content.decode()
    assert "The previous attempt did not finish: the PDF was queued again at" in body
    assert f"(attempt 2 of {settings.REPORT_MAX_ATTEMPTS})" in body


@pytest.mark.django_db
def test_a_report_on_its_last_attempt_says_when_it_will_be_given_up(assessment, manager, client_for, settings):
    report = Report.objects.create(
        assessment=assessment,
        kind="assessment",
        language="fr",
        requested_by=manager,
        status="running",
        attempts=settings.REPORT_MAX_ATTEMPTS,
    )
    Report.objects.filter(pk=report.pk).update(
        updated_at=timezone.now() - timedelta(seconds=settings.REPORT_SOFT_TIME_LIMIT + 5)
    )

    client = client_for(manager)
    client.cookies["django_language"] = "fr"
    body = client.get(reverse("labelling:report_status", args=[report.pk])).content.decode()

    assert "marqué comme en échec" in body


# --- abuse ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unfinished_report_is_followed_instead_of_requested_again(assessment, manager):
    first = report_request(user=manager, assessment=assessment, kind="assessment", language="en")
    for _ in range(5):
        assert report_request(user=manager, assessment=assessment, kind="assessment", language="en") == first
    other = report_request(user=manager, assessment=assessment, kind="assessment", language="fr")
    assert other != first and Report.objects.count() == 2
    Report.objects.filter(pk=first.pk).update(status=ReportStatus.READY)
    assert report_request(user=manager, assessment=assessment, kind="assessment", language="en") != first


@pytest.mark.django_db
def test_a_user_asking_for_too_many_reports_gets_429(assessment, manager, client_for, settings):
    settings.REPORT_REQUESTS_PER_HOUR = 3
    for _ in range(3):
        Report.objects.create(
            assessment=assessment, kind="assessment", language="en", status="ready", requested_by=manager
        )
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    page = client.post(
        reverse("labelling:report_request", args=[assessment.pk]), {"kind": "assessment", "language": "en"}
    )
    assert page.status_code == 429
    assert "You have requested 3 PDFs in the last hour" in page.content.decode()
    api = client.post(
        f"/api/v1/assessments/{assessment.pk}/reports/",
        {"kind": "assessment", "language": "en"},
        content_type="application/json",
    )
    assert api.status_code == 429 and "3 PDFs" in api.json()["detail"]
    assert Report.objects.count() == 3


# --- a real worker, killed in the middle of a report -----------------------------------------------------


def _start_worker(queue: str, *, pool: str, extra_env: dict[str, str] | None = None) -> tuple[WorkerProcess, object]:
    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    log_file = tempfile.NamedTemporaryFile(prefix=f"{queue}-", suffix=".log", delete=False)
    nodename = f"{queue}-{uuid.uuid4().hex[:4]}@{os.uname().nodename}"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", f"--pool={pool}", "--concurrency=1"]
    command += ["-Q", queue, "-n", nodename, "--loglevel=INFO", "--without-gossip", "--without-mingle"]
    process = subprocess.Popen(  # noqa: S603 - our own command line
        command, cwd=settings.BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
    )
    worker = WorkerProcess(process=process, queue=queue, nodename=nodename, log_path=Path(log_file.name))
    _wait_until_ready(worker, app)
    return worker, log_file


def _stop(worker: WorkerProcess, log_file) -> None:
    if worker.process.poll() is None:
        os.killpg(worker.process.pid, signal.SIGTERM)
        try:
            worker.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.process.pid, signal.SIGKILL)
            worker.process.wait(timeout=10)
    log_file.close()
    worker.log_path.unlink(missing_ok=True)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


@pytest.fixture
def own_queue():
    """Tasks sent from this test go to a queue of its own (not the session worker's)."""
    queue = f"grappe-kill-{uuid.uuid4().hex[:10]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        app.conf.task_default_queue = previous


def _decided_assessment(suffix: str):
    framework_ensure_default()
    cluster = factories.ClusterFactory(name=f"Kill Valley {suffix}")
    manager = factories.ManagerFactory(username=f"kill_manager_{suffix}")
    cluster.managers.add(manager)
    administrator = factories.AdministratorFactory(username=f"kill_admin_{suffix}")
    assessor = factories.AssessorFactory(username=f"kill_assessor_{suffix}")
    return manager, decided(cluster, manager, administrator, assessor).assessment


class _HeldAnswers:
    """Hold an exclusive lock on the answers table from another connection: a render then stops *after*
    marking its report running (it reads the answers next), so that the test can kill the worker in the
    middle of it, deterministically. Leaving the block releases the lock and the render goes on."""

    def __enter__(self):
        import psycopg

        self.connection = psycopg.connect(_database_url(connection.settings_dict))
        self.connection.execute("LOCK TABLE labelling_answer IN ACCESS EXCLUSIVE MODE")
        return self

    def __exit__(self, *exc):
        self.connection.rollback()
        self.connection.close()


def _running(report: Report) -> bool:
    report.refresh_from_db(fields=["status"])
    return report.status == ReportStatus.RUNNING


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_killing_the_pool_process_mid_render_requeues_the_report_and_it_is_produced(own_queue):
    manager, assessment = _decided_assessment("pool")
    worker, log_file = _start_worker(own_queue, pool="prefork")
    try:
        with _HeldAnswers():
            report = report_request(user=manager, assessment=assessment, kind="assessment", language="en")
            wait_for(lambda: _running(report), timeout=60, message="the render to start", worker=worker)
            [child] = _children(worker.process.pid)
            os.kill(child, signal.SIGKILL)  # the pool process dies in the middle of the render
            # The main process sees it (WorkerLostError), rejects the message back to the queue, starts a new child.
            wait_for(lambda: "WorkerLostError" in worker.log(), timeout=60, message="the loss", worker=worker)
            wait_for(lambda: _children(worker.process.pid) not in ([], [child]), timeout=60, worker=worker)
        wait_for_status(report, ReportStatus.READY, worker=worker, timeout=120)
        assert report.attempts == 2 and report.error == ""  # a second delivery of the same message
        with report.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
    finally:
        _stop(worker, log_file)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_killing_the_whole_worker_mid_render_leaves_the_message_to_the_next_worker(own_queue):
    manager, assessment = _decided_assessment("main")
    worker, log_file = _start_worker(own_queue, pool="solo")
    try:
        with _HeldAnswers():
            report = report_request(user=manager, assessment=assessment, kind="assessment", language="en")
            wait_for(lambda: _running(report), timeout=60, message="the render to start", worker=worker)
            os.killpg(worker.process.pid, signal.SIGKILL)  # no warm shutdown: the message stays unacknowledged
            worker.process.wait(timeout=10)
        report.refresh_from_db()
        assert report.status == ReportStatus.RUNNING  # what the issue saw: "running" for ever, without the fixes
    finally:
        _stop(worker, log_file)
    # The next worker (restarted by compose) gets it back after the visibility timeout, shortened here.
    restarted, log_file = _start_worker(
        own_queue,
        pool="solo",
        extra_env={
            "CELERY_VISIBILITY_TIMEOUT": "2",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        },
    )
    try:
        wait_for_status(report, ReportStatus.READY, worker=restarted, timeout=120)
        assert report.attempts >= 2 and report.error == ""
    finally:
        _stop(restarted, log_file)
