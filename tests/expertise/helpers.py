"""Set-up for the tests of the expert's process."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from clusters.models import COMPANY_TYPES, Cluster, MemberType, TeamYear
from expertise.models import Visit
from expertise.prerequisites import MIN_STAFF_FTE
from expertise.selectors import RESEARCH_EDUCATION_TYPES, findings_of
from expertise.services import findings_save
from tests import factories

ECCP_URL = "https://clustercollaboration.eu/cluster-organisations/cosmetic-valley"


def meet_prerequisites(cluster: Cluster, *, year: int = 2025, members: int = 15, staff: str = "2.5") -> Cluster:
    """Records that meet the prerequisites to apply for ``year``: an ECCP profile, an English description, a team
    record with ``staff`` FTE, and at least ``members`` active members of which two research or education
    organisations and the rest companies. Idempotent: what the cluster already has is kept and only topped up (a
    second year adds its team record, not fifteen more members)."""
    updates = {}
    if not cluster.eccp_url:
        updates["eccp_url"] = ECCP_URL
    if not cluster.description_en.strip():
        updates["description_en"] = "A cluster of cosmetics firms."
    if updates:
        Cluster.objects.filter(pk=cluster.pk).update(**updates)
    active = cluster.members.filter(active=True)
    research = active.filter(member_type__in=RESEARCH_EDUCATION_TYPES).count()
    missing = max(members - active.count(), 0)
    for n in range(missing):
        factories.MemberFactory(
            cluster=cluster,
            name=f"{cluster.acronym} member {n}",
            member_type=MemberType.RESEARCH if research + n < 2 else MemberType.SME,
        )
    if not active.filter(member_type__in=COMPANY_TYPES).exists():
        factories.MemberFactory(cluster=cluster, name=f"{cluster.acronym} company", member_type=MemberType.SME)
    if not active.filter(member_type__in=RESEARCH_EDUCATION_TYPES).exists():
        factories.MemberFactory(cluster=cluster, name=f"{cluster.acronym} lab", member_type=MemberType.RESEARCH)
    team = TeamYear.objects.filter(cluster=cluster, year=year).first()
    if team is None:
        factories.TeamYearFactory(cluster=cluster, year=year, staff_fte=Decimal(staff))
    elif team.staff_fte is None or team.staff_fte < MIN_STAFF_FTE:
        TeamYear.objects.filter(pk=team.pk).update(staff_fte=Decimal(staff))
    cluster.refresh_from_db()
    return cluster


def past_visit(assessment, assessor, *, days_ago: int = 2, kind: str = "interview"):
    """An accepted visit that has taken place (written directly: a visit cannot be proposed in the past)."""
    ends = timezone.now() - datetime.timedelta(days=days_ago)
    return Visit.objects.create(
        assessment=assessment,
        uid=f"{uuid.uuid4()}@grappe",
        kind=kind,
        mode="on_site",
        address="Orléans",
        status="accepted",
        starts_at=ends - datetime.timedelta(hours=3),
        ends_at=ends,
        proposed_by=assessor,
    )


FINDINGS_TEXTS = {
    "S": ("Une base de membres engagée.", "Peu de membres hors de la région.", "Recruter dans les régions voisines."),
    "G": ("Une équipe stable.", "La formation continue.", "Un plan de formation annuel."),
    "F": ("Des cotisations régulières.", "La part des fonds privés.", "Développer les services payants."),
    "V": ("Une stratégie à jour.", "Le suivi des indicateurs.", "Présenter un tableau de bord au conseil."),
    "R": ("Des succès documentés.", "La visibilité dans la presse.", "Un plan de communication."),
}


def visited_with_findings(assessment, assessor):
    """What the validation waits for: an interview or visit that has taken place, and complete findings."""
    past_visit(assessment, assessor)
    write_findings(assessment, assessor)


def write_findings(assessment, assessor, *, version: int | None = None):
    """Complete findings (every category), through the service."""
    return findings_save(
        user=assessor,
        assessment=assessment,
        visited_on=timezone.localdate(),
        people_met="La directrice, deux administrateurs, quatre entreprises membres",
        categories={
            code: {"strengths": s, "improvements": i, "recommendations": r}
            for code, (s, i, r) in FINDINGS_TEXTS.items()
        },
        expected_version=findings_of(assessment=assessment).version if version is None else version,
    )
