"""Reads: the records behind the proposals, and the cluster lookup that refuses other people's clusters."""

import datetime
from decimal import Decimal

import pytest

from clusters.selectors import cluster_get, cluster_records, clusters_for, proposals_for
from core.exceptions import NotFound
from tests.factories import FinancingYearFactory, MemberFactory, TeamYearFactory

pytestmark = pytest.mark.django_db


def test_cluster_records_take_the_facts_of_the_reference_year_only(cluster, django_assert_num_queries):
    MemberFactory(cluster=cluster, member_type="large", region="11", member_since=datetime.date(2020, 5, 1))
    MemberFactory(cluster=cluster, active=False)
    TeamYearFactory(cluster=cluster, year=2024, staff_fte=Decimal("1"))
    TeamYearFactory(cluster=cluster, year=2025, staff_fte=Decimal("3.25"))
    FinancingYearFactory(cluster=cluster, year=2024)
    with django_assert_num_queries(3):
        records = cluster_records(cluster=cluster, reference_year=2025)
    assert (records.region, records.year_founded) == ("24", 2005)
    assert sorted((m.member_type, m.region, m.active) for m in records.members) == [
        ("large", "11", True),
        ("sme", "24", False),
    ]
    assert records.team.staff_fte == Decimal("3.25")
    assert records.financing is None


def test_proposals_for_combines_the_records_and_the_rules(cluster):
    MemberFactory.create_batch(3, cluster=cluster, member_type="sme", region="24")
    MemberFactory(cluster=cluster, member_type="public", region="11")
    FinancingYearFactory(cluster=cluster, year=2025)
    proposals = proposals_for(cluster=cluster, reference_year=2025)
    assert {code: p.value for code, p in proposals.items()} == {
        "S2": Decimal("75.0"),
        "S3": Decimal(4),
        "S4": Decimal("75.0"),
        "G1": Decimal(20),
        "G6": Decimal("100.0"),
        "F2": Decimal("33.3"),
    }


def test_cluster_get_refuses_other_clusters_with_not_found(cluster, other_cluster, manager, assessor, administrator):
    assert cluster_get(user=manager, pk=cluster.pk) == cluster
    assert cluster_get(user=administrator, pk=other_cluster.pk) == other_cluster
    for user, pk in ((manager, other_cluster.pk), (assessor, cluster.pk), (manager, 999999)):
        with pytest.raises(NotFound):  # 404 on a page (core.pages) and in the API (core.api)
            cluster_get(user=user, pk=pk)


def test_clusters_for_counts_active_members(cluster, other_cluster, manager):
    MemberFactory.create_batch(2, cluster=cluster)
    MemberFactory(cluster=cluster, active=False)
    assert [(c.name, c.active_members) for c in clusters_for(user=manager)] == [("Cosmetic Valley", 2)]
