"""The indicator framework as plain, immutable values (no ORM).

A framework file (``indicators/frameworks/*.json``) is parsed into a :class:`FrameworkSpec`; the scoring
engine (:mod:`indicators.computations`) and the questionnaire reader only ever see these values. The same
spec is built from the database rows by :func:`indicators.services.framework_spec_for`.

File schema (``"format": "grappe-framework/1"``, optional)::

    {"code": "ecei-31", "name": {"fr", "en"}, "description": {"fr", "en"},
     "categories": [{"code": "S", "name": {"fr", "en"}, "indicators": [
         {"code": "S1", "ecei": "1.1.0", "name": {"fr", "en"}, "help": {"fr", "en"}, "unit": {"fr", "en"},
          "guidance": {"partial": {"fr", "en"}, "full": {"fr", "en"}},
          "type": "int|dec|pct|level", "weight": 4, "direction": "higher|lower",
          "full": 75, "partial": 50, "max": 100, "baseline": false, "from_data": "s1",
          "options": [{"code": "co_built", "result": "full|partial|none", "label": {"fr", "en"}}]}]}]}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .values import json_number

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"
DEFAULT_FRAMEWORK_CODE = "ecei-31"
FRAMEWORK_FORMAT = "grappe-framework/1"

VALUE_TYPES = ("int", "dec", "pct", "level")
DIRECTIONS = ("higher", "lower")
RESULTS = ("full", "partial", "none")
LANGUAGES = ("fr", "en")

_CODE_RE = re.compile(r"^[A-Za-z0-9_]+$")
_SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


@dataclass(frozen=True)
class OptionSpec:
    code: str
    result: str  # "full" | "partial" | "none"
    label: dict[str, str]  # {"fr": ..., "en": ...}

    def __hash__(self) -> int:  # the label dict is not hashable; equal options have equal codes and results
        return hash((self.code, self.result))

    def as_dict(self) -> dict:
        return {"code": self.code, "result": self.result, "label": dict(self.label)}


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    category: str
    value_type: str  # int | dec | pct | level
    weight: int
    direction: str  # "higher" | "lower"
    full: Decimal | None
    partial: Decimal | None
    max_value: Decimal | None
    baseline: bool
    options: tuple[OptionSpec, ...]
    from_data: str
    name: dict[str, str]
    help: dict[str, str]
    unit: dict[str, str]
    ecei: str
    # What a cluster typically does to reach each threshold (optional), ``{"partial": {"fr", "en"}, "full": {"fr",
    # "en"}}``: the recommendation for a criterion not fully met (the partial threshold's text for a value that
    # earns nothing, the full one's for a value that earns half). Kept in the framework's source, not in the
    # indicator rows, so it does not take part in comparing two versions of a framework.
    guidance: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)

    def __hash__(self) -> int:
        return hash((self.code, self.category, self.value_type, self.weight, self.full, self.partial, self.options))

    @property
    def option_codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)

    def option(self, code: str) -> OptionSpec | None:
        for option in self.options:
            if option.code == code:
                return option
        return None


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: dict[str, str]
    indicator_codes: tuple[str, ...]

    def __hash__(self) -> int:
        return hash((self.code, self.indicator_codes))


@dataclass(frozen=True)
class FrameworkSpec:
    code: str
    name: dict[str, str]
    categories: tuple[CategorySpec, ...]
    indicators: tuple[IndicatorSpec, ...]  # in display order
    description: dict[str, str] = field(default_factory=lambda: {"fr": "", "en": ""})
    # A Gold decision needs a second assessor's countersignature (ESCA's two experts).
    gold_countersignature: bool = False
    # The questionnaire is frozen this many days before a Gold visit (and a visit is accepted no sooner after the
    # submission); 0: no freeze.
    gold_visit_freeze_days: int = 0

    def __hash__(self) -> int:  # usable as a cache key although the texts are dicts
        return hash((self.code, self.categories, self.indicators))

    def indicator(self, code: str) -> IndicatorSpec:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def category(self, code: str) -> CategorySpec:
        for category in self.categories:
            if category.code == code:
                return category
        raise KeyError(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(indicator.code for indicator in self.indicators)

    @property
    def total_weight(self) -> int:
        return sum(indicator.weight for indicator in self.indicators)

    def to_dict(self) -> dict:
        """The framework file for this spec (``parse_framework(spec.to_dict()) == spec``)."""
        return {
            "format": FRAMEWORK_FORMAT,
            "code": self.code,
            "name": dict(self.name),
            "description": dict(self.description),
            "gold_countersignature": self.gold_countersignature,
            "gold_visit_freeze_days": self.gold_visit_freeze_days,
            "categories": [
                {
                    "code": category.code,
                    "name": dict(category.name),
                    "indicators": [_indicator_to_dict(self.indicator(code)) for code in category.indicator_codes],
                }
                for category in self.categories
            ],
        }


def _number_out(value: Decimal | None) -> int | float | None:
    return json_number(value)


def _indicator_to_dict(spec: IndicatorSpec) -> dict:
    data: dict[str, Any] = {
        "code": spec.code,
        "ecei": spec.ecei,
        "name": dict(spec.name),
        "help": dict(spec.help),
        **(
            {"guidance": {threshold: dict(texts) for threshold, texts in spec.guidance.items()}}
            if spec.guidance
            else {}
        ),
        "unit": dict(spec.unit),
        "type": spec.value_type,
        "weight": spec.weight,
        "direction": spec.direction,
    }
    if spec.value_type != "level":
        data["full"] = _number_out(spec.full)
        data["partial"] = _number_out(spec.partial)
    if spec.max_value is not None:
        data["max"] = _number_out(spec.max_value)
    data["baseline"] = spec.baseline
    if spec.options:
        data["options"] = [option.as_dict() for option in spec.options]
    data["from_data"] = spec.from_data
    return data


class FrameworkFileError(Exception):
    """The framework file is not valid; ``errors`` lists every problem, each naming its field."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class _Collector:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")


