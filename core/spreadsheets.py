"""Uploaded XLSX workbooks, opened only once their zip container has been checked (no zip bombs).

An XLSX file is a zip archive of XML parts. A few megabytes on disk can inflate to gigabytes (a sheet of a
billion empty rows, a huge shared-strings table, one giant row), and openpyxl would decompress and parse
all of it in the web process. So, before any parser sees the bytes:

- ``check_xlsx_archive`` reads only the zip directory and refuses an archive whose entries *declare* more
  than ``XLSX_MAX_UNCOMPRESSED_BYTES`` in all, too many entries, or an entry that inflates more than
  ``XLSX_MAX_RATIO`` times. Python's ``zipfile`` (which openpyxl uses) never inflates an entry past its
  declared size, so the declared sizes are a real bound.
- ``check_xlsx_cells`` then streams every worksheet of the archive through expat, 64 kB at a time, counting rows
  and cells, and stops at the first row or cell beyond the limits the importer can use (rows × columns). A sheet
  within every size limit can still hold one row of 3.4 million cells (51 MB of XML, 2.3 MB zipped): openpyxl
  builds each row whole before it keeps the first columns, and reads a sheet without a ``<dimension>`` whole
  when it opens the workbook, 30 s and 290 MB in the web process. The count stops it after a few kilobytes.
- ``bounded_rows`` walks a read-only sheet up to a number of rows and columns, and refuses a sheet with more
  rows (openpyxl fills the gap before a row numbered 1,000,000,000 with empty rows).

``check_xlsx`` runs both checks; ``open_xlsx`` runs it, then opens the workbook.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError

# An entry smaller than this may inflate as much as it likes (the XML of a tiny sheet compresses very well).
_RATIO_FREE_BYTES = 1024 * 1024


class SpreadsheetRefused(DomainError):
    """The workbook is too large once inflated, or has too many rows or columns."""

    default_message = _("The spreadsheet is too large to be read.")


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def check_xlsx_archive(data: bytes) -> None:
    """Refuse a zip container that would inflate too much; check the directory only, inflate nothing.

    Raises ``SpreadsheetRefused`` with a translated message. A file that is not a zip archive is left to the
    parser, which reports it as unreadable.
    """
    max_total = _limit("XLSX_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
    max_ratio = _limit("XLSX_MAX_RATIO", 100)
    max_entries = _limit("XLSX_MAX_ENTRIES", 500)
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return
    if len(entries) > max_entries:
        raise SpreadsheetRefused(
            _("The spreadsheet has too many parts (%(count)d; at most %(limit)d).")
            % {"count": len(entries), "limit": max_entries}
        )
    total = sum(entry.file_size for entry in entries)
    if total > max_total:
        raise SpreadsheetRefused(
            _("The spreadsheet is too large once decompressed (%(size)d MB; at most %(limit)d MB).")
            % {"size": total // (1024 * 1024), "limit": max_total // (1024 * 1024)}
        )
    for entry in entries:
        ratio_too_high = entry.file_size > _RATIO_FREE_BYTES and entry.file_size > max_ratio * max(
            entry.compress_size, 1
        )
        if ratio_too_high:
            raise SpreadsheetRefused(
                _(
                    "The spreadsheet looks like a zip bomb: one of its parts inflates %(ratio)d times "
                    "(at most %(limit)d). Save it again from your spreadsheet program."
                )
                % {"ratio": entry.file_size // max(entry.compress_size, 1), "limit": max_ratio}
            )


_CHUNK = 64 * 1024
_WORKSHEET_TYPE = "/worksheet"  # the end of a worksheet relationship's Type
_COLUMN = re.compile(r"[A-Za-z]{1,4}")


class _Stop(Exception):
    """Ends a scan early (the limit reached, or nothing more to learn)."""


def column_letters(index: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_index(reference: str) -> int | None:
    match = _COLUMN.match(reference)
    if match is None:
        return None
    index = 0
    for letter in match.group().upper():
        index = index * 26 + ord(letter) - 64
    return index


def _stream(archive: zipfile.ZipFile, name: str, on_start) -> None:
    """Feed one part to expat in 64 kB pieces, calling ``on_start(local name, attributes)`` for each element;
    a document type declaration (entities) is refused, an XML error ends the scan (openpyxl reports it)."""

    def doctype(*_args):
        raise SpreadsheetRefused(_("The spreadsheet is not a plain XLSX workbook (it declares a document type)."))

    parser = expat.ParserCreate()
    parser.StartElementHandler = lambda tag, attributes: on_start(tag.rpartition(":")[2], attributes)
    parser.StartDoctypeDeclHandler = doctype
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (_Stop, expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return


def _workbook_parts(archive: zipfile.ZipFile, names: set[str]) -> set[str]:
    """The workbook part(s) openpyxl may read its sheets from: the one the content types name, the package's
    office document, and ``xl/workbook.xml`` (openpyxl's fallback)."""
    parts = {"xl/workbook.xml"}

    def content_type(tag, attributes):
        kind = str(attributes.get("ContentType", ""))
        if tag == "Override" and (".sheet.main" in kind or ".template.main" in kind):  # also macro-enabled ones
            parts.add(str(attributes.get("PartName", "")).lstrip("/"))

    def office_document(tag, attributes):
        if tag == "Relationship" and str(attributes.get("Type", "")).endswith("/officeDocument"):
            parts.add(posixpath.normpath(str(attributes.get("Target", "")).lstrip("/")))

    if "[Content_Types].xml" in names:
        _stream(archive, "[Content_Types].xml", content_type)
    if "_rels/.rels" in names:
        _stream(archive, "_rels/.rels", office_document)
    return {part for part in parts if part in names}


def _worksheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(part name, sheet title) of every worksheet the workbook's relationships point at: those openpyxl opens."""
    names = set(archive.namelist())
    sheets: list[tuple[str, str]] = []
    for source in sorted(_workbook_parts(archive, names)):
        folder = posixpath.dirname(source)
        rels = posixpath.join(folder, "_rels", posixpath.basename(source) + ".rels")
        if rels not in names:
            continue
        targets: dict[str, str] = {}

        def relationship(tag, attributes, folder=folder, targets=targets):
            if tag == "Relationship" and str(attributes.get("Type", "")).endswith(_WORKSHEET_TYPE):
                target = str(attributes.get("Target", ""))
                path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                targets[str(attributes.get("Id", ""))] = posixpath.normpath(path)

        _stream(archive, rels, relationship)
        titles: dict[str, str] = {}

        def sheet(tag, attributes, titles=titles):
            if tag == "sheet":
                identifier = next((v for k, v in attributes.items() if k.rpartition(":")[2] == "id"), "")
                titles[identifier] = str(attributes.get("name", ""))

        if targets:
            _stream(archive, source, sheet)
        sheets.extend((path, titles.get(key) or path) for key, path in targets.items() if path in names)
    return sheets


def check_xlsx_cells(data: bytes, *, max_rows: int, max_columns: int) -> None:
    """Stream every worksheet of the archive and refuse, at the first one, a row beyond ``max_rows`` or a cell
    beyond ``max_columns`` (by its reference, or by its position when it has none, or the count of the row's
    cells), whether or not it holds a value: nothing after it is read. Raises ``SpreadsheetRefused``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return  # not a zip archive: the parser says it is unreadable
    with archive:
        for part, title in _worksheets(archive):
            state = {"row": 0, "rows": 0, "column": 0, "cells": 0}

            def count(tag, attributes, state=state, title=title):
                if tag == "row":
                    reference = str(attributes.get("r", ""))
                    state["row"] = int(reference) if reference.isdigit() else state["row"] + 1
                    state["rows"] += 1
                    state["column"] = state["cells"] = 0
                    if state["row"] > max_rows or state["rows"] > max_rows:
                        raise SpreadsheetRefused(
                            _(
                                "The sheet “%(sheet)s” has more than %(limit)d rows. Delete the empty rows at its "
                                "end, or split the file."
                            )
                            % {"sheet": title, "limit": max_rows}
                        )
                elif tag == "c":
                    column = _column_index(str(attributes.get("r", "")))
                    state["column"] = column if column is not None else state["column"] + 1
                    state["cells"] += 1
                    if state["column"] > max_columns or state["cells"] > max_columns:
                        at = max(state["column"], state["cells"])
                        raise SpreadsheetRefused(
                            _(
                                "The sheet “%(sheet)s” has a cell in column %(column)s of row %(row)d, beyond the "
                                "%(limit)d columns this import reads: delete the columns after %(last)s."
                            )
                            % {
                                "sheet": title,
                                "column": column_letters(at),
                                "row": state["row"],
                                "limit": max_columns,
                                "last": column_letters(max_columns),
                            }
                        )

            _stream(archive, part, count)


def check_xlsx(data: bytes, *, max_rows: int, max_columns: int) -> None:
    """Both checks, before any parser sees the bytes: the zip container, then the rows and cells of each sheet."""
    check_xlsx_archive(data)
    check_xlsx_cells(data, max_rows=max_rows, max_columns=max_columns)


@contextmanager
def open_xlsx(data: bytes, *, max_rows: int, max_columns: int):
    """The read-only openpyxl workbook of checked bytes, closed on exit.

    ``check_xlsx`` runs first (``SpreadsheetRefused``); openpyxl's own errors propagate unchanged, for the
    caller to turn into its "unreadable file" message.
    """
    check_xlsx(data, max_rows=max_rows, max_columns=max_columns)  # a refused file does not even load openpyxl
    # deferred: openpyxl is heavy (0.13 s, 190 modules); only the spreadsheet uploads needs it
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        yield workbook
    finally:
        workbook.close()


def bounded_rows(sheet, *, max_rows: int, max_columns: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) of a read-only sheet, the first ``max_columns`` columns only.

    Raises ``SpreadsheetRefused`` when the sheet declares more rows, or on reaching row ``max_rows + 1`` (even
    an empty one: only walking the rest could tell, and the rest is what a bomb is made of).
    """
    too_many = SpreadsheetRefused(
        _("The sheet “%(sheet)s” has more than %(limit)d rows. Delete the empty rows at its end, or split the file.")
        % {"sheet": sheet.title, "limit": max_rows}
    )
    if (getattr(sheet, "max_row", None) or 0) > max_rows:  # the size the sheet declares (<dimension>)
        raise too_many
    # No max_row: openpyxl then yields the empty rows of a gap one by one, and the count below stops them.
    rows = sheet.iter_rows(min_row=1, max_col=max_columns, values_only=True)
    for number, values in enumerate(rows, start=1):
        if number > max_rows:
            raise too_many
        yield number, values
