"""The questionnaire interchange format of indicators.md, as JSON and as XLSX (pure: no ORM).

One format for the offline questionnaire, the import, the API and ``manage.py score``. The readers never stop
at the first problem: QuestionnaireError lists every one as (field or indicator code, message). The XLSX
reader turns the workbook into the JSON structure and validates it with the same code as the JSON reader.

XLSX layout: sheet ``answers`` (row 1 headers, then one row per indicator: code, category, name, unit, answer,
expected), sheet ``information`` (field | value: format, framework, cluster.*, reference_year, validated_on,
eligibility.*), and, for a renewal, sheet ``previous`` (row ``validated_on`` | date, then code | answer rows).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from core.spreadsheets import SpreadsheetRefused, bounded_rows, check_xlsx

from . import values
from .computations import (
    Eligibility,
    InvalidValue,
    PreviousAssessment,
    ScoreResult,
    Value,
    clean_value,
    score_assessment,
)
from .spec import FrameworkSpec, IndicatorSpec

FORMAT = "grappe-questionnaire/1"
ANSWERS_SHEET = "answers"
INFORMATION_SHEET = "information"
PREVIOUS_SHEET = "previous"
CLUSTER_FIELDS = ("name", "country", "region")
ELIGIBILITY_FIELDS = ("legal_entity", "public_profile")
MAX_XLSX_ROWS = 2000  # a questionnaire has a few dozen rows; refuse to walk a huge sheet
MAX_XLSX_COLUMNS = 10  # it reads the first five

FrameworkLookup = Callable[[str], FrameworkSpec | None]

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true", "yes", "oui", "1", "vrai", "x"}
_FALSE = {"false", "no", "non", "0", "faux", ""}


@dataclass
class Questionnaire:
    framework: str
    cluster: dict
    reference_year: int
    validated_on: date | None
    eligibility: dict  # {"legal_entity": bool, "public_profile": bool}
    answers: dict[str, Value]  # cleaned: Decimal, option code or None (unanswered), in framework order
    previous: dict | None = None  # {"validated_on": date, "answers": {code: value}}
    format: str = field(default=FORMAT)

    def eligibility_value(self) -> Eligibility:
        return Eligibility(
            legal_entity=bool(self.eligibility.get("legal_entity")),
            public_profile=bool(self.eligibility.get("public_profile")),
        )

    def previous_assessment(self) -> PreviousAssessment | None:
        if not self.previous:
            return None
        return PreviousAssessment(validated_on=self.previous["validated_on"], answers=self.previous["answers"])


class QuestionnaireError(Exception):
    """The file is not a valid questionnaire: ``errors`` lists ALL problems as (field or code, message)."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = list(errors)
        super().__init__("\n".join(f"{where}: {message}" for where, message in self.errors))


def score_questionnaire(questionnaire: Questionnaire, framework: FrameworkSpec) -> ScoreResult:
    return score_assessment(
        framework,
        questionnaire.answers,
        eligibility=questionnaire.eligibility_value(),
        validated_on=questionnaire.validated_on,
        previous=questionnaire.previous_assessment(),
    )


# --- Validation (shared by both readers) ------------------------------------------------------------------------


def _parse_date(errors: list, where: str, raw: Any, *, required: bool) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if raw is None or raw == "":
        if required:
            errors.append((where, _("this field is required.")))
        return None
    if isinstance(raw, str) and _DATE_RE.match(raw.strip()):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    errors.append((where, _("not a valid date: %(value)s (expected YYYY-MM-DD).") % {"value": raw}))
    return None


def _parse_year(errors: list, raw: Any) -> int:
    year: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        year = raw
    elif isinstance(raw, float) and raw.is_integer():
        year = int(raw)
    elif isinstance(raw, str) and raw.strip().isdigit():
        year = int(raw.strip())
    if raw is None or raw == "":
        errors.append(("reference_year", _("this field is required.")))
        return 0
    if year is None or not 1900 <= year <= 2200:
        errors.append(("reference_year", _("must be a year, such as 2025.")))
        return 0
    return year


