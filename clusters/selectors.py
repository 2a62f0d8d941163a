"""Reads about clusters and their records. Lists always start from ``clusters_visible_to(user)``."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation

from accounts.permissions import can, is_administrator, is_manager
from clusters.models import Cluster, FinancingYear, Member, TeamYear
from core.exceptions import NotFound
from indicators import values
from indicators.proposals import (
    ClusterRecords,
    FinancingRecord,
    MemberRecord,
    Proposal,
    TeamRecord,
    compute_proposals,
)
from indicators.spec import default_framework_spec


def clusters_visible_to(user) -> QuerySet[Cluster]:
    """Every cluster for an administrator, their own for a manager, none for anybody else."""
    if is_administrator(user):
        return Cluster.objects.all()
    return clusters_managed_by(user)


def clusters_managed_by(user) -> QuerySet[Cluster]:
    """The clusters the user manages (none for a user who is not a manager, administrators included)."""
    if is_manager(user):
        return Cluster.objects.filter(managers=user)
    return Cluster.objects.none()


def clusters_for(*, user) -> QuerySet[Cluster]:
    """The clusters the user may see, with their member counts, in name order, only the columns the list
    shows. The count is a subquery per listed cluster, so a page of 50 never counts every member."""
    active_members = (
        Member.objects.filter(cluster_id=OuterRef("pk"), active=True)
        .order_by()
        .values("cluster_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        clusters_visible_to(user)
        .only("name", "kind", "city")
        .annotate(active_members=Coalesce(Subquery(active_members), 0))
        .order_by("name", "pk")
    )


def cluster_get(*, user, pk: int, capability: str = "cluster.view") -> Cluster:
    """The cluster if the user may see it and has ``capability`` on it (one check), else ``NotFound`` (404 on a
    page and in the API)."""
    cluster = clusters_visible_to(user).filter(pk=pk).first()
    if cluster is None or not can(user, capability, cluster):
        raise NotFound()
    return cluster


def member_get(*, cluster: Cluster, pk: int) -> Member:
    """One member of a cluster already fetched through ``cluster_get``, else ``NotFound``."""
    member = Member.objects.filter(cluster=cluster, pk=pk).first()
    if member is None:
        raise NotFound()
    return member


def year_get(*, cluster: Cluster, model: type[TeamYear] | type[FinancingYear], year: int) -> TeamYear | FinancingYear:
    """A cluster's facts of one year (its team or its financing), else ``NotFound``."""
    record = model.objects.filter(cluster=cluster, year=year).first()
    if record is None:
        raise NotFound()
    return record


def team_years(*, cluster: Cluster) -> QuerySet[TeamYear]:
    return TeamYear.objects.filter(cluster=cluster).order_by("-year")


def financing_years(*, cluster: Cluster) -> QuerySet[FinancingYear]:
    return FinancingYear.objects.filter(cluster=cluster).order_by("-year")


def members_of(*, cluster: Cluster) -> QuerySet[Member]:
    return Member.objects.filter(cluster=cluster).order_by("name", "pk")


def member_counts(*, cluster: Cluster) -> dict[str, int]:
    return Member.objects.filter(cluster=cluster).aggregate(
        total=Count("pk"), active=Count("pk", filter=Q(active=True))
    )


def cluster_records(*, cluster: Cluster, reference_year: int) -> ClusterRecords:
    """The plain records from which indicators.proposals computes values (three queries)."""
    members = tuple(
        MemberRecord(member_type=t, region=r, member_since=s, active=a)
        for t, r, s, a in Member.objects.filter(cluster=cluster).values_list(
            "member_type", "region", "member_since", "active"
        )
    )
    team_row = TeamYear.objects.filter(cluster=cluster, year=reference_year).first()
    team = None
    if team_row is not None:
        team = TeamRecord(
            staff_fte=team_row.staff_fte,
            staff_headcount=team_row.staff_headcount,
            staff_with_degree=team_row.staff_with_degree,
            board_seats=team_row.board_seats,
            board_company_seats=team_row.board_company_seats,
            strategy_document=team_row.strategy_document,
            strategy_adopted_on=team_row.strategy_adopted_on,
        )
    financing_row = FinancingYear.objects.filter(cluster=cluster, year=reference_year).first()
    financing = None
    if financing_row is not None:
        financing = FinancingRecord(**{source: getattr(financing_row, source) for source in FinancingYear.SOURCES})
    return ClusterRecords(
        region=cluster.region,
        year_founded=cluster.year_founded,
        members=members,
        team=team,
        financing=financing,
    )


def proposals_for(*, cluster: Cluster, reference_year: int) -> dict[str, Proposal]:
    """The values the self-assessment proposes from the cluster's records for that reference year."""
    return compute_proposals(
        cluster_records(cluster=cluster, reference_year=reference_year), reference_year=reference_year
    )


def proposal_rows(*, cluster: Cluster, reference_year: int) -> list[tuple[str, str, str, str]]:
    """(code, indicator name, value as people read it, explanation) of each proposal, in the framework's order:
    a level shows its option's label (never its code), a number its unit, both in the reader's language."""
    framework = default_framework_spec()
    language = translation.get_language() or "fr"
    rows = []
    for code, proposal in proposals_for(cluster=cluster, reference_year=reference_year).items():
        spec = framework.indicator(code)
        name = spec.name.get(language[:2]) or spec.name.get("fr") or code
        rows.append((code, name, values.format_value(spec, proposal.value), str(proposal.explanation)))
    return rows
