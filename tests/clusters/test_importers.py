"""Reading member files (CSV and XLSX): every problem reported with its line, nothing saved unless all is right."""

import datetime
import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from clusters.importers import MemberImportError, headers_for, read_members, template_csv, template_xlsx
from clusters.models import Member
from tests.factories import MemberFactory


def csv_bytes(lines, *, encoding="utf-8", delimiter=";"):
    return ("\r\n".join(delimiter.join(cells) for cells in lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems_of(data, filename="members.csv"):
    with pytest.raises(MemberImportError) as caught:
        read_members(data, filename=filename)
    return caught.value.errors


FR_HEADER = ["Nom", "Type", "Taille", "Région", "Membre depuis", "Cotisant", "Actif"]


# --- what is accepted --------------------------------------------------------------------------------


def test_a_french_csv_with_semicolons_and_a_bom_is_read_with_labels_and_french_booleans():
    data = "\ufeff".encode() + csv_bytes(
        [
            FR_HEADER,
            ["Société Générale", "Grande entreprise", "Grande", "11", "15/03/2019", "oui", "non"],
            ["Laboratoire Énergie", "organisme de recherche", "", "24", "2012-01-31", "0", "1"],
        ]
    )
    rows = read_members(data, filename="membres.csv")
    assert rows == [
        {
            "name": "Société Générale",
            "member_type": "large",
            "size_class": "large",
            "region": "11",
            "member_since": datetime.date(2019, 3, 15),
            "fee_paying": True,
            "active": False,
        },
        {
            "name": "Laboratoire Énergie",
            "member_type": "research",
            "size_class": "",
            "region": "24",
            "member_since": datetime.date(2012, 1, 31),
            "fee_paying": False,
            "active": True,
        },
    ]


def test_english_headers_in_any_case_with_commas_codes_and_english_booleans():
    data = csv_bytes(
        [["NAME", "member type", "SIZE CLASS", "region", "Member Since", "FEE-PAYING", "active"],
         ["Acme", "SME", "small", "24", "", "yes", "no"],
         ["Beta", "university or training body", "Medium (50–249)", "", "", "", ""]],
        delimiter=",",
    )  # fmt: skip
    rows = read_members(data, filename="members.csv")
    assert [(r["name"], r["member_type"], r["size_class"], r["fee_paying"], r["active"]) for r in rows] == [
        ("Acme", "sme", "small", True, False),
        ("Beta", "university", "medium", True, True),
    ]


def test_headers_without_accents_and_only_the_required_columns_are_enough():
    rows = read_members(csv_bytes([["nom", "TYPE"], ["Acme", "pme"]]), filename="x.csv")
    assert rows == [
        {
            "name": "Acme",
            "member_type": "sme",
            "size_class": "",
            "region": "",
            "member_since": None,
            "fee_paying": True,
            "active": True,
        }
    ]


def test_a_cp1252_csv_is_decoded():
    data = csv_bytes([FR_HEADER, ["Crédit Agricole Centre-Loire", "Grande entreprise", "", "24", "", "", ""]],
                     encoding="cp1252")  # fmt: skip
    assert read_members(data, filename="export.csv")[0]["name"] == "Crédit Agricole Centre-Loire"


def test_a_utf8_csv_without_bom_is_decoded():
    data = csv_bytes([FR_HEADER, ["Éléments Œuvre", "PME", "", "", "", "", ""]])
    assert read_members(data, filename="export.csv")[0]["name"] == "Éléments Œuvre"


def test_an_xlsx_with_date_cells_and_numeric_regions_is_read():
    data = xlsx_bytes(
        [
            ["Name", "Type", "Size class", "Region", "Member since", "Fee-paying", "Active"],
            ["Acme", "sme", "micro", 24, datetime.datetime(2020, 5, 4), 1, True],
            [None, None, None, None, None, None, None],  # blank rows are skipped
            ["Beta", "public", None, "FR10", "04/05/2021", "non", None],
        ]
    )
    rows = read_members(data, filename="members.xlsx")
    assert [(r["name"], r["region"], r["member_since"], r["fee_paying"], r["active"]) for r in rows] == [
        ("Acme", "24", datetime.date(2020, 5, 4), True, True),
        ("Beta", "FR10", datetime.date(2021, 5, 4), False, True),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_templates_have_the_headers_of_the_language_and_are_read_back(language):
    # The reader's spreadsheet separator (core.csv_dialect), the administrators' exports' too.
    separator = {"fr": ";", "en": ","}[language]
    assert template_csv(language).decode("utf-8-sig").strip() == separator.join(headers_for(language))
    sheet = load_workbook(io.BytesIO(template_xlsx(language))).worksheets[0]
    assert [c.value for c in sheet[1]] == headers_for(language)
    filled = template_csv(language) + separator.join(["Acme", "PME", "", "24", "", "", ""]).encode() + b"\r\n"
    assert read_members(filled, filename="t.csv")[0]["name"] == "Acme"


def test_french_and_english_template_headers_differ():
    assert headers_for("fr")[0] == "Nom" and headers_for("en")[0] == "Name"


# --- what is refused ---------------------------------------------------------------------------------


def test_every_bad_row_is_reported_with_its_line_and_several_reasons_per_row():
    data = csv_bytes(
        [
            FR_HEADER,
            ["Acme", "PME", "", "24", "", "", ""],
            ["", "martian", "huge", "", "31/02/2020", "peut-être", ""],
            ["Beta", "PME", "", "", "2999-01-01", "", ""],
            ["ACME", "PME", "", "", "", "", ""],
        ]
    )
    assert problems_of(data) == [
        "Line 3: the name is missing.",
        "Line 3: unknown type “martian” (expected one of: sme, large, research, university, public, other).",
        "Line 3: unknown size class “huge” (expected one of: micro, small, medium, large).",
        "Line 3: “31/02/2020” is not a date (use YYYY-MM-DD or DD/MM/YYYY).",
        "Line 3: “peut-être” is not a yes/no value for fee-paying (use yes, no, oui, non, 1 or 0).",
        "Line 4: the membership date 2999-01-01 is in the future.",
        "Line 5: “ACME” already appears on line 2.",
    ]


def test_missing_and_unknown_columns_are_reported_on_line_1():
    errors = problems_of(csv_bytes([["Company", "Région", "Colour"], ["Acme", "24", "blue"]]))
    assert errors[0].startswith("Line 1: unknown column “Company” (expected: Nom, Type,")
    assert errors[1].startswith("Line 1: unknown column “Colour”")
    assert errors[2:] == [
        "Line 1: the required column “Nom” / “Name” is missing.",
        "Line 1: the required column “Type” / “Type” is missing.",
    ]


def test_a_column_given_twice_is_refused():
    errors = problems_of(csv_bytes([["Nom", "Name", "Type"], ["a", "b", "sme"]]))
    assert errors == ["Line 1: the column “Name” appears twice."]


def test_values_beyond_the_named_columns_are_refused():
    errors = problems_of(csv_bytes([["Nom", "Type"], ["Acme", "sme", "surprise"]]))
    assert errors == ["Line 2: values outside the named columns."]


def test_random_bytes_named_xlsx_are_refused_as_a_workbook():
    assert problems_of(os.urandom(4096), filename="members.xlsx") == ["The file is not a valid XLSX workbook."]


def test_a_damaged_zip_named_xlsx_is_refused_as_a_workbook():
    assert problems_of(b"PK\x03\x04" + os.urandom(500), filename="members.xlsx") == [
        "The file is not a valid XLSX workbook."
    ]


def test_other_file_types_are_refused():
    assert problems_of(b"%PDF-1.4 ...", filename="members.pdf") == [
        "Unsupported file type: upload a .csv or .xlsx file."
    ]


def test_a_binary_file_named_csv_is_refused():
    assert problems_of(b"MZ\x90\x00\x03\x00\x00\x00", filename="members.csv") == ["The file is not a CSV text file."]


def test_an_empty_file_and_a_header_without_rows_are_refused():
    assert problems_of(b"") == ["The file is empty."]
    assert problems_of(csv_bytes([FR_HEADER])) == ["The file has a header but no member."]


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    assert problems_of(b"x" * (1024 * 1024 + 1)) == ["The file is too large (1 MB at most)."]


# --- the command -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_imports_a_file_and_reimporting_it_updates(cluster, tmp_path: Path):
    path = tmp_path / "membres.csv"
    path.write_bytes(
        csv_bytes([FR_HEADER, ["Acme", "PME", "", "24", "", "oui", "oui"], ["Beta", "GE", "", "", "", "", ""]])
    )
    out = io.StringIO()
    call_command("import_members", str(cluster.pk), str(path), stdout=out)
    assert out.getvalue().strip() == "Cosmetic Valley: 2 created, 0 updated, 0 unchanged."
    path.write_bytes(csv_bytes([FR_HEADER, ["ACME", "PME", "", "11", "", "oui", "oui"]]))
    out = io.StringIO()
    call_command("import_members", str(cluster.pk), str(path), stdout=out)
    assert out.getvalue().strip() == "Cosmetic Valley: 0 created, 1 updated, 0 unchanged."
    assert Member.objects.get(cluster=cluster, name="Acme").region == "11"
    assert Member.objects.filter(cluster=cluster).count() == 2


@pytest.mark.django_db
def test_the_command_exits_2_with_every_problem_on_stderr_and_saves_nothing(cluster, tmp_path: Path):
    MemberFactory(cluster=cluster, name="Acme", region="24")
    path = tmp_path / "membres.csv"
    path.write_bytes(csv_bytes([FR_HEADER, ["Acme", "PME", "", "11", "", "", ""], ["Beta", "??", "", "", "", "", ""]]))
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_members", str(cluster.pk), str(path), stderr=err)
    assert caught.value.returncode == 2
    assert err.getvalue().splitlines() == [
        "Line 3: unknown type “??” (expected one of: sme, large, research, university, public, other)."
    ]
    assert Member.objects.get(cluster=cluster, name="Acme").region == "24"
    assert not Member.objects.filter(name="Beta").exists()
    assert not AuditEvent.objects.filter(action="members.import").exists()


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_cluster(tmp_path: Path):
    path = tmp_path / "m.csv"
    path.write_bytes(b"Nom;Type\r\nA;sme\r\n")
    with pytest.raises(CommandError) as caught:
        call_command("import_members", "999999", str(path))
    assert caught.value.returncode == 2


# --- one declaration of the columns (issue 22, item 2) -----------------------------------------------------


def test_the_field_names_in_both_languages_are_accepted_as_headers():
    """« tranche d'effectif » is what the French pages call the size class: a file headed that way is read."""
    french = ["Nom de l’organisation", "Type", "Tranche d'effectif", "Région", "Membre depuis", "Cotisant", "Actif"]
    english = ["Organisation name", "type", "size class", "region", "member since", "fee-paying", "active"]
    for header in (french, english):
        rows = read_members(csv_bytes([header, ["Acme", "PME", "petite", "24", "", "oui", ""]]))
        assert rows[0]["size_class"] == "small" and rows[0]["name"] == "Acme"


def test_an_unknown_column_is_reported_with_every_bad_row_in_one_answer():
    data = csv_bytes(
        [
            ["Nom", "Type", "Couleur", "Cotisant"],
            ["Acme", "PME", "bleu", "oui"],
            ["Beta", "licorne", "vert", "peut-être"],
            ["", "PME", "", ""],
        ]
    )
    assert problems_of(data) == [
        "Line 1: unknown column “Couleur” (expected: Nom, Type, Taille, Région, Membre depuis, Cotisant, Actif / "
        "Name, Type, Size class, Region, Member since, Fee-paying, Active).",
        "Line 3: unknown type “licorne” (expected one of: sme, large, research, university, public, other).",
        "Line 3: “peut-être” is not a yes/no value for fee-paying (use yes, no, oui, non, 1 or 0).",
        "Line 4: the name is missing.",
    ]


def test_a_missing_required_column_is_said_once_and_the_rows_are_still_checked():
    data = csv_bytes([["Nom", "Cotisant"], ["Acme", "oui"], ["Beta", "peut-être"]])
    assert problems_of(data) == [
        "Line 1: the required column “Type” / “Type” is missing.",
        "Line 3: “peut-être” is not a yes/no value for fee-paying (use yes, no, oui, non, 1 or 0).",
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_template_help_sheet_lists_the_columns_of_the_declaration(language):
    from clusters.importers import COLUMNS

    workbook = load_workbook(io.BytesIO(template_xlsx(language)))
    help_rows = list(workbook.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in help_rows] == headers_for(language)
    assert [row[1] for row in help_rows] == headers_for("fr" if language == "en" else "en")
    assert len(help_rows) == len(COLUMNS)


# --- the typographic apostrophe of the French catalogue ---------------------------------------------------------


@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
def test_a_spreadsheet_headed_with_either_apostrophe_is_read(apostrophe):
    """The French catalogue writes « tranche d’effectif » (’); a spreadsheet made before, or typed on a keyboard,
    says « tranche d'effectif »: both are read, as are the other headers with an elision."""
    from django.utils import translation

    from clusters.models import Member

    with translation.override("fr"):
        size_class = str(Member._meta.get_field("size_class").verbose_name)
    assert "\u2019" in size_class, size_class  # the catalogue's own spelling
    header = [f"Nom de l{apostrophe}organisation", "Type", size_class.replace("\u2019", apostrophe).capitalize()]
    header += [f"Date d{apostrophe}adhésion", "Cotisant"]
    rows = read_members(xlsx_bytes([header, ["Acme", "PME", "petite", "15/03/2021", "oui"]]), filename="m.xlsx")
    assert rows[0]["name"] == "Acme" and rows[0]["size_class"] == "small"
    assert rows[0]["member_since"] == datetime.date(2021, 3, 15)