def _parse_bool(errors: list, where: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE and raw.strip():
        return raw.strip().lower() in _TRUE
    if raw is None or raw == "":
        errors.append((where, _("this field is required (true or false).")))
    else:
        errors.append((where, _("must be true or false.")))
    return False


def _clean_answers(
    errors: list, framework: FrameworkSpec, raw: Any, *, prefix: str, require_all: bool
) -> dict[str, Value]:
    if not isinstance(raw, dict):
        errors.append((f"{prefix}answers", _("must be an object {code: value}.")))
        return {}
    known = set(framework.codes)
    for code in raw:
        if code not in known:
            errors.append(
                (
                    f"{prefix}{code}",
                    _("unknown indicator for the framework %(framework)s.") % {"framework": framework.code},
                )
            )
    answers: dict[str, Value] = {}
    for spec in framework.indicators:
        if spec.code not in raw:
            if require_all:
                errors.append((f"{prefix}{spec.code}", _("missing answer.")))
            continue
        try:
            answers[spec.code] = clean_value(spec, raw[spec.code])
        except InvalidValue as exc:
            errors.append(
                (
                    f"{prefix}{spec.code}",
                    _("%(message)s (given: %(value)s)")
                    % {
                        "message": exc.message.rstrip("."),
                        "value": json.dumps(raw[spec.code], ensure_ascii=False, default=str),
                    },
                )
            )
    return answers


def questionnaire_from_dict(data: Any, *, frameworks: FrameworkLookup) -> Questionnaire:
    """Validate the JSON structure of a questionnaire; QuestionnaireError lists every problem."""
    errors: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        raise QuestionnaireError([("file", _("a questionnaire must be a JSON object."))])

    fmt = data.get("format")
    if fmt is None or fmt == "":
        errors.append(("format", _('this field is required ("%(format)s").') % {"format": FORMAT}))
    elif fmt != FORMAT:
        errors.append(
            (
                "format",
                _('unknown format %(value)s: expected "%(format)s".') % {"value": json.dumps(fmt), "format": FORMAT},
            )
        )

    framework: FrameworkSpec | None = None
    code = data.get("framework")
    if not isinstance(code, str) or not code.strip():
        errors.append(("framework", _("this field is required.")))
    else:
        framework = frameworks(code.strip())
        if framework is None:
            errors.append(("framework", _("unknown framework: %(code)s.") % {"code": code}))

    cluster = data.get("cluster", {})
    if cluster is None:
        cluster = {}
    if not isinstance(cluster, dict):
        errors.append(("cluster", _("must be an object.")))
        cluster = {}
    else:
        for key, value in cluster.items():
            if value is not None and not isinstance(value, str | int):
                errors.append((f"cluster.{key}", _("must be a text.")))
        cluster = {key: ("" if value is None else str(value)) for key, value in cluster.items()}

    reference_year = _parse_year(errors, data.get("reference_year"))
    validated_on = _parse_date(errors, "validated_on", data.get("validated_on"), required=False)

    eligibility_raw = data.get("eligibility")
    eligibility: dict[str, bool] = {}
    if not isinstance(eligibility_raw, dict):
        errors.append(("eligibility", _("this field is required: {legal_entity, public_profile}.")))
    else:
        for key in ELIGIBILITY_FIELDS:
            eligibility[key] = _parse_bool(errors, f"eligibility.{key}", eligibility_raw.get(key))

    answers: dict[str, Value] = {}
    if "answers" not in data:
        errors.append(("answers", _("this field is required.")))
    elif framework is not None:
        answers = _clean_answers(errors, framework, data["answers"], prefix="", require_all=True)
    elif not isinstance(data["answers"], dict):
        errors.append(("answers", _("must be an object {code: value}.")))

    previous: dict | None = None
    raw_previous = data.get("previous")
    if raw_previous is not None:
        if not isinstance(raw_previous, dict):
            errors.append(("previous", _("must be an object {validated_on, answers}.")))
        else:
            previous_on = _parse_date(errors, "previous.validated_on", raw_previous.get("validated_on"), required=True)
            previous_answers: dict[str, Value] = {}
            if "answers" not in raw_previous:
                errors.append(("previous.answers", _("this field is required.")))
            elif framework is not None:
                previous_answers = _clean_answers(
                    errors, framework, raw_previous["answers"], prefix="previous.", require_all=False
                )
            if previous_on is not None and validated_on is not None and previous_on >= validated_on:
                errors.append(("previous.validated_on", _("must be before validated_on.")))
            previous = {"validated_on": previous_on, "answers": previous_answers}

    if errors:
        raise QuestionnaireError(errors)
    assert framework is not None
    return Questionnaire(
        framework=framework.code,
        cluster=cluster,
        reference_year=reference_year,
        validated_on=validated_on,
        eligibility=eligibility,
        answers=answers,
        previous=previous,
    )


# --- JSON -------------------------------------------------------------------------------------------------------


def read_questionnaire_json(data: bytes | str | dict, *, frameworks: FrameworkLookup) -> Questionnaire:
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise QuestionnaireError([("file", _("the file is not UTF-8 text."))]) from None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise QuestionnaireError(
                [
                    (
                        "file",
                        _("not valid JSON (line %(line)d, column %(column)d).")
                        % {"line": exc.lineno, "column": exc.colno},
                    )
                ]
            ) from None
        except RecursionError:  # e.g. 200,000 nested "[": Python's parser gives up before it reaches the end
            raise QuestionnaireError([("file", _("JSON nested too deeply."))]) from None
    return questionnaire_from_dict(data, frameworks=frameworks)


def _json_value(value: Value) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def questionnaire_to_dict(q: Questionnaire) -> dict:
    data: dict[str, Any] = {
        "format": FORMAT,
        "framework": q.framework,
        "cluster": dict(q.cluster),
        "reference_year": q.reference_year,
        "validated_on": q.validated_on.isoformat() if q.validated_on else None,
        "eligibility": {key: bool(q.eligibility.get(key)) for key in ELIGIBILITY_FIELDS},
        "answers": {code: _json_value(value) for code, value in q.answers.items()},
    }
    if q.previous:
        previous_on = q.previous.get("validated_on")
        data["previous"] = {
            "validated_on": previous_on.isoformat() if isinstance(previous_on, date) else previous_on,
            "answers": {code: _json_value(value) for code, value in q.previous.get("answers", {}).items()},
        }
    return data


def write_questionnaire_json(q: Questionnaire) -> bytes:
    return json.dumps(questionnaire_to_dict(q), ensure_ascii=False, indent=2).encode("utf-8")


# --- XLSX -------------------------------------------------------------------------------------------------------


def _expected(spec: IndicatorSpec, language: str) -> str:
    if spec.value_type == "level":
        return " · ".join(f"{option.code} = {option.label.get(language) or option.code}" for option in spec.options)
    if spec.value_type == "pct":
        return _("a percentage from 0 to 100")
    maximum = f" ≤ {values.format_number(spec.max_value, language=language)}" if spec.max_value is not None else ""
    if spec.value_type == "int":
        return _("a whole number ≥ 0") + maximum
    return _("a number ≥ 0") + maximum


def write_questionnaire_xlsx(q: Questionnaire, framework: FrameworkSpec, *, language: str = "fr") -> bytes:
    """The questionnaire as a workbook to fill offline; read it back with read_questionnaire_xlsx."""
    # deferred: openpyxl is heavy (0.13 s, 190 modules); only the spreadsheet questionnaire needs it
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    lang = language[:2] if language[:2] in ("fr", "en") else "fr"
    with translation.override(lang):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = ANSWERS_SHEET
        headers = ["code", _("category"), _("indicator"), _("unit"), _("answer"), _("expected"), _("help")]
        sheet.append(headers)
        bold = Font(bold=True)
        for cell in sheet[1]:
            cell.font = bold
        answer_fill = PatternFill("solid", fgColor="FFF7D6")
        categories = {category.code: category for category in framework.categories}
        for spec in framework.indicators:
            category = categories.get(spec.category)
            sheet.append(
                [
                    spec.code,
                    category.name.get(lang, "") if category else spec.category,
                    spec.name.get(lang, ""),
                    spec.unit.get(lang, ""),
                    _json_value(q.answers.get(spec.code)),
                    _expected(spec, lang),
                    spec.help.get(lang, ""),
                ]
            )
            row = sheet.max_row
            sheet.cell(row=row, column=5).fill = answer_fill
            if spec.value_type == "level":
                validation = DataValidation(
                    type="list", formula1='"' + ",".join(spec.option_codes) + '"', allow_blank=True
                )
                sheet.add_data_validation(validation)
                validation.add(sheet.cell(row=row, column=5))
        for column, width in zip("ABCDEFG", (7, 28, 60, 16, 14, 40, 80), strict=True):
            sheet.column_dimensions[column].width = width
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"

        info = workbook.create_sheet(INFORMATION_SHEET)
        info.append([_("field"), _("value")])
        info.append(["format", FORMAT])
        info.append(["framework", q.framework])
        for key in CLUSTER_FIELDS:
            info.append([f"cluster.{key}", q.cluster.get(key, "")])
        info.append(["reference_year", q.reference_year])
        info.append(["validated_on", q.validated_on.isoformat() if q.validated_on else ""])
        for key in ELIGIBILITY_FIELDS:
            info.append([f"eligibility.{key}", bool(q.eligibility.get(key))])
        for cell in info[1]:
            cell.font = bold
        info.column_dimensions["A"].width = 28
        info.column_dimensions["B"].width = 30

        if q.previous:
            previous = workbook.create_sheet(PREVIOUS_SHEET)
            previous_on = q.previous.get("validated_on")
            previous.append(["validated_on", previous_on.isoformat() if isinstance(previous_on, date) else previous_on])
            for code, value in q.previous.get("answers", {}).items():
                previous.append([code, _json_value(value)])

    # Text such as a cluster name "=HYPERLINK(…)" must stay text: openpyxl would write it as a formula.
    for worksheet in workbook.worksheets:
        for cells in worksheet.iter_rows():
            for cell in cells:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


def _json_scalar(value: Any) -> Any:
    """A cell value as the JSON reader expects it (dates as ISO text)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def read_questionnaire_xlsx(data: bytes, *, frameworks: FrameworkLookup) -> Questionnaire:
    try:
        # before openpyxl inflates anything (or is even loaded): the zip container, then every sheet's rows and
        # cells, streamed
        check_xlsx(data, max_rows=MAX_XLSX_ROWS, max_columns=MAX_XLSX_COLUMNS)
    except SpreadsheetRefused as exc:
        raise QuestionnaireError([("file", str(exc.message))]) from None
    # deferred: openpyxl is heavy (0.13 s, 190 modules); only the spreadsheet questionnaire needs it
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise QuestionnaireError([("file", _("not a readable XLSX workbook."))]) from None

    def rows(sheet_name: str):
        # The first columns only, and at most MAX_XLSX_ROWS rows (a longer sheet is refused).
        for number, cells in bounded_rows(workbook[sheet_name], max_rows=MAX_XLSX_ROWS, max_columns=MAX_XLSX_COLUMNS):
            yield number - 1, cells

    try:
        errors: list[tuple[str, str]] = []
        structure: dict[str, Any] = {}
        names = {name.strip().lower(): name for name in workbook.sheetnames}

        if INFORMATION_SHEET not in names:
            errors.append(("file", _('the sheet "%(sheet)s" is missing.') % {"sheet": INFORMATION_SHEET}))
        else:
            cluster: dict[str, Any] = {}
            eligibility: dict[str, Any] = {}
            for _index, row in rows(names[INFORMATION_SHEET]):
                if not row or row[0] is None:
                    continue
                key = str(_cell(row[0]))
                value = _json_scalar(_cell(row[1])) if len(row) > 1 else None
                if key.startswith("cluster."):
                    cluster[key.removeprefix("cluster.")] = value
                elif key.startswith("eligibility."):
                    eligibility[key.removeprefix("eligibility.")] = value
                elif key in ("format", "framework", "reference_year", "validated_on"):
                    structure[key] = value
            structure["cluster"] = cluster
            structure["eligibility"] = eligibility

        if ANSWERS_SHEET not in names:
            errors.append(("file", _('the sheet "%(sheet)s" is missing.') % {"sheet": ANSWERS_SHEET}))
        else:
            answers: dict[str, Any] = {}
            for index, row in rows(names[ANSWERS_SHEET]):
                if index == 0:
                    continue  # headers
                if not row or row[0] is None or str(row[0]).strip() == "":
                    continue
                code = str(_cell(row[0]))
                if code in answers:
                    errors.append((code, _("appears on more than one row.")))
                    continue
                answers[code] = _json_scalar(_cell(row[4])) if len(row) > 4 else None
            structure["answers"] = answers

        if PREVIOUS_SHEET in names:
            previous: dict[str, Any] = {"answers": {}}
            for _index, row in rows(names[PREVIOUS_SHEET]):
                if not row or row[0] is None:
                    continue
                key = str(_cell(row[0]))
                value = _json_scalar(_cell(row[1])) if len(row) > 1 else None
                if key == "validated_on":
                    previous["validated_on"] = value
                elif key in previous["answers"]:
                    errors.append((f"previous.{key}", _("appears on more than one row.")))
                else:
                    previous["answers"][key] = value
            structure["previous"] = previous
    except SpreadsheetRefused as exc:
        raise QuestionnaireError([("file", str(exc.message))]) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise QuestionnaireError([("file", _("not a readable XLSX workbook."))]) from None
    finally:
        workbook.close()

    try:
        questionnaire = questionnaire_from_dict(structure, frameworks=frameworks)
    except QuestionnaireError as exc:
        raise QuestionnaireError(errors + exc.errors) from None
    if errors:
        raise QuestionnaireError(errors)
    return questionnaire


def questionnaire_for(
    *,
    framework: FrameworkSpec,
    answers: Mapping[str, Value] | None = None,
    cluster: dict | None = None,
    reference_year: int,
    validated_on: date | None = None,
    eligibility: dict | None = None,
    previous: dict | None = None,
) -> Questionnaire:
    """A questionnaire with every indicator of the framework (unanswered ones as None), for writing out."""
    answers = answers or {}
    return Questionnaire(
        framework=framework.code,
        cluster=dict(cluster or {}),
        reference_year=reference_year,
        validated_on=validated_on,
        eligibility={key: bool((eligibility or {}).get(key, True)) for key in ELIGIBILITY_FIELDS},
        answers={code: answers.get(code) for code in framework.codes},
        previous=previous,
    )
