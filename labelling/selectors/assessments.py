"""Reads of the workflow side: dashboards, the public registry, certificates, audit trails, report contexts.

Every read that depends on who asks takes the user and starts from ``assessments_visible_to(user)`` (or
``labels_visible_to``), which hold the visibility rules of the app's rows; decisions go through
``accounts.permissions.can``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import can, is_administrator, is_assessor, is_manager
from clusters.models import Cluster
from core import caching
from core.search import search
from indicators import values
from labelling.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Label,
    LabelStatus,
    Report,
    Review,
)

# --- visibility --------------------------------------------------------------------------------------------


def assessments_visible_to(user) -> QuerySet:
    """Every assessment for an administrator, their clusters' for a manager, those assigned to them for an
    assessor, none for a visitor."""
    qs = Assessment.objects.select_related("cluster", "framework", "assessor")
    if is_administrator(user):
        return qs
    if is_manager(user):
        return qs.filter(cluster__managers=user)
    if is_assessor(user):
        return qs.filter(Q(assessor=user) | Q(second_assessor=user))
    return qs.none()


# --- dashboards ----------------------------------------------------------------------------------------


# The columns the dashboards show (never the framework, whose source JSON is 22 KB per row).
DASHBOARD_COLUMNS = (
    "reference_year",
    "status",
    "updated_at",
    "submitted_at",
    "cluster",
    "cluster__name",
    "assessor",
    "assessor__username",
    "assessor__first_name",
    "assessor__last_name",
)


def assessments_for_admin(*, user, status: str = "", q: str = "", assessor_id: int | None = None) -> QuerySet:
    qs = (
        assessments_visible_to(user).select_related(None).select_related("cluster", "assessor").only(*DASHBOARD_COLUMNS)
    )
    if status:
        qs = qs.filter(status=status)
    if q:  # accent- and case-insensitive
        qs = search(qs, q, "cluster__name", "cluster__acronym")
    if assessor_id:
        qs = qs.filter(assessor_id=assessor_id)
    return qs.order_by("-updated_at", "-pk")


def assessment_counts_by_status(*, user) -> dict[str, int]:
    """How many assessments the user sees in each status, counted once per change of the review work
    (``core.caching.REVIEW_WORK``: any assessment saved), not on every view of the dashboard."""

    def count() -> dict[str, int]:
        rows = assessments_visible_to(user).order_by().values("status").annotate(n=Count("id"))
        counts = {value: 0 for value in AssessmentStatus.values}
        counts.update({row["status"]: row["n"] for row in rows})
        return counts

    return caching.cached(f"assessment-counts:{user.pk}", count, versions=(caching.REVIEW_WORK,))


def _pending_answers() -> Q:
    """Answers waiting for the assessor: declared and not (or no longer) reviewed."""
    return Q(reviewed=False) & (Q(declared_number__isnull=False) | ~Q(declared_option=""))


def assessments_for_assessor(*, user) -> QuerySet:
    """Only the assessments assigned to this assessor (nothing for anybody else), outstanding work first: in
    review as first assessor (those whose manager changed answers since the change request first), then to
    countersign as second assessor, then the rest by last change.

    The order is read from each assessment's own columns and, for the outstanding ones only, one probe of a
    small partial index (``answer_changed_pending``): no count over the answers, so the page costs the same
    for 50 or 12,000 assignments. ``with_review_figures`` adds the per-row counts to the page's rows."""
    if not can(user, "review.take"):
        return Assessment.objects.none()
    changed = Answer.objects.filter(_pending_answers(), assessment=OuterRef("pk"), changed_since_request=True)
    countersigned = Review.objects.filter(
        assessment=OuterRef("pk"), assessor=OuterRef("second_assessor"), countersigned_at__isnull=False
    )
    first_in_review = Q(assessor=user, status=AssessmentStatus.IN_REVIEW)
    second_validated = Q(second_assessor=user, status=AssessmentStatus.VALIDATED)
    return (
        assessments_visible_to(user)
        .filter(Q(assessor=user) | Q(second_assessor=user))
        .select_related(None)
        # The cluster's name comes with the page (one query for its 25 rows): a join here would be made for
        # every assignment before the sort.
        .prefetch_related(Prefetch("cluster", queryset=Cluster.objects.only("name")))
        .only(
            "pk",
            "reference_year",
            "status",
            "submitted_at",
            "updated_at",
            "assessor_id",
            "second_assessor_id",
            "cluster_id",
        )
        .annotate(
            # CASE evaluates its branches lazily: the subqueries run for the outstanding rows only.
            outstanding=Case(
                When(first_in_review, then=Value(1)),
                When(second_validated & ~Exists(countersigned), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            has_changes=Case(
                When(first_in_review, then=Exists(changed)), default=Value(False), output_field=BooleanField()
            ),
        )
        .order_by("-outstanding", "-has_changes", "submitted_at", "-updated_at", "-pk")
    )


def with_review_figures(assessments) -> list:
    """The rows of one page with ``to_review`` (answers waiting for a review) and ``changed`` (of which changed
    since the change request): one grouped query over the page's assessments only."""
    rows = list(assessments)
    figures = {
        row["assessment_id"]: row
        for row in Answer.objects.filter(_pending_answers(), assessment__in=[a.pk for a in rows])
        .order_by()
        .values("assessment_id")
        .annotate(to_review=Count("id"), changed=Count("id", filter=Q(changed_since_request=True)))
    }
    for assessment in rows:
        row = figures.get(assessment.pk, {})
        assessment.to_review, assessment.changed = row.get("to_review", 0), row.get("changed", 0)
    return rows


def assessor_counts(*, user) -> dict[str, int]:
    """The figures at the top of the assessor's dashboard, computed once per change of the review work
    (``core.caching.REVIEW_WORK``: any assessment, answer or review saved) rather than on every view: they
    count every answer of every assessment in review, which grows with the assessor's assignments."""
    if not can(user, "review.take"):
        return {"in_review": 0, "answers_to_review": 0, "changed": 0, "to_countersign": 0}
    return caching.cached(
        f"assessor-counts:{user.pk}", lambda: _assessor_counts_uncached(user), versions=(caching.REVIEW_WORK,)
    )


def _assessor_counts_uncached(user) -> dict[str, int]:
    mine = Assessment.objects.filter(assessor=user, status=AssessmentStatus.IN_REVIEW)
    answers = (
        Answer.objects.filter(_pending_answers(), assessment__in=mine)
        .order_by()
        .aggregate(n=Count("id"), changed=Count("id", filter=Q(changed_since_request=True)))
    )
    countersigned = Review.objects.filter(assessment=OuterRef("pk"), assessor=user, countersigned_at__isnull=False)
    to_countersign = (
        Assessment.objects.filter(second_assessor=user, status=AssessmentStatus.VALIDATED)
        .filter(~Exists(countersigned))
        .count()
    )
    return {
        "in_review": mine.count(),
        "answers_to_review": answers["n"],
        "changed": answers["changed"],
        "to_countersign": to_countersign,
    }


def conflicted_assessors_by_cluster(*, cluster_ids) -> dict[int, set[int]]:
    """For each cluster, the assessors who declared a conflict of interest with it (one query)."""
    from labelling.models import Review

    result: dict[int, set[int]] = {}
    rows = Review.objects.filter(assessment__cluster_id__in=list(cluster_ids), conflict_declared=True).values_list(
        "assessment__cluster_id", "assessor_id"
    )
    for cluster_id, assessor_id in rows:
        result.setdefault(cluster_id, set()).add(assessor_id)
    return result


def assessments_needing_action(*, user, cluster=None) -> QuerySet:
    """The assessments of the clusters the user manages that wait for them (changes requested)."""
    if not (user and user.is_authenticated):
        return Assessment.objects.none()
    qs = (
        Assessment.objects.filter(cluster__managers=user, status=AssessmentStatus.CHANGES_REQUESTED)
        .select_related("cluster")
        .only("pk", "reference_year", "status", "cluster__name")
        .order_by("cluster__name", "reference_year")
    )
    if cluster is not None:
        qs = qs.filter(cluster=cluster)
    return qs


def reports_for(*, user, assessment: Assessment) -> QuerySet:
    if not can(user, "assessment.view", assessment):
        return Report.objects.none()
    return assessment.reports.select_related("label").order_by("-created_at")


def labels_visible_to(user) -> QuerySet:
    """Every label for an administrator, their clusters' for a manager, none for anybody else (the public registry
    has its own selector)."""
    qs = Label.objects.select_related("cluster", "assessment")
    if is_administrator(user):
        return qs
    if is_manager(user):
        return qs.filter(cluster__managers=user)
    return qs.none()


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


def registry_labels(*, filters: RegistryFilters | None = None) -> QuerySet:
    """The registry's labels in its order, as dicts of the columns the page and the API show
    (``REGISTRY_COLUMNS``): no model instance is built for a row."""
    return registry_filtered(filters=filters).order_by(*REGISTRY_ORDER).values(*REGISTRY_COLUMNS)


def registry_count(*, filters: RegistryFilters | None = None) -> int:
    """How many labels the registry lists with these filters, counted once per filter set and change of the
    labels or clusters (``core.caching.REGISTRY``); a name search (``q``: any text) is counted each time."""
    f = filters or RegistryFilters()
    if f.q:
        return registry_filtered(filters=f).count()
    key = "registry-count:" + hashlib.sha256(json.dumps(dataclasses.astuple(f)).encode()).hexdigest()[:32]
    return caching.cached(key, lambda: registry_filtered(filters=f).count(), versions=(caching.REGISTRY,))


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
    return caching.cached("registry-choices", _registry_choices_uncached, versions=(caching.REGISTRY,))


def cluster_label_history(*, cluster) -> QuerySet:
    """Every label of the cluster (active, expired, revoked), the newest first, with what replaced it."""
    return Label.objects.filter(cluster=cluster).select_related("superseded_by").order_by("-awarded_on", "-pk")


def label_by_number(*, number: str) -> Label | None:
    number = (number or "").strip().upper()
    if not number:
        return None
    return Label.objects.select_related("cluster", "superseded_by").filter(certificate_number__iexact=number).first()


def label_validity(*, label: Label, today=None) -> dict:
    """What the certificate page says: valid today or not, and why."""
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
    return {"valid": valid, "state": reason, "today": today}


def verification_url(label: Label) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("labelling:certificate", args=[label.certificate_number])


BADGE_COLOURS = {"gold": "#8a6d0b", "silver": "#5f666e", "bronze": "#7a4519"}
BADGE_GREY = "#6b7280"


def badge_for(*, label: Label, today=None) -> dict:
    """What the SVG badge says: the level, and "valid until …", or "expired" / "revoked" in grey."""
    from django.utils.translation import gettext as _

    from labelling.formatting import long_date

    validity = label_validity(label=label, today=today)
    level = {"gold": _("Gold"), "silver": _("Silver"), "bronze": _("Bronze")}.get(label.level, label.level)
    left = _("Label %(level)s") % {"level": level}
    if validity["state"] == "revoked":
        right, colour = _("revoked"), BADGE_GREY
    elif validity["state"] == "expired":
        right, colour = _("expired"), BADGE_GREY
    else:
        right, colour = _("valid until %(date)s") % {"date": long_date(label.expires_on)}, BADGE_COLOURS[label.level]
    # DejaVu Sans at 11 px: about 6.6 px a character; the badge is drawn without measuring text.
    left_width = 14 + round(6.6 * len(left))
    right_width = 14 + round(6.6 * len(right))
    verify = verification_url(label)
    image = verify.rstrip("/") + "/badge.svg"
    return {
        "left": left,
        "right": right,
        "colour": colour,
        "valid": validity["valid"],
        "state": validity["state"],
        "left_width": left_width,
        "right_width": right_width,
        "width": left_width + right_width,
        "title": f"{left} — {right} — {label.certificate_number}",
        "image_url": image,
        "verify_url": verify,
        "snippet": (f'<a href="{verify}"><img src="{image}" alt="{left} {label.certificate_number}" height="20"></a>'),
    }


def signer_facts() -> dict:
    """Who signs the PDFs (name, SHA-256 fingerprint of the certificate), for the verification page."""
    from labelling.signing import SigningNotConfigured, signer_certificate

    try:
        certificate = signer_certificate()
    except (SigningNotConfigured, OSError, ValueError):
        return {}
    return {
        "subject": certificate.subject.human_friendly,
        "fingerprint": ":".join(f"{b:02X}" for b in certificate.sha256),
        "development": settings.SIGNING_DEVELOPMENT_KEY and not settings.SIGNING_KEY_FILE,
    }


# --- report contexts ---------------------------------------------------------------------------------


def indicator_criterion(indicator, which: str = "full") -> str:
    """The quality criterion of an indicator as the report prints it (e.g. "≥ 75 %", "Co-built")."""
    return values.format_threshold(indicator, which)


def _display(indicator, value) -> str:
    from labelling.services.answers import value_display

    return value_display(indicator=indicator, value=value)


def assessment_result(*, assessment: Assessment):
    """(result, provisional): validated values once validated, else the declared values as a preview."""
    from labelling.services.workflow import SCORED_STATUSES, assessment_score

    if assessment.status in SCORED_STATUSES:
        return assessment_score(assessment=assessment), False
    from labelling.services.answers import assessment_score_preview

    return assessment_score_preview(assessment=assessment), True
