"""Registry exports: one row generator, several formats (CSV, JSON, XLSX), each streamed.

Rows are read as tuples of values (``values_list`` in chunks, dates turned into text by the database), never
as model instances. Next to the codes of level, status, kind, country and region, each row carries their
readable label in the language active when the export is built (``readable_labels``).

CSV and XLSX cells that a spreadsheet would take for a formula (=, +, -, @, and the tab/CR that some
tools strip first) are prefixed with a quote, so that a cluster named "=HYPERLINK(...)" stays text.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import orjson
from django.db import connections, transaction
from django.db.models import CharField, F, Func, QuerySet, TextField
from django.db.models.functions import Cast, TruncDate
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from clusters.models import ClusterKind
from core import places
from core.xlsx import write_xlsx
from labelling.models import LabelStatus, Level

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRST = frozenset("=+-@\t\r")
CHUNK_SIZE = 1000  # rows per fetch (a server-side cursor): memory stays flat from a few thousand rows on

# (key, header) in file order. ``*_label`` columns hold the readable text of the code beside them.
COLUMNS = [
    ("certificate_number", _("Certificate number")),
    ("cluster", _("Cluster")),
    ("acronym", _("Acronym")),
    ("kind", _("Kind")),
    ("kind_label", _("Kind (label)")),
    ("country", _("Country")),
    ("country_label", _("Country (name)")),
    ("region", _("Region")),
    ("region_label", _("Region (name)")),
    ("city", _("City")),
    ("sectors", _("Sectors")),
    ("level", _("Level")),
    ("level_label", _("Level (label)")),
    ("status", _("Status")),
    ("status_label", _("Status (label)")),
    ("awarded_on", _("Awarded on")),
    ("expires_on", _("Valid through")),
    ("conditions_until", _("With conditions until")),
    ("revoked_at", _("Revoked at")),
    ("reference_year", _("Reference year")),
]
KEYS = [key for key, _title in COLUMNS]

# What the database reads for each row, in this order (dates already as ISO text).
_FIELDS = (
    "certificate_number",
    "cluster__name",
    "cluster__acronym",
    "cluster__kind",
    "cluster__country",
    "cluster__region",
    "cluster__city",
    "_sectors",
    "level",
    "status",
    "_awarded",
    "_expires",
    "_conditions",
    "_revoked",
    "assessment__reference_year",
)
EXPORT_ORDER = ("cluster__name", "-awarded_on", "id")


def place_names() -> tuple[Callable[[str], str], Callable[[str, str], str]]:
    """(country code → name, (region code, country code) → name) in the active language.

    Country names from django-countries, INSEE/NUTS-2 region names (core.places); an unknown code stands for
    itself.
    """
    language = get_language()  # a streamed body is written after the view returned: keep the user's language

    def country_name(code: str) -> str:
        with override(language):
            return places.country_name(code)

    def region_name(code: str, country: str = "") -> str:
        with override(language):
            return places.region_name(code, country=country or "FR")

    return country_name, region_name


def readable_labels() -> dict[str, Callable]:
    """For each coded column, code → the text a person reads, in the active language."""

    def choices(enum) -> Callable[[str], str]:
        table = {value: str(label) for value, label in enum.choices}
        return lambda code: table.get(code, code)

    country_name, region_name = place_names()
    return {
        "kind": choices(ClusterKind),
        "level": choices(Level),
        "status": choices(LabelStatus),
        "country": country_name,
        "region": region_name,
    }


class JoinedList(Func):
    """A JSON list of strings as one text, items joined by "; " — in the database on PostgreSQL (no JSON
    decoding in Python for every row); elsewhere the JSON itself, joined by ``_joined`` in Python."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="array_to_string(ARRAY(SELECT jsonb_array_elements_text(%(expressions)s)), '; ')",
            **extra_context,
        )

    def as_sql(self, compiler, connection, **extra_context):
        extra_context.setdefault("template", "%(expressions)s")
        return super().as_sql(compiler, connection, **extra_context)


def _joined(value) -> str:
    if not value:
        return ""
    if value[0] == "[":  # SQLite: the JSON text
        try:
            items = json.loads(value)
        except ValueError:
            return value
        return "; ".join(str(item) for item in items) if isinstance(items, list) else str(items)
    return value


def export_values(labels: QuerySet) -> QuerySet:
    """The rows of the export as tuples (``_FIELDS``), in the export's order, with no model instance."""
    return (
        labels.order_by(*EXPORT_ORDER)
        .annotate(
            _sectors=JoinedList(F("cluster__sectors")),
            _awarded=Cast("awarded_on", CharField()),
            _expires=Cast("expires_on", CharField()),
            _conditions=Cast("conditions_until", CharField()),
            _revoked=Cast(TruncDate(F("revoked_at")), CharField()),
        )
        .values_list(*_FIELDS)
    )


def _all_rows(queryset: QuerySet) -> Iterator[tuple]:
    """The rows of ``queryset`` through a server-side cursor, ``CHUNK_SIZE`` at a time, in one transaction
    that tells PostgreSQL the export reads every row (``cursor_tuple_fraction = 1``): a cursor is otherwise
    planned for its first tenth, a plan a third slower for the whole registry."""
    connection = connections[queryset.db]
    with transaction.atomic(using=queryset.db):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield from queryset.iterator(chunk_size=CHUNK_SIZE)


def _memo(function: Callable) -> Callable:
    """A label lookup that computes each distinct code (or code pair) once per export."""
    seen: dict = {}

    def lookup(*key):
        try:
            return seen[key]
        except KeyError:
            seen[key] = value = function(*key)
            return value

    return lookup


