"""Open data: the public registry's active labels as CSV and JSON under the Licence Ouverte 2.0 (Etalab),
with the dictionary of their columns; and the schema.org JSON-LD of a certificate page.

The files hold what the public registry page shows, nothing more: the active labels of the clusters that
accept to be listed. Column names are stable identifiers (never translated); the dictionary explains them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import CharField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labelling.exporters import EXPORT_ORDER
from labelling.exporters import csv_lines as lines
from labelling.models import LabelStatus, Level
from labelling.selectors import RegistryFilters, registry_filtered

LICENCE = {
    "name": "Licence Ouverte / Open Licence 2.0 (Etalab)",
    "identifier": "etalab-2.0",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
FORMAT = "grappe-open-registry/1"


TYPE_LABELS = {
    "string": _("text"),
    "date": _("date"),
    "integer": _("whole number"),
    "list of strings": _("list of texts"),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string, date, integer, list of strings
    description: object  # a lazy translation
    example: str

    @property
    def type_label(self) -> str:
        return str(TYPE_LABELS[self.type])


COLUMNS = [
    Column(
        "certificate_number", "string", _("Number of the certificate, unique, as printed on it."), "GRP-2026-000123"
    ),
    Column("cluster", "string", _("Name of the cluster management organisation."), "Cosmetic Valley"),
    Column("acronym", "string", _("Its acronym (may be empty)."), "CV"),
    Column(
        "kind",
        "string",
        _("Kind of cluster: pole (pôle de compétitivité), grappe (grappe d'entreprises), cluster, other."),
        "pole",
    ),
    Column("country", "string", _("Country, ISO 3166-1 alpha-2 code."), "FR"),
    Column("region", "string", _("Region: INSEE code in France, NUTS-2 code elsewhere (may be empty)."), "24"),
    Column("city", "string", _("City of the head office (may be empty)."), "Chartres"),
    Column("sectors", "list of strings", _('Sectors (filières); in the CSV joined by "; ".'), "cosmétique; parfum"),
    Column("level", "string", _("Level of the label: bronze, silver or gold."), "gold"),
    Column("awarded_on", "date", _("Date the label was awarded (YYYY-MM-DD)."), "2026-03-15"),
    Column("expires_on", "date", _("Last day of validity (YYYY-MM-DD)."), "2028-03-14"),
    Column(
        "conditions_until",
        "date",
        _(
            "For a label granted with conditions, the review date of its conditions (YYYY-MM-DD): the label is "
            "valid, with conditions until that date. Empty (null in the JSON) for a label without conditions."
        ),
        "2026-09-15",
    ),
    Column("reference_year", "integer", _("Year whose figures the assessment covered."), "2025"),
    Column(
        "verification_url",
        "string",
        _("Page that says whether the certificate is valid today."),
        "https://grappe.example.org/verify/GRP-2026-000123/",
    ),
]
NAMES = [column.name for column in COLUMNS]


def open_labels():
    """The labels the open data publishes: active, of clusters listed in the public registry."""
    return registry_filtered(filters=RegistryFilters(status=LabelStatus.ACTIVE, public_only=True))


def _verify_prefix() -> str:
    marker = "NUMBER"
    url = settings.SITE_URL.rstrip("/") + reverse("labelling:certificate", args=[marker])
    return url.split(marker)[0]


# What the database reads for each column of the files (dates already as ISO text), in the order of ``COLUMNS``;
# ``verification_url`` is made from the number.
_READ = {
    "certificate_number": "certificate_number",
    "cluster": "cluster__name",
    "acronym": "cluster__acronym",
    "kind": "cluster__kind",
    "country": "cluster__country",
    "region": "cluster__region",
    "city": "cluster__city",
    "sectors": "cluster__sectors",
    "level": "level",
    "awarded_on": "_awarded",
    "expires_on": "_expires",
    "conditions_until": "_conditions",  # None for a label without conditions
    "reference_year": "assessment__reference_year",
}


def open_rows() -> Iterator[dict]:
    prefix = _verify_prefix()
    rows = (
        open_labels()
        .order_by(*EXPORT_ORDER)
        .annotate(
            _awarded=Cast("awarded_on", CharField()),
            _expires=Cast("expires_on", CharField()),
            _conditions=Cast("conditions_until", CharField()),
        )
        .values_list(*_READ.values())
    )
    for values in rows.iterator(chunk_size=500):
        row = dict(zip(_READ, values, strict=True))
        row["sectors"] = [str(s) for s in row["sectors"] or []]
        row["verification_url"] = f"{prefix}{row['certificate_number']}/"
        yield row


def csv_lines() -> Iterator[str]:
    rows = (tuple("; ".join(v) if name == "sectors" else v for name, v in row.items()) for row in open_rows())
    return lines(rows, titles=NAMES, keys=NAMES)


def json_chunks() -> Iterator[str]:
    """``{"format", "licence", "source", "generated_at", "columns", "labels": [...]}``, streamed."""
    head = {
        "format": FORMAT,
        "licence": LICENCE,
        "source": settings.SITE_URL.rstrip("/") + reverse("labelling:registry"),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "columns": [{"name": c.name, "type": c.type} for c in COLUMNS],
    }
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "labels": ['
    yield opening
    first = True
    pending: list[str] = []
    for row in open_rows():
        pending.append(("" if first else ",") + "\n" + json.dumps(row, ensure_ascii=False))
        first = False
        if len(pending) >= 200:
            yield "".join(pending)
            pending = []
    if pending:
        yield "".join(pending)
    yield "\n]}\n"


# --- schema.org JSON-LD of a certificate page --------------------------------------------------------


def certificate_json_ld(*, label, verify_url: str, valid: bool) -> dict | None:
    """The cluster (schema.org ``Organization``) and, while the label is valid, its credential
    (``EducationalOccupationalCredential``). None for a cluster that withdrew from the public registry."""
    cluster = label.cluster
    if not cluster.public_profile:
        return None
    organisation: dict = {"@context": "https://schema.org", "@type": "Organization", "name": cluster.name}
    if cluster.acronym and cluster.acronym != cluster.name:
        organisation["alternateName"] = cluster.acronym
    if cluster.website:
        organisation["url"] = cluster.website
    address = {"@type": "PostalAddress", "addressCountry": cluster.country}
    if cluster.region:
        address["addressRegion"] = cluster.region
    if cluster.city:
        address["addressLocality"] = cluster.city
    organisation["address"] = address
    if valid:
        organisation["hasCredential"] = {
            "@type": "EducationalOccupationalCredential",
            "name": str(_("Label %(level)s — cluster management excellence") % {"level": Level(label.level).label}),
            "credentialCategory": "label",
            "identifier": label.certificate_number,
            "url": verify_url,
            "dateCreated": label.awarded_on.isoformat(),
            "expires": label.expires_on.isoformat(),
            "recognizedBy": {"@type": "Organization", "name": settings.LABELLING_BODY, "url": settings.SITE_URL},
        }
    return organisation


def json_ld_script_body(data: dict) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>``, no HTML-significant character)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
