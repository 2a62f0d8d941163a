"""Indicator values and thresholds: the one place that parses, checks, normalises and formats them.

Forms, the API, the offline questionnaire, the scoring engine, reports and exports all go through these
functions, so they agree on what a number is:

- :func:`parse_number` reads what a person typed: ``80,5`` and ``80.5`` in either language, spaces, no-break
  spaces and narrow no-break spaces (U+202F) between groups of thousands (``1 234,5``), a leading sign;
  exponent forms (``1e3``), ``NaN`` and ``Infinity`` are refused. A comma followed by groups of exactly three
  digits is a thousands separator only in English (``1,234`` = 1234); otherwise a comma is a decimal comma.
- :func:`check` applies an indicator's type and range (whole numbers, at most three decimal places, not
  negative, percentages up to 100, the indicator's maximum) and :func:`clean` returns the value as stored and
  scored (``int`` for whole-number indicators, a normalised ``Decimal`` otherwise, an option code for levels).
- :func:`normalise` drops trailing zeros and never gives the exponent form (``12.500`` → ``12.5``,
  ``1E+2`` → ``100``, ``-0`` → ``0``); :func:`plain` is its language-neutral text (JSON, audit, CSV for machines).
- :func:`format_number` / :func:`format_percent` / :func:`format_threshold` / :func:`format_value` write for
  people in the reader's language: French ``1 234,5`` (U+202F between thousands) and ``44,7 %``, English
  ``1,234.5`` and ``44.7%``. ``parse_number(format_number(x, language=L), language=L) == x`` for both languages.
  :func:`unit_for` puts a countable unit in the singular or the plural by the language's rule (``1 objectif``,
  ``0 objectif``, ``2 objectifs``; ``1 objective``, ``0 objectives``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

__all__ = [
    "DECIMAL_PLACES",
    "MAX_MAGNITUDE",
    "NNBSP",
    "InvalidValue",
    "Problem",
    "check",
    "clean",
    "format_number",
    "format_percent",
    "format_quantity",
    "format_signed",
    "format_statistic",
    "format_target",
    "format_threshold",
    "format_value",
    "format_with_unit",
    "input_number",
    "json_number",
    "normalise",
    "parse_as_written",
    "parse_number",
    "plain",
    "unit_for",
]

NNBSP = "\u202f"  # narrow no-break space: French thousands separator and space before : ; ? ! % and inside « »
DECIMAL_PLACES = 3  # what the Answer number fields hold (max_digits=14, decimal_places=3)
MAX_MAGNITUDE = Decimal("99999999999")
_QUANTUM = Decimal(1).scaleb(-DECIMAL_PLACES)

_SPACES = {" ", "\xa0", NNBSP, "\u2009", "\u2007"}  # space, no-break, narrow no-break, thin, figure space
_MINUS = {"-", "\u2212"}
_DIGITS = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:S[0-9]{3})+")  # S stands for the separator, see _integer_part


# --- parsing ------------------------------------------------------------------------------------------------


def _language(language: str | None) -> str:
    code = (language or translation.get_language() or "fr").lower()
    return "en" if code.startswith("en") else "fr"


def _integer_part(text: str, separator: str | None) -> str | None:
    """The digits of an integer part, its groups of thousands separated by ``separator`` (None: none allowed)."""
    if _DIGITS.fullmatch(text):
        return text
    if separator and re.fullmatch(_GROUPED.pattern.replace("S", re.escape(separator)), text):
        return text.replace(separator, "")
    return None


def parse_number(raw: Any, *, language: str | None = None) -> Decimal | None:
    """The number a person or a file gave, as a finite Decimal; None when it is not a plain number.

    Accepts ``int``, ``Decimal`` and ``float`` (read as written, ``0.1`` stays 0.1) and text in either
    convention. ``bool``, exponent forms, NaN and infinities give None. The result is :func:`normalise`\\ d.
    """
    number = parse_as_written(raw, language=language)
    return None if number is None else normalise(number)


def parse_as_written(raw: Any, *, language: str | None = None) -> Decimal | None:
    """:func:`parse_number` before normalising: the Decimal keeps the decimal places as typed (``12,000`` in
    French is ``Decimal("12.000")``, three places), so that a form field can refuse more places than it holds
    instead of reading a French ``12,000`` as twelve where twelve thousand was meant."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        raw = repr(raw)
        if "e" in raw or "n" in raw:  # 1e-05, inf, nan: not what anyone typed
            return None
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    sign = ""
    if text[:1] in _MINUS or text[:1] == "+":
        sign, text = ("-" if text[:1] in _MINUS else ""), text[1:].lstrip()
    if not text:
        return None
    spaced = any(ch in _SPACES for ch in text)
    if spaced:
        # Spaces only ever separate thousands: normalise them to one kind, then check the groups.
        for ch in _SPACES:
            text = text.replace(ch, " ")
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        # Both: the last one is the decimal mark, the other groups thousands (1,234.5 · 1.234,5).
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        if text.count(decimal_mark) != 1 or spaced:
            return None
    elif commas:
        # A comma is a decimal comma, except in English before groups of exactly three digits (1,234 · 12,345,678).
        if _language(language) == "en" and not spaced and _integer_part(text, ",") is not None:
            decimal_mark, group_mark = None, ","
        elif commas == 1:
            decimal_mark, group_mark = ",", (" " if spaced else None)
        else:
            return None
    elif dots > 1:
        return None
    else:
        decimal_mark, group_mark = ".", (" " if spaced else None)
    if decimal_mark is not None and decimal_mark in text:
        integer, fraction = text.split(decimal_mark)
        if not _DIGITS.fullmatch(fraction) or (spaced and group_mark != " "):
            return None
    else:
        integer, fraction = text, ""
    if not integer and fraction:
        integer = "0"  # ".5" and ",5"
    digits = _integer_part(integer, group_mark)
    if digits is None:
        return None
    try:
        return Decimal(f"{sign}{digits}.{fraction}" if fraction else f"{sign}{digits}")
    except InvalidOperation:  # pragma: no cover - the text is only digits by now
        return None


