"""/metrics (core/metrics.py, django-prometheus): closed to the public, open to the token and the scrapers'
networks, with the requests by view, the database's figures and the application's own."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import prometheus_client
import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from labelling.models import ReportStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_metrics(settings):
    settings.METRICS_TOKEN = "scrape-me"
    settings.METRICS_ALLOWED_NETWORKS = ["10.42.0.0/16"]


def _scrape(**extra) -> str:
    response = Client(**extra).get("/metrics")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_the_metrics_are_closed_to_the_public_by_default():
    assert Client().get("/metrics").status_code == 404


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_AUTHORIZATION": "Bearer wrong"},
        {"HTTP_AUTHORIZATION": "scrape-me"},
        {"REMOTE_ADDR": "10.43.0.7"},
        {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "10.42.0.7"},  # a forged header opens nothing
    ],
)
def test_a_wrong_token_or_an_address_outside_the_networks_gets_404(open_metrics, extra):
    assert Client(**extra).get("/metrics").status_code == 404


def test_a_logged_in_administrator_gets_nothing_either(open_metrics, administrator):
    client = Client()
    client.force_login(administrator)
    assert client.get("/metrics").status_code == 404


def test_the_token_opens_the_metrics_with_the_requests_by_view_and_the_database(open_metrics):
    Client().get("/registry/")

    body = _scrape(HTTP_AUTHORIZATION="Bearer scrape-me")

    assert "django_http_requests_latency_seconds_by_view_method_bucket{" in body
    assert 'view="labelling:registry"' in body
    assert "django_db_execute_total" in body


def test_the_metrics_show_the_caches_gets_hits_and_misses(open_metrics):
    from django.core.cache import cache

    before = {
        name: prometheus_client.REGISTRY.get_sample_value(name, {"backend": "redis"}) or 0.0
        for name in ("django_cache_get_total", "django_cache_get_hits_total", "django_cache_get_misses_total")
    }
    cache.set("metrics-cache-figure", 1)
    assert cache.get("metrics-cache-figure") == 1  # a hit
    assert cache.get("metrics-cache-no-such-key") is None  # a miss

    body = _scrape(HTTP_AUTHORIZATION="Bearer scrape-me")

    assert _figure(body, "django_cache_get_total", backend="redis") - before["django_cache_get_total"] >= 2
    assert _figure(body, "django_cache_get_hits_total", backend="redis") - before["django_cache_get_hits_total"] >= 1
    misses = _figure(body, "django_cache_get_misses_total", backend="redis") - before["django_cache_get_misses_total"]
    assert misses >= 1


def test_the_scrapers_network_opens_the_metrics(open_metrics):
    assert "grappe_labels" in _scrape(REMOTE_ADDR="10.42.3.4")


def test_the_scrapers_network_opens_the_metrics_to_a_scraper_that_says_https(open_metrics):
    # X-Forwarded-Proto (the HTTPS redirect's header, which a direct scraper may send) names no client
    assert "grappe_labels" in _scrape(REMOTE_ADDR="10.42.3.4", HTTP_X_FORWARDED_PROTO="https")


THROUGH_THE_INGRESS = [
    {"HTTP_X_FORWARDED_FOR": "203.0.113.9"},
    {"HTTP_X_FORWARDED_FOR": "10.42.0.9"},  # whatever it says
    {"HTTP_FORWARDED": "for=203.0.113.9;proto=https"},
    {"HTTP_X_REAL_IP": "203.0.113.9"},
]


@pytest.mark.parametrize("num_proxies", [0, 1])
@pytest.mark.parametrize("headers", THROUGH_THE_INGRESS)
def test_a_request_through_a_proxy_in_the_scrapers_network_is_not_let_in_by_the_network(
    open_metrics, settings, headers, num_proxies
):
    """Through the Ingress, REMOTE_ADDR is the controller's pod address, inside the pods' network: a visitor's
    request must not be let in by that network's allowance, whatever NUM_PROXIES says."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": num_proxies}
    assert Client(REMOTE_ADDR="10.42.0.12", **headers).get("/metrics").status_code == 404


@pytest.mark.parametrize("headers", THROUGH_THE_INGRESS)
def test_the_token_opens_the_metrics_through_a_proxy(open_metrics, headers):
    assert "grappe_labels" in _scrape(REMOTE_ADDR="10.42.0.12", HTTP_AUTHORIZATION="Bearer scrape-me", **headers)


