"""Reads of the expert's process. Whatever depends on who asks takes the user and starts from labelling's visibility
selectors (``NotFound`` for an assessment the user may not see)."""

from __future__ import annotations

from django.db.models import Count, Q

from accounts.permissions import can
from clusters.models import COMPANY_TYPES, MemberType, TeamYear
from core.exceptions import NotFound
from expertise.models import PrerequisiteExemption
from expertise.prerequisites import PrerequisiteFacts, Prerequisites, prerequisites_evaluate
from labelling.models import Assessment
from labelling.selectors import assessments_visible_to

RESEARCH_EDUCATION_TYPES = (MemberType.RESEARCH, MemberType.UNIVERSITY)


def assessment_visible(*, user, pk: int) -> Assessment:
    """The assessment with its cluster if the user may see it, else ``NotFound``."""
    assessment = assessments_visible_to(user).select_related("cluster", "framework").filter(pk=pk).first()
    if assessment is None or not can(user, "assessment.view", assessment):
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
