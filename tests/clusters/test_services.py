"""Writes to a cluster's records: validation, optimistic locking, audit trail."""

import datetime
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from clusters import services
from clusters.models import Cluster, FinancingYear, Member, TeamYear
from core.exceptions import ConflictError, DomainError, InvalidFields
from tests.factories import MemberFactory, TeamYearFactory

pytestmark = pytest.mark.django_db


# --- cluster_update ---------------------------------------------------------------------------------


def test_cluster_update_saves_bumps_the_version_and_records_before_and_after(cluster, manager):
    services.cluster_update(
        user=manager,
        cluster=cluster,
        data={"city": "Chartres", "sectors": ["parfum", "cosmétique"]},
        expected_version=1,
    )
    stored = Cluster.objects.get(pk=cluster.pk)
    assert (stored.city, stored.sectors, stored.version) == ("Chartres", ["parfum", "cosmétique"], 2)
    assert cluster.version == 2
    event = AuditEvent.objects.get(cluster=cluster, action="cluster.update")
    assert event.actor == manager
    assert event.before == {"city": "Orléans", "sectors": ["cosmétique"]}
    assert event.after == {"city": "Chartres", "sectors": ["parfum", "cosmétique"]}


def test_cluster_update_with_a_stale_version_is_refused_and_changes_nothing(cluster, manager):
    services.cluster_update(user=manager, cluster=cluster, data={"city": "Tours"}, expected_version=1)
    stale = Cluster.objects.get(pk=cluster.pk)
    stale.version = 1
    with pytest.raises(ConflictError):
        services.cluster_update(user=manager, cluster=stale, data={"city": "Blois"}, expected_version=1)
    stored = Cluster.objects.get(pk=cluster.pk)
    assert (stored.city, stored.version) == ("Tours", 2)
    assert AuditEvent.objects.filter(action="cluster.update").count() == 1


def test_cluster_update_refuses_invalid_values_with_field_errors(cluster, manager):
    with pytest.raises(InvalidFields) as caught:
        services.cluster_update(
            user=manager, cluster=cluster, data={"year_founded": 1800, "website": "not a url"}, expected_version=1
        )
    assert set(caught.value.errors) == {"year_founded", "website"}
    assert Cluster.objects.get(pk=cluster.pk).version == 1


def test_cluster_update_refuses_the_name_of_another_cluster(cluster, other_cluster, manager):
    with pytest.raises(InvalidFields) as caught:
        services.cluster_update(user=manager, cluster=cluster, data={"name": "s2e2"}, expected_version=1)
    assert caught.value.errors == {"name": ["Another cluster already has this name."]}


def test_cluster_update_refuses_unknown_fields(cluster, manager):
    with pytest.raises(ValueError, match="version"):
        services.cluster_update(user=manager, cluster=cluster, data={"version": 9}, expected_version=1)


# --- members ----------------------------------------------------------------------------------------


def test_member_create_saves_and_audits(cluster, manager):
    member = services.member_create(
        user=manager, cluster=cluster, data={"name": "  Guerlain   SA ", "member_type": "large", "region": "11"}
    )
    assert Member.objects.get(pk=member.pk).name == "Guerlain SA"
    event = AuditEvent.objects.get(action="member.create")
    assert event.target == "Guerlain SA" and event.after["member_type"] == "large"


def test_member_create_refuses_a_name_already_used_whatever_the_case(cluster, manager):
    MemberFactory(cluster=cluster, name="Guerlain SA")
    with pytest.raises(InvalidFields) as caught:
        services.member_create(user=manager, cluster=cluster, data={"name": "GUERLAIN sa", "member_type": "large"})
    assert caught.value.errors == {"name": ["A member with this name already exists in this cluster."]}
    assert Member.objects.filter(cluster=cluster).count() == 1


def test_the_same_member_name_is_allowed_in_another_cluster(cluster, other_cluster, manager):
    MemberFactory(cluster=other_cluster, name="Guerlain SA")
    services.member_create(user=manager, cluster=cluster, data={"name": "Guerlain SA", "member_type": "large"})
    assert Member.objects.filter(name="Guerlain SA").count() == 2


def test_member_create_refuses_an_unknown_type(cluster, manager):
    with pytest.raises(InvalidFields) as caught:
        services.member_create(user=manager, cluster=cluster, data={"name": "X", "member_type": "alien"})
    assert list(caught.value.errors) == ["member_type"]


