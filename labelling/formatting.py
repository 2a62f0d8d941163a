"""How the PDF reports, the certificate and the path to the next level write numbers, values, criteria,
dates and region names in the reader's language (French: ``1 234,5`` with a narrow no-break space, ``≥ 1,5``;
English: ``1,234.5``).

Every report formatting call goes through this module, so that it can defer to the shared helpers of
``indicators/values.py`` (issue 10) in one place when they land.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import dateformat, formats
from django.utils.translation import get_language

from core.places import region_name as _region_name

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def _language() -> str:
    return (get_language() or "fr")[:2]


def number(value, places: int | None = None) -> str:
    """A number the local way; ``places`` fixes the decimals, else as many as the value has (at most 3)."""
    if value is None or value == "":
        return ""
    try:
        decimal = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not decimal.is_finite():
        return ""
    if places is None:
        decimal = decimal.quantize(Decimal("0.001")).normalize()
        exponent = decimal.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
    text = formats.number_format(decimal, decimal_pos=places, use_l10n=True, force_grouping=True)
    if _language() == "fr":
        text = text.replace(NBSP, NARROW_NBSP).replace(" ", NARROW_NBSP)
    return text


def percent(value, places: int = 1) -> str:
    """``98,0 %`` / ``98.0%``."""
    if value is None:
        return ""
    if _language() == "fr":
        return f"{number(value, places)}{NARROW_NBSP}%"
    return f"{number(value, places)}%"


def unit_of(indicator) -> str:
    return (indicator.unit or "").strip()


def with_unit(indicator, text: str) -> str:
    """A formatted number followed by the indicator's unit (``78,8 %``, ``285 membres``)."""
    if not text:
        return ""
    unit = unit_of(indicator)
    if not unit:
        return text
    if unit == "%":
        return f"{text}{NARROW_NBSP if _language() == 'fr' else ''}%"
    return f"{text}{NBSP}{unit}"


def value(indicator, raw) -> str:
    """A value with its unit, or a level's option label; empty when unanswered."""
    if raw is None or raw == "":
        return ""
    if indicator.value_type == "level":
        return indicator.option_label(str(raw))
    return with_unit(indicator, number(raw))


def criterion(indicator, which: str = "full") -> str:
    """A quality criterion: ``≥ 75 %``, ``≤ 12 mois``, or the option labels that give it."""
    if indicator.value_type == "level":
        return " / ".join(indicator.option_label(o["code"]) for o in indicator.options if o.get("result") == which)
    threshold = indicator.full_threshold if which == "full" else indicator.partial_threshold
    if threshold is None:
        return ""
    sign = "≤" if indicator.direction == "lower" else "≥"
    return f"{sign}{NBSP}{with_unit(indicator, number(threshold))}"


def target(indicator, raw) -> str:
    """The value to reach on the path to the next level (``≥ 3 ETP``, ``≤ 12 mois``, an option label)."""
    if indicator.value_type == "level":
        return indicator.option_label(str(raw))
    sign = "≤" if indicator.direction == "lower" else "≥"
    return f"{sign}{NBSP}{with_unit(indicator, number(raw))}"


def signed(value, places: int | None = None) -> str:
    """A change: ``+3``, ``−1,5``, ``0``."""
    if value is None:
        return ""
    decimal = Decimal(str(value))
    if decimal > 0:
        return f"+{number(decimal, places)}"
    if decimal < 0:
        return f"−{number(-decimal, places)}"
    return number(decimal, places)


def long_date(day: datetime.date | None) -> str:
    """``1 décembre 2026`` / ``1 December 2026`` (the British order in English)."""
    if day is None:
        return ""
    return dateformat.format(day, "j F Y")


def region_name(code: str) -> str:
    """The region's name in the reader's language (core.places: INSEE codes in France, NUTS-2 elsewhere)."""
    return _region_name(code)
