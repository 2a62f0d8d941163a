"""XLSX zip bombs, small on disk, through the member import (page and command) and the offline questionnaire.

Each bomb is a real workbook (written by openpyxl) with one part swapped for a hostile one. Before the zip
container was checked, each of these either ran for minutes or inflated hundreds of megabytes in the web
process; now each is refused in a fraction of a second with a clear message.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from clusters.importers import MemberImportError, read_members
from clusters.models import Member
from core.spreadsheets import SpreadsheetRefused, check_xlsx_archive
from labelling.services.answers import assessment_create
from labelling.services.offline import questionnaire_export_xlsx

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Nom</t></is></c><c r="B1" t="inlineStr"><is><t>Type</t></is></c></row>'
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _members_workbook() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Nom", "Type"])
    workbook.active.append(["Acme", "PME"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _swap(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The same workbook with some parts replaced (or added), deflated."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in parts.items():
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def billion_rows(data: bytes, sheet: str = SHEET) -> bytes:
    """A header, then one row numbered 1,000,000,000: openpyxl yields every empty row in between."""
    row = b'<row r="1000000000"><c r="A1000000000" t="inlineStr"><is><t>x</t></is></c></row>'
    return _swap(data, {sheet: SHEET_HEAD + HEADER_ROW + row + SHEET_TAIL})


def inflating_part(data: bytes, sheet: str = SHEET, megabytes: int = 8) -> bytes:
    """A shared-strings table of ``megabytes`` MB of one repeated string: a few hundred kB on disk."""
    item = b"<si><t>aaaaaaaaaaaaaaaa</t></si>"
    count = megabytes * 1024 * 1024 // len(item)
    table = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + item * count + b"</sst>"
    )
    return _swap(data, {"xl/sharedStrings.xml": table})


def lying_sizes(data: bytes, sheet: str = SHEET, declared: int = 3 * 1024**3) -> bytes:
    """The workbook unchanged, except that the zip directory declares a 3 GB sheet."""
    blob = bytearray(data)
    name = sheet.encode()
    position = 0
    while (position := blob.find(b"PK\x01\x02", position)) != -1:
        name_length = struct.unpack_from("<H", blob, position + 28)[0]
        if bytes(blob[position + 46 : position + 46 + name_length]) == name:
            struct.pack_into("<I", blob, position + 24, declared)  # uncompressed size
            break
        position += 4
    return bytes(blob)


def problems(data: bytes, name: str = "members.xlsx") -> list[str]:
    with pytest.raises(MemberImportError) as caught:
        read_members(data, filename=name)
    return [str(problem) for problem in caught.value.errors]


# --- the check itself ----------------------------------------------------------------------------------


def test_the_bombs_are_small_on_disk():
    plain = _members_workbook()
    for bomb in (billion_rows(plain), inflating_part(plain), lying_sizes(plain)):
        assert len(bomb) < 400_000


def test_an_ordinary_workbook_passes_the_check_and_imports():
    check_xlsx_archive(_members_workbook())
    assert [row["name"] for row in read_members(_members_workbook(), filename="m.xlsx")] == ["Acme"]


def test_a_part_that_inflates_too_much_is_refused_from_the_directory_alone():
    with pytest.raises(SpreadsheetRefused, match="zip bomb"):
        check_xlsx_archive(inflating_part(_members_workbook()))


def test_declared_sizes_over_the_limit_are_refused(settings):
    with pytest.raises(SpreadsheetRefused, match="too large once decompressed"):
        check_xlsx_archive(lying_sizes(_members_workbook()))
    settings.XLSX_MAX_UNCOMPRESSED_BYTES = 1024
    with pytest.raises(SpreadsheetRefused, match="at most 0 MB"):
        check_xlsx_archive(_members_workbook())


def test_too_many_parts_are_refused(settings):
    settings.XLSX_MAX_ENTRIES = 5
    with pytest.raises(SpreadsheetRefused, match="too many parts"):
        check_xlsx_archive(_members_workbook())


# --- the member import --------------------------------------------------------------------------------


def test_the_member_import_refuses_each_bomb_quickly(settings):
    settings.IMPORT_MAX_ROWS = 1000
    plain = _members_workbook()
    started = time.monotonic()
    assert problems(billion_rows(plain)) == [
        "The sheet “Sheet” has more than 1000 rows. Delete the empty rows at its end, or split the file."
    ]
    assert "zip bomb" in problems(inflating_part(plain))[0]
    assert "too large once decompressed" in problems(lying_sizes(plain))[0]
    assert time.monotonic() - started < 10  # before the check: minutes, and gigabytes of memory


def test_a_sheet_declaring_too_many_rows_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 100
    sheet = SHEET_HEAD.replace(b"<sheetData>", b'<dimension ref="A1:B5000"/><sheetData>') + HEADER_ROW + SHEET_TAIL
    assert "more than 100 rows" in problems(_swap(_members_workbook(), {SHEET: sheet}))[0]


def test_a_cell_beyond_the_columns_the_import_reads_is_refused_naming_the_column(settings):
    settings.IMPORT_MAX_COLUMNS = 3
    cells = b"".join(b'<c r="%s2"><v>1</v></c>' % column.encode() for column in ("C", "D", "XFD"))
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>Acme</t></is></c><c r="B2" t="inlineStr"><is><t>PME</t></is></c>'
    sheet = SHEET_HEAD + HEADER_ROW + row + cells + b"</row>" + SHEET_TAIL
    # Column C is read (and reported: outside the named columns, were the file accepted); D stops the reading.
    assert problems(_swap(_members_workbook(), {SHEET: sheet})) == [
        "The sheet “Sheet” has a cell in column D of row 2, beyond the 3 columns this import reads: delete the "
        "columns after C."
    ]


def test_cells_without_references_and_repeated_references_are_counted_too(settings):
    settings.IMPORT_MAX_COLUMNS = 3
    for cells in (b"<c><v>1</v></c>" * 5, b'<c r="A2"><v>1</v></c>' * 5):
        sheet = SHEET_HEAD + HEADER_ROW + b'<row r="2">' + cells + b"</row>" + SHEET_TAIL
        assert "has a cell in column D of row 2" in problems(_swap(_members_workbook(), {SHEET: sheet}))[0]
    rows = b"".join(b'<row r="2"><c r="A2"><v>1</v></c></row>' for _ in range(5))
    settings.IMPORT_MAX_ROWS = 4
    sheet = SHEET_HEAD + HEADER_ROW + rows + SHEET_TAIL
    assert "has more than 4 rows" in problems(_swap(_members_workbook(), {SHEET: sheet}))[0]


def test_a_sheet_declaring_a_document_type_is_refused():
    sheet = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + SHEET_HEAD.split(b"?>", 1)[1] + SHEET_TAIL
    assert "declares a document type" in problems(_swap(_members_workbook(), {SHEET: sheet}))[0]


def test_a_csv_with_too_many_lines_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 10
    assert problems(b"Nom;Type\r\n" + b";\r\n" * 50, name="m.csv") == ["The file has more than 10 lines: split it."]


@pytest.mark.django_db
def test_the_import_page_refuses_a_bomb_with_a_translated_message(cluster, manager, client_for):
    client = client_for(manager)
    client.cookies["django_language"] = "fr"
    upload = SimpleUploadedFile("membres.xlsx", inflating_part(_members_workbook()))
    response = client.post(f"/clusters/{cluster.pk}/members/import/", {"file": upload})
    assert response.status_code == 400
    assert "bombe de décompression" in response.context["problems"][0]
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_the_command_refuses_a_bomb(cluster, tmp_path):
    path = tmp_path / "members.xlsx"
    path.write_bytes(inflating_part(_members_workbook()))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_members", str(cluster.pk), str(path))
    assert not Member.objects.exists()


# --- the offline questionnaire ----------------------------------------------------------------------------


@pytest.fixture
def assessment(framework, cluster, manager):
    return assessment_create(user=manager, cluster=cluster, reference_year=2025)


def _answers_sheet(data: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    index = workbook.sheetnames.index("answers")
    return f"xl/worksheets/sheet{index + 1}.xml"


@pytest.mark.django_db
@pytest.mark.parametrize("bomb", ["rows", "inflating", "sizes"])
def test_the_offline_questionnaire_refuses_each_bomb(assessment, manager, client_for, bomb):
    plain = questionnaire_export_xlsx(assessment=assessment, language="en")
    sheet = _answers_sheet(plain)
    data = {"rows": billion_rows, "inflating": inflating_part, "sizes": lying_sizes}[bomb](plain, sheet)
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    started = time.monotonic()
    response = client.post(
        reverse("labelling:assessment_offline", args=[assessment.pk]),
        {"file": SimpleUploadedFile("questionnaire.xlsx", data)},
    )
    assert time.monotonic() - started < 10
    assert response.status_code == 400
    text = response.content.decode()
    expected = {"rows": "has more than 2000 rows", "inflating": "zip bomb", "sizes": "too large once decompressed"}
    assert expected[bomb] in text


# --- cell bombs: a workbook under every size limit whose sheet is one row of 3.4 million cells ---------------

BOMB_CELLS = 3_400_000


@pytest.fixture(scope="module")
def bomb_sheet() -> bytes:
    """51 MB of sheet XML: one row of 3.4 million cells ``<c><v>D</v></c>``, D a random digit from 0 to 6, so
    that it deflates 22 times (under the ratio limit of 100) into 2.3 MB, and 48.6 MiB in all (under 50 MiB)."""
    import numpy

    cells = numpy.tile(numpy.frombuffer(b"<c><v>0</v></c>", dtype=numpy.uint8), (BOMB_CELLS, 1))
    cells[:, 6] = numpy.random.default_rng(22).integers(48, 55, BOMB_CELLS)
    return SHEET_HEAD + b'<row r="1">' + cells.tobytes() + b"</row>" + SHEET_TAIL


def cell_bomb(data: bytes, sheet_xml: bytes, sheet: str = SHEET) -> bytes:
    """The workbook with ``sheet`` replaced by the bomb, written with zipfile as a spreadsheet program would."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != sheet:
                target.writestr(info.filename, source.read(info.filename))
        target.writestr(sheet, sheet_xml, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buffer.getvalue()


def _measured(call) -> tuple[object, float, float]:
    """The call's answer, its time in seconds (run as is) and its memory growth in MB (Python's allocations at
    their peak, run again under tracemalloc, which slows it down)."""
    import tracemalloc

    started = time.perf_counter()
    answer = call()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        call()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return answer, seconds, peak / 1024 / 1024


def test_the_cell_bomb_is_under_every_declared_limit(bomb_sheet):
    bomb = cell_bomb(_members_workbook(), bomb_sheet)
    check_xlsx_archive(bomb)  # passes: the cells are what stops it
    entry = zipfile.ZipFile(io.BytesIO(bomb)).getinfo(SHEET)
    assert 2.2e6 < len(bomb) < 2.5e6 and 50e6 < entry.file_size < 52e6
    assert 20 < entry.file_size / entry.compress_size < 24


@pytest.mark.django_db
def test_the_member_import_stops_a_cell_bomb_at_the_first_cell_beyond_its_columns(
    cluster, manager, client_for, bomb_sheet, capsys
):
    bomb = cell_bomb(_members_workbook(), bomb_sheet)
    client = client_for(manager)
    client.cookies["django_language"] = "fr"

    def post():
        return client.post(f"/clusters/{cluster.pk}/members/import/", {"file": SimpleUploadedFile("m.xlsx", bomb)})

    response, seconds, megabytes = _measured(post)
    with capsys.disabled():
        print(f"\nmember import, cell bomb ({len(bomb) / 1e6:.1f} MB): refused in {seconds:.3f} s, +{megabytes:.1f} MB")
    assert response.status_code == 400
    assert response.context["problems"] == [
        "La feuille «\u202fSheet\u202f» a une cellule en colonne AY de la ligne 1, au-delà des 50\u00a0colonnes "
        "que lit cet import\u202f: supprimez les colonnes après AX."
    ]
    assert seconds < 1 and megabytes < 50
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_the_offline_questionnaire_stops_a_cell_bomb_at_the_first_cell_beyond_its_columns(
    assessment, manager, client_for, bomb_sheet, capsys
):
    plain = questionnaire_export_xlsx(assessment=assessment, language="en")
    bomb = cell_bomb(plain, bomb_sheet, _answers_sheet(plain))
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    url = reverse("labelling:assessment_offline", args=[assessment.pk])

    def post():
        return client.post(url, {"file": SimpleUploadedFile("questionnaire.xlsx", bomb)})

    response, seconds, megabytes = _measured(post)
    with capsys.disabled():
        print(
            f"\noffline questionnaire, cell bomb ({len(bomb) / 1e6:.1f} MB): "
            f"refused in {seconds:.3f} s, +{megabytes:.1f} MB"
        )
    assert response.status_code == 400
    assert (
        "The sheet “answers” has a cell in column K of row 1, beyond the 10 columns this import reads: delete the "
        "columns after J." in response.content.decode()
    )
    assert seconds < 1 and megabytes < 50


def test_the_programmes_targets_sheet_stops_a_cell_bomb_too(bomb_sheet, capsys):
    from programmes.indicator_sets import indicator_set
    from programmes.targets_sheet import TargetsImportError, read_targets, template_xlsx

    spec = indicator_set("poles-competitivite")
    bomb = cell_bomb(template_xlsx(spec=spec, years=[2024], current={}), bomb_sheet)

    def read():
        with pytest.raises(TargetsImportError) as caught:
            read_targets(bomb, spec=spec, years=[2024])
        return caught.value

    refused, seconds, megabytes = _measured(read)
    with capsys.disabled():
        print(f"\nprogramme targets, cell bomb: refused in {seconds:.3f} s, +{megabytes:.1f} MB")
    assert "has a cell in column AY of row 1, beyond the 50 columns" in str(refused.errors)
    assert seconds < 1 and megabytes < 50


def test_a_sheet_at_an_unusual_path_is_found_through_the_workbooks_relationships(settings):
    """openpyxl opens whatever part the workbook's relationships name: the count follows the same ones."""
    settings.IMPORT_MAX_COLUMNS = 3
    plain = _members_workbook()
    rels = zipfile.ZipFile(io.BytesIO(plain)).read("xl/_rels/workbook.xml.rels")
    assert b"worksheets/sheet1.xml" in rels
    wide = SHEET_HEAD + b'<row r="1">' + b"<c><v>1</v></c>" * 4 + b"</row>" + SHEET_TAIL
    moved = _swap(
        plain,
        {"xl/_rels/workbook.xml.rels": rels.replace(b"worksheets/sheet1.xml", b"hidden/data.xml"), SHEET: b""},
    )
    moved = _swap(moved, {"xl/hidden/data.xml": wide})
    assert "has a cell in column D of row 1" in problems(moved)[0]