def test_member_update_checks_the_version(cluster, manager):
    member = MemberFactory(cluster=cluster, name="Dior")
    services.member_update(user=manager, member=member, data={"region": "75"}, expected_version=1)
    with pytest.raises(ConflictError):
        services.member_update(user=manager, member=member, data={"region": "11"}, expected_version=1)
    stored = Member.objects.get(pk=member.pk)
    assert (stored.region, stored.version) == ("75", 2)
    event = AuditEvent.objects.get(action="member.update")
    assert (event.before, event.after) == ({"region": "24"}, {"region": "75"})


def test_member_update_records_the_stored_value_as_before_even_if_the_instance_was_changed(cluster, manager):
    member = MemberFactory(cluster=cluster, name="Dior", region="24")
    member.region = "99"  # as a model form does while validating
    services.member_update(user=manager, member=member, data={"region": "99"}, expected_version=1)
    assert AuditEvent.objects.get(action="member.update").before == {"region": "24"}


def test_member_update_refuses_the_name_of_another_member(cluster, manager):
    MemberFactory(cluster=cluster, name="Dior")
    member = MemberFactory(cluster=cluster, name="Chanel")
    with pytest.raises(InvalidFields):
        services.member_update(user=manager, member=member, data={"name": "dior"}, expected_version=1)


def test_member_set_active_deactivates_and_reactivates_without_deleting(cluster, manager):
    member = MemberFactory(cluster=cluster)
    services.member_set_active(user=manager, member=member, active=False, expected_version=1)
    assert Member.objects.get(pk=member.pk).active is False
    services.member_set_active(user=manager, member=member, active=True, expected_version=2)
    stored = Member.objects.get(pk=member.pk)
    assert (stored.active, stored.version) == (True, 3)
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "member.deactivate",
        "member.activate",
    ]


def test_member_set_active_with_a_stale_version_is_refused(cluster, manager):
    member = MemberFactory(cluster=cluster)
    with pytest.raises(ConflictError):
        services.member_set_active(user=manager, member=member, active=False, expected_version=7)
    assert Member.objects.get(pk=member.pk).active is True


# --- yearly facts -----------------------------------------------------------------------------------


def test_team_year_save_creates_then_updates_with_the_version(cluster, manager):
    row = services.team_year_save(
        user=manager,
        cluster=cluster,
        year=2025,
        data={"staff_fte": Decimal("3.5"), "staff_headcount": 4},
        expected_version=None,
    )
    assert row.version == 1
    services.team_year_save(
        user=manager, cluster=cluster, year=2025, data={"staff_fte": Decimal("4")}, expected_version=1
    )
    stored = TeamYear.objects.get(cluster=cluster, year=2025)
    assert (stored.staff_fte, stored.staff_headcount, stored.version) == (Decimal("4.00"), 4, 2)
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "team_year.create",
        "team_year.update",
    ]


def test_team_year_save_with_a_stale_version_is_refused(cluster, manager):
    TeamYearFactory(cluster=cluster, year=2025, staff_fte=Decimal("2"))
    with pytest.raises(ConflictError):
        services.team_year_save(
            user=manager, cluster=cluster, year=2025, data={"staff_fte": Decimal("9")}, expected_version=5
        )
    assert TeamYear.objects.get(cluster=cluster, year=2025).staff_fte == Decimal("2.00")


def test_team_year_save_refuses_to_create_a_year_twice(cluster, manager):
    TeamYearFactory(cluster=cluster, year=2025)
    with pytest.raises(InvalidFields) as caught:
        services.team_year_save(
            user=manager, cluster=cluster, year=2025, data={"staff_fte": Decimal("1")}, expected_version=None
        )
    assert list(caught.value.errors) == ["year"]


def test_team_year_save_refuses_more_graduates_than_staff_and_more_company_seats_than_seats(cluster, manager):
    with pytest.raises(InvalidFields) as caught:
        services.team_year_save(
            user=manager,
            cluster=cluster,
            year=2025,
            data={
                "staff_fte": Decimal("3"),
                "staff_headcount": 3,
                "staff_with_degree": 4,
                "board_seats": 10,
                "board_company_seats": 11,
            },
            expected_version=None,
        )
    assert caught.value.errors == {
        "staff_with_degree": ["Cannot be more than the headcount (3)."],
        "board_company_seats": ["Cannot be more than the board seats (10)."],
    }
    assert not TeamYear.objects.exists()


