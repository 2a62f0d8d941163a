"""The questionnaire interchange format (JSON and XLSX). Pure: no database."""

import copy
import io
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from indicators.questionnaire import (
    INFORMATION_SHEET,
    Questionnaire,
    QuestionnaireError,
    questionnaire_for,
    read_questionnaire_json,
    read_questionnaire_xlsx,
    score_questionnaire,
    write_questionnaire_json,
    write_questionnaire_xlsx,
)
from indicators.spec import default_framework_spec

ECEI = default_framework_spec()


def frameworks(code):
    return ECEI if code == "ecei-31" else None


ANSWERS = {
    "S1": 80, "S2": 72.5, "S3": 110, "S4": 70, "G1": 12, "G2": 3.5, "G3": 80, "G4": 3, "G5": 60, "G6": 75,
    "G7": 55, "G8": 80, "G9": 12, "G10": 6, "F1": 24, "F2": 31, "V1": "co_built", "V2": "current",
    "V3": "complete", "V4": "audited", "V5": 12, "V6": 6, "V7": 3, "V8": 5, "V9": 50, "V10": 4, "V11": 12,
    "V12": "national", "R1": 2, "R2": 3, "R3": 40,
}  # fmt: skip

VALID = {
    "format": "grappe-questionnaire/1",
    "framework": "ecei-31",
    "cluster": {"name": "Elastopole", "country": "FR", "region": "24"},
    "reference_year": 2025,
    "validated_on": "2026-03-15",
    "eligibility": {"legal_entity": True, "public_profile": True},
    "answers": ANSWERS,
    "previous": {"validated_on": "2024-04-02", "answers": {"S3": 95, "R2": 0}},
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def data():
    return copy.deepcopy(VALID)


def errors_of(data) -> list[tuple[str, str]]:
    with pytest.raises(QuestionnaireError) as caught:
        read_questionnaire_json(data, frameworks=frameworks)
    return caught.value.errors


# --- JSON -------------------------------------------------------------------------------------------------------


def test_a_valid_json_questionnaire_is_read_with_typed_values(data):
    q = read_questionnaire_json(json.dumps(data).encode(), frameworks=frameworks)
    assert q.framework == "ecei-31"
    assert q.cluster == {"name": "Elastopole", "country": "FR", "region": "24"}
    assert (q.reference_year, q.validated_on) == (2025, date(2026, 3, 15))
    assert q.eligibility == {"legal_entity": True, "public_profile": True}
    assert q.answers["S2"] == Decimal("72.5")
    assert q.answers["V1"] == "co_built"
    assert list(q.answers) == list(ECEI.codes)
    assert q.previous == {"validated_on": date(2024, 4, 2), "answers": {"S3": Decimal(95), "R2": Decimal(0)}}


def test_a_json_questionnaire_scores_like_the_engine(data):
    q = read_questionnaire_json(data, frameworks=frameworks)
    result = score_questionnaire(q, ECEI)
    # 150 − G4 partial (2) − V12 partial (2) − R1 none (4) − R3 none (6) = 136
    assert (result.points, result.level, result.improved) == (136, "gold", ("R2",))
    assert result.silver_window


def test_a_null_answer_is_unanswered_not_missing(data):
    data["answers"]["R3"] = None
    q = read_questionnaire_json(data, frameworks=frameworks)
    assert q.answers["R3"] is None


def test_every_error_of_a_json_questionnaire_is_reported(data):
    data["format"] = "grappe-questionnaire/2"
    data["validated_on"] = "15/03/2026"
    data["reference_year"] = "last year"
    data["eligibility"] = {"legal_entity": "maybe"}
    del data["answers"]["S1"]
    data["answers"]["S3"] = "110 members"
    data["answers"]["S4"] = 170
    data["answers"]["V2"] = "recent"
    data["answers"]["X9"] = 3
    data["previous"]["validated_on"] = "2024-02-30"
    data["previous"]["answers"]["G2"] = -1
    assert errors_of(data) == [
        ("format", 'unknown format "grappe-questionnaire/2": expected "grappe-questionnaire/1".'),
        ("reference_year", "must be a year, such as 2025."),
        ("validated_on", "not a valid date: 15/03/2026 (expected YYYY-MM-DD)."),
        ("eligibility.legal_entity", "must be true or false."),
        ("eligibility.public_profile", "this field is required (true or false)."),
        ("X9", "unknown indicator for the framework ecei-31."),
        ("S1", "missing answer."),
        ("S3", 'must be a whole number (given: "110 members")'),
        ("S4", "must be a percentage from 0 to 100 (given: 170)"),
        ("V2", 'must be one of: current, outdated, none (given: "recent")'),
        ("previous.validated_on", "not a valid date: 2024-02-30 (expected YYYY-MM-DD)."),
        ("previous.G2", "must be 0 or more (given: -1)"),
    ]


def test_an_unknown_framework_is_reported_without_checking_the_answers(data):
    data["framework"] = "ecei-99"
    data["answers"]["S3"] = "many"
    assert errors_of(data) == [("framework", "unknown framework: ecei-99.")]


def test_missing_fields_are_reported():
    assert errors_of({}) == [
        ("format", 'this field is required ("grappe-questionnaire/1").'),
        ("framework", "this field is required."),
        ("reference_year", "this field is required."),
        ("eligibility", "this field is required: {legal_entity, public_profile}."),
        ("answers", "this field is required."),
    ]


def test_a_previous_assessment_must_come_before_this_one(data):
    data["previous"]["validated_on"] = "2026-03-15"
    assert errors_of(data) == [("previous.validated_on", "must be before validated_on.")]


def test_the_validation_date_is_optional(data):
    data["validated_on"] = None
    assert read_questionnaire_json(data, frameworks=frameworks).validated_on is None


@pytest.mark.parametrize(
    "content, error",
    [
        (b'{"format": ', ("file", "not valid JSON (line 1, column 12).")),
        (b"\xff\xfe\x00", ("file", "the file is not UTF-8 text.")),
        (b"[1, 2]", ("file", "a questionnaire must be a JSON object.")),
    ],
)
def test_a_malformed_json_file_is_reported(content, error):
    assert errors_of(content) == [error]


def test_json_round_trips(data):
    q = read_questionnaire_json(data, frameworks=frameworks)
    written = write_questionnaire_json(q)
    assert read_questionnaire_json(written, frameworks=frameworks) == q
    assert json.loads(written)["answers"]["S2"] == 72.5
    assert json.loads(written)["answers"]["S3"] == 110


# --- XLSX -------------------------------------------------------------------------------------------------------


def workbook_of(content: bytes):
    return load_workbook(io.BytesIO(content))


def saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_errors(content: bytes) -> list[tuple[str, str]]:
    with pytest.raises(QuestionnaireError) as caught:
        read_questionnaire_xlsx(content, frameworks=frameworks)
    return caught.value.errors


def test_xlsx_round_trips(data):
    q = read_questionnaire_json(data, frameworks=frameworks)
    assert read_questionnaire_xlsx(write_questionnaire_xlsx(q, ECEI), frameworks=frameworks) == q


def test_the_xlsx_has_one_row_per_indicator_in_the_chosen_language(data):
    q = read_questionnaire_json(data, frameworks=frameworks)
    sheet = workbook_of(write_questionnaire_xlsx(q, ECEI, language="en"))["answers"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("code", "category", "indicator", "unit", "answer")
    assert [row[0] for row in rows[1:]] == list(ECEI.codes)
    assert rows[3][:5] == ("S3", "Structure of the cluster", "Committed participants", "members", 110)
    french = workbook_of(write_questionnaire_xlsx(q, ECEI, language="fr"))["answers"]
    assert french["C4"].value == "Nombre de membres engagés"
    assert french["D4"].value == "membres"


def test_a_blank_questionnaire_can_be_filled_offline_and_read_back():
    blank = questionnaire_for(framework=ECEI, reference_year=2025, cluster={"name": "DREAM"})
    workbook = workbook_of(write_questionnaire_xlsx(blank, ECEI))
    sheet = workbook["answers"]
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=5).value = ANSWERS[sheet.cell(row=row, column=1).value]
    workbook["information"]["B8"] = datetime(2026, 3, 15)  # validated_on typed as an Excel date
    q = read_questionnaire_xlsx(saved(workbook), frameworks=frameworks)
    assert q.cluster["name"] == "DREAM"
    assert q.validated_on == date(2026, 3, 15)
    assert q.answers["G2"] == Decimal("3.5")
    assert score_questionnaire(q, ECEI).points == 136


def test_every_error_of_an_xlsx_questionnaire_is_reported(data):
    q = read_questionnaire_json(data, frameworks=frameworks)
    workbook = workbook_of(write_questionnaire_xlsx(q, ECEI))
    sheet = workbook["answers"]
    sheet["E4"] = "abc"  # S3
    sheet["E18"] = "maybe"  # V1
    sheet.delete_rows(2)  # S1
    sheet.append(["Z1", "", "", "", 4])
    sheet.append(["S2", "", "", "", 40])  # twice
    info = workbook["information"]
    info["B8"] = "2026-13-01"
    info["B9"] = "perhaps"
    assert xlsx_errors(saved(workbook)) == [
        ("S2", "appears on more than one row."),
        ("validated_on", "not a valid date: 2026-13-01 (expected YYYY-MM-DD)."),
        ("eligibility.legal_entity", "must be true or false."),
        ("Z1", "unknown indicator for the framework ecei-31."),
        ("S1", "missing answer."),
        ("S3", 'must be a whole number (given: "abc")'),
        ("V1", 'must be one of: co_built, consulted, none (given: "maybe")'),
    ]


def test_an_xlsx_without_its_sheets_is_reported():
    workbook = Workbook()
    workbook.active.title = "Feuil1"
    errors = xlsx_errors(saved(workbook))
    assert errors[:2] == [
        ("file", 'the sheet "information" is missing.'),
        ("file", 'the sheet "answers" is missing.'),
    ]


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_workbook_is_reported(content):
    assert xlsx_errors(content) == [("file", "not a readable XLSX workbook.")]


def test_an_xlsx_with_a_wrong_format_is_reported(data):
    q = read_questionnaire_json(data, frameworks=frameworks)
    workbook = workbook_of(write_questionnaire_xlsx(q, ECEI))
    workbook["information"]["B2"] = "something else"
    workbook["information"]["B3"] = "ecei-12"
    assert xlsx_errors(saved(workbook)) == [
        ("format", 'unknown format "something else": expected "grappe-questionnaire/1".'),
        ("framework", "unknown framework: ecei-12."),
    ]


def test_level_answers_offer_their_options_in_the_workbook(data):
    q = read_questionnaire_json(data, frameworks=frameworks)
    sheet = workbook_of(write_questionnaire_xlsx(q, ECEI))["answers"]
    formulas = {validation.formula1 for validation in sheet.data_validations.dataValidation}
    assert '"co_built,consulted,none"' in formulas
    assert '"bilingual,national,none"' in formulas


def test_the_questionnaire_dataclass_gives_the_engine_inputs(data):
    q = read_questionnaire_json(data, frameworks=frameworks)
    assert isinstance(q, Questionnaire)
    assert q.eligibility_value().legal_entity is True
    assert q.previous_assessment().validated_on == date(2024, 4, 2)


def test_a_cluster_name_that_looks_like_a_formula_stays_text_in_the_offline_workbook(data):
    formula = '=HYPERLINK("http://attacker.example/","Open")'
    data = dict(data, cluster={**data["cluster"], "name": formula})
    q = read_questionnaire_json(data, frameworks=frameworks)
    content = write_questionnaire_xlsx(q, default_framework_spec())
    sheet = load_workbook(io.BytesIO(content))[INFORMATION_SHEET]
    cells = [row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "cluster.name"]
    assert [(c.value, c.data_type) for c in cells] == [(formula, "s")]
    assert read_questionnaire_xlsx(content, frameworks=frameworks).cluster["name"] == formula
