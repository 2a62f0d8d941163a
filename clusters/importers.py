"""Member lists from CSV or XLSX files, and the template to fill.

The whole file is read and checked before anything is saved: ``read_members`` returns the rows ready for
``clusters.services.members_import`` or raises ``MemberImportError`` listing every problem, each with its line
number (the header is line 1). Headers may be French or English, in any case, with or without accents.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.models import Member, MemberType, SizeClass
from core.csv_dialect import spreadsheet_delimiter
from core.exceptions import DomainError, NotFound
from core.spreadsheets import SpreadsheetRefused, bounded_rows, open_xlsx


@dataclass(frozen=True)
class Column:
    """One column of a member file: the one declaration that the reader, the templates (their headers and help
    sheet) and the import page's list of columns are made from."""

    key: str  # the Member field it fills
    en: str  # the template's header in English
    fr: str  # the template's header in French
    required: bool
    others: tuple[str, ...] = ()  # other accepted spellings (the field's name in both languages is accepted too)

    def accepted(self) -> str:
        """What the column takes, in the active language."""
        return _ACCEPTED[self.key]()


COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "Name",
        "Nom",
        True,
        ("organisation name", "organization name", "nom de l'organisation", "raison sociale"),
    ),
    Column("member_type", "Type", "Type", True, ("member type", "type de membre")),
    Column(
        "size_class", "Size class", "Taille", False, ("size", "classe de taille", "taille d'entreprise", "effectif")
    ),
    Column("region", "Region", "Région", False, ("code region",)),
    Column("member_since", "Member since", "Membre depuis", False, ("since", "adhesion", "date d'adhesion")),
    Column("fee_paying", "Fee-paying", "Cotisant", False, ("fee paying", "cotisation")),
    Column("active", "Active", "Actif", False, ("actif/active",)),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_COLUMNS = tuple(column.key for column in COLUMNS if column.required)
DEFAULTS = {"size_class": "", "region": "", "member_since": None, "fee_paying": True, "active": True}

MEMBER_TYPE_ALIASES = {
    "sme": MemberType.SME,
    "pme": MemberType.SME,
    "tpe": MemberType.SME,
    "tpe/pme": MemberType.SME,
    "small and medium-sized enterprise": MemberType.SME,
    "large": MemberType.LARGE,
    "large company": MemberType.LARGE,
    "grande entreprise": MemberType.LARGE,
    "ge": MemberType.LARGE,
    "eti": MemberType.LARGE,
    "research": MemberType.RESEARCH,
    "research organisation": MemberType.RESEARCH,
    "research or technology organisation": MemberType.RESEARCH,
    "organisme de recherche": MemberType.RESEARCH,
    "organisme de recherche ou de technologie": MemberType.RESEARCH,
    "recherche": MemberType.RESEARCH,
    "university": MemberType.UNIVERSITY,
    "university or training body": MemberType.UNIVERSITY,
    "universite": MemberType.UNIVERSITY,
    "universite ou organisme de formation": MemberType.UNIVERSITY,
    "formation": MemberType.UNIVERSITY,
    "public": MemberType.PUBLIC,
    "public body": MemberType.PUBLIC,
    "organisme public": MemberType.PUBLIC,
    "collectivite": MemberType.PUBLIC,
    "other": MemberType.OTHER,
    "autre": MemberType.OTHER,
}
SIZE_CLASS_ALIASES = {
    "micro": SizeClass.MICRO,
    "micro (< 10)": SizeClass.MICRO,
    "micro (moins de 10)": SizeClass.MICRO,
    "microentreprise": SizeClass.MICRO,
    "small": SizeClass.SMALL,
    "small (10-49)": SizeClass.SMALL,
    "petite": SizeClass.SMALL,
    "petite (10-49)": SizeClass.SMALL,
    "medium": SizeClass.MEDIUM,
    "medium (50-249)": SizeClass.MEDIUM,
    "moyenne": SizeClass.MEDIUM,
    "moyenne (50-249)": SizeClass.MEDIUM,
    "large": SizeClass.LARGE,
    "large (250+)": SizeClass.LARGE,
    "grande": SizeClass.LARGE,
    "grande (250+)": SizeClass.LARGE,
    "unknown": SizeClass.UNKNOWN,
    "inconnue": SizeClass.UNKNOWN,
    "inconnu": SizeClass.UNKNOWN,
}
TRUE_WORDS = {"oui", "yes", "1", "true", "vrai", "o", "y", "x"}
FALSE_WORDS = {"non", "no", "0", "false", "faux", "n"}

