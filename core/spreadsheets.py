"""Uploaded XLSX workbooks, opened only once their zip container has been checked (no zip bombs).

An XLSX file is a zip archive of XML parts. A few megabytes on disk can inflate to gigabytes (a sheet of a
billion empty rows, a huge shared-strings table, one giant row), and openpyxl would decompress and parse
all of it in the web process. So, before any parser sees the bytes:

- ``check_xlsx_archive`` reads only the zip directory and refuses an archive whose entries *declare* more
  than ``XLSX_MAX_UNCOMPRESSED_BYTES`` in all, too many entries, or an entry that inflates more than
  ``XLSX_MAX_RATIO`` times. Python's ``zipfile`` (which openpyxl uses) never inflates an entry past its
  declared size, so the declared sizes are a real bound.
- ``bounded_rows`` walks a read-only sheet up to a number of rows and columns, and refuses a sheet with more
  rows (openpyxl fills the gap before a row numbered 1,000,000,000 with empty rows).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

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


@contextmanager
def open_xlsx(data: bytes):
    """The read-only openpyxl workbook of checked bytes, closed on exit.

    ``check_xlsx_archive`` runs first (``SpreadsheetRefused``); openpyxl's own errors propagate unchanged, for
    the caller to turn into its "unreadable file" message.
    """
    # deferred: openpyxl is heavy (0.13 s, 190 modules); only the spreadsheet uploads needs it
    from openpyxl import load_workbook

    check_xlsx_archive(data)
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
