"""Reads of the framework catalogue. The framework is public methodology: no user is needed to read it."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from core.exceptions import NotFound

from .models import Category, Framework, Indicator


def _with_catalogue(queryset: QuerySet) -> QuerySet:
    """Categories and their indicators in display order, in three queries whatever the size."""
    return queryset.prefetch_related(
        Prefetch(
            "categories",
            queryset=Category.objects.order_by("position", "pk").prefetch_related(
                Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk"))
            ),
        )
    )


def framework_list() -> QuerySet:
    """Every framework version, the default first."""
    return Framework.objects.order_by("-is_default", "code")


def framework_default() -> Framework:
    """The default framework with its categories and indicators prefetched, else ``NotFound`` (none installed)."""
    framework = _with_catalogue(Framework.objects.filter(is_default=True)).first()
    if framework is None:
        raise NotFound()
    return framework


def framework_with_catalogue() -> QuerySet:
    """Framework versions with their catalogue prefetched (for the API's detail)."""
    return _with_catalogue(framework_list())