_YES_NO = gettext_lazy("yes/no, oui/non or 1/0 (yes when empty)")
_ACCEPTED = {
    "name": lambda: str(
        gettext_lazy("the organisation's name; a member already in the cluster with the same name is updated")
    ),
    "member_type": lambda: ", ".join(f"{label} ({code})" for code, label in MemberType.choices),
    "size_class": lambda: (
        ", ".join(f"{label} ({code})" for code, label in SizeClass.choices if code) + str(gettext_lazy(", or empty"))
    ),
    "region": lambda: str(gettext_lazy("INSEE region code in France (e.g. 24), NUTS-2 elsewhere")),
    "member_since": lambda: str(gettext_lazy("a date: YYYY-MM-DD or DD/MM/YYYY")),
    "fee_paying": lambda: str(_YES_NO),
    "active": lambda: str(_YES_NO),
}

NAME_MAX = Member._meta.get_field("name").max_length
REGION_MAX = Member._meta.get_field("region").max_length


@dataclass(frozen=True)
class ImportProblem:
    line: int | None  # None: the file as a whole
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class MemberImportError(DomainError):
    default_message = gettext_lazy("The file was not imported: correct the problems below and upload it again.")

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__(errors=[str(p) for p in problems])


def normalise(text: Any) -> str:
    """Lower case, no accents, single spaces, underscores as spaces, one apostrophe: 'Région' == 'region'."""
    return _normalise(str(text or ""))


@functools.lru_cache(maxsize=4096)  # a member file repeats the same few types, sizes and yes/no values
def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("–", "-").replace("—", "-").replace("’", "'")
    return re.sub(r"[\s_]+", " ", text).strip()


@functools.cache
def header_aliases() -> dict[str, str]:
    """Every accepted spelling of every column's header, normalised: the templates' headers in both languages, the
    Member field's name in both languages (« tranche d'effectif », « size class »), its key, the other spellings."""
    table: dict[str, str] = {}
    for column in COLUMNS:
        field = Member._meta.get_field(column.key)
        names = []
        for language in ("fr", "en"):
            with translation.override(language):
                names.append(str(field.verbose_name))
        for spelling in (column.key, column.en, column.fr, *names, *column.others):
            table[normalise(spelling)] = column.key
            table[normalise(spelling).replace("-", " ")] = column.key
            table[normalise(spelling).replace("'", " ")] = column.key
    return table


