"""Names for people: countries and regions from their codes, and the French « de / d' » elision."""

import pytest
from django.template import Context, Template
from django.utils import translation

from core.places import country_name, place_label, region_choices, region_name
from core.text import elides, of_name


@pytest.mark.parametrize(
    "code, french, english",
    [("FR", "France", "France"), ("DE", "Allemagne", "Germany"), ("be", "Belgique", "Belgium"), ("", "", "")],
)
def test_country_names_follow_the_readers_language(code, french, english):
    assert country_name(code, language="fr") == french
    assert country_name(code, language="en") == english


def test_insee_regions_are_named_in_the_readers_language_and_nuts2_abroad():
    assert region_name("24", language="fr") == "Centre-Val de Loire"
    assert region_name("53", language="fr") == "Bretagne"
    assert region_name("53", language="en") == "Brittany"
    assert region_name("BE10", country="BE") == "Région de Bruxelles-Capitale / Brussels Hoofdstedelijk Gewest"
    assert region_name("dea2", country="DE") == "Köln"
    assert region_name("ZZ99", country="ZZ") == "ZZ99"  # unknown: shown as typed, never hidden
    assert region_name("") == ""


def test_place_label_and_choices():
    assert place_label("FR", "24", language="fr") == "France · Centre-Val de Loire"
    assert place_label("DE", "", language="en") == "Germany"
    with translation.override("fr"):
        names = [name for _code, name in region_choices("FR")]
    assert "Bretagne" in names and names == sorted(names, key=str.lower)
    assert ("LU00", "Luxembourg") in region_choices("LU")


def test_template_filters_write_names_and_numbers_for_the_reader():
    template = Template(
        "{% load grappe %}{{ c|place:r }}|{{ r|region }}|{{ n|number }}|{{ p|percent:1 }}|{{ name|of }}"
    )
    context = Context({"c": "FR", "r": "24", "n": 1234.5, "p": 44.65, "name": "Elastopole"})
    with translation.override("fr"):
        assert template.render(context) == (
            "France · Centre-Val de Loire|Centre-Val de Loire|1\u202f234,5|44,7\u202f%|d\u2019Elastopole"
        )
    with translation.override("en"):
        assert (
            template.render(context) == "France · Centre-Val de Loire|Centre-Val de Loire|1,234.5|44.7%|of Elastopole"
        )


@pytest.mark.parametrize(
    "name, french",
    [
        ("Elastopole", "d\u2019Elastopole"),
        ("Végépolys", "de Végépolys"),
        ("Hydreos", "d\u2019Hydreos"),
        ("Hauts-de-France Innovation", "de Hauts-de-France Innovation"),
        ("« Atlanpole »", "d\u2019« Atlanpole »"),
        ("Vegepolys", "de Vegepolys"),
        ("Œnopôle", "d\u2019Œnopôle"),
        ("Ynov", "d\u2019Ynov"),
    ],
)
def test_de_is_elided_before_a_vowel_or_a_mute_h(name, french):
    assert of_name(name, language="fr") == french
    assert of_name(name, language="en") == f"of {name}"


def test_elides_ignores_blank_words():
    assert not elides("")
    assert elides("  Alsace")
