"""The API's filters (``DEFAULT_FILTER_BACKENDS``): a module of its own, which DRF's generic views import when they
are defined (``core.api`` imports drf-spectacular's schema, which imports those views)."""

import django_filters
from django import forms
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A filter by the id of a related row: a whole number (anything else answers 400)."""

    field_class = forms.IntegerField


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A filter on a whole-number column (a year): ``0.5`` answers 400, as the schema's integer says (django-filter's
    default reads a decimal)."""

    field_class = forms.IntegerField


class FilterSet(django_filters.rest_framework.FilterSet):
    """The filter set that ``filterset_fields`` build: django-filter's, but a foreign key filters by id
    (``IdFilter``), so that an id that matches nothing gives an empty list like any other value. django-filter's
    default, a choice among the existing rows, answers 400 for an unknown id (a schema-valid integer) and tells
    whether a row exists that the user may not see."""

    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        **{
            field: {"filter_class": IntegerFilter}
            for field in (
                models.IntegerField,
                models.SmallIntegerField,
                models.BigIntegerField,
                models.PositiveIntegerField,
                models.PositiveSmallIntegerField,
                models.PositiveBigIntegerField,
            )
        },
        models.OneToOneField: {"filter_class": IdFilter},
    }

    def is_valid(self) -> bool:
        """django-filter's check, and an empty choice (``?kind=``) refused with a field error as a value outside
        the choices is: the schema's enum does not hold "" (an unwanted filter is left out, as an empty ``page=``
        is refused)."""
        valid = super().is_valid()
        for name, declared in self.filters.items():
            if isinstance(declared, django_filters.ChoiceFilter) and self.data.get(name, None) == "":
                field = self.form.fields[name]
                self.form.add_error(name, forms.ValidationError(field.error_messages["invalid_choice"] % {"value": ""}))
                valid = False
        return valid


class FilterBackend(DjangoFilterBackend):
    """``DEFAULT_FILTER_BACKENDS``: ``filterset_fields`` build a ``FilterSet``."""

    filterset_base = FilterSet