def _choice_table(aliases: dict[str, str], choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    table = {normalise(k): v for k, v in aliases.items()}
    for value, label in choices:
        if value:
            table[normalise(value)] = value
        table[normalise(str(label))] = value
    return table


def headers_for(language: str) -> list[str]:
    """The template's column names in the user's language (French unless English)."""
    english = (language or "fr").startswith("en")
    return [column.en if english else column.fr for column in COLUMNS]


def column_guide(language: str) -> list[dict[str, Any]]:
    """The columns as the import page and the template's help sheet list them, in ``language``: the header, the
    header in the other language, whether it is required, and what it takes."""
    english = (language or "fr").startswith("en")
    with translation.override("en" if english else "fr"):
        return [
            {
                "header": column.en if english else column.fr,
                "other": column.fr if english else column.en,
                "required": column.required,
                "accepted": column.accepted(),
            }
            for column in COLUMNS
        ]


# --- reading the file into rows of cells ---------------------------------------------------------


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # every byte decodes: the values will show what went wrong


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    if ";" in first_line and first_line.count(";") >= first_line.count(","):
        delimiter = ";"
    elif "," not in first_line and "\t" in first_line:
        delimiter = "\t"
    else:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for cells in reader:
            if len(rows) >= settings.IMPORT_MAX_ROWS:
                raise MemberImportError(
                    [
                        ImportProblem(
                            None,
                            _("The file has more than %(limit)d lines: split it.")
                            % {"limit": settings.IMPORT_MAX_ROWS},
                        )
                    ]
                )
            rows.append((reader.line_num, cells[: settings.IMPORT_MAX_COLUMNS]))
    except csv.Error as exc:
        raise MemberImportError(
            [ImportProblem(reader.line_num + 1, _("the line cannot be read as CSV (%(error)s).") % {"error": exc})]
        ) from exc
    return iter(rows)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    not_a_workbook = MemberImportError([ImportProblem(None, _("The file is not a valid XLSX workbook."))])
    try:
        with open_xlsx(data, max_rows=settings.IMPORT_MAX_ROWS, max_columns=settings.IMPORT_MAX_COLUMNS) as workbook:
            if not workbook.worksheets:
                raise not_a_workbook
            rows = list(
                bounded_rows(
                    workbook.worksheets[0], max_rows=settings.IMPORT_MAX_ROWS, max_columns=settings.IMPORT_MAX_COLUMNS
                )
            )
    except MemberImportError:
        raise
    except SpreadsheetRefused as exc:
        raise MemberImportError([ImportProblem(None, str(exc.message))]) from exc
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        raise not_a_workbook from exc
    return iter((number, list(cells)) for number, cells in rows)


def _looks_like_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


# --- checking the values -------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_bool(value: Any, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    text = normalise(_text(value))
    if text == "":
        return default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _parse_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    match = _ISO_DATE.fullmatch(text)
    if match:
        year, month, day = match.groups()
    else:
        match = _FRENCH_DATE.fullmatch(text)
        if not match:
            raise ValueError
        day, month, year = match.groups()
    return datetime.date(int(year), int(month), int(day))  # ValueError on 31/02


class _Checker:
    def __init__(self) -> None:
        self.types = _choice_table(MEMBER_TYPE_ALIASES, MemberType.choices)
        self.sizes = _choice_table(SIZE_CLASS_ALIASES, SizeClass.choices)
        self.today = datetime.date.today()  # noqa: DTZ011 - membership dates are calendar dates
        self.messages = {
            "no_name": _("the name is missing."),
            "no_type": _("the type is missing."),
            "fee_paying": _("fee-paying"),
            "active": _("active"),
        }

    def row(self, cells: dict[str, Any], *, missing: set[str] = frozenset()) -> tuple[dict[str, Any], list[str]]:
        """The row's values and its problems; a required column in ``missing`` (said once on line 1) is not
        reported missing on the row."""
        problems: list[str] = []
        row: dict[str, Any] = dict(DEFAULTS)
        name = re.sub(r"\s+", " ", _text(cells.get("name")))
        if not name and "name" not in missing:
            problems.append(self.messages["no_name"])
        elif len(name) > NAME_MAX:
            problems.append(_("the name is longer than %(max)d characters.") % {"max": NAME_MAX})
        row["name"] = name

        raw_type = _text(cells.get("member_type"))
        if not raw_type:
            if "member_type" not in missing:
                problems.append(self.messages["no_type"])
        elif normalise(raw_type) not in self.types:
            problems.append(
                _("unknown type “%(value)s” (expected one of: %(choices)s).")
                % {"value": raw_type, "choices": ", ".join(MemberType.values)}
            )
        else:
            row["member_type"] = self.types[normalise(raw_type)]

        if "size_class" in cells:
            raw_size = _text(cells["size_class"])
            if normalise(raw_size) in self.sizes or not raw_size:
                row["size_class"] = self.sizes.get(normalise(raw_size), "")
            else:
                problems.append(
                    _("unknown size class “%(value)s” (expected one of: %(choices)s).")
                    % {"value": raw_size, "choices": ", ".join(v for v in SizeClass.values if v)}
                )

        if "region" in cells:
            region = _text(cells["region"])
            if len(region) > REGION_MAX:
                problems.append(_("the region code is longer than %(max)d characters.") % {"max": REGION_MAX})
            row["region"] = region

        if "member_since" in cells:
            try:
                since = _parse_date(cells["member_since"])
            except ValueError:
                problems.append(
                    _("“%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY).")
                    % {"value": _text(cells["member_since"])}
                )
            else:
                if since is not None and since > self.today:
                    problems.append(_("the membership date %(date)s is in the future.") % {"date": since.isoformat()})
                elif since is not None and since.year < 1900:
                    problems.append(_("the membership date %(date)s is too old.") % {"date": since.isoformat()})
                row["member_since"] = since

        for key in ("fee_paying", "active"):
            if key in cells:
                try:
                    row[key] = _parse_bool(cells[key], DEFAULTS[key])
                except ValueError:
                    problems.append(
                        _("“%(value)s” is not a yes/no value for %(column)s (use yes, no, oui, non, 1 or 0).")
                        % {"value": _text(cells[key]), "column": self.messages[key]}
                    )
        return row, problems


def _columns(header: list[Any]) -> tuple[dict[int, str], set[int], list[ImportProblem]]:
    """The known columns by position, the positions of the headers that are not (unknown or repeated), and the
    problems of the header."""
    problems: list[ImportProblem] = []
    positions: dict[int, str] = {}
    named: set[int] = set()
    seen: dict[str, int] = {}
    aliases = header_aliases()
    for index, title in enumerate(header):
        text = _text(title)
        if not text:
            continue
        named.add(index)
        key = aliases.get(normalise(text))
        if key is None:
            problems.append(
                ImportProblem(
                    1,
                    _("unknown column “%(column)s” (expected: %(expected)s).")
                    % {
                        "column": text,
                        "expected": " / ".join((", ".join(headers_for("fr")), ", ".join(headers_for("en")))),
                    },
                )
            )
            continue
        if key in seen:
            problems.append(ImportProblem(1, _("the column “%(column)s” appears twice.") % {"column": text}))
            continue
        seen[key] = index
        positions[index] = key
    for key in REQUIRED_COLUMNS:
        if key not in seen:
            column = COLUMN_BY_KEY[key]
            problems.append(
                ImportProblem(
                    1, _("the required column “%(fr)s” / “%(en)s” is missing.") % {"fr": column.fr, "en": column.en}
                )
            )
    return positions, named, problems


def read_members(data: bytes, *, filename: str = "") -> list[dict[str, Any]]:
    """Check a whole CSV or XLSX file; the rows to import, or MemberImportError listing every problem."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise MemberImportError(
            [
                ImportProblem(
                    None,
                    _("The file is too large (%(size)d MB at most).")
                    % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
                )
            ]
        )
    if not data.strip():
        raise MemberImportError([ImportProblem(None, _("The file is empty."))])
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "xlsx" or _looks_like_xlsx(data):
        rows = _xlsx_rows(data)
    elif suffix in ("csv", "txt", ""):
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its byte-order mark (Excel's "Unicode text")
            try:
                data = data.decode("utf-16").encode("utf-8")
            except UnicodeDecodeError:
                raise MemberImportError([ImportProblem(None, _("The file is not a CSV text file."))]) from None
        if b"\x00" in data[:4096]:
            raise MemberImportError([ImportProblem(None, _("The file is not a CSV text file."))])
        rows = _csv_rows(data)
    else:
        raise MemberImportError([ImportProblem(None, _("Unsupported file type: upload a .csv or .xlsx file."))])
    return _check_rows(rows)


def _check_rows(rows: Iterator[tuple[int, list[Any]]]) -> list[dict[str, Any]]:
    header: list[Any] | None = None
    for _number, cells in rows:
        if any(_text(c) for c in cells):
            header = cells
            break
    if header is None:
        raise MemberImportError([ImportProblem(None, _("The file is empty."))])
    # A bad header is reported with every bad row below it, in one answer: the rows are checked on the columns
    # that are known (a missing required column is said once, on line 1, not on every row).
    positions, named, problems = _columns(header)
    missing = {key for key in REQUIRED_COLUMNS if key not in positions.values()}

    checker = _Checker()
    result: list[dict[str, Any]] = []
    first_line_of: dict[str, int] = {}
    for number, cells in rows:
        if not any(_text(c) for c in cells):
            continue
        values = {key: cells[index] if index < len(cells) else None for index, key in positions.items()}
        extra = [c for i, c in enumerate(cells) if i not in named and _text(c)]
        row, row_problems = checker.row(values, missing=missing)
        if extra:
            row_problems.append(_("values outside the named columns."))
        key = row["name"].lower()
        if key:
            if key in first_line_of:
                row_problems.append(
                    _("“%(name)s” already appears on line %(line)d.")
                    % {"name": row["name"], "line": first_line_of[key]}
                )
            else:
                first_line_of[key] = number
        problems.extend(ImportProblem(number, message) for message in row_problems)
        if not row_problems:
            result.append(row)
    if problems:
        raise MemberImportError(problems)
    if not result:
        raise MemberImportError([ImportProblem(None, _("The file has a header but no member."))])
    return result


# --- the template --------------------------------------------------------------------------------


def template_csv(language: str) -> bytes:
    buffer = io.StringIO()
    # The reader's spreadsheet separator, as the administrators' exports (core.csv_dialect).
    writer = csv.writer(buffer, delimiter=spreadsheet_delimiter(language), lineterminator="\r\n")
    writer.writerow(headers_for(language))
    # A BOM so that spreadsheet software opens the accents correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(language: str) -> bytes:
    # deferred: openpyxl is heavy (0.13 s, 190 modules); only the spreadsheet template needs it
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Members")[:31]
    sheet.append(headers_for(language))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFG", (40, 14, 12, 10, 16, 12, 10), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(_("Help")[:31])
    notes.append([_("Column"), _("Also accepted"), _("Required"), _("Accepted values")])
    for column in column_guide(language):
        notes.append(
            [column["header"], column["other"], _("yes") if column["required"] else _("no"), column["accepted"]]
        )
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 18
    notes.column_dimensions["C"].width = 10
    notes.column_dimensions["D"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def member_template(fmt: str, language: str) -> tuple[bytes, str]:
    """The template of the member import in ``fmt`` (``csv`` or ``xlsx``) and its content type, else ``NotFound``
    (the URL takes any extension)."""
    if fmt not in TEMPLATE_TYPES:
        raise NotFound()
    content = template_csv(language) if fmt == "csv" else template_xlsx(language)
    return content, TEMPLATE_TYPES[fmt]
