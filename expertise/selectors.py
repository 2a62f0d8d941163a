"""Reads of the expert's process. Whatever depends on who asks takes the user and starts from labelling's visibility
selectors (``NotFound`` for an assessment the user may not see)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.permissions import can
from clusters.models import COMPANY_TYPES, MemberType, TeamYear
from core.exceptions import NotFound
from expertise.formats import RENEWAL_WINDOW, visit_kind
from expertise.models import OPEN_VISIT_STATUSES, Findings, PrerequisiteExemption, Visit, VisitStatus
from expertise.prerequisites import PrerequisiteFacts, Prerequisites, prerequisites_evaluate
from labelling.models import Assessment, Label, LabelStatus, Review
from labelling.selectors import assessments_visible_to

RESEARCH_EDUCATION_TYPES = (MemberType.RESEARCH, MemberType.UNIVERSITY)


def assessment_visible(*, user, pk: int, capability: str = "assessment.view") -> Assessment:
    """The assessment with its cluster if the user may see it and has ``capability`` on it (one check: a step's
    own), else ``NotFound``."""
    assessment = assessments_visible_to(user).select_related("cluster", "framework").filter(pk=pk).first()
    if assessment is None or not can(user, capability, assessment):
        raise NotFound()
    return assessment


def exemption_of(cluster) -> PrerequisiteExemption | None:
    return PrerequisiteExemption.objects.select_related("granted_by").filter(cluster=cluster).first()


def prerequisite_facts(*, assessment: Assessment) -> PrerequisiteFacts:
    """The cluster's records that the prerequisites read, for the assessment's reference year."""
    cluster = assessment.cluster
    year = assessment.reference_year
    counts = cluster.members.filter(active=True).aggregate(
        active=Count("id"),
        companies=Count("id", filter=Q(member_type__in=COMPANY_TYPES)),
        research=Count("id", filter=Q(member_type__in=RESEARCH_EDUCATION_TYPES)),
    )
    staff = TeamYear.objects.filter(cluster=cluster, year=year).values_list("staff_fte", flat=True).first()
    exemption = exemption_of(cluster)
    return PrerequisiteFacts(
        reference_year=year,
        eccp_url=cluster.eccp_url,
        staff_fte=staff,
        active_members=counts["active"],
        company_members=counts["companies"],
        research_education_members=counts["research"],
        description_en=cluster.description_en,
        exemption=None
        if exemption is None
        else {
            "reason": exemption.reason,
            "granted_by": exemption.granted_by.get_full_name() or exemption.granted_by.username,
            "granted_at": exemption.created_at.isoformat(),
        },
    )


def prerequisites_check(*, assessment: Assessment) -> Prerequisites:
    """The prerequisites of an assessment the caller already holds (the submission's guard, on the locked row)."""
    return prerequisites_evaluate(prerequisite_facts(assessment=assessment))


def assessment_prerequisites(*, user, pk: int) -> tuple[Assessment, Prerequisites]:
    """The assessment and its prerequisites, for a user who may see it (``NotFound`` otherwise)."""
    assessment = assessment_visible(user=user, pk=pk)
    return assessment, prerequisites_check(assessment=assessment)


# --- the interview or visit ----------------------------------------------------------------------------------------


def visits_visible_to(user) -> QuerySet:
    """The visits of the assessments the user may see (managers: their clusters'; assessors: those assigned to them;
    administrators: all)."""
    return Visit.objects.filter(assessment__in=assessments_visible_to(user).values("pk")).select_related(
        "assessment", "assessment__cluster", "proposed_by"
    )


def visit_visible(*, user, pk: int, capability: str = "visit.view") -> Visit:
    """One visit, for a user who may see its assessment and has ``capability`` on the visit (one check: a step's
    own; ``NotFound`` otherwise)."""
    visit = visits_visible_to(user).filter(pk=pk).first()
    if visit is None or not can(user, capability, visit):
        raise NotFound()
    return visit


def visits_of(*, assessment: Assessment) -> QuerySet:
    """The visits of an assessment the caller already holds, newest first, with their slots."""
    return Visit.objects.filter(assessment=assessment).select_related("proposed_by").prefetch_related("slots")


def open_visit_of(*, assessment: Assessment) -> Visit | None:
    return visits_of(assessment=assessment).filter(status__in=OPEN_VISIT_STATUSES).first()


def visit_held(*, assessment: Assessment, now=None) -> Visit | None:
    """The accepted visit of the assessment that has taken place (it ended before ``now``), if any."""
    now = now or timezone.now()
    return (
        Visit.objects.filter(assessment=assessment, status=VisitStatus.ACCEPTED, ends_at__lte=now)
        .order_by("-ends_at")
        .first()
    )


def is_gold_renewal(*, assessment: Assessment, today=None) -> bool:
    """A Gold renewal: the cluster held a Gold label (not revoked) that expires, or expired, within a year of today."""
    today = today or timezone.localdate()
    return (
        Label.objects.filter(cluster_id=assessment.cluster_id, level="gold")
        .exclude(status=LabelStatus.REVOKED)
        .exclude(assessment_id=assessment.pk)
        .filter(expires_on__gte=today - RENEWAL_WINDOW)
        .exists()
    )


def kind_for(*, assessment: Assessment) -> str:
    """The format of the visit, from the level applied for (and whether a Gold is a renewal)."""
    renewal = assessment.applied_level == "gold" and is_gold_renewal(assessment=assessment)
    return visit_kind(assessment.applied_level, gold_renewal=renewal)


def questionnaire_frozen_until_visit(*, assessment: Assessment, now=None) -> Visit | None:
    """For Gold, the accepted visit whose freeze has begun (the framework's ``gold_visit_freeze_days`` before it):
    the questionnaire is frozen for the manager. ``None``: not frozen by a visit."""
    if assessment.applied_level != "gold":  # first: the framework is not read for the other levels
        return None
    days = assessment.framework.gold_visit_freeze_days
    if not days:
        return None
    now = now or timezone.now()
    return (
        Visit.objects.filter(
            assessment=assessment,
            status=VisitStatus.ACCEPTED,
            starts_at__lte=now + datetime.timedelta(days=days),
        )
        .order_by("starts_at")
        .first()
    )


def visit_recipients(*, assessment: Assessment) -> list:
    """Everyone a visit concerns: the assessors of the assessment and the active managers of the cluster."""
    people = [user for user in (assessment.assessor, assessment.second_assessor) if user is not None]
    people += list(assessment.cluster.managers.filter(is_active=True))
    seen, unique = set(), []
    for user in people:
        if user.pk not in seen:
            seen.add(user.pk)
            unique.append(user)
    return unique


def next_visit_for(user, *, now=None) -> Visit | None:
    """The next accepted visit among the assessments the user may see (the dashboards)."""
    now = now or timezone.now()
    return (
        visits_visible_to(user)
        .filter(status=VisitStatus.ACCEPTED, ends_at__gte=now)
        .select_related("assessment__assessor", "assessment__second_assessor")
        .order_by("starts_at")
        .first()
    )


UPCOMING_DAYS = 30


def upcoming_visits(user, *, now=None, days: int = UPCOMING_DAYS) -> QuerySet:
    """The administrators' list: the accepted visits of the coming ``days`` days, soonest first."""
    if not can(user, "visit.oversee"):
        raise NotFound()
    now = now or timezone.now()
    return (
        visits_visible_to(user)
        .filter(status=VisitStatus.ACCEPTED, starts_at__gte=now, starts_at__lte=now + datetime.timedelta(days=days))
        .select_related("assessment__assessor", "assessment__second_assessor")
        .order_by("starts_at", "pk")
    )


def visits_to_remind(*, days: int, now=None) -> QuerySet:
    """Accepted visits starting within ``days`` days that have not had that reminder yet (7 or 1)."""
    now = now or timezone.now()
    flag = {7: "reminded_7", 1: "reminded_1"}[days]
    return Visit.objects.filter(
        status=VisitStatus.ACCEPTED,
        starts_at__gt=now,
        starts_at__lte=now + datetime.timedelta(days=days),
        **{flag: False},
    ).order_by("starts_at")


# --- the expert's findings -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryFindingsFacts:
    code: str
    name: str
    strengths: str
    improvements: str
    recommendations: str

    @property
    def is_written(self) -> bool:
        return bool(self.strengths.strip() or self.improvements.strip() or self.recommendations.strip())


@dataclass(frozen=True)
class FindingsFacts:
    """The expert's findings as read for a page, the report or the awarding committee (one row per category of the
    assessment's framework, in the framework's order; empty texts for a category not written yet)."""

    assessment_id: int
    version: int  # 0: nothing written yet
    visited_on: datetime.date | None
    people_met: str
    written_by: str
    categories: tuple[CategoryFindingsFacts, ...]
    countersigned_at: datetime.datetime | None = None  # the second expert's countersignature of the review (Gold)

    @property
    def missing(self) -> list[str]:
        """What keeps the findings from being complete, as field names (``visited_on``, ``people_met``, a category
        code)."""
        missing = []
        if self.visited_on is None:
            missing.append("visited_on")
        if not self.people_met.strip():
            missing.append("people_met")
        missing += [c.code for c in self.categories if not c.is_written]
        return missing

    @property
    def is_written(self) -> bool:
        return not self.missing


def findings_of(*, assessment: Assessment) -> FindingsFacts:
    """The findings of an assessment the caller already holds (the validation's guard, the report's context)."""
    findings = Findings.objects.select_related("written_by").filter(assessment_id=assessment.pk).first()
    texts = {}
    if findings is not None:
        texts = {row.category_id: row for row in findings.categories.all()}
    rows = []
    for category in assessment.framework.categories.order_by("position"):
        row = texts.get(category.pk)
        rows.append(
            CategoryFindingsFacts(
                code=category.code,
                name=category.name,
                strengths=row.strengths if row else "",
                improvements=row.improvements if row else "",
                recommendations=row.recommendations if row else "",
            )
        )
    countersigned = (
        Review.objects.filter(
            assessment_id=assessment.pk, assessor_id=assessment.second_assessor_id, countersigned_at__isnull=False
        )
        .values_list("countersigned_at", flat=True)
        .first()
        if assessment.second_assessor_id
        else None
    )
    writer = findings.written_by if findings is not None else None
    return FindingsFacts(
        assessment_id=assessment.pk,
        version=findings.version if findings is not None else 0,
        visited_on=findings.visited_on if findings is not None else None,
        people_met=findings.people_met if findings is not None else "",
        written_by=(writer.get_full_name() or writer.username) if writer is not None else "",
        categories=tuple(rows),
        countersigned_at=countersigned,
    )


def assessment_findings(*, user, pk: int, capability: str = "findings.view") -> tuple[Assessment, FindingsFacts]:
    """The assessment and its findings, for a user who may read them (``NotFound`` otherwise: managers read them once
    the assessment is validated), or who has ``capability`` on them (``findings.write``: the assigned assessor while
    the step allows it)."""
    assessment = assessment_visible(user=user, pk=pk, capability=capability)
    return assessment, findings_of(assessment=assessment)


def report_expert_facts(assessment: Assessment) -> dict:
    """What the assessment report shows of the expert's process (registered with labelling's report as
    ``expert``): the interview or visit that took place (else the accepted one), its experts, and the findings."""
    visit = Visit.objects.filter(assessment=assessment, status=VisitStatus.ACCEPTED).order_by("-starts_at").first()
    experts = [e for e in (assessment.assessor, assessment.second_assessor) if e is not None]
    findings = findings_of(assessment=assessment)
    return {
        "visit": visit,
        "experts": [{"name": e.get_full_name() or e.username, "country": e.country} for e in experts],
        "findings": findings if findings.version else None,
        "findings_by_code": {c.code: c for c in findings.categories} if findings.version else {},
    }
