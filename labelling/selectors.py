"""Reads of the workflow side: dashboards, the public registry, certificates, audit trails, report contexts.

Every read that depends on who asks takes the user and starts from ``accounts.permissions`` selectors.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import assessments_visible_to, can
from labelling.models import (
    Assessment,
    AssessmentStatus,
    AuditEvent,
    Decision,
    Label,
    LabelStatus,
    Level,
    Report,
    ReportKind,
)

# --- dashboards ----------------------------------------------------------------------------------------


def assessments_for_admin(*, user, status: str = "", q: str = "", assessor_id: int | None = None) -> QuerySet:
    qs = assessments_visible_to(user).select_related("cluster", "assessor", "framework")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(cluster__name__icontains=q) | Q(cluster__acronym__icontains=q))
    if assessor_id:
        qs = qs.filter(assessor_id=assessor_id)
    return qs.order_by("-updated_at", "-pk")


def assessment_counts_by_status(*, user) -> dict[str, int]:
    rows = assessments_visible_to(user).order_by().values("status").annotate(n=Count("id"))
    counts = {value: 0 for value in AssessmentStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def assessments_for_assessor(*, user) -> QuerySet:
    """Only the assessments assigned to this assessor (nothing for anybody else)."""
    if not (user.is_authenticated and user.role == Role.ASSESSOR):
        return Assessment.objects.none()
    return assessments_visible_to(user).filter(assessor=user).order_by("status", "-updated_at")


def assessors() -> QuerySet:
    return User.objects.filter(role=Role.ASSESSOR, is_active=True).order_by("last_name", "first_name", "username")


def audit_trail(*, user, assessment: Assessment) -> QuerySet:
    if not can(user, "assessment.audit", assessment):
        return AuditEvent.objects.none()
    return assessment.audit_events.select_related("actor").order_by("-created_at", "-id")


def reports_for(*, user, assessment: Assessment) -> QuerySet:
    if not can(user, "assessment.view", assessment):
        return Report.objects.none()
    return assessment.reports.select_related("label").order_by("-created_at")


def labels_visible_to(user) -> QuerySet:
    qs = Label.objects.select_related("cluster", "assessment")
    if user.is_authenticated and (user.role == Role.ADMINISTRATOR or user.is_superuser):
        return qs
    if user.is_authenticated and user.role == Role.MANAGER:
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


def registry_labels(*, filters: RegistryFilters | None = None) -> QuerySet:
    """The labels the public registry lists (active ones unless asked otherwise), filtered."""
    f = filters or RegistryFilters()
    qs = Label.objects.select_related("cluster", "assessment")
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
    if f.q:
        qs = qs.filter(Q(cluster__name__icontains=f.q) | Q(cluster__acronym__icontains=f.q))
    return qs.order_by("cluster__name", "-awarded_on", "certificate_number")


def registry_choices() -> dict[str, list[str]]:
    """The values the registry filters offer (from the listed clusters that hold a label)."""
    clusters = (
        Label.objects.filter(status=LabelStatus.ACTIVE, cluster__public_profile=True)
        .values_list("cluster__country", "cluster__region", "cluster__sectors")
        .distinct()
    )
    countries, regions, sectors = set(), set(), set()
    for country, region, cluster_sectors in clusters:
        if country:
            countries.add(country)
        if region:
            regions.add(region)
        for sector in cluster_sectors or []:
            if isinstance(sector, str) and sector:
                sectors.add(sector)
    return {"country": sorted(countries), "region": sorted(regions), "sector": sorted(sectors, key=str.lower)}


def cluster_label_history(*, cluster) -> QuerySet:
    return Label.objects.filter(cluster=cluster).order_by("-awarded_on", "-pk")


def label_by_number(*, number: str) -> Label | None:
    number = (number or "").strip().upper()
    if not number:
        return None
    return Label.objects.select_related("cluster").filter(certificate_number__iexact=number).first()


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


# --- report contexts ---------------------------------------------------------------------------------


def indicator_criterion(indicator, which: str = "full") -> str:
    """The quality criterion of an indicator as the report prints it (e.g. "≥ 75", "co_built")."""
    if indicator.value_type == "level":
        labels = [indicator.option_label(o["code"]) for o in indicator.options if o.get("result") == which]
        return " / ".join(labels)
    threshold = indicator.full_threshold if which == "full" else indicator.partial_threshold
    if threshold is None:
        return ""
    sign = "≤" if indicator.direction == "lower" else "≥"
    text = format(threshold.normalize(), "f") if threshold != threshold.to_integral_value() else str(int(threshold))
    unit = " %" if indicator.value_type == "pct" else ""
    return f"{sign} {text}{unit}"


def _display(indicator, value) -> str:
    from labelling.services.answers import value_display

    return value_display(indicator=indicator, value=value)


def radar_chart(categories: list[dict], *, size: int = 300) -> dict:
    """Points of an SVG radar chart of the category scores (0–100), computed here so the template only draws."""
    n = max(len(categories), 1)
    centre = size / 2
    radius = size / 2 - 60

    def point(i: int, fraction: float, extra: float = 0.0) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * fraction + extra
        return round(centre + r * math.cos(angle), 1), round(centre + r * math.sin(angle), 1)

    def polygon(fractions: list[float]) -> str:
        return " ".join("{},{}".format(*point(i, f)) for i, f in enumerate(fractions))

    rings = [polygon([ring / 100] * len(categories)) for ring in (25, 50, 75, 100)]
    axes = []
    for i, category in enumerate(categories):
        (x, y), (lx, ly) = point(i, 1.0), point(i, 1.0, 28)
        axes.append({"x": x, "y": y, "lx": lx, "ly": ly, "code": category["code"]})
    scores = [min(max(float(c["score"] or 0), 0.0), 100.0) / 100 for c in categories]
    return {"size": size, "centre": centre, "axes": axes, "rings": rings, "polygon": polygon(scores)}


def assessment_report_rows(*, assessment: Assessment, result) -> list[dict]:
    """One dict per category with its indicators' declared/validated values, criterion and result."""
    from labelling.services.workflow import answer_declared_value, answer_validated_value

    answers = {a.indicator_id: a for a in assessment.answers.select_related("indicator", "indicator__category")}
    categories = []
    for category in assessment.framework.categories.order_by("position").prefetch_related("indicators"):
        rows = []
        for indicator in sorted(category.indicators.all(), key=lambda i: i.position):
            answer = answers.get(indicator.pk)
            score = result.indicators.get(indicator.code) if result is not None else None
            rows.append(
                {
                    "indicator": indicator,
                    "answer": answer,
                    "declared": _display(indicator, answer_declared_value(answer)) if answer else "",
                    "validated": _display(indicator, answer_validated_value(answer)) if answer else "",
                    "criterion": indicator_criterion(indicator, "full"),
                    "partial_criterion": indicator_criterion(indicator, "partial"),
                    "result": score.result if score is not None else "none",
                    "points": score.points if score is not None else Decimal(0),
                    "comment": answer.assessor_comment if answer else "",
                    "justification": answer.justification if answer else "",
                }
            )
        met = sum(1 for r in rows if r["result"] == "full")
        partial = sum(1 for r in rows if r["result"] == "partial")
        categories.append(
            {
                "code": category.code,
                "name": category.name,
                "rows": rows,
                "met": met,
                "partial": partial,
                "count": len(rows),
                "score": result.categories.get(category.code, Decimal(0)) if result is not None else Decimal(0),
            }
        )
    return categories


