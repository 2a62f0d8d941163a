"""Names of places for people: countries in the reader's language, regions from their codes.

A cluster's ``country`` is an ISO 3166 alpha-2 code and its ``region`` the INSEE region code in France
(``24``) or the NUTS-2 code elsewhere (``BE10``). Pages, reports and exports show names, never codes:

- :func:`country_name` — from django-countries, translated into the active (or given) language;
- :func:`region_name` — INSEE regions (translated through the catalogue: Bretagne / Brittany) and NUTS-2
  regions of France's neighbours (Eurostat's names, in their own language, from ``core/data/nuts2.csv``);
- :func:`place_label` — "France · Centre-Val de Loire" for a (country, region) pair.

An unknown code is shown as given, so nothing a person typed is ever hidden.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

__all__ = ["INSEE_REGIONS", "country_name", "place_label", "region_choices", "region_name"]

# INSEE codes of the French regions since 2016 (code officiel géographique), in English; the French
# catalogue gives their French names.
INSEE_REGIONS = {
    "01": _("Guadeloupe"),
    "02": _("Martinique"),
    "03": _("French Guiana"),
    "04": _("Réunion"),
    "06": _("Mayotte"),
    "11": _("Île-de-France"),
    "24": _("Centre-Val de Loire"),
    "27": _("Bourgogne-Franche-Comté"),
    "28": _("Normandy"),
    "32": _("Hauts-de-France"),
    "44": _("Grand Est"),
    "52": _("Pays de la Loire"),
    "53": _("Brittany"),
    "75": _("Nouvelle-Aquitaine"),
    "76": _("Occitanie"),
    "84": _("Auvergne-Rhône-Alpes"),
    "93": _("Provence-Alpes-Côte d'Azur"),
    "94": _("Corsica"),
}

_NUTS2_FILE = Path(__file__).resolve().parent / "data" / "nuts2.csv"


@lru_cache(maxsize=1)
def _nuts2() -> dict[str, str]:
    with _NUTS2_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def country_name(code: str | None, *, language: str | None = None) -> str:
    """``FR`` → "France" (en) / "France" (fr); ``DE`` → "Germany" / "Allemagne". Unknown: the code."""
    code = (code or "").strip().upper()
    if not code:
        return ""
    with translation.override(language or translation.get_language()):
        name = str(countries.name(code))
    return name or code


def region_name(code: str | None, *, country: str | None = "FR", language: str | None = None) -> str:
    """The region's name: INSEE code in France (``24`` → "Centre-Val de Loire"), NUTS-2 elsewhere
    (``BE10`` → "Région de Bruxelles-Capitale / …"). A NUTS-2 code is recognised whatever ``country`` says."""
    code = (code or "").strip()
    if not code:
        return ""
    upper = code.upper()
    if upper in _nuts2():
        return _nuts2()[upper]
    if (country or "FR").upper() == "FR":
        insee = code.zfill(2) if code.isdigit() else code
        if insee in INSEE_REGIONS:
            with translation.override(language or translation.get_language()):
                return str(INSEE_REGIONS[insee])
    return code


def place_label(country: str | None, region: str | None = None, *, language: str | None = None) -> str:
    """ "France · Centre-Val de Loire", or only the country when no region is known."""
    name = country_name(country, language=language)
    region_text = region_name(region, country=country, language=language)
    return " · ".join(part for part in (name, region_text) if part)


def region_choices(country: str = "FR") -> list[tuple[str, str]]:
    """(code, name) pairs for a select, sorted by name: the INSEE regions for France, NUTS-2 elsewhere."""
    country = country.upper()
    if country == "FR":
        pairs = [(code, str(name)) for code, name in INSEE_REGIONS.items()]
    else:
        pairs = [(code, name) for code, name in _nuts2().items() if code.startswith(country)]
    return sorted(pairs, key=lambda pair: pair[1].lower())
