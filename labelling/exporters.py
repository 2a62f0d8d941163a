"""Registry exports: one row generator, several formats (CSV, XLSX, JSON), each streamed.

CSV and XLSX cells that a spreadsheet would take for a formula (=, +, -, @, and the tab/CR that some
tools strip first) are prefixed with a quote, so that a cluster named "=HYPERLINK(...)" stays text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = [
    ("certificate_number", _("Certificate number")),
    ("cluster", _("Cluster")),
    ("acronym", _("Acronym")),
    ("kind", _("Kind")),
    ("country", _("Country")),
    ("region", _("Region")),
    ("city", _("City")),
    ("sectors", _("Sectors")),
    ("level", _("Level")),
    ("status", _("Status")),
    ("awarded_on", _("Awarded on")),
    ("expires_on", _("Valid through")),
    ("revoked_at", _("Revoked at")),
    ("reference_year", _("Reference year")),
]


def registry_rows(labels: QuerySet) -> Iterator[dict]:
    """One plain dict per label, read in chunks so that a large registry never sits in memory."""
    qs = labels.select_related("cluster", "assessment").order_by("cluster__name", "-awarded_on", "pk")
    for label in qs.iterator(chunk_size=500):
        cluster = label.cluster
        yield {
            "certificate_number": label.certificate_number,
            "cluster": cluster.name,
            "acronym": cluster.acronym,
            "kind": cluster.kind,
            "country": cluster.country,
            "region": cluster.region,
            "city": cluster.city,
            "sectors": "; ".join(str(s) for s in cluster.sectors or []),
            "level": label.level,
            "status": label.status,
            "awarded_on": label.awarded_on.isoformat(),
            "expires_on": label.expires_on.isoformat(),
            "revoked_at": timezone.localdate(label.revoked_at).isoformat() if label.revoked_at else "",
            "reference_year": label.assessment.reference_year,
        }


def escape_cell(value) -> str:
    """A cell as text that no spreadsheet evaluates as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    """The CSV text, line by line (header first), for a StreamingHttpResponse or a file."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(title) for _key, title in COLUMNS])  # BOM: Excel reads UTF-8
    for row in rows:
        yield writer.writerow([escape_cell(row[key]) for key, _title in COLUMNS])


def json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    yield "["
    first = True
    for row in rows:
        yield ("" if first else ",") + "\n" + json.dumps(row, ensure_ascii=False)
        first = False
    yield "\n]\n"


def xlsx_bytes(rows: Iterable[dict]) -> bytes:
    """The XLSX file (openpyxl write-only mode: rows are written as they come)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("registry")
    sheet.append([str(title) for _key, title in COLUMNS])
    for row in rows:
        sheet.append([escape_cell(row[key]) if isinstance(row[key], str) else row[key] for key, _title in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