def _text(c: _Collector, value: Any, where: str, *, required: bool, max_length: int | None = None) -> str:
    if value is None or value == "":
        if required:
            c.add(where, _("this field is required."))
        return ""
    if not isinstance(value, str):
        c.add(where, _("must be a text."))
        return ""
    if max_length is not None and len(value) > max_length:
        c.add(where, _("must be at most %(max)d characters long.") % {"max": max_length})
    return value


def _translated(
    c: _Collector, value: Any, where: str, *, required: bool, max_length: int | None = None
) -> dict[str, str]:
    """A {"fr": ..., "en": ...} text; both languages are required when the field is."""
    if value is None and not required:
        return {"fr": "", "en": ""}
    if not isinstance(value, dict):
        c.add(where, _('must be an object with "fr" and "en" texts.'))
        return {"fr": "", "en": ""}
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        c.add(
            where,
            ngettext("unknown language: %(languages)s.", "unknown languages: %(languages)s.", len(unknown))
            % {"languages": ", ".join(map(str, unknown))},
        )
    return {
        lang: _text(c, value.get(lang), f"{where}.{lang}", required=required, max_length=max_length)
        for lang in LANGUAGES
    }


GUIDANCE_THRESHOLDS = ("partial", "full")


def _guidance(c: _Collector, value: Any, where: str) -> dict[str, dict[str, str]]:
    """An indicator's guidance, one French and English text per threshold: ``{"partial": {"fr", "en"}, "full":
    {"fr", "en"}}`` (either may be left out). A plain ``{"fr", "en"}`` (the first format) is one text for both
    thresholds. Only the thresholds that have a text are kept."""
    if value is None:
        return {}
    if isinstance(value, dict) and value and set(value) <= set(LANGUAGES):
        texts = _translated(c, value, where, required=False)
        return {threshold: dict(texts) for threshold in GUIDANCE_THRESHOLDS} if any(texts.values()) else {}
    if not isinstance(value, dict):
        c.add(where, _('must be an object with a "partial" and a "full" text.'))
        return {}
    for name in sorted(set(value) - set(GUIDANCE_THRESHOLDS), key=str):
        c.add(f"{where}.{name}", _("unknown threshold: partial or full."))
    found = {}
    for threshold in GUIDANCE_THRESHOLDS:
        if value.get(threshold) is None:
            continue
        texts = _translated(c, value.get(threshold), f"{where}.{threshold}", required=True)
        found[threshold] = texts
    return found


def _decimal(c: _Collector, value: Any, where: str) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        c.add(where, _("must be a number."))
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        c.add(where, _("must be a number."))
        return None
    if not number.is_finite():
        c.add(where, _("must be a number."))
        return None
    if number < 0:
        c.add(where, _("must be 0 or more."))
        return None
    return number


def _code(c: _Collector, value: Any, where: str, *, max_length: int) -> str:
    code = _text(c, value, where, required=True, max_length=max_length)
    if code and not _CODE_RE.match(code):
        c.add(where, _("may contain only letters, digits and underscores."))
    return code