def test_the_application_figures_count_reports_labels_outbox_and_queue(open_metrics, framework):
    factories.LabelFactory(level="silver")
    factories.LabelFactory(level="gold", status="revoked", revoked_reason="Fraude")
    factories.ReportFactory(status=ReportStatus.FAILED)
    factories.ReportFactory(status=ReportStatus.PENDING)

    body = _scrape(HTTP_AUTHORIZATION="Bearer scrape-me")

    assert 'grappe_labels{level="silver",state="active"} 1.0' in body
    assert 'grappe_labels{level="gold",state="revoked"} 1.0' in body
    assert 'grappe_reports{kind="assessment",state="failed"} 1.0' in body
    assert 'grappe_reports{kind="assessment",state="pending"} 1.0' in body
    assert "grappe_outbox_waiting " in body
    assert "grappe_celery_queue_length{queue=" in body


def _figure(body: str, name: str, **labels) -> float:
    """One sample of the exposition text (0 when absent), whatever the order of its labels."""
    for line in body.splitlines():
        if line.startswith(name + "{"):
            given = dict(part.split("=", 1) for part in line[len(name) + 1 : line.index("}")].split(","))
            if all(given.get(key) == f'"{value}"' for key, value in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_the_public_cache_counts_its_misses_hits_and_304s(open_metrics, framework):
    label = factories.LabelFactory(cluster__public_profile=True)
    url = f"/verify/{label.certificate_number}/"
    view, name = "labelling:certificate", "grappe_public_cache_total"
    # the figures before, from the process's registry: a scrape ends the test's connection (core/metrics.py)
    before = {
        outcome: prometheus_client.REGISTRY.get_sample_value(name, {"view": view, "outcome": outcome}) or 0.0
        for outcome in ("miss", "hit", "not_modified")
    }

    etag = Client().get(url)["ETag"]  # rendered: a miss
    Client().get(url)  # the kept copy: a hit
    Client().get(url)
    assert Client().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    after = _scrape(HTTP_AUTHORIZATION="Bearer scrape-me")
    assert _figure(after, name, view=view, outcome="miss") - before["miss"] == 1
    assert _figure(after, name, view=view, outcome="hit") - before["hit"] == 2
    assert _figure(after, name, view=view, outcome="not_modified") - before["not_modified"] == 1


@pytest.mark.django_db(transaction=True)
def test_the_gunicorn_workers_figures_add_up_from_a_directory_emptied_at_start(tmp_path):
    """gunicorn with two workers and PROMETHEUS_MULTIPROC_DIR, through config/gunicorn.py as the Dockerfile, the
    compose file and the Kubernetes web Deployment run it: what a previous run left in the directory is removed
    before the workers start, and every scrape, whichever worker answers it, shows the requests of both."""
    from prometheus_client.mmap_dict import MmapedDict, mmap_key

    from tests.s3server import free_port
    from tests.worker import _database_url

    directory = tmp_path / "prometheus"
    directory.mkdir()
    stale = MmapedDict(str(directory / "counter_4194304.db"))  # a process of a previous run
    stale.write_value(mmap_key("grappe_stale", "grappe_stale_total", [], [], "left by a previous run"), 7.0, 0)
    stale.close()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "METRICS_TOKEN": "scrape-me",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "--config", "python:config.gunicorn", "config.wsgi:application"]
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [*command, "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                requests.get(f"{url}/health/process/", timeout=30)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and process.poll() is None, "gunicorn did not start"
                time.sleep(0.3)
        for _ in range(12):
            assert requests.get(f"{url}/health/process/", timeout=30).status_code == 200

        scrapes = [
            requests.get(f"{url}/metrics", headers={"Authorization": "Bearer scrape-me"}, timeout=30).text
            for _ in range(4)
        ]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)

    name = "django_http_requests_total_by_view_transport_method_total"
    counts = {_figure(body, name, view="health_process", method="GET") for body in scrapes}
    assert len(counts) == 1 and counts.pop() >= 13  # the same total whichever worker answered
    assert not any("grappe_stale" in body for body in scrapes)
    assert "4194304" not in {path.stem.rsplit("_", 1)[-1] for path in directory.glob("*.db")}
    assert len({path.stem.rsplit("_", 1)[-1] for path in directory.glob("*.db")}) >= 2  # both workers wrote