def registry_tuples(labels: QuerySet, *, labels_for: dict | None = None) -> Iterator[tuple]:
    """One tuple per label, in the order of ``KEYS``, read in chunks so that a large registry never sits
    in memory.

    ``labels_for``: the readable labels (``readable_labels()``), computed by the caller while the user's
    language is active — a streamed body is produced after the view has returned.
    """
    names = labels_for or readable_labels()
    kind_label, level_label, status_label = names["kind"], names["level"], names["status"]
    country_label, region_label = _memo(names["country"]), _memo(names["region"])
    for (
        number,
        cluster,
        acronym,
        kind,
        country,
        region,
        city,
        sectors,
        level,
        status,
        awarded,
        expires,
        conditions,
        revoked,
        year,
    ) in _all_rows(export_values(labels)):
        yield (
            number,
            cluster,
            acronym,
            kind,
            kind_label(kind),
            country,
            country_label(country) if country else "",
            region,
            region_label(region, country) if region else "",
            city,
            _joined(sectors),
            level,
            level_label(level),
            status,
            status_label(status),
            awarded,
            expires,
            conditions,  # None for a plain label: empty in the CSV and the workbook, null in the JSON
            revoked or "",
            year,
        )


def registry_rows(labels: QuerySet, *, labels_for: dict | None = None) -> Iterator[dict]:
    """The same rows as dicts by column key (JSON, tests)."""
    for row in registry_tuples(labels, labels_for=labels_for):
        yield dict(zip(KEYS, row, strict=True))


def escape_cell(value) -> str:
    """A cell as text that no spreadsheet evaluates as a formula."""
    text = "" if value is None else str(value)
    if text and text[0] in FORMULA_FIRST:
        return "'" + text
    return text


# Columns whose text comes from people (names, places, sectors): the others are codes, our own labels,
# dates and numbers, which never start with a formula character.
ESCAPED = frozenset(
    {"certificate_number", "cluster", "acronym", "country", "region", "region_label", "city", "sectors"}
)


def _escaper(keys: list[str]) -> Callable[[tuple], list]:
    positions = [i for i, key in enumerate(keys) if key in ESCAPED]

    def escape(row) -> list:
        row = list(row)
        for i in positions:
            value = row[i]
            if value and value[0] in FORMULA_FIRST:
                row[i] = "'" + value
        return row

    return escape


def headers(columns=COLUMNS) -> list[str]:
    """The column titles in the active language (call it in the request, not inside a stream)."""
    return [str(title) for _key, title in columns]


def csv_lines(
    rows: Iterable[tuple],
    *,
    titles: list[str] | None = None,
    keys: list[str] = KEYS,
    batch: int = 500,
    delimiter: str = ",",
) -> Iterator[str]:
    """The CSV text (header first), 500 lines per chunk, for a StreamingHttpResponse or a file.
    ``rows``: tuples in the order of ``keys`` (``registry_tuples``); ``delimiter``: ``,`` (RFC 4180, for programs)
    unless a person opens it in a spreadsheet (``core.csv_dialect.spreadsheet_delimiter``)."""
    titles = titles if titles is not None else headers()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    escape = _escaper(keys)
    writer.writerow(titles)
    yield "\ufeff" + buffer.getvalue()  # BOM: Excel reads UTF-8
    pending: list = []
    for row in rows:
        pending.append(escape(row))
        if len(pending) >= batch:
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(pending)  # one C loop per batch
            yield buffer.getvalue()
            pending = []
    if pending:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(pending)
        yield buffer.getvalue()


def json_chunks(rows: Iterable[dict], *, batch: int = 500) -> Iterator[bytes]:
    """A JSON array of the rows (UTF-8), encoded a few hundred rows at a time by orjson (one call per batch,
    several times faster than the standard library's encoder on 10,000 rows of 20 keys)."""
    yield b"["
    first = True
    pending: list[dict] = []
    for row in rows:
        pending.append(row)
        if len(pending) >= batch:
            yield (b"" if first else b",") + b"\n" + orjson.dumps(pending)[1:-1]
            first = False
            pending = []
    if pending:
        yield (b"" if first else b",") + b"\n" + orjson.dumps(pending)[1:-1]
    yield b"\n]\n"


@dataclass
class XlsxFile:
    """A finished workbook on disk (a temporary file, deleted when closed)."""

    file: object

    def chunks(self, size: int = 64 * 1024) -> Iterator[bytes]:
        self.file.seek(0)
        while block := self.file.read(size):
            yield block


def xlsx_file(rows: Iterable[tuple], *, titles: list[str] | None = None, keys: list[str] = KEYS) -> XlsxFile:
    """The workbook, written in constant memory to a temporary file (``core.xlsx``: the sheet is streamed
    into the zip row by row). Text stays text (inline strings, never a formula); cells starting like a
    formula are escaped as in the CSV, so that they stay inert after an edit too."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response (or the caller)
    escape = _escaper(keys)
    write_xlsx(
        handle, titles if titles is not None else headers(), (escape(row) for row in rows), sheet_name="registry"
    )
    handle.seek(0)
    return XlsxFile(handle)


def xlsx_bytes(rows: Iterable[tuple]) -> bytes:
    """The whole workbook as bytes (small exports, tests)."""
    xlsx = xlsx_file(rows)
    try:
        return b"".join(xlsx.chunks())
    finally:
        xlsx.file.close()