_INDICATOR_KEYS = {
    "code",
    "ecei",
    "name",
    "help",
    "guidance",
    "unit",
    "type",
    "weight",
    "direction",
    "full",
    "partial",
    "max",
    "baseline",
    "options",
    "from_data",
}


def _parse_options(c: _Collector, raw: Any, where: str) -> tuple[OptionSpec, ...]:
    if not isinstance(raw, list) or not raw:
        c.add(where, _("a level indicator needs a non-empty list of options."))
        return ()
    options: list[OptionSpec] = []
    seen: set[str] = set()
    for position, item in enumerate(raw):
        here = f"{where}[{position}]"
        if not isinstance(item, dict):
            c.add(here, _("must be an object."))
            continue
        code = _code(c, item.get("code"), f"{here}.code", max_length=40)
        if code:
            if code in seen:
                c.add(f"{here}.code", _("duplicate option %(code)s.") % {"code": code})
            seen.add(code)
        result = item.get("result")
        if result not in RESULTS:
            c.add(f"{here}.result", _("must be one of %(choices)s.") % {"choices": ", ".join(RESULTS)})
            result = "none"
        label = _translated(c, item.get("label"), f"{here}.label", required=True)
        options.append(OptionSpec(code=code, result=result, label=label))
    if options and not any(option.result == "full" for option in options):
        c.add(where, _("at least one option must give the full result."))
    return tuple(options)


def _parse_indicator(c: _Collector, raw: Any, where: str, category: str) -> IndicatorSpec | None:
    if not isinstance(raw, dict):
        c.add(where, _("must be an object."))
        return None
    code = _code(c, raw.get("code"), f"{where}.code", max_length=10)
    if code:
        where = f"indicators.{code}"
    unknown = sorted(set(raw) - _INDICATOR_KEYS)
    if unknown:
        c.add(
            where,
            ngettext("unknown field: %(fields)s.", "unknown fields: %(fields)s.", len(unknown))
            % {"fields": ", ".join(unknown)},
        )

    ecei = _text(c, raw.get("ecei"), f"{where}.ecei", required=False, max_length=20)
    name = _translated(c, raw.get("name"), f"{where}.name", required=True, max_length=300)
    help_ = _translated(c, raw.get("help"), f"{where}.help", required=False)
    guidance = _guidance(c, raw.get("guidance"), f"{where}.guidance")
    unit = _translated(c, raw.get("unit"), f"{where}.unit", required=False, max_length=60)

    value_type = raw.get("type")
    if value_type not in VALUE_TYPES:
        c.add(f"{where}.type", _("must be one of %(choices)s.") % {"choices": ", ".join(VALUE_TYPES)})
        value_type = None

    weight = raw.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, int) or not 0 < weight <= 1000:
        c.add(f"{where}.weight", _("must be a whole number from 1 to 1000."))
        weight = 0

    direction = raw.get("direction", "higher")
    if direction not in DIRECTIONS:
        c.add(f"{where}.direction", _("must be one of %(choices)s.") % {"choices": ", ".join(DIRECTIONS)})
        direction = "higher"

    baseline = raw.get("baseline", False)
    if not isinstance(baseline, bool):
        c.add(f"{where}.baseline", _("must be true or false."))
        baseline = False

    from_data = raw.get("from_data") or ""
    from_data = _text(c, from_data, f"{where}.from_data", required=False, max_length=40)

    full = partial = max_value = None
    options: tuple[OptionSpec, ...] = ()
    if raw.get("max") is not None:
        max_value = _decimal(c, raw.get("max"), f"{where}.max")
        if max_value is not None and value_type == "pct" and max_value > 100:
            c.add(f"{where}.max", _("a percentage cannot exceed 100."))
    if value_type == "level":
        for key in ("full", "partial", "max"):
            if raw.get(key) is not None:
                c.add(f"{where}.{key}", _("a level indicator has options, not thresholds."))
        if direction != "higher":
            c.add(f"{where}.direction", _("a level indicator has options, not a direction."))
        options = _parse_options(c, raw.get("options"), f"{where}.options")
        max_value = None
    elif value_type is not None:
        if raw.get("options"):
            c.add(f"{where}.options", _("only a level indicator has options."))
        for key in ("full", "partial"):
            if raw.get(key) is None:
                c.add(f"{where}.{key}", _("this field is required."))
        full = _decimal(c, raw.get("full"), f"{where}.full") if raw.get("full") is not None else None
        partial = _decimal(c, raw.get("partial"), f"{where}.partial") if raw.get("partial") is not None else None
        if value_type == "int":
            for key, number in (("full", full), ("partial", partial), ("max", max_value)):
                if number is not None and number != number.to_integral_value():
                    c.add(f"{where}.{key}", _("a whole-number indicator needs a whole-number threshold."))
        if value_type == "pct" and max_value is None:
            max_value = Decimal(100)
        if full is not None and partial is not None:
            if direction == "higher" and partial > full:
                c.add(f"{where}.partial", _("must not be above the full threshold (higher is better)."))
            if direction == "lower" and partial < full:
                c.add(f"{where}.partial", _("must not be below the full threshold (lower is better)."))
        if max_value is not None:
            for key, number in (("full", full), ("partial", partial)):
                if number is not None and number > max_value:
                    c.add(f"{where}.{key}", _("must not be above the maximum value."))

    if not code or value_type is None:
        return None
    return IndicatorSpec(
        code=code,
        category=category,
        value_type=value_type,
        weight=weight,
        direction=direction,
        full=full,
        partial=partial,
        max_value=max_value,
        baseline=baseline,
        options=options,
        from_data=from_data,
        name=name,
        help=help_,
        unit=unit,
        ecei=ecei,
        guidance=guidance,
    )


