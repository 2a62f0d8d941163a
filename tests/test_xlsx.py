"""core/xlsx.py: the streamed one-sheet workbook reads back, cell for cell, in openpyxl."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from core.xlsx import write_xlsx


def _read(header, rows):
    buffer = io.BytesIO()
    write_xlsx(buffer, header, rows, sheet_name="registry")
    buffer.seek(0)
    return buffer, load_workbook(buffer)


def test_values_come_back_with_their_types():
    rows = [
        ["Nekoé", 2025, 1.5, True, None, ""],
        ["  spaces kept  ", -3, 0.001, False, "=1+1", "<b>&amp;</b>"],
        ["tab\tand\nnewline", 10**12, 1e-05, None, "'=SUM(A1)", "€ « » ✓"],
    ]
    _buffer, workbook = _read(["name", "year", "share", "flag", "formula?", "markup"], rows)
    sheet = workbook["registry"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["name", "year", "share", "flag", "formula?", "markup"]
    assert values[1] == ["Nekoé", 2025, 1.5, True, None, None]
    assert values[2] == ["  spaces kept  ", -3, 0.001, False, "=1+1", "<b>&amp;</b>"]
    assert values[3] == ["tab\tand\nnewline", 10**12, 1e-05, None, "'=SUM(A1)", "€ « » ✓"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # text is never a formula
    assert sheet["A1"].font.b and not sheet["A2"].font.b


def test_characters_xml_cannot_carry_are_dropped():
    _buffer, workbook = _read(["a"], [["NUL\x00 and \x1f bell\x07"]])
    assert workbook.active["A2"].value == "NUL and  bell"


def test_the_file_is_a_plain_zip_with_the_sheet_parts():
    buffer, _workbook = _read(["a"], ([i] for i in range(2000)))
    names = zipfile.ZipFile(buffer).namelist()
    assert {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/styles.xml"} <= set(names)
