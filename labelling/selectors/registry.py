"""Reads of the public side: the registry of labels, a cluster's labels, certificates and their validity."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import connection, connections
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster
from core import caching
from core.exceptions import NotFound
from core.search import search
from labelling.models import Label, LabelStatus
from labelling.signing import SigningNotConfigured, signer_certificate

# --- the public registry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistryFilters:
    level: str = ""
    country: str = ""
    region: str = ""
    kind: str = ""
    sector: str = ""
    q: str = ""
    status: str = LabelStatus.ACTIVE  # the public registry shows active labels; exports may ask for all
    public_only: bool = False  # the public pages leave out clusters that withdrew from the registry


def _sector_filter(qs: QuerySet, sector: str) -> QuerySet:
    if connection.vendor == "postgresql":
        return qs.filter(cluster__sectors__contains=[sector])
    # SQLite (make run): no JSON containment; match the JSON-encoded item in the stored text.
    return qs.filter(cluster__sectors__icontains=json.dumps(sector))


# The columns the registry page and the public API show (no other column is read), read as values.
REGISTRY_COLUMNS = (
    "certificate_number",
    "level",
    "status",
    "awarded_on",
    "expires_on",
    "revoked_at",
    "conditions_until",
    "cluster_id",
    "cluster__name",
    "cluster__acronym",
    "cluster__kind",
    "cluster__country",
    "cluster__region",
    "cluster__sectors",
)


def registry_filtered(*, filters: RegistryFilters | None = None) -> QuerySet:
    """The labels the registry lists (active ones unless asked otherwise), filtered, without order or
    columns chosen: ``registry_labels`` (pages, API) and the exports each read what they need."""
    f = filters or RegistryFilters()
    qs = Label.objects.all()
    if f.status:
        qs = qs.filter(status=f.status)
    if f.public_only:
        qs = qs.filter(cluster__public_profile=True)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.country:
        qs = qs.filter(cluster__country__iexact=f.country)
    if f.region:
        qs = qs.filter(cluster__region__iexact=f.region)
    if f.kind:
        qs = qs.filter(cluster__kind=f.kind)
    if f.sector:
        qs = _sector_filter(qs, f.sector)
    if f.q:  # accent- and case-insensitive: "nekoe" finds Nekoé
        qs = search(qs, f.q, "cluster__name", "cluster__acronym")
    return qs


REGISTRY_ORDER = ("cluster__name", "-awarded_on", "certificate_number")


# The columns of the registry page's table (the API also gives the status and the award and revocation dates).
REGISTRY_PAGE_COLUMNS = tuple(
    column for column in REGISTRY_COLUMNS if column not in ("status", "awarded_on", "revoked_at")
)


def registry_labels(*, filters: RegistryFilters | None = None, columns: tuple[str, ...] = REGISTRY_COLUMNS) -> QuerySet:
    """The registry's labels in its order, as dicts of the columns the page and the API show
    (``REGISTRY_COLUMNS``; the page reads ``REGISTRY_PAGE_COLUMNS``): no model instance is built for a row."""
    return registry_filtered(filters=filters).order_by(*REGISTRY_ORDER).values(*columns)


@lru_cache(maxsize=256)
def _compiled_page_query(filters: RegistryFilters, wrapper) -> tuple:
    """``registry_labels(filters, REGISTRY_PAGE_COLUMNS)`` compiled once per filter set and connection (a thread's
    own; its compiler is bound to it): the SQL and parameters, the rows' names and the compiler's converters."""
    query = registry_labels(filters=filters, columns=REGISTRY_PAGE_COLUMNS).query
    compiler = query.get_compiler(connection=wrapper)
    sql, params = compiler.as_sql()
    # as QuerySet.values() names and converts its rows (django.db.models.query.ValuesIterable, results_iter)
    names = list(query.selected) if query.selected else [*query.extra_select, *query.values_select]
    converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
    return sql, tuple(params), names, compiler, converters


class RegistryPageRows:
    """The registry's labels as its page reads them: dicts of ``REGISTRY_PAGE_COLUMNS`` in the registry's order,
    the same as ``registry_labels(...)`` gives, for a paginator told the count (``core.pagination``). The query is
    built and compiled once per filter set in each process rather than on every page (a third of the ORM's time
    for these 50 rows); a slice runs it with its ``LIMIT`` and ``OFFSET``."""

    ordered = True  # the paginator's check

    def __init__(self, filters: RegistryFilters):
        self.filters = filters

    def __getitem__(self, index: slice) -> list[dict]:
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            raise TypeError("RegistryPageRows takes a slice with an end")
        start = index.start or 0
        sql, params, names, compiler, converters = _compiled_page_query(self.filters, connections[Label.objects.db])
        with compiler.connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT {int(index.stop) - int(start)} OFFSET {int(start)}", params)
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [dict(zip(names, row, strict=True)) for row in rows]


def registry_count(*, filters: RegistryFilters | None = None) -> int:
    """How many labels the registry lists with these filters, counted once per filter set and change of the
    labels or clusters (``core.caching.REGISTRY``); a name search (``q``: any text) is counted each time."""
    f = filters or RegistryFilters()
    key = registry_count_key(f)
    if key is None:
        return registry_filtered(filters=f).count()
    return caching.cached(key, lambda: registry_filtered(filters=f).count(), versions=(caching.REGISTRY,))


def registry_count_key(filters: RegistryFilters) -> str | None:
    """The cache key of the count of these filters (``None`` for a name search, counted each time)."""
    if filters.q:
        return None
    return "registry-count:" + hashlib.sha256(json.dumps(dataclasses.astuple(filters)).encode()).hexdigest()[:32]


REGISTRY_CHOICES_KEY = "registry-choices"


def _registry_choices_uncached() -> dict[str, list[str]]:
    rows = (
        Cluster.objects.filter(public_profile=True, labels__status=LabelStatus.ACTIVE)
        .order_by()
        .values_list("country", "region", "sectors")
        .distinct()
    )
    countries, regions, sectors = set(), set(), set()
    for country, region, cluster_sectors in rows:
        if country:
            countries.add(country)
        if region:
            regions.add(region)
        for sector in cluster_sectors or []:
            if isinstance(sector, str) and sector:
                sectors.add(sector)
    return {"country": sorted(countries), "region": sorted(regions), "sector": sorted(sectors, key=str.lower)}


def registry_choices() -> dict[str, list[str]]:
    """The values the registry filters offer (from the listed clusters that hold an active label),
    computed once per change of the labels or the clusters (``core.caching.REGISTRY``)."""
    return caching.cached(REGISTRY_CHOICES_KEY, _registry_choices_uncached, versions=(caching.REGISTRY,))


def cluster_label_history(*, cluster) -> QuerySet:
    """Every label of the cluster (active, expired, revoked), the newest first, with what replaced it."""
    return Label.objects.filter(cluster=cluster).select_related("superseded_by").order_by("-awarded_on", "-pk")


def public_cluster_history(*, pk) -> tuple[Cluster, list[Label]]:
    """A cluster of the public registry and every label it holds or held (``cluster_label_history``): ``NotFound``
    unless the cluster stays listed (``public_profile``) and has had a label."""
    cluster = Cluster.objects.filter(pk=pk, public_profile=True).first()
    if cluster is None:
        raise NotFound()
    history = list(cluster_label_history(cluster=cluster))
    if not history:
        raise NotFound()
    return cluster, history


def current_labels_of(*, cluster_ids) -> dict[int, dict]:
    """The newest label of each of the clusters (``cluster_ids``: ids or a subquery of them), whatever its status,
    as ``{cluster id: {"level", "status", "expires_on", "certificate_number"}}`` (one query; the funders'
    dashboard reads a programme's clusters with it)."""
    newest = Label.objects.filter(cluster_id=OuterRef("cluster_id")).order_by("-awarded_on", "-pk").values("pk")[:1]
    rows = Label.objects.filter(cluster_id__in=cluster_ids, pk=Subquery(newest)).values(
        "cluster_id", "level", "status", "expires_on", "certificate_number"
    )
    return {row["cluster_id"]: row for row in rows}


def label_by_number(*, number: str) -> Label | None:
    number = (number or "").strip().upper()
    if not number:
        return None
    return Label.objects.select_related("cluster", "superseded_by").filter(certificate_number__iexact=number).first()


def certificate_get(*, number: str) -> Label:
    """The label of this certificate number (``label_by_number``), else ``NotFound``: the certificate's page, its
    badge and the API's certificate."""
    label = label_by_number(number=number)
    if label is None:
        raise NotFound()
    return label


def label_validity(*, label: Label, today=None) -> dict:
    """What the certificate page says: valid today or not, and why; ``conditions_until``: a valid label granted with
    conditions is valid with conditions until that review date (None otherwise; the conditions' text is never
    shown)."""
    today = today or timezone.localdate()
    valid = label.status == LabelStatus.ACTIVE and label.awarded_on <= today <= label.expires_on
    if label.status == LabelStatus.REVOKED:
        reason = "revoked"
    elif label.status == LabelStatus.EXPIRED or today > label.expires_on:
        reason = "expired"
    elif today < label.awarded_on:
        reason = "not_yet"
    else:
        reason = "valid"
    conditions_until = label.conditions_until if reason in ("valid", "not_yet") else None
    return {"valid": valid, "state": reason, "today": today, "conditions_until": conditions_until}


def verification_url(label: Label) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("labelling:certificate", args=[label.certificate_number])


def signer_facts() -> dict:
    """Who signs the PDFs (the certificate's common name and organisation, its SHA-256 fingerprint), for the
    verification page."""
    try:
        certificate = signer_certificate()
    except (SigningNotConfigured, OSError, ValueError):
        return {}
    subject = certificate.subject.native  # {"common_name": …, "organization_name": …}
    organisation = subject.get("organization_name") or ""
    return {
        # the template writes them in a translated phrase (asn1crypto's human_friendly is English only)
        "name": subject.get("common_name") or organisation or certificate.subject.human_friendly,
        "organisation": organisation if subject.get("common_name") else "",
        "fingerprint": ":".join(f"{b:02X}" for b in certificate.sha256),
        "development": settings.SIGNING_DEVELOPMENT_KEY and not settings.SIGNING_KEY_FILE,
    }