def normalise(number: Decimal | int) -> Decimal:
    """The same number without trailing zeros and never in exponent form: 12.500 → 12.5, 1E+2 → 100, -0 → 0."""
    number = Decimal(number)
    if number == 0:
        return Decimal(0)
    if number == number.to_integral_value():
        return Decimal(int(number))  # exact at any size (quantize() stops at 28 digits)
    return number.normalize()


# --- checking -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One reason a value does not fit its indicator, in two wordings of the same translated rule.

    ``message`` is a sentence for a form field ("Enter a whole number."); ``fragment`` follows the indicator's
    code in file and engine reports ("S3: must be a whole number.").
    """

    code: str  # option | number | whole | places | negative | max | too_large
    kind: str  # "type" (not a value of this type) or "range" (out of range)
    message: str
    fragment: str


class InvalidValue(ValueError):
    """A value that the indicator's type or range refuses. ``message`` is the first problem's fragment."""

    def __init__(self, code: str, problems: list[Problem] | Problem | str, *, kind: str = "type"):
        if isinstance(problems, str):
            problems = [Problem("custom", kind, problems, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.code = code
        self.problems = problems
        self.message = problems[0].fragment
        self.kind = problems[0].kind
        super().__init__(f"{code}: {self.message}")

    @property
    def messages(self) -> list[str]:
        """The form's wording of every problem."""
        return [problem.message for problem in self.problems]


def _option_codes(indicator) -> list[str]:
    codes = getattr(indicator, "option_codes", None)
    if codes is not None:
        return list(codes)
    return [option["code"] for option in indicator.options]


def _maximum(indicator) -> Decimal | None:
    maximum = indicator.max_value
    if indicator.value_type == "pct":
        maximum = Decimal(100) if maximum is None else min(Decimal(maximum), Decimal(100))
    return None if maximum is None else Decimal(maximum)


