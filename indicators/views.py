"""The public methodology page: the default framework's indicators, thresholds and the label rules."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import caching
from core.public_cache import public_cache

from . import benchmarking, selectors, values
from .models import Direction, Indicator, ValueType
from .spec import guidance_from_source, guidance_text

RESULT_LABELS = {
    "full": _("full criterion"),
    "partial": _("partial criterion"),
    "none": _("not met"),
}


format_number = values.format_number  # thresholds as people write them, in the current language


@dataclass(frozen=True)
class OptionRow:
    code: str
    label: str
    result: str
    result_label: str


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    comparator: str  # "≥" or "≤"
    full: str
    partial: str
    maximum: str
    options: tuple[OptionRow, ...]
    # what clusters typically do to reach each threshold (the framework's guidance), in the page's language
    guidance_partial: str = ""
    guidance_full: str = ""

    @property
    def is_level(self) -> bool:
        return self.indicator.value_type == ValueType.LEVEL


def _option_label(option: dict, language: str) -> str:
    labels = option.get("label") or {}
    return labels.get(language) or labels.get("fr") or labels.get("en") or option.get("code", "")


def indicator_row(indicator: Indicator, language: str, guidance: dict | None = None) -> IndicatorRow:
    guidance = guidance or {}
    return IndicatorRow(
        indicator=indicator,
        comparator="≤" if indicator.direction == Direction.LOWER else "≥",
        full=format_number(indicator.full_threshold),
        partial=format_number(indicator.partial_threshold),
        maximum=format_number(indicator.max_value),
        options=tuple(
            OptionRow(
                code=option.get("code", ""),
                label=_option_label(option, language),
                result=option.get("result", "none"),
                result_label=RESULT_LABELS.get(option.get("result", "none"), ""),
            )
            for option in (indicator.options or [])
        ),
        guidance_partial=guidance_text(guidance, indicator.code, "partial", language),
        guidance_full=guidance_text(guidance, indicator.code, "full", language),
    )


@public_cache(versions=(caching.FRAMEWORK,), max_age=3600)
def methodology(request):
    framework = selectors.framework_default()  # NotFound (404) when none is installed
    language = (get_language() or "fr")[:2]
    guidance = guidance_from_source(framework.source)
    categories = []
    total_weight = 0
    baseline = []
    for category in framework.categories.all():
        indicators = list(category.indicators.all())
        weight = sum(i.weight for i in indicators)
        total_weight += weight
        baseline.extend(i for i in indicators if i.baseline)
        categories.append(
            {"category": category, "weight": weight, "rows": [indicator_row(i, language, guidance) for i in indicators]}
        )
    context = {
        "framework": framework,
        "categories": categories,
        "total_weight": total_weight,
        "indicator_count": sum(len(c["rows"]) for c in categories),
        "gold_points": math.ceil(total_weight * benchmarking.GOLD_PERCENT / 100),
        "gold_percent": values.format_percent(benchmarking.GOLD_PERCENT, places=0),  # 80 % / 80%
        "baseline": baseline,
        "eligibility_code": benchmarking.ELIGIBILITY_INDICATOR,
        "eligibility_min": benchmarking.ELIGIBILITY_MINIMUM,
        "silver_improved": benchmarking.SILVER_MIN_IMPROVED,
        "silver_from": benchmarking.SILVER_WINDOW_MONTHS[0],
        "silver_to": benchmarking.SILVER_WINDOW_MONTHS[1],
    }
    return render(request, "indicators/methodology.html", context)
