"""The programmes' indicator sets, loaded as data like the label framework (``indicators/spec.py``).

A set is a JSON file in ``programmes/indicator_sets/<code>.json``::

    {"code": "region-clusters", "name": {"fr": "…", "en": "…"}, "description": {"fr": "…", "en": "…"},
     "indicators": [{"code": "members", "name": {"fr": "…", "en": "…"}, "unit": {"fr": "…", "en": "…"},
                     "kind": "count", "source": "computed"}, …]}

``unit_one`` (optional, same shape as ``unit``) is the unit after one: « 1 projet », « 2 projets ». ``kind`` is one
of ``count``, ``money``, ``percentage``, ``yesno`` (yes is 1, no is 0); ``source`` is ``computed``
(from the cluster's records: then ``code`` must be one of :data:`programmes.computations.COMPUTED`) or
``declared`` (typed by the managers in their yearly report). Every problem of a file is reported at once
(:class:`IndicatorSetError`). Pure Python: no ORM.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from indicators import values
from programmes.computations import COMPUTED

SETS_DIR = Path(__file__).resolve().parent / "indicator_sets"
KINDS = ("count", "money", "percentage", "yesno")
SOURCES = ("computed", "declared")
_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class SetIndicator:
    code: str
    name: dict
    unit: dict
    kind: str
    source: str
    unit_one: dict = field(default_factory=dict)  # the unit after one (« 1 projet »); the plural unit otherwise

    def label(self, language: str | None = None) -> str:
        language = (language or translation.get_language() or "fr")[:2]
        return self.name.get(language) or self.name["fr"]

    def unit_label(self, language: str | None = None) -> str:
        language = (language or translation.get_language() or "fr")[:2]
        return self.unit.get(language, self.unit.get("fr", ""))

    @property
    def computed(self) -> bool:
        return self.source == "computed"

    def format(self, value: Decimal | None, *, language: str | None = None) -> str:
        """The value as people read it: « 1 234 € », « 42,5 % », « oui »; an em dash when there is none."""
        if value is None:
            return "—"
        if self.kind == "yesno":
            return _("yes") if value else _("no")
        if self.kind == "percentage":
            return values.format_percent(value, language=language)
        fractional = value != value.to_integral_value()
        number = values.format_number(
            value, language=language, places=2 if self.kind == "money" and fractional else None
        )
        language = (language or translation.get_language() or "fr")[:2]
        unit = self.unit_label(language)
        # French counts 0 and 1 (and what lies between) in the singular, English only 1.
        singular = abs(value) < 2 if language == "fr" else value == 1
        if singular and self.unit_one.get(language):
            unit = self.unit_one[language]
        return f"{number} {unit}" if unit else number

    def check(self, value: Decimal) -> str | None:
        """Why the value cannot be this indicator's (a translated sentence), or None."""
        if value < 0:
            return _("The value cannot be negative.")
        if self.kind == "percentage" and value > 100:
            return _("A percentage cannot be above 100.")
        if self.kind == "yesno" and value not in (0, 1):
            return _("Answer yes (1) or no (0).")
        if self.kind == "count" and self.code != "staff" and value != value.to_integral_value():
            return _("A count is a whole number.")
        return None


@dataclass(frozen=True)
class IndicatorSet:
    code: str
    name: dict
    description: dict
    indicators: tuple[SetIndicator, ...]

    def indicator(self, code: str) -> SetIndicator | None:
        return next((i for i in self.indicators if i.code == code), None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    def label(self, language: str | None = None) -> str:
        language = (language or translation.get_language() or "fr")[:2]
        return self.name.get(language) or self.name["fr"]


class IndicatorSetError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _texts(raw: Any, where: str, errors: list[str], *, required: bool = True) -> dict:
    complete = isinstance(raw, dict) and all(isinstance(raw.get(k), str) and raw.get(k) for k in ("fr", "en"))
    if not isinstance(raw, dict) or (required and not complete):
        errors.append(f"{where}: a French and an English text are required.")
        return {"fr": "", "en": ""}
    return {"fr": str(raw.get("fr", "")), "en": str(raw.get("en", ""))}


def parse_indicator_set(data: Any) -> IndicatorSet:
    """The set described by ``data`` (a JSON document already read); every problem is in the error."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise IndicatorSetError(["file: a JSON object is expected."])
    code = data.get("code")
    if not isinstance(code, str) or not _CODE_RE.match(code):
        errors.append("code: a short code of lower-case letters, digits, - and _ is required.")
    name = _texts(data.get("name"), "name", errors)
    description = _texts(data.get("description", {"fr": "", "en": ""}), "description", errors, required=False)
    raw_indicators = data.get("indicators")
    indicators: list[SetIndicator] = []
    if not isinstance(raw_indicators, list) or not raw_indicators:
        errors.append("indicators: a non-empty list is required.")
        raw_indicators = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_indicators):
        where = f"indicators[{position}]"
        if not isinstance(raw, dict):
            errors.append(f"{where}: an object is expected.")
            continue
        icode = raw.get("code")
        if not isinstance(icode, str) or not _CODE_RE.match(icode):
            errors.append(f"{where}.code: a short code is required.")
            continue
        if icode in seen:
            errors.append(f"{where}.code: duplicate indicator {icode}.")
        seen.add(icode)
        kind, source = raw.get("kind"), raw.get("source")
        if kind not in KINDS:
            errors.append(f"{where}.kind: one of {', '.join(KINDS)}.")
        if source not in SOURCES:
            errors.append(f"{where}.source: one of {', '.join(SOURCES)}.")
        if source == "computed" and icode not in COMPUTED:
            errors.append(f"{where}.code: {icode} cannot be computed from the records ({', '.join(COMPUTED)}).")
        indicators.append(
            SetIndicator(
                code=icode,
                name=_texts(raw.get("name"), f"{where}.name", errors),
                unit=_texts(raw.get("unit", {"fr": "", "en": ""}), f"{where}.unit", errors, required=False),
                unit_one=_texts(raw.get("unit_one", {"fr": "", "en": ""}), f"{where}.unit_one", errors, required=False),
                kind=str(kind),
                source=str(source),
            )
        )
    if errors:
        raise IndicatorSetError(errors)
    return IndicatorSet(code=code, name=name, description=description, indicators=tuple(indicators))


def load_indicator_set_file(path: str | Path) -> IndicatorSet:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndicatorSetError([f"file: cannot be read ({exc})."]) from exc
    return parse_indicator_set(data)


@lru_cache(maxsize=16)
def shipped_sets() -> dict[str, IndicatorSet]:
    """The sets shipped with Grappe, by code (read once per process)."""
    found = {}
    for path in sorted(SETS_DIR.glob("*.json")):
        spec = load_indicator_set_file(path)
        found[spec.code] = spec
    return found


def indicator_set(code: str) -> IndicatorSet | None:
    return shipped_sets().get(code)


def set_choices() -> list[tuple[str, str]]:
    return [(code, spec.label()) for code, spec in shipped_sets().items()]