def check(indicator, raw: Any, *, language: str | None = None) -> tuple[Decimal | str | None, list[Problem]]:
    """The parsed value of ``raw`` for ``indicator`` (any object with ``value_type``, ``max_value`` and options)
    and every problem with it. An empty value (None, blank text) is None with no problem."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, []
    if indicator.value_type == "level":
        codes = _option_codes(indicator)
        code = raw.strip() if isinstance(raw, str) else raw
        if not isinstance(code, str) or code not in codes:
            listed = ", ".join(codes)
            return None, [
                Problem(
                    "option",
                    "type",
                    _("Choose one of: %(codes)s.") % {"codes": listed},
                    _("must be one of: %(options)s.") % {"options": listed},
                )
            ]
        return code, []
    number = parse_number(raw, language=language)
    value_type = indicator.value_type
    if number is None:
        fragment = {
            "int": _("must be a whole number."),
            "pct": _("must be a number (a percentage)."),
        }.get(value_type, _("must be a number."))
        return None, [Problem("number", "type", _("Enter a number."), fragment)]
    problems: list[Problem] = []
    huge = abs(number) > MAX_MAGNITUDE  # checked first: quantize() cannot hold 10**30 to 3 places
    if huge:
        pass
    elif value_type == "int" and number != number.to_integral_value():
        problems.append(Problem("whole", "type", _("Enter a whole number."), _("must be a whole number.")))
    elif number != number.quantize(_QUANTUM, rounding=ROUND_HALF_UP):
        problems.append(
            Problem(
                "places",
                "type",
                _("Use at most %(places)d decimal places.") % {"places": DECIMAL_PLACES},
                _("must have at most %(places)d decimal places.") % {"places": DECIMAL_PLACES},
            )
        )
    maximum = _maximum(indicator)
    percentage = value_type == "pct" and maximum == 100
    if number < 0:
        problems.append(
            Problem(
                "negative",
                "range",
                _("The value cannot be negative."),
                _("must be a percentage from 0 to 100.") if percentage else _("must be 0 or more."),
            )
        )
    elif maximum is not None and number > maximum:
        shown = format_number(maximum)
        problems.append(
            Problem(
                "max",
                "range",
                _("The value cannot be more than %(max)s.") % {"max": shown},
                _("must be a percentage from 0 to 100.")
                if percentage
                else _("must be at most %(max)s.") % {"max": shown},
            )
        )
    elif abs(number) > MAX_MAGNITUDE:
        problems.append(Problem("too_large", "range", _("The value is too large."), _("is too large.")))
    return number, problems


def clean(indicator, raw: Any, *, code: str | None = None, language: str | None = None) -> Decimal | int | str | None:
    """The value as stored and scored: ``int`` for whole-number indicators, a normalised Decimal for the
    others, an option code for levels, None when empty. Raises :class:`InvalidValue` listing every problem."""
    value, problems = check(indicator, raw, language=language)
    if problems:
        raise InvalidValue(code or getattr(indicator, "code", ""), problems)
    if value is None or isinstance(value, str):
        return value
    return int(value) if indicator.value_type == "int" else value


# --- writing ------------------------------------------------------------------------------------------------


def plain(number: Decimal | int | float | None) -> str:
    """Language-neutral text of a number (``12.5``, ``100``): JSON strings, audit entries, machine CSV."""
    if number is None:
        return ""
    return format(normalise(Decimal(repr(number)) if isinstance(number, float) else number), "f")


def json_number(number: Decimal | int | None) -> int | float | None:
    """A JSON number: an int when whole, else a float."""
    if number is None:
        return None
    number = normalise(number)
    return int(number) if number == number.to_integral_value() else float(number)


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    return separator.join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


def format_number(
    number: Decimal | int | float | None,
    *,
    language: str | None = None,
    places: int | None = None,
    grouping: bool = True,
) -> str:
    """A number for people in ``language`` (default: the active one): ``1 234,5`` (U+202F) or ``1,234.5``.

    ``places`` rounds half up to that many decimals and keeps them (scores: ``44,0``); by default every
    significant decimal is kept and trailing zeros dropped. ``grouping=False`` for years and form inputs.
    """
    if number is None or number == "":
        return ""
    value = Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if value == 0:
            value = abs(value)
    else:
        value = normalise(value)
    text = format(value, "f")
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    integer, _sep, fraction = text.partition(".")
    english = _language(language) == "en"
    if grouping and len(integer) > 3:
        integer = _group(integer, "," if english else NNBSP)
    decimal_mark = "." if english else ","
    return sign + integer + (decimal_mark + fraction if fraction else "")


def input_number(number: Decimal | int | None, *, language: str | None = None) -> str:
    """A number as a form field shows it back: the reader's decimal mark, no grouping (``1234,5``)."""
    return format_number(number, language=language, grouping=False)


