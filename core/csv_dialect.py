"""The separator of the CSV files people open in a spreadsheet, one declaration for every such file.

A French spreadsheet splits a CSV on ``;`` (the comma is its decimal sign), an English one on ``,``: the
administrators' exports (the registry, the audit trail) and the member-import template are written with the
reader's separator and a UTF-8 BOM, so that they open as columns with their accents. The open-data file is not one
of them: it stays RFC 4180 (commas) for programs, whatever the language (``labelling.opendata``).
"""

from __future__ import annotations

from django.utils.translation import get_language

SPREADSHEET_DELIMITERS = {"fr": ";", "en": ","}


def spreadsheet_delimiter(language: str | None = None) -> str:
    """``;`` for a French reader, ``,`` for an English one (the active language when none is given)."""
    code = (language or get_language() or "fr")[:2]
    return SPREADSHEET_DELIMITERS.get(code, ";")