def parse_framework(data: Any) -> FrameworkSpec:
    """Validate a framework file's content; raise FrameworkFileError listing ALL its problems."""
    c = _Collector()
    if not isinstance(data, dict):
        raise FrameworkFileError([_("file: must be a JSON object.")])
    if "format" in data and data["format"] != FRAMEWORK_FORMAT:
        c.add("format", _('must be "%(format)s".') % {"format": FRAMEWORK_FORMAT})
    code = _text(c, data.get("code"), "code", required=True, max_length=40)
    if code and not _SLUG_RE.match(code):
        c.add("code", _("may contain only letters, digits, hyphens and underscores."))
    name = _translated(c, data.get("name"), "name", required=True, max_length=200)
    description = _translated(c, data.get("description"), "description", required=False)
    gold_countersignature = data.get("gold_countersignature", False)
    if not isinstance(gold_countersignature, bool):
        c.add("gold_countersignature", _("must be true or false."))
    gold_visit_freeze_days = data.get("gold_visit_freeze_days", 0)
    if isinstance(gold_visit_freeze_days, bool) or not isinstance(gold_visit_freeze_days, int):
        c.add("gold_visit_freeze_days", _("must be a whole number from 0 to 90."))
        gold_visit_freeze_days = 0
    elif not 0 <= gold_visit_freeze_days <= 90:
        c.add("gold_visit_freeze_days", _("must be a whole number from 0 to 90."))

    categories: list[CategorySpec] = []
    indicators: list[IndicatorSpec] = []
    raw_categories = data.get("categories")
    if not isinstance(raw_categories, list) or not raw_categories:
        c.add("categories", _("must be a non-empty list."))
        raw_categories = []
    seen_categories: set[str] = set()
    seen_indicators: set[str] = set()
    for position, raw in enumerate(raw_categories):
        where = f"categories[{position}]"
        if not isinstance(raw, dict):
            c.add(where, _("must be an object."))
            continue
        cat_code = _code(c, raw.get("code"), f"{where}.code", max_length=10)
        if cat_code:
            if cat_code in seen_categories:
                c.add(f"{where}.code", _("duplicate category %(code)s.") % {"code": cat_code})
            seen_categories.add(cat_code)
            where = f"categories.{cat_code}"
        cat_name = _translated(c, raw.get("name"), f"{where}.name", required=True, max_length=200)
        raw_indicators = raw.get("indicators")
        if not isinstance(raw_indicators, list) or not raw_indicators:
            c.add(f"{where}.indicators", _("must be a non-empty list."))
            raw_indicators = []
        codes: list[str] = []
        for ind_position, raw_indicator in enumerate(raw_indicators):
            indicator = _parse_indicator(c, raw_indicator, f"{where}.indicators[{ind_position}]", cat_code)
            if indicator is None:
                continue
            if indicator.code in seen_indicators:
                c.add(
                    f"indicators.{indicator.code}.code", _("duplicate indicator %(code)s.") % {"code": indicator.code}
                )
                continue
            seen_indicators.add(indicator.code)
            indicators.append(indicator)
            codes.append(indicator.code)
        categories.append(CategorySpec(code=cat_code, name=cat_name, indicator_codes=tuple(codes)))

    if c.errors:
        raise FrameworkFileError(c.errors)
    return FrameworkSpec(
        code=code,
        name=name,
        categories=tuple(categories),
        indicators=tuple(indicators),
        description=description,
        gold_countersignature=gold_countersignature,
        gold_visit_freeze_days=gold_visit_freeze_days,
    )