def format_percent(
    number: Decimal | int | float | None, *, language: str | None = None, places: int | None = None
) -> str:
    """``44,7 %`` (U+202F before %) in French, ``44.7%`` in English."""
    if number is None or number == "":
        return ""
    text = format_number(number, language=language, places=places)
    return f"{text}%" if _language(language) == "en" else f"{text}{NNBSP}%"


def _unit(indicator, language: str | None) -> str:
    unit = getattr(indicator, "unit", "") or ""
    if isinstance(unit, dict):  # an IndicatorSpec: {"fr": "membres", "en": "members"}
        unit = unit.get(_language(language)) or unit.get("fr") or ""
    return "%" if indicator.value_type == "pct" else str(unit).strip()


# The framework's countable units, keyed by their English plural as the framework files write it: the catalogue
# gives each language's singular and plural and its rule (French: 0 and 1 take the singular, English: 1 only).
# A unit missing here (FTE, ETP: invariable), or that the catalogue writes otherwise than the framework in that
# language, stays as the framework wrote it.
_COUNTED_UNITS = {
    "members": lambda n: npgettext("unit", "member", "members", n),
    "years": lambda n: npgettext("unit", "year", "years", n),
    "days per staff member": lambda n: npgettext("unit", "day per staff member", "days per staff member", n),
    "projects": lambda n: npgettext("unit", "project", "projects", n),
    "partnerships": lambda n: npgettext("unit", "partnership", "partnerships", n),
    "months": lambda n: npgettext("unit", "month", "months", n),
    "indicators": lambda n: npgettext("unit", "indicator", "indicators", n),
    "objectives": lambda n: npgettext("unit", "objective", "objectives", n),
    "categories of 7": lambda n: npgettext("unit", "category of 7", "categories of 7", n),
    "groups": lambda n: npgettext("unit", "group", "groups", n),
    "communications": lambda n: npgettext("unit", "communication", "communications", n),
    "articles": lambda n: npgettext("unit", "article", "articles", n),
    "success stories": lambda n: npgettext("unit", "success story", "success stories", n),
}


def _english_unit(indicator) -> str:
    unit = getattr(indicator, "unit", "")
    if isinstance(unit, dict):
        return (unit.get("en") or "").strip()
    return (getattr(indicator, "unit_en", "") or "").strip()


def _plural_count(number: Decimal, language: str) -> int:
    """The whole number whose form a quantity's unit takes (plural rules are written for whole numbers): the
    number itself when whole; with decimals its whole part in French (« 1,5 jour »), any plural count in
    English (« 1.5 days »)."""
    whole = int(abs(number))
    if number == number.to_integral_value() or language == "fr":
        return whole
    return 2


def unit_for(indicator, number=None, *, language: str | None = None) -> str:
    """The indicator's unit in ``language`` as it follows ``number``: ``1 objectif``, ``0 objectif``,
    ``2 objectifs``; ``1 objective``, ``0 objectives`` (without a number: as the framework writes it)."""
    unit = _unit(indicator, language)
    counted = _COUNTED_UNITS.get(_english_unit(indicator))
    if not unit or unit == "%" or counted is None or number is None or number == "":
        return unit
    code = _language(language)
    count = _plural_count(Decimal(repr(number)) if isinstance(number, float) else Decimal(number), code)
    with translation.override(code):
        if counted(2) != unit:  # the catalogue does not know this framework's word
            return unit
        return counted(count)


