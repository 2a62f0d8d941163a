"""The database unreachable: a translated 503 page (and JSON under /api/), never a bare "Server Error (500)".

The first test runs a real gunicorn whose DATABASE_URL points at a closed port, as the issue did.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, language: str = "fr") -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Accept-Language": language, "Host": "localhost"})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read().decode()


@pytest.fixture(scope="module")
def web_without_database():
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{_free_port()}/grappe",  # nothing listens there
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--timeout", "60"]
    # Its log goes to a file: every 503 logs the database's traceback, and a pipe nobody reads fills up after a few
    # requests, then the worker blocks on its next log line and the request times out.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(  # noqa: S603 - our own command line
        command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=log
    )

    def stop() -> str:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker stuck on a request: end it, the tests have their answers
            process.kill()
            process.wait(timeout=10)
        log.seek(0)
        return log.read().decode(errors="replace")[-2000:]

    try:
        # The master listens before its worker has loaded the project (seconds on a loaded machine): wait for the
        # worker's first answer (the liveness probe's, a 503 without a database) before the tests time theirs.
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(port, "/health/live/")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start: {stop()}")
                time.sleep(0.2)
        yield port
    finally:
        stop()
        log.close()


@pytest.mark.parametrize("path", ["/registry/", "/verify/GR-2025-0001/", "/methodology/"])
def test_pages_answer_a_translated_503_page(web_without_database, path):
    status, headers, body = _get(web_without_database, path)
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert headers["Content-Type"].startswith("text/html")
    assert "Service momentanément indisponible" in body and "Server Error" not in body
    status, _headers, body = _get(web_without_database, path, language="en")
    assert status == 503 and "Grappe cannot reach its database for the moment" in body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/registry/",
        "/api/v1/certificates/GR-2025-0001/",
    ],
)
def test_the_api_answers_json_503(web_without_database, path):
    status, headers, body = _get(web_without_database, path, language="en")
    assert status == 503 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == {
        "detail": "Grappe cannot reach its database for the moment. Nothing was lost: try again in a minute."
    }


# --- in process: other server errors -----------------------------------------------------------------------


def test_a_bug_answers_a_500_page_and_json_under_the_api(db, monkeypatch):
    from labelling.api import workflow

    def boom(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(workflow.RegistryView, "get", boom)
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/registry/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Something went wrong on our side.")


def test_a_lost_connection_during_an_api_call_answers_503(db, monkeypatch):
    from labelling.api import workflow

    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(workflow.RegistryView, "get", gone)
    response = Client(raise_request_exception=False).get("/api/v1/registry/")
    assert response.status_code == 503 and response["Retry-After"] == "30"


# --- in process: not found -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "title"), [("fr", "Page introuvable"), ("en", "Page not found")])
@pytest.mark.parametrize("path", ["/no-such-page/", "/verify/GRP-2026-999999-ZZZZZZZZ/", "/media/logos/made-up.png"])
def test_a_page_that_does_not_exist_answers_the_sites_404_page_in_the_visitors_language(db, path, language, title):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(path)

    assert response.status_code == 404
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html and 'class="site-header"' in html and f'lang="{language}"' in html
    assert Client().get("/api/v1/no-such-endpoint/").json() == {"detail": "Introuvable."}
