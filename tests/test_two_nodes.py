"""Two web nodes and a worker that share nothing but PostgreSQL, Redis and the bucket.

Two gunicorn processes (nodes A and B) on two ports and a Celery worker, each with empty local folders of its
own, all with ``STORAGE_URL`` on an S3-compatible server (moto's server mode) on 127.0.0.1: a file uploaded
through A is downloaded through B; a logo uploaded through A is shown by B from its own origin (/media/…),
streamed from the bucket; a report requested through B is rendered by the worker and downloaded through
A; a session opened on A works on B; two autosaves of one answer through A and B give one winner and one
conflict; a label revoked through A changes its public page's ETag on A and B at once, though each keeps the
version tokens in its process; A killed in the middle of an upload loses nothing that was acknowledged; nothing is
written to the nodes' local folders.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token

from labelling.models import Evidence, Label, Report
from tests import factories, s3server
from tests.labelling import samples
from tests.labelling.workflow_helpers import decided
from tests.s3server import free_port, keys, make_bucket
from tests.worker import _database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
s3_endpoint = s3server.s3_endpoint  # the module's S3 server (a fixture)

PASSWORD = factories.PASSWORD


class Node:
    def __init__(self, name: str, env: dict):
        self.name, self.port = name, free_port()
        self.root = Path(tempfile.mkdtemp(prefix=f"grappe-node-{name}-"))
        for folder in ("media", "private", "files"):
            (self.root / folder).mkdir()
        self.env = {
            **env,
            "MEDIA_ROOT": str(self.root / "media"),
            "PRIVATE_MEDIA_ROOT": str(self.root / "private"),
            "GRAPPE_TEST_FILES": str(self.root / "files"),
        }
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start_web(self) -> Node:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "120"],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 180  # a busy machine takes a while to import Django and the app
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/health/live/", timeout=60).status_code in (200, 503):
                    return self
            except requests.ConnectionError:
                time.sleep(0.5)
        raise AssertionError(f"node {self.name} did not start")

    def start_worker(self, queue: str) -> Node:
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
             "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        return self

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def local_files(self) -> list[Path]:
        return [path for path in self.root.rglob("*") if path.is_file()]


@pytest.fixture
def nodes(s3_endpoint):
    bucket = make_bucket(s3_endpoint)
    queue = f"grappe-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "STORAGE_URL": bucket["url"],
        "TEST_CACHE_KEY_PREFIX": f"grappe-nodes-{uuid.uuid4().hex[:8]}",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
    }
    a, b, worker = Node("a", env).start_web(), Node("b", env).start_web(), Node("worker", env).start_worker(queue)
    try:
        yield {"a": a, "b": b, "worker": worker, "bucket": bucket}
    finally:
        for node in (a, b):
            node.kill(signal.SIGTERM)
        worker.kill(signal.SIGTERM)


def _login(node: Node, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{node.url}/accounts/login/", timeout=30)
    response = session.post(
        f"{node.url}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{node.url}/accounts/login/"},
        timeout=30,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def _post(session: requests.Session, url: str, **kwargs) -> requests.Response:
    data = {**kwargs.pop("data", {}), "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    return session.post(url, data=data, headers={"Referer": url}, timeout=60, allow_redirects=False, **kwargs)


def test_two_web_nodes_and_a_worker_share_nothing_but_the_database_redis_and_the_bucket(
    nodes, framework, cluster, manager, administrator, assessor
):
    from labelling.services.answers import assessment_create

    a, b, bucket = nodes["a"], nodes["b"], nodes["bucket"]
    decision = decided(cluster, manager, administrator, assessor)
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2026)
    answer = assessment.answers.get(indicator__code="F1")

    # A session opened on A works on B.
    on_a = _login(a, manager.username)
    on_b = requests.Session()
    on_b.cookies.update(on_a.cookies)
    assert on_b.get(f"{b.url}/assessments/{assessment.pk}/summary/", timeout=60).status_code == 200

    # An evidence file uploaded through A is downloaded through B.
    upload = _post(
        on_a,
        f"{a.url}/answers/{answer.pk}/evidence/",
        data={"document_date": "2025-03-01"},
        files={"file": ("budget.pdf", samples.pdf_bytes(), "application/pdf")},
    )
    assert upload.status_code == 302, upload.text[:500]
    evidence = Evidence.objects.get(answer=answer)
    downloaded = on_b.get(f"{b.url}/evidence/{evidence.pk}/", timeout=60)
    assert downloaded.status_code == 200 and downloaded.content == samples.pdf_bytes()
    assert f"private/{evidence.file.name}" in keys(bucket)

    # A logo uploaded through A is shown by B from the site's own origin, streamed from the bucket.
    from tests.clusters.test_views import profile_data

    cluster.refresh_from_db()
    edited = _post(
        on_a,
        f"{a.url}/clusters/{cluster.pk}/edit/",
        data=profile_data(cluster),
        files={"logo": ("cosmetic-valley.png", samples.png_bytes(), "image/png")},
    )
    assert edited.status_code == 302, edited.text[:500]
    cluster.refresh_from_db()
    assert f"media/{cluster.logo.name}" in keys(bucket)
    [src] = re.findall(r'class="cl-logo"\s+src="([^"]+)"', on_b.get(f"{b.url}/clusters/{cluster.pk}/", timeout=60).text)
    assert src == f"/media/{cluster.logo.name}"
    image = requests.get(b.url + src, timeout=60)
    assert image.status_code == 200 and image.content == samples.png_bytes()
    assert image.headers["Content-Type"] == "image/png" and image.headers["Cache-Control"] == "public, max-age=3600"

    # Two autosaves of one answer through A and B, from the same version: one winner, one conflict.
    answer.refresh_from_db()
    saves = [
        _post(session, f"{node.url}/assessments/{assessment.pk}/autosave/",
              data={"code": "F1", "value": value, "version": str(answer.version)})
        for session, node, value in ((on_a, a, "12"), (on_b, b, "13"))
    ]  # fmt: skip
    assert sorted(response.status_code for response in saves) == [200, 409]

    # A report requested through B is rendered by the worker and downloaded through A.
    token = Token.objects.create(user=manager).key
    api = {"Authorization": f"Token {token}"}
    requested = requests.post(
        f"{b.url}/api/v1/assessments/{decision.assessment.pk}/reports/",
        json={"kind": "assessment", "language": "fr"},
        headers=api,
        timeout=60,
    )
    assert requested.status_code in (201, 202), requested.text[:500]
    report_id = requested.json()["id"]
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        status = requests.get(f"{a.url}/api/v1/reports/{report_id}/", headers=api, timeout=60).json()["status"]
        if status in ("ready", "failed"):
            break
        time.sleep(1)
    assert status == "ready", Report.objects.get(pk=report_id).error
    pdf = requests.get(f"{a.url}/api/v1/reports/{report_id}/download/", headers=api, timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # A public page's 304 on A and B once they keep its version tokens in their process; the label revoked through
    # A, both answer the new page at once (Redis pushes the change to every process that keeps them).
    label = Label.objects.get(assessment=decision.assessment, status="active")
    page = f"/verify/{label.certificate_number}/"
    etag = requests.get(a.url + page, timeout=60).headers["ETag"]
    for node in (a, b, a, b):
        assert requests.get(node.url + page, headers={"If-None-Match": etag}, timeout=60).status_code == 304
    admin_api = {"Authorization": f"Token {Token.objects.create(user=administrator).key}"}
    revoked = requests.post(
        f"{a.url}/api/v1/labels/{label.pk}/revoke/", json={"reason": "Fraud."}, headers=admin_api, timeout=60
    )
    assert revoked.status_code == 200, revoked.text[:500]
    for node in (b, a):
        after = requests.get(node.url + page, headers={"If-None-Match": etag}, timeout=60)
        assert after.status_code == 200 and after.headers["ETag"] != etag

    # A killed in the middle of an upload loses nothing that was acknowledged.
    before = set(keys(bucket))
    with socket.create_connection(("127.0.0.1", a.port), timeout=10) as raw:
        boundary = "grappe-boundary"
        head = (
            f"POST /answers/{answer.pk}/evidence/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: sessionid={on_a.cookies['sessionid']}; csrftoken={on_a.cookies['csrftoken']}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 5000000\r\n\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.7 "
        )
        raw.sendall(head.encode() + b"x" * 100_000)
        a.kill()
    assert list(Evidence.objects.filter(answer=answer)) == [evidence]
    assert set(keys(bucket)) == before
    again = on_b.get(f"{b.url}/evidence/{evidence.pk}/", timeout=60)
    assert again.status_code == 200 and again.content == samples.pdf_bytes()

    # Nothing was written to the nodes' own folders.
    assert a.local_files() == [] and b.local_files() == [] and nodes["worker"].local_files() == []
