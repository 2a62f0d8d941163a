"""``/metrics`` for Prometheus (django-prometheus), closed to the public.

- django-prometheus's middlewares count the requests and their latencies by view, method and status, and its
  database wrapper (``database_from_env`` in the settings) the queries, their errors and their durations;
- the application's own figures are read when Prometheus scrapes, from the database and the broker, so every
  process shows the same: the collectors that apps register here (``register_collector``: labelling's reports and
  labels) and core's (outbox messages waiting, Celery queue length).

Open to a caller with ``Authorization: Bearer <METRICS_TOKEN>`` or from an address of ``METRICS_ALLOWED_NETWORKS``
(Prometheus scraping the pods directly); 404 for everybody else, as if it did not exist. A request that came
through a proxy (it names a client: ``X-Forwarded-For``, ``Forwarded`` or ``X-Real-IP``) is never let in by its
network, only by the token: behind an Ingress or a load balancer, ``REMOTE_ADDR`` is the proxy's own address,
inside the pods' network, whoever the visitor is. With several gunicorn
workers, set ``PROMETHEUS_MULTIPROC_DIR`` (a directory per pod, emptied when gunicorn starts: config/gunicorn.py) so
that the counters of every worker add up.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Iterable

import prometheus_client
from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse
from django.utils.crypto import constant_time_compare
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from config.celery import app
from core.models import OutboxMessage

_collectors: list[Callable[[], Iterable[Metric]]] = []


def register_collector(collect: Callable[[], Iterable[Metric]]) -> None:
    """An app's figures, read at each scrape (``collect()`` yields prometheus_client metric families)."""
    if collect not in _collectors:
        _collectors.append(collect)


class _ApplicationCollector:
    def collect(self):
        try:
            for collect in (_core_figures, *_collectors):
                yield from collect()
        finally:
            connection.close()  # a scrape must not keep a connection of its own open


def _queue_length() -> int | None:
    queue = app.conf.task_default_queue
    timeout = settings.HEALTH_CELERY_TIMEOUT
    try:
        with app.connection_for_read(connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=0, timeout=timeout)
            _name, messages, _consumers = conn.default_channel.queue_declare(queue=queue, passive=True)
            return messages
    except Exception:  # noqa: BLE001 - a broker that does not answer is a missing figure, not a failed scrape
        return None


def _core_figures():
    waiting = GaugeMetricFamily("grappe_outbox_waiting", "Messages of the outbox not yet handed to the broker")
    waiting.add_metric([], OutboxMessage.objects.count())
    yield waiting
    length = _queue_length()
    queue = GaugeMetricFamily(
        "grappe_celery_queue_length",
        "Tasks waiting in the Celery queue (-1: the broker did not answer)",
        labels=["queue"],
    )
    queue.add_metric([app.conf.task_default_queue], -1 if length is None else length)
    yield queue


_application_registry = prometheus_client.CollectorRegistry(auto_describe=False)
_application_registry.register(_ApplicationCollector())


# The headers a proxy adds to name the client it forwards for (X-Forwarded-Proto, which the probes and a direct
# scraper may send to pass the HTTPS redirect, names no client).
PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


def _through_a_proxy(request) -> bool:
    return any(header in request.headers for header in PROXY_HEADERS)


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token and constant_time_compare(request.headers.get("Authorization", ""), f"Bearer {token}"):
        return True
    if _through_a_proxy(request):  # REMOTE_ADDR is the proxy's: the network says nothing of the caller
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_ALLOWED_NETWORKS)


def metrics(request):
    if not _allowed(request):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = prometheus_client.CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = prometheus_client.REGISTRY
    body = prometheus_client.generate_latest(registry) + prometheus_client.generate_latest(_application_registry)
    response = HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