def test_financing_year_save_creates_updates_and_checks_the_version(cluster, manager):
    services.financing_year_save(
        user=manager,
        cluster=cluster,
        year=2024,
        data={"state": Decimal("1000"), "member_fees": Decimal("500")},
        expected_version=None,
    )
    row = FinancingYear.objects.get(cluster=cluster, year=2024)
    assert row.total == Decimal("1500")
    services.financing_year_save(
        user=manager, cluster=cluster, year=2024, data={"eu": Decimal("250")}, expected_version=1
    )
    with pytest.raises(ConflictError):
        services.financing_year_save(
            user=manager, cluster=cluster, year=2024, data={"eu": Decimal("0")}, expected_version=1
        )
    assert FinancingYear.objects.get(cluster=cluster, year=2024).eu == Decimal("250.00")
    assert AuditEvent.objects.filter(cluster=cluster, action__startswith="financing_year").count() == 2


def test_financing_year_save_refuses_negative_amounts(cluster, manager):
    with pytest.raises(InvalidFields) as caught:
        services.financing_year_save(
            user=manager, cluster=cluster, year=2024, data={"state": Decimal("-1")}, expected_version=None
        )
    assert list(caught.value.errors) == ["state"]


def test_financing_year_edit_of_a_removed_year_is_a_conflict(cluster, manager):
    with pytest.raises(ConflictError):
        services.financing_year_save(
            user=manager, cluster=cluster, year=2020, data={"state": Decimal("1")}, expected_version=1
        )


# --- members_import --------------------------------------------------------------------------------


def test_members_import_creates_and_updates_by_name_and_audits(cluster, manager):
    MemberFactory(cluster=cluster, name="Dior", region="24", fee_paying=True)
    MemberFactory(cluster=cluster, name="Chanel", region="75")
    rows = [
        {"name": "DIOR", "member_type": "sme", "region": "75", "size_class": "small", "member_since": None,
         "fee_paying": True, "active": True},
        {"name": "chanel", "member_type": "sme", "region": "75", "size_class": "small",
         "member_since": datetime.date(2018, 1, 1), "fee_paying": True, "active": True},
        {"name": "Guerlain", "member_type": "large", "region": "11", "size_class": "large", "member_since": None,
         "fee_paying": False, "active": True},
    ]  # fmt: skip
    result = services.members_import(user=manager, cluster=cluster, rows=rows, source="members.csv")
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    dior = Member.objects.get(cluster=cluster, name="Dior")  # the stored spelling is kept
    assert (dior.region, dior.member_since, dior.version) == ("75", None, 2)
    assert Member.objects.get(cluster=cluster, name="Chanel").version == 1
    assert Member.objects.filter(cluster=cluster).count() == 3
    event = AuditEvent.objects.get(action="members.import")
    assert event.after == {"created": 1, "updated": 1, "unchanged": 1}
    assert event.target == "members.csv"


def test_members_import_runs_a_fixed_number_of_queries_whatever_the_number_of_rows(
    cluster, manager, django_assert_max_num_queries
):
    MemberFactory.create_batch(300, cluster=cluster, region="24")
    existing = list(Member.objects.filter(cluster=cluster).values_list("name", flat=True))
    row = {"member_type": "sme", "size_class": "small", "member_since": None, "fee_paying": True, "active": True}
    rows = [{"name": name, "region": "11", **row} for name in existing]
    rows += [{"name": f"Nouveau {i}", "region": "24", **row} for i in range(300)]
    # savepoints, lock the cluster, load the members, insert, update, audit
    with django_assert_max_num_queries(9):
        result = services.members_import(user=manager, cluster=cluster, rows=rows)
    assert (result.created, result.updated) == (300, 300)
    assert Member.objects.filter(cluster=cluster, region="11").count() == 300
    assert Member.objects.filter(cluster=cluster, version=2).count() == 300


def test_members_import_refuses_a_name_twice_in_the_rows(cluster, manager):
    row = {"member_type": "sme", "size_class": "", "region": "", "member_since": None, "fee_paying": True,
           "active": True}  # fmt: skip
    with pytest.raises(DomainError, match="The name a appears twice."):
        services.members_import(user=manager, cluster=cluster, rows=[{"name": "A", **row}, {"name": "a", **row}])
    assert not Member.objects.exists()
