"""The targets of a performance contract as a spreadsheet: the template the page offers (one row per indicator,
one column per year of the programme) and the reading of a filled one. Every bad cell is reported by its address
(« C4 »); the workbook is opened only after the zip-bomb checks of ``core.spreadsheets``, with the row and column
limits of the other imports."""

from __future__ import annotations

import io
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from core.spreadsheets import SpreadsheetRefused, bounded_rows, open_xlsx
from core.xlsx import write_xlsx
from indicators import values
from programmes.indicator_sets import IndicatorSet


class TargetsImportError(DomainError):
    """The sheet was refused: ``errors`` lists every problem, nothing was saved."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0], errors={"file": problems})


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def template_xlsx(*, spec: IndicatorSet, years: list[int], current: dict) -> bytes:
    """The sheet to fill: code, indicator, unit, then a column per year with the targets already recorded."""
    handle = io.BytesIO()
    header = [_("Code"), _("Indicator"), _("Unit"), *[str(year) for year in years]]
    rows = [
        [
            indicator.code,
            indicator.label(),
            indicator.unit_label() if indicator.kind != "yesno" else _("yes = 1, no = 0"),
            *[float(current[(indicator.code, year)]) if (indicator.code, year) in current else None for year in years],
        ]
        for indicator in spec.indicators
    ]
    write_xlsx(handle, header, rows, sheet_name=_("Targets")[:31])
    return handle.getvalue()


def read_targets(data: bytes, *, spec: IndicatorSet, years: list[int]) -> dict[tuple[str, int], Decimal | None]:
    """``{(indicator, year): value or None}`` from a filled sheet; ``TargetsImportError`` with every problem."""
    unreadable = TargetsImportError([_("The file is not a valid XLSX workbook.")])
    try:
        with open_xlsx(data, max_rows=settings.IMPORT_MAX_ROWS, max_columns=settings.IMPORT_MAX_COLUMNS) as workbook:
            if not workbook.worksheets:
                raise unreadable
            rows = list(
                bounded_rows(
                    workbook.worksheets[0],
                    max_rows=settings.IMPORT_MAX_ROWS,
                    max_columns=settings.IMPORT_MAX_COLUMNS,
                )
            )
    except TargetsImportError:
        raise
    except SpreadsheetRefused as exc:
        raise TargetsImportError([str(exc.message)]) from exc
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        raise unreadable from exc
    if not rows:
        raise TargetsImportError([_("The sheet is empty.")])
    problems: list[str] = []
    _number, header = rows[0]
    year_columns: dict[int, int] = {}
    for index, cell in enumerate(header):
        if index < 3 or cell in (None, ""):
            continue
        year = values.parse_number(cell)
        if year is None or year != year.to_integral_value() or int(year) not in years:
            problems.append(
                _("Cell %(cell)s: “%(value)s” is not a year of the programme (%(first)d to %(last)d).")
                % {"cell": f"{_column(index)}1", "value": cell, "first": years[0], "last": years[-1]}
            )
            continue
        year_columns[index] = int(year)
    targets: dict[tuple[str, int], Decimal | None] = {}
    seen: set[str] = set()
    for number, cells in rows[1:]:
        cells = list(cells)
        if not any(c not in (None, "") for c in cells):
            continue
        code = str(cells[0]).strip() if cells and cells[0] is not None else ""
        indicator = spec.indicator(code)
        if indicator is None:
            problems.append(
                _("Cell %(cell)s: the programme's indicator set has no indicator “%(code)s”.")
                % {"cell": f"A{number}", "code": code}
            )
            continue
        if code in seen:
            problems.append(_("Row %(row)d: indicator %(code)s appears twice.") % {"row": number, "code": code})
            continue
        seen.add(code)
        for index, year in year_columns.items():
            raw = cells[index] if index < len(cells) else None
            address = f"{_column(index)}{number}"
            if raw in (None, ""):
                targets[(code, year)] = None
                continue
            value = values.parse_number(raw)
            if value is None:
                problems.append(_("Cell %(cell)s: “%(value)s” is not a number.") % {"cell": address, "value": raw})
                continue
            problem = indicator.check(value)
            if problem:
                problems.append(_("Cell %(cell)s: %(problem)s") % {"cell": address, "problem": problem})
                continue
            targets[(code, year)] = value
    if problems:
        raise TargetsImportError(problems)
    return targets
