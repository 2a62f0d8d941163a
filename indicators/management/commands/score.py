"""manage.py score FILE [--json]: score a questionnaire file (JSON or XLSX) with the label rules.

A bad file gives exit status 2, one line per error on standard error, each naming the field or indicator
code, and nothing on standard output.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils.translation import gettext as _

from indicators.computations import ScoreResult
from indicators.questionnaire import (
    Questionnaire,
    QuestionnaireError,
    read_questionnaire_json,
    read_questionnaire_xlsx,
    score_questionnaire,
)
from indicators.services import framework_spec_by_code
from indicators.spec import FrameworkFileError, FrameworkSpec, load_framework_file, shipped_framework_path

MAX_FILE_BYTES = 10 * 1024 * 1024


def framework_lookup(code: str) -> FrameworkSpec | None:
    """The framework from the database if it is there, else the file shipped with Grappe."""
    try:
        spec = framework_spec_by_code(code)
    except DatabaseError:  # no database (or not migrated): the shipped files still work
        spec = None
    if spec is not None:
        return spec
    path = shipped_framework_path(code)
    if path is None:
        return None
    try:
        return load_framework_file(path)
    except FrameworkFileError:
        return None


def read_questionnaire_file(path: str) -> tuple[Questionnaire, FrameworkSpec]:
    """Read a questionnaire file; QuestionnaireError lists every problem."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".json", ".xlsx"):
        raise QuestionnaireError(
            [("file", _("unknown file type %(suffix)s: use .json or .xlsx.") % {"suffix": suffix or '""'})]
        )
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise QuestionnaireError([("file", _("cannot be read: %(error)s.") % {"error": exc.strerror or exc})]) from None
    if len(data) > MAX_FILE_BYTES:
        raise QuestionnaireError([("file", _("too large (more than 10 MB)."))])
    frameworks: dict[str, FrameworkSpec | None] = {}

    def lookup(code: str) -> FrameworkSpec | None:
        if code not in frameworks:
            frameworks[code] = framework_lookup(code)
        return frameworks[code]

    reader = read_questionnaire_xlsx if suffix == ".xlsx" else read_questionnaire_json
    questionnaire = reader(data, frameworks=lookup)
    framework = lookup(questionnaire.framework)
    assert framework is not None
    return questionnaire, framework


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def _number(value) -> str:
    if value is None:
        return "—"
    return str(value)


class Command(BaseCommand):
    help = "Score a questionnaire file (.json or .xlsx, the format of indicators.md) and print the level earned."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the questionnaire, .json or .xlsx")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, file, json: bool = False, **options):
        try:
            questionnaire, framework = read_questionnaire_file(file)
        except QuestionnaireError as exc:
            for where, message in exc.errors:
                self.stderr.write(f"{where}: {message}")
            raise SystemExit(2) from None
        result = score_questionnaire(questionnaire, framework)
        if json:
            self.stdout.write(_dumps(result.to_dict()))
        else:
            self.stdout.write(self._summary(questionnaire, framework, result))

    def _summary(self, questionnaire: Questionnaire, framework: FrameworkSpec, result: ScoreResult) -> str:
        name = questionnaire.cluster.get("name") or _("(unnamed cluster)")
        as_json = result.to_dict()
        lines = [
            _("%(cluster)s — reference year %(year)s — framework %(framework)s")
            % {"cluster": name, "year": questionnaire.reference_year, "framework": framework.code},
            _("Level: %(level)s") % {"level": result.level.upper()},
            _("Excellence score: %(score)s %% (%(points)s of %(max)s points; Gold needs 80 %%)")
            % {"score": result.score, "points": _number(as_json["points"]), "max": result.max_points},
            _("Eligible: %(eligible)s · Baseline met: %(baseline)s")
            % {"eligible": _yes(result.eligible), "baseline": _yes(result.baseline_met)},
        ]
        if questionnaire.previous:
            lines.append(
                _("Improved indicators: %(count)d (%(codes)s) · previous validation 12 to 36 months before: %(window)s")
                % {
                    "count": len(result.improved),
                    "codes": ", ".join(result.improved) or "—",
                    "window": _yes(result.silver_window),
                }
            )
        lines.append(
            _("Categories: %(categories)s")
            % {"categories": " · ".join(f"{code} {score} %" for code, score in result.categories.items())}
        )
        lines.append("")
        for spec in framework.indicators:
            item = result.indicators[spec.code]
            flag = "★" if spec.baseline else " "
            lines.append(
                f"{spec.code:<4}{flag} {_number(item.value):>12}  {item.result:<8} "
                f"{_number(as_json['indicators'][spec.code]['points']):>4} / {spec.weight}"
            )
        return "\n".join(lines)


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
