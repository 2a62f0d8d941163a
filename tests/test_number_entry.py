"""Numbers typed in forms (issue 22, item 1): every numeric field of every form of the project — the pages' forms
and the admin's, found here by introspection so that a new one is covered without being listed — reads what a
French or an English user types (« 12 000,50 », « 12 000 » with any kind of space, « 12000.50 », « 12,000.50 ») as
the same number, or refuses it on the field; never a silent other number (« 12 000,50 » was saved as 1200050)."""

from __future__ import annotations

import importlib
import pkgutil
import re
import warnings
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings as dj_settings
from django.contrib import admin
from django.core import validators
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusters.models import FinancingYear, TeamYear
from core.forms import DJANGO_NUMBER_FIELDS, NumberField
from indicators import values
from tests.factories import UserFactory

PROJECT_APPS = tuple(  # the apps of this repository (not the libraries in the virtualenv)
    config.name
    for config in apps.get_app_configs()
    if Path(config.path).is_relative_to(dj_settings.BASE_DIR) and "site-packages" not in Path(config.path).parts
)
SPACES = (" ", "\xa0", "\u202f")


def _project_forms() -> list[type[forms.BaseForm]]:
    """Every form class the project defines (its apps' modules imported, then Django's form classes walked)."""
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    found, stack = [], [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_APPS and hasattr(cls, "base_fields"):
            found.append(cls)
    return found


def _admin_forms() -> list[type[forms.BaseForm]]:
    """The form of every model the admin edits, and of its inlines, as the admin builds it for a superuser."""
    request = RequestFactory().get("/admin/")
    request.user = UserFactory.build(is_superuser=True, is_staff=True)
    found = []
    with warnings.catch_warnings():  # the admin's URL fields' scheme warning (Django 6): not the subject here
        warnings.simplefilter("ignore")
        for model_admin in admin.site._registry.values():
            found.append(model_admin.get_form(request))
            for inline in model_admin.get_inline_instances(request):
                found.append(inline.get_formset(request).form)
    return found


def numeric_fields() -> list[tuple[str, forms.Field]]:
    fields = []
    for form in [*_project_forms(), *_admin_forms()]:
        for name, field in form.base_fields.items():
            if isinstance(field, (*DJANGO_NUMBER_FIELDS, NumberField)):
                fields.append((f"{form.__module__}.{form.__name__}.{name}", field))
    return fields


@pytest.fixture(scope="module")
def every_numeric_field(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return numeric_fields()


def test_every_numeric_field_of_every_form_reads_numbers_as_people_type_them(every_numeric_field):
    names = {name.rsplit(".", 1)[-1] for name, _field in every_numeric_field}
    # The records' forms, the self-assessment's and the admin's are all found (a sample, not the list).
    assert {"member_fees", "staff_fte", "staff_headcount", "reference_year", "full_threshold", "version"} <= names
    django_parsed = [name for name, field in every_numeric_field if not isinstance(field, NumberField)]
    assert not django_parsed, (
        "these numeric fields parse with Django's rules (« 12 000,50 » refused or misread): derive the form from "
        "core.forms.Form / ModelForm (core.admin for the admin) or declare a core.forms.NumberField:\n"
        + "\n".join(django_parsed)
    )
    shown = [name for name, field in every_numeric_field if 'type="number"' in field.widget.render("x", "1")]
    assert not shown, "a browser number input reads the text by its own locale: " + ", ".join(shown)


def _bounds(field: NumberField) -> tuple[Decimal, Decimal]:
    low, high = Decimal(0), Decimal(10) ** 9
    for validator in field.validators:
        if isinstance(validator, validators.MinValueValidator):
            low = max(low, Decimal(validator.limit_value))
        elif isinstance(validator, validators.MaxValueValidator):
            high = min(high, Decimal(validator.limit_value))
    if field.max_digits is not None:
        high = min(high, Decimal(10) ** (field.max_digits - (field.decimal_places or 0)) - 1)
    return low, high


AMBIGUOUS = re.compile(r"[0-9]{1,3}(,[0-9]{3})+")  # « 1,001 »: 1.001 in French, 1001 in English


def typings(number: Decimal) -> dict[str, list[str]]:
    """How people write ``number``: the same in both languages (``both``), and the writings that only one
    language reads as ``number`` (« 12,000 » is twelve thousand in English and twelve in French; « 1,001 » is
    1.001 in French and a thousand and one in English)."""
    french = values.format_number(number, language="fr")
    english = values.format_number(number, language="en")
    plain = values.plain(number)
    written = [french, plain, values.input_number(number, language="fr"), english]
    written += [french.replace(values.NNBSP, space) for space in SPACES]
    if "." in plain and len(plain.split(".")[1]) == 1:
        written.append(plain + "0")  # « 12000.50 »
    cases: dict[str, list[str]] = {"both": [], "fr": [], "en": []}
    for text in dict.fromkeys(written):
        if AMBIGUOUS.fullmatch(text):
            cases["en" if text == english else "fr"].append(text)
        else:
            cases["both"].append(text)
    return cases


@st.composite
def field_and_number(draw, fields):
    name, field = draw(st.sampled_from(fields))
    low, high = _bounds(field)
    places = 0 if field.whole else field.decimal_places if field.decimal_places is not None else 3
    number = draw(st.decimals(min_value=low, max_value=high, places=places, allow_nan=False, allow_infinity=False))
    return name, field, values.normalise(number)


def _clean(field: NumberField, text: str):
    try:
        return field.clean(text)
    except ValidationError as exc:
        return exc


@pytest.mark.parametrize("language", ["fr", "en"])
def test_property_what_either_language_types_is_the_number_or_a_refusal(every_numeric_field, language):
    fields = [(name, field) for name, field in every_numeric_field if isinstance(field, NumberField)]

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(field_and_number(fields))
    def check(case):
        name, field, number = case
        written = typings(number)
        with translation.override(language):
            for text in written["both"]:
                assert _clean(field, text) == number, f"{name}: {text!r} in {language}"
            for text in written[language]:
                assert _clean(field, text) == number, f"{name}: {text!r} in {language}"
            for text in written["en" if language == "fr" else "fr"]:
                # the other language's reading of an ambiguous « 1,001 »: this language's number, or a refusal
                # where it has more places than the field holds (« 12,000 » on a whole-number field in French)
                result = _clean(field, text)
                assert isinstance(result, ValidationError) or result == values.parse_number(text, language=language)

    check()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_property_any_text_is_the_number_it_reads_as_or_refused_on_the_field(every_numeric_field, language):
    fields = [field for _name, field in every_numeric_field if isinstance(field, NumberField)]

    @settings(max_examples=300, deadline=None)
    @given(st.sampled_from(fields), st.text(alphabet="0123456789 ,.-+e\xa0\u202f", max_size=20) | st.text(max_size=20))
    def check(field, text):
        with translation.override(language):
            result = _clean(field, text)
            if not isinstance(result, ValidationError):
                parsed = values.parse_number(text, language=language)
                assert result == parsed or (result is None and not text.strip())

    check()


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12 000,50", Decimal("12000.50")),
        ("12\u202f000,50", Decimal("12000.50")),
        ("12\xa0000", Decimal("12000")),
        ("12000.50", Decimal("12000.50")),
        ("12,000.50", Decimal("12000.50")),
    ],
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_french_or_english_amount_is_saved_as_typed(cluster, manager, client_for, settings, language, text, number):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    zero = {"state": "0", "regional": "0", "eu": "0", "paid_services": "0", "other_private": "0"}
    response = client.post(f"/clusters/{cluster.pk}/financing/add/", {"year": "2 024", "member_fees": text, **zero})
    assert response.status_code == 302, response.context["form"].errors
    row = FinancingYear.objects.get(cluster=cluster)
    assert (row.year, row.member_fees) == (2024, number)


def test_a_french_twelve_thousand_with_a_comma_is_refused_with_the_text_kept(cluster, manager, client_for):
    zero = {"state": "0", "regional": "0", "eu": "0", "paid_services": "0", "other_private": "0"}
    response = client_for(manager).post(
        f"/clusters/{cluster.pk}/financing/add/", {"year": "2024", "member_fees": "12,000", **zero}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["member_fees"]
    assert errors == [
        "Utilisez au plus 2 décimales.",
        "La virgule marque les décimales\u202f: séparez les milliers par des espaces (12\u202f000).",
    ]
    assert 'value="12,000"' in response.content.decode()
    assert not FinancingYear.objects.exists()


def test_the_records_forms_offer_a_decimal_keyboard_and_show_numbers_in_the_readers_convention(
    cluster, manager, client_for
):
    TeamYear.objects.create(cluster=cluster, year=2024, staff_fte=Decimal("2.50"), staff_headcount=3)
    body = client_for(manager).get(f"/clusters/{cluster.pk}/team/2024/edit/").content.decode()
    assert 'type="number"' not in body
    assert 'name="staff_fte" value="2,50" inputmode="decimal"' in body


def test_a_team_headcount_typed_with_a_decimal_comma_is_refused_not_rounded(cluster, manager, client_for):
    data = {"year": "2025", "staff_fte": "1,5", "staff_headcount": "3,000", "action_plan": "none"}
    response = client_for(manager).post(f"/clusters/{cluster.pk}/team/add/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["staff_headcount"][0] == "Saisissez un nombre entier."
    assert not TeamYear.objects.exists()


def test_a_declared_django_number_field_becomes_a_number_field_and_keeps_a_widget_of_choices():
    from core.forms import Form, NumberInput

    class Sample(Form):
        amount = forms.DecimalField(max_digits=8, decimal_places=2, min_value=0, label="amount")
        year = forms.IntegerField(widget=forms.Select(choices=[(2024, "2024"), (2025, "2025")]))
        version = forms.IntegerField(widget=forms.HiddenInput)

    fields = Sample.base_fields
    assert all(isinstance(field, NumberField) for field in fields.values())
    assert isinstance(fields["amount"].widget, NumberInput) and not fields["year"].widget.input_type == "text"
    assert isinstance(fields["year"].widget, forms.Select) and fields["version"].widget.is_hidden
    with translation.override("fr"):
        form = Sample({"amount": "1 234,50", "year": "2025", "version": "3"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data == {"amount": Decimal("1234.5"), "year": 2025, "version": 3}
        refused = Sample({"amount": "-1", "year": "2025", "version": "3"})
        assert not refused.is_valid() and refused.errors["amount"] == [
            "Assurez-vous que cette valeur est supérieure ou égale à 0."
        ]