def assessment_result(*, assessment: Assessment):
    """(result, provisional): validated values once validated, else the declared values as a preview."""
    from labelling.services.workflow import SCORED_STATUSES, assessment_score

    if assessment.status in SCORED_STATUSES:
        return assessment_score(assessment=assessment), False
    from labelling.services.answers import assessment_score_preview

    return assessment_score_preview(assessment=assessment), True


def report_context(*, report: Report) -> dict:
    assessment = Assessment.objects.select_related("cluster", "framework", "assessor").get(pk=report.assessment_id)
    result, provisional = assessment_result(assessment=assessment)
    categories = assessment_report_rows(assessment=assessment, result=result)
    decision = Decision.objects.filter(assessment=assessment).select_related("decided_by").first()
    label = Label.objects.filter(assessment=assessment).first()
    recommendations = [
        {"row": row, "category": category}
        for category in categories
        for row in category["rows"]
        if row["result"] != "full"
    ]
    return {
        "report": report,
        "assessment": assessment,
        "cluster": assessment.cluster,
        "result": result,
        "level_display": Level(result.level).label,
        "provisional": provisional,
        "categories": categories,
        "chart": radar_chart(categories),
        "decision": decision,
        "label": label,
        "recommendations": recommendations,
        "generated_at": timezone.localtime(),
        "total_met": sum(c["met"] for c in categories),
        "total_count": sum(c["count"] for c in categories),
    }


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def certificate_context(*, report: Report) -> dict:
    label = report.label or Label.objects.get(assessment_id=report.assessment_id)
    url = verification_url(label)
    return {
        "report": report,
        "label": label,
        "cluster": label.cluster,
        "level_display": Level(label.level).label,
        "verify_url": url,
        "qr": qr_data_uri(url),
        "validity": label_validity(label=label),
        "generated_at": timezone.localtime(),
        "kind": ReportKind.CERTIFICATE,
    }
