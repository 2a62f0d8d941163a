"""Writes and ORM-side reads of the framework catalogue. The maths is in indicators.computations."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core import caching
from core.exceptions import DomainError
from indicators import values

from .models import Category, Framework, Indicator
from .spec import (
    DEFAULT_FRAMEWORK_CODE,
    CategorySpec,
    FrameworkSpec,
    IndicatorSpec,
    OptionSpec,
    default_framework_spec,
    framework_row,
    write_framework_rows,
)


class FrameworkInUse(DomainError):
    default_message = _(
        "This framework version is already used by an assessment and cannot be changed. "
        "Give the new version a new code."
    )
    status_code = 409


def framework_in_use(framework: Framework) -> bool:
    return framework.assessments.exists()


@transaction.atomic
def framework_install(*, spec: FrameworkSpec, make_default: bool = False) -> Framework:
    """Install a framework version from its spec, or refresh a version that no assessment uses yet.

    A version in use is never changed (an assessment keeps the version it was started with): installing a
    different content under the same code raises FrameworkInUse; installing the same content again only
    updates the default flag.
    """
    framework = Framework.objects.select_for_update().filter(code=spec.code).first()
    if framework is not None:
        if framework_spec_for(framework) != spec:
            if framework_in_use(framework):
                raise FrameworkInUse()
            for field, value in framework_row(spec).items():
                setattr(framework, field, value)
            framework.gold_countersignature = spec.gold_countersignature
            framework.gold_visit_freeze_days = spec.gold_visit_freeze_days
            framework.save()
            framework.indicators.all().delete()
            framework.categories.all().delete()
            write_framework_rows(spec, framework, Category, Indicator)
            _SPEC_CACHE.pop(framework.pk, None)
    else:
        framework = Framework.objects.create(
            gold_countersignature=spec.gold_countersignature,
            gold_visit_freeze_days=spec.gold_visit_freeze_days,
            **framework_row(spec),
        )
        write_framework_rows(spec, framework, Category, Indicator)
    if make_default and not framework.is_default:
        Framework.objects.filter(is_default=True).exclude(pk=framework.pk).update(is_default=False)
        framework.is_default = True
        framework.save(update_fields=["is_default", "updated_at"])
    caching.bump(caching.FRAMEWORK)
    return framework


@transaction.atomic
def framework_ensure_default() -> Framework:
    """The default framework; installs the shipped ``ecei-31`` (and makes it the default) when there is none.

    Idempotent. Tests that flush the database (``transactional_db``) call it to get the catalogue back.
    """
    framework = Framework.objects.filter(is_default=True).first()
    if framework is not None:
        return framework
    return framework_install(spec=default_framework_spec(), make_default=True)


_SPEC_CACHE: dict[int, tuple[object, FrameworkSpec]] = {}


def _d(value: Decimal | None) -> Decimal | None:
    """Drop the database's trailing zeros (12.500 -> 12.5, 100.000 -> 100)."""
    return None if value is None else values.normalise(value)


def _build_spec(framework: Framework) -> FrameworkSpec:
    categories = list(framework.categories.order_by("position", "pk"))
    indicators = list(framework.indicators.select_related("category").order_by("position", "pk"))
    indicator_specs = [
        IndicatorSpec(
            code=row.code,
            category=row.category.code,
            value_type=row.value_type,
            weight=row.weight,
            direction=row.direction,
            full=_d(row.full_threshold),
            partial=_d(row.partial_threshold),
            max_value=_d(row.max_value),
            baseline=row.baseline,
            options=tuple(
                OptionSpec(
                    code=option["code"],
                    result=option["result"],
                    label={"fr": option.get("label", {}).get("fr", ""), "en": option.get("label", {}).get("en", "")},
                )
                for option in (row.options or [])
            ),
            from_data=row.from_data,
            name={"fr": row.name_fr, "en": row.name_en},
            help={"fr": row.help_fr, "en": row.help_en},
            unit={"fr": row.unit_fr, "en": row.unit_en},
            ecei=row.ecei_ref,
        )
        for row in indicators
    ]
    category_specs = [
        CategorySpec(
            code=category.code,
            name={"fr": category.name_fr, "en": category.name_en},
            indicator_codes=tuple(spec.code for spec in indicator_specs if spec.category == category.code),
        )
        for category in categories
    ]
    # Display order: category by category, as in the file.
    ordered = [spec for category in category_specs for spec in indicator_specs if spec.category == category.code]
    return FrameworkSpec(
        code=framework.code,
        name={"fr": framework.name_fr, "en": framework.name_en},
        categories=tuple(category_specs),
        indicators=tuple(ordered),
        description={"fr": framework.description_fr, "en": framework.description_en},
        gold_countersignature=framework.gold_countersignature,
        gold_visit_freeze_days=framework.gold_visit_freeze_days,
    )


def framework_spec_for(framework: Framework) -> FrameworkSpec:
    """The spec of a framework version, built from its rows (cached per framework id and last change)."""
    key = framework.updated_at
    cached = _SPEC_CACHE.get(framework.pk)
    if cached is not None and cached[0] == key:
        return cached[1]
    spec = _build_spec(framework)
    _SPEC_CACHE[framework.pk] = (key, spec)
    return spec


def framework_spec_by_code(code: str) -> FrameworkSpec | None:
    """The spec of the framework with this code in the database, or None."""
    framework = Framework.objects.filter(code=code).first()
    return framework_spec_for(framework) if framework is not None else None


__all__ = [
    "DEFAULT_FRAMEWORK_CODE",
    "FrameworkInUse",
    "framework_ensure_default",
    "framework_in_use",
    "framework_install",
    "framework_spec_by_code",
    "framework_spec_for",
]
