"""Operations: /health/ (django-health-check), JSON log lines with a request id, ADMINS told of errors, Sentry."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from config.celery import app
from core.logging import RequestIdFilter
from core.models import OutboxMessage


def _health(path: str = "/health/") -> tuple[int, dict]:
    response = Client().get(path, HTTP_ACCEPT="application/json")
    return response.status_code, response.json()


@pytest.mark.django_db(transaction=True)
def test_the_live_check_covers_the_database_the_cache_and_both_storages():
    status, body = _health("/health/live/")
    assert status == 200, body
    assert set(body) == {
        "Database(alias='default')",
        "Cache(alias='default')",
        "Storage(alias='default')",
        "Storage(alias='private')",
    }
    assert set(body.values()) == {"OK"}


# Nothing listens on port 1: a cache that does not answer.
_CACHE_DOWN = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


def test_the_process_check_answers_with_the_database_and_the_cache_out_of_reach(settings):
    """Kubernetes's liveness probe (/health/process/): no django_db mark, so any use of the database raises, and
    the cache does not answer. It still answers 200, where /health/live/ (readiness) answers 503: an outage of a
    shared service takes the pods out of the Service and restarts none."""
    settings.CACHES = _CACHE_DOWN

    response = Client().get("/health/process/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200 and response.content == b"OK\n"
    assert response["Cache-Control"] == "no-store"
    assert _health("/health/live/")[0] == 503


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_full_check_sees_our_worker(celery_worker_process):
    status, body = _health()
    assert status == 200, body
    assert body[f"CeleryWorker(queue={celery_worker_process.queue!r})"] == "OK" and body["Outbox()"] == "OK"


@pytest.mark.django_db(transaction=True)
def test_the_full_check_fails_without_a_worker_on_our_queue_and_with_a_stuck_outbox():
    message = OutboxMessage.objects.create(task="labelling.send_email")
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=1))
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = "grappe-test-nobody-listens"
    try:
        status, body = _health()
    finally:
        app.conf.task_default_queue = previous
    assert status == 503
    assert body["CeleryWorker(queue='grappe-test-nobody-listens')"].startswith("Unavailable: No Celery worker")
    assert "1 task(s) waiting for more than 600 s" in body["Outbox()"]
    assert body["Database(alias='default')"] == "OK"


@pytest.mark.django_db(transaction=True)
def test_the_full_check_answers_503_within_two_seconds_when_the_broker_is_down(monkeypatch):
    import time

    from kombu import Connection

    closed = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    # Only the check's own connection: the app's configuration and its producer pool stay as they are.
    monkeypatch.setattr(
        app, "connection_for_read", lambda connect_timeout=None: Connection(closed, connect_timeout=connect_timeout)
    )
    started = time.monotonic()
    status, body = _health()
    elapsed = time.monotonic() - started
    print(f"/health/ with the broker down: {status} in {elapsed:.2f} s")
    assert status == 503
    assert body[f"CeleryWorker(queue={app.conf.task_default_queue!r})"].startswith(
        "Unavailable: The broker cannot be reached"
    )
    assert elapsed < 2.0


def test_docker_compose_uses_the_health_endpoint():
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    assert "/health/live/" in compose


def test_docker_compose_gives_the_gunicorn_workers_a_metrics_directory_emptied_at_start():
    """Several gunicorn workers (WEB_CONCURRENCY): their figures go to PROMETHEUS_MULTIPROC_DIR, on the tmpfs,
    made before the first process that writes figures and emptied by config/gunicorn.py when gunicorn starts."""
    import yaml

    services = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())["services"]
    web = services["web"]
    directory = web["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    assert any(directory.startswith(tmpfs.rstrip("/") + "/") for tmpfs in web["tmpfs"])
    assert web["environment"]["CACHE_URL"]  # the shared environment is still there
    script = web["command"][-1]
    assert script.startswith('mkdir -p "$${PROMETHEUS_MULTIPROC_DIR}" &&')
    assert "exec gunicorn --config python:config.gunicorn " in script
    assert not [name for name in ("worker", "beat") if "PROMETHEUS_MULTIPROC_DIR" in services[name]["environment"]]


# --- logs --------------------------------------------------------------------------------------------------


def _json_formatter() -> logging.Formatter:
    from logging.config import DictConfigurator

    spec = dict(settings.LOGGING["formatters"]["json"])
    return DictConfigurator({}).configure_custom(spec)


@pytest.mark.django_db
def test_every_request_has_an_id_in_its_answer_and_its_log_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(_json_formatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = Client().get("/no-such-page/")  # Django logs "Not Found" while the request runs
        given = Client().get("/no-such-page/", HTTP_X_REQUEST_ID="proxy-1234")
        forged = Client().get("/no-such-page/", HTTP_X_REQUEST_ID="x\nforged log line")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 3
    assert {"time", "level", "logger", "message", "request_id"} <= set(lines[0])
    assert lines[0]["level"] == "WARNING" and lines[0]["logger"] == "django.request"
    assert lines[0]["request_id"] == response["X-Request-ID"] and len(response["X-Request-ID"]) == 32
    assert lines[1]["request_id"] == given["X-Request-ID"] == "proxy-1234"
    assert lines[2]["request_id"] == forged["X-Request-ID"] != "x\nforged log line"


def test_the_default_log_format_is_json_lines():
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"
    record = logging.LogRecord("labelling.tasks", logging.ERROR, __file__, 1, "Report %s failed", (7,), None)
    RequestIdFilter().filter(record)
    line = json.loads(_json_formatter().format(record))
    assert line["message"] == "Report 7 failed" and line["level"] == "ERROR" and "request_id" in line
    assert line["time"].startswith(str(timezone.localdate().year))


# --- the administrators are told -------------------------------------------------------------------------


def test_admins_are_read_from_the_environment():
    from config.settings.base import _admins

    assert _admins("Ada Lovelace <ada@example.org>, ops@example.org") == [
        ("Ada Lovelace", "ada@example.org"),
        ("ops@example.org", "ops@example.org"),
    ]
    assert _admins("") == []


@pytest.mark.django_db
def test_a_report_that_fails_for_good_is_mailed_to_the_admins(settings, framework, cluster, manager, monkeypatch):
    from labelling.models import Report
    from labelling.services import reports as report_services
    from labelling.tasks import render_report
    from tests import factories

    settings.ADMINS = [("Ops", "ops@example.org")]
    assessment = factories.AssessmentFactory(cluster=cluster, reference_year=2025, created_by=manager)
    report = Report.objects.create(assessment=assessment, kind="assessment", language="en")

    def wrong(*, report):
        raise ValueError("bad template")

    monkeypatch.setattr(report_services, "report_html", wrong)
    assert render_report(report.pk) == "failed"
    [email] = mail.outbox
    assert email.to == ["ops@example.org"] and email.subject.startswith("[Grappe] ERROR")
    assert f"Report {report.pk} failed" in email.subject


@pytest.mark.django_db
def test_a_server_error_is_mailed_to_the_admins(settings, monkeypatch):
    from labelling.api import workflow

    settings.ADMINS = [("Ops", "ops@example.org")]

    def boom(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(workflow.RegistryView, "get", boom)
    assert Client(raise_request_exception=False).get("/api/v1/registry/").status_code == 500
    assert [m.to for m in mail.outbox] == [["ops@example.org"]]
    assert "ZeroDivisionError" in mail.outbox[0].body


def test_sentry_starts_when_a_dsn_is_given():
    code = "import django; django.setup(); import sentry_sdk; print(sentry_sdk.get_client().dsn)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "SENTRY_DSN": "https://key@sentry.invalid/1"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://key@sentry.invalid/1"
