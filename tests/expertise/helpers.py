"""Set-up for the tests of the expert's process."""

from __future__ import annotations

from decimal import Decimal

from clusters.models import Cluster, MemberType
from tests import factories

ECCP_URL = "https://clustercollaboration.eu/cluster-organisations/cosmetic-valley"


def meet_prerequisites(cluster: Cluster, *, year: int = 2025, members: int = 15, staff: str = "2.5") -> Cluster:
    """Records that meet the prerequisites to apply: an ECCP profile, staff, ``members`` active members of which
    two research or education organisations, an English description."""
    Cluster.objects.filter(pk=cluster.pk).update(eccp_url=ECCP_URL, description_en="A cluster of cosmetics firms.")
    for n in range(members):
        factories.MemberFactory(
            cluster=cluster,
            name=f"{cluster.acronym} member {n}",
            member_type=MemberType.RESEARCH if n < 2 else MemberType.SME,
        )
    factories.TeamYearFactory(cluster=cluster, year=year, staff_fte=Decimal(staff))
    cluster.refresh_from_db()
    return cluster