def load_framework_file(path: str | Path) -> FrameworkSpec:
    """Read and parse a framework JSON file; unreadable or malformed files raise FrameworkFileError too."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkFileError([_("file: cannot be read (%(error)s).") % {"error": exc}]) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FrameworkFileError(
            [_("file: not valid JSON (line %(line)d, column %(column)d).") % {"line": exc.lineno, "column": exc.colno}]
        ) from exc
    return parse_framework(data)


def shipped_framework_path(code: str) -> Path | None:
    """The file shipped with Grappe for this framework code, if any."""
    if not _SLUG_RE.match(code or ""):
        return None
    path = FRAMEWORKS_DIR / f"{code}.json"
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def default_framework_spec() -> FrameworkSpec:
    """The ``ecei-31`` framework as shipped (read once per process)."""
    return load_framework_file(FRAMEWORKS_DIR / f"{DEFAULT_FRAMEWORK_CODE}.json")


# --- Rows for the database (used by indicators.services and by the data migration; no ORM here) ---------------


def framework_row(spec: FrameworkSpec) -> dict[str, Any]:
    return {
        "code": spec.code,
        "name_fr": spec.name["fr"],
        "name_en": spec.name["en"],
        "description_fr": spec.description.get("fr", ""),
        "description_en": spec.description.get("en", ""),
        "source": spec.to_dict(),
    }


def category_row(category: CategorySpec, position: int) -> dict[str, Any]:
    return {"code": category.code, "name_fr": category.name["fr"], "name_en": category.name["en"], "position": position}


def indicator_row(indicator: IndicatorSpec, position: int) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "ecei_ref": indicator.ecei,
        "name_fr": indicator.name["fr"],
        "name_en": indicator.name["en"],
        "help_fr": indicator.help.get("fr", ""),
        "help_en": indicator.help.get("en", ""),
        "value_type": indicator.value_type,
        "unit_fr": indicator.unit.get("fr", ""),
        "unit_en": indicator.unit.get("en", ""),
        "weight": indicator.weight,
        "direction": indicator.direction,
        "full_threshold": indicator.full,
        "partial_threshold": indicator.partial,
        "max_value": indicator.max_value,
        "baseline": indicator.baseline,
        "from_data": indicator.from_data,
        "options": [option.as_dict() for option in indicator.options],
        "position": position,
    }


def write_framework_rows(spec: FrameworkSpec, framework: Any, category_model: Any, indicator_model: Any) -> None:
    """Create the category and indicator rows of ``framework`` (a saved row) with the given model classes.

    The model classes are parameters so that the data migration can pass its historical models.
    """
    position = 0
    for cat_position, category in enumerate(spec.categories):
        category_obj = category_model.objects.create(framework=framework, **category_row(category, cat_position))
        rows = []
        for code in category.indicator_codes:
            rows.append(
                indicator_model(
                    framework=framework, category=category_obj, **indicator_row(spec.indicator(code), position)
                )
            )
            position += 1
        indicator_model.objects.bulk_create(rows)


def guidance_from_source(source: dict) -> dict[str, dict[str, dict[str, str]]]:
    """Each indicator's guidance by threshold as a framework's kept source file carries it (the indicator rows do not
    hold it): ``{code: {"partial": {"fr", "en"}, "full": {"fr", "en"}}}``, only the indicators and thresholds that
    have one. A source of the first format (one ``{"fr", "en"}`` per indicator) gives that text to both thresholds."""
    found = {}
    for category in (source or {}).get("categories", []) or []:
        for indicator in category.get("indicators", []) or []:
            guidance = indicator.get("guidance") or {}
            if not isinstance(guidance, dict):
                continue
            if set(guidance) <= set(LANGUAGES):
                guidance = {threshold: guidance for threshold in GUIDANCE_THRESHOLDS}
            by_threshold = {
                threshold: {lang: str(texts.get(lang) or "") for lang in LANGUAGES}
                for threshold, texts in guidance.items()
                if threshold in GUIDANCE_THRESHOLDS and isinstance(texts, dict) and any(texts.values())
            }
            if by_threshold:
                found[indicator.get("code")] = by_threshold
    return found


def guidance_text(guidance: dict, code: str, threshold: str, language: str) -> str:
    """The guidance for reaching ``threshold`` ("partial" or "full") of indicator ``code`` in ``language`` (the other
    language when that one is empty; "" when there is none), from what ``guidance_from_source`` read."""
    texts = (guidance.get(code) or {}).get(threshold) or {}
    return texts.get(language) or texts.get("fr") or texts.get("en") or ""
