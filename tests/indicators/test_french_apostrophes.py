"""The framework's French texts use the typographic apostrophe (’), in the shipped file and in a database installed
before the file was corrected (migration 0008); English keeps its straight apostrophe."""

from __future__ import annotations

import json
from importlib import import_module

import pytest
from django.apps import apps

from indicators.models import Category, Framework, Indicator
from indicators.services import framework_ensure_default, framework_spec_for
from indicators.spec import FRAMEWORKS_DIR, default_framework_spec

pytestmark = [pytest.mark.django_db]
migration = import_module("indicators.migrations.0008_french_apostrophes")


def _texts(value, language: str, *, inside: bool = False):
    """Every string of ``value`` under a ``language`` key, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, language, inside=inside or key == language)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, language, inside=inside)
    elif inside and isinstance(value, str):
        yield value


def _straight(value, *, inside: bool = False):
    """``value`` with the French texts' ’ back to ' (what the file said before)."""
    if isinstance(value, dict):
        return {key: _straight(item, inside=inside or key == "fr") for key, item in value.items()}
    if isinstance(value, list):
        return [_straight(item, inside=inside) for item in value]
    return value.replace("’", "'") if inside and isinstance(value, str) else value


def test_the_shipped_framework_writes_french_with_the_typographic_apostrophe():
    shipped = json.loads((FRAMEWORKS_DIR / "ecei-31.json").read_text(encoding="utf-8"))
    french, english = list(_texts(shipped, "fr")), list(_texts(shipped, "en"))
    assert len(french) > 100 and len(english) > 100
    assert not [text for text in french if "'" in text]
    assert sum("’" in text for text in french) > 30
    assert any("'" in text for text in english) and not [text for text in english if "’" in text]


def test_a_framework_installed_from_the_former_file_gets_the_shipped_french_texts():
    framework = framework_ensure_default()
    # What a database installed from the former file holds: the French texts with ', the English ones as shipped.
    Framework.objects.filter(pk=framework.pk).update(
        name_fr=framework.name_fr.replace("’", "'"),
        description_fr=framework.description_fr.replace("’", "'"),
        source=_straight(framework.source),
    )
    for category in Category.objects.filter(framework=framework):
        Category.objects.filter(pk=category.pk).update(name_fr=category.name_fr.replace("’", "'"))
    for indicator in Indicator.objects.filter(framework=framework):
        Indicator.objects.filter(pk=indicator.pk).update(
            name_fr=indicator.name_fr.replace("’", "'"),
            help_fr=indicator.help_fr.replace("’", "'"),
            unit_fr=indicator.unit_fr.replace("’", "'"),
            options=_straight(indicator.options),
        )
    before = Framework.objects.get(pk=framework.pk)
    assert "structure d'animation" in json.dumps(before.source, ensure_ascii=False).lower()
    assert Indicator.objects.filter(framework=framework, options__icontains="Ni l'un ni l'autre").exists()
    assert framework_spec_for(before) != default_framework_spec()

    migration.fix_french_apostrophes(apps, None)

    after = Framework.objects.get(pk=framework.pk)
    assert after.updated_at > before.updated_at  # the cached spec is built again
    assert framework_spec_for(after) == default_framework_spec()  # the rows say what the file says
    assert after.source == default_framework_spec().to_dict()  # and the kept source too (guidance included)
    assert "structure d’animation" in json.dumps(after.source, ensure_ascii=False).lower()
    assert any("'" in text for text in _texts(after.source, "en"))
