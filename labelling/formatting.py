"""How the PDF reports, the certificate and the path to the next level write numbers, values, criteria,
dates and region names in the reader's language (French: ``1 234,5`` with a narrow no-break space, ``≥ 1,5``;
English: ``1,234.5``).

Every report formatting call goes through this module, which defers to the shared helpers of
``indicators/values.py`` (numbers, values, criteria) and ``core.places`` (region names).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import dateformat
from django.utils.translation import get_language

from core.places import region_name as _region_name
from indicators import values

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def _language() -> str:
    return (get_language() or "fr")[:2]


def number(value, places: int | None = None) -> str:
    """A number the local way (``indicators.values.format_number``); ``places`` fixes the decimals."""
    if value is None or value == "":
        return ""
    try:
        return values.format_number(value, places=places)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


def statistic(value) -> str:
    """A peer group's median or quartile, the same for every group on the benchmark page and in the report: one
    decimal at most, rounded half up (``54,9``, ``56,6`` for 56.55, ``72,4``, ``50``); empty when there is none."""
    if value is None:
        return ""
    exact = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    return number(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def percent(value, places: int = 1) -> str:
    """``98,0 %`` / ``98.0%``."""
    return values.format_percent(value, places=places)


def with_unit(indicator, text: str, count=None) -> str:
    """A formatted number followed by the indicator's unit (``78,8 %``, ``285 membres``), in the singular or
    the plural that ``count`` (the number) takes."""
    if not text:
        return ""
    unit = values.unit_for(indicator, count)
    if indicator.value_type == "pct" or unit == "%":
        return f"{text}{NARROW_NBSP if _language() == 'fr' else ''}%"
    return f"{text}{NBSP}{unit}" if unit else text


def value(indicator, raw) -> str:
    """A value with its unit, or a level's option label; empty when unanswered."""
    return values.format_value(indicator, raw)


def criterion(indicator, which: str = "full") -> str:
    """A quality criterion: ``≥ 75 %``, ``≤ 12 mois``, or the option labels that give it."""
    return values.format_threshold(indicator, which)


def target(indicator, raw) -> str:
    """The value to reach on the path to the next level (``≥ 3 ETP``, ``≤ 12 mois``, an option label)."""
    if indicator.value_type == "level":
        return indicator.option_label(str(raw))
    sign = "≤" if indicator.direction == "lower" else "≥"
    return f"{sign}{NBSP}{with_unit(indicator, number(raw), raw)}"


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
