"""Labelling's figures for ``/metrics`` (core/metrics.py): reports by state and kind, labels by state and level."""

from __future__ import annotations

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from labelling.models import Label, LabelStatus, Report, ReportStatus


def collect():
    reports = GaugeMetricFamily(
        "grappe_reports", "Reports and certificates by state (pending and running: waiting)", labels=["state", "kind"]
    )
    counts = {
        (row["status"], row["kind"]): row["n"]
        for row in Report.objects.values("status", "kind").annotate(n=Count("id"))
    }
    kinds = sorted({kind for _status, kind in counts} or {"assessment"})
    for status in ReportStatus.values:
        for kind in kinds:
            reports.add_metric([status, kind], counts.get((status, kind), 0))
    yield reports

    labels = GaugeMetricFamily("grappe_labels", "Labels by state and level", labels=["state", "level"])
    counts = {
        (row["status"], row["level"]): row["n"]
        for row in Label.objects.values("status", "level").annotate(n=Count("id"))
    }
    for status in LabelStatus.values:
        for level in sorted({level for _status, level in counts} | {"bronze", "silver", "gold"}):
            labels.add_metric([status, level], counts.get((status, level), 0))
    yield labels