def format_value(indicator, value, *, language: str | None = None, unit: bool = True) -> str:
    """An indicator's value for people: the option's label for levels, else the number with the indicator's
    unit (``80,5 %``, ``50 membres``; ``unit=False``: the number alone)."""
    if value is None or value == "":
        return ""
    if indicator.value_type == "level":
        label = getattr(indicator, "option_label", None)
        if callable(label):
            return label(value)
        option = indicator.option(value)
        if option is None:
            return str(value)
        return option.label.get(_language(language)) or option.label.get("fr") or option.code
    if unit:
        return format_quantity(value, unit_for(indicator, value, language=language), language=language)
    return format_number(value, language=language)


def format_threshold(indicator, which: str = "full", *, language: str | None = None) -> str:
    """An indicator's full or partial criterion: ``≥ 75 %``, ``≤ 1,5``, or the option labels for levels."""
    if indicator.value_type == "level":
        options = indicator.options
        labels = []
        for option in options:
            if isinstance(option, dict):
                if option.get("result") == which:
                    labels.append(indicator.option_label(option["code"]))
            elif option.result == which:
                labels.append(format_value(indicator, option.code, language=language))
        return " / ".join(labels)
    if hasattr(indicator, "full_threshold"):
        threshold = indicator.full_threshold if which == "full" else indicator.partial_threshold
    else:
        threshold = indicator.full if which == "full" else indicator.partial
    if threshold is None:
        return ""
    sign = "≤" if indicator.direction == "lower" else "≥"
    return (
        f"{sign}\xa0{format_quantity(threshold, unit_for(indicator, threshold, language=language), language=language)}"
    )


def format_quantity(number: Decimal | int | float | None, unit: str = "", *, language: str | None = None) -> str:
    """A number with its unit: ``80,5 %`` / ``80.5%`` for a percentage, ``3,5 ETP`` (no-break space) otherwise."""
    if number is None or number == "":
        return ""
    unit = (unit or "").strip()
    if unit == "%":
        return format_percent(number, language=language)
    text = format_number(number, language=language)
    return f"{text}\xa0{unit}" if unit else text


def format_statistic(value, *, language: str | None = None) -> str:
    """A peer group's median or quartile, the same on the benchmark page and in the report: one decimal at most,
    rounded half up (``54,9``, ``56,6`` for 56.55, ``50``); empty when there is none."""
    if value is None:
        return ""
    exact = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    return format_number(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), language=language)


def format_with_unit(indicator, text: str, count=None, *, language: str | None = None) -> str:
    """A number already written (``text``) followed by the indicator's unit (``78,8 %``, ``285 membres``), in the
    singular or the plural that ``count`` (the number) takes."""
    if not text:
        return ""
    unit = unit_for(indicator, count, language=language)
    if indicator.value_type == "pct" or unit == "%":
        return f"{text}{NNBSP if _language(language) == 'fr' else ''}%"
    return f"{text}\xa0{unit}" if unit else text


def format_target(indicator, raw, *, language: str | None = None) -> str:
    """The value to reach on the path to the next level (``≥ 3 ETP``, ``≤ 12 mois``, an option's label)."""
    if indicator.value_type == "level":
        return indicator.option_label(str(raw))
    sign = "≤" if indicator.direction == "lower" else "≥"
    return f"{sign}\xa0{format_with_unit(indicator, format_number(raw, language=language), raw, language=language)}"


def format_signed(value, places: int | None = None, *, language: str | None = None) -> str:
    """A change: ``+3``, ``−1,5``, ``0``."""
    if value is None:
        return ""
    decimal = Decimal(str(value))
    if decimal > 0:
        return f"+{format_number(decimal, places=places, language=language)}"
    if decimal < 0:
        return f"−{format_number(-decimal, places=places, language=language)}"
    return format_number(decimal, places=places, language=language)
