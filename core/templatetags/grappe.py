"""Template filters that write numbers and places for the reader: ``{% load grappe %}``.

``{{ value|number }}`` → ``1 234,5`` / ``1,234.5``; ``{{ score|number:1 }}`` → ``44,0``;
``{{ score|percent:1 }}`` → ``44,7 %`` / ``44.7%``; ``{{ cluster.country|country }}`` → "Allemagne";
``{{ cluster.region|region:cluster.country }}`` → "Centre-Val de Loire";
``{{ cluster.country|place:cluster.region }}`` → "France · Centre-Val de Loire";
``{{ cluster.name|of }}`` → "de Vegepolys" / "d'Elastopole" (French elision, the name unchanged in English).
"""

from django import template

from core.places import country_name, place_label, region_name
from core.text import of_name
from indicators import values

register = template.Library()


@register.filter
def number(value, places=None):
    if value is None or value == "":
        return ""
    return values.format_number(value, places=None if places in (None, "") else int(places))


@register.filter
def percent(value, places=None):
    if value is None or value == "":
        return ""
    return values.format_percent(value, places=None if places in (None, "") else int(places))


@register.filter
def country(code):
    return country_name(code)


@register.filter
def region(code, country_code="FR"):
    return region_name(code, country=country_code or "FR")


@register.filter
def place(country_code, region_code=""):
    return place_label(country_code, region_code)


@register.filter(name="of")
def of_filter(name):
    return of_name(name)
