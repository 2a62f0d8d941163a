"""Every write to a versioned record of a cluster locks the row, compares the version the user loaded and refuses
a stale or missing one: through the services, the pages and the API, and nothing changes when it is refused."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from clusters import services
from clusters.models import Member
from core.exceptions import ConflictError, InvalidFields
from tests.factories import FinancingYearFactory, MemberFactory, TeamYearFactory

pytestmark = pytest.mark.django_db


def _stored(row):
    """What the database holds for the row: every concrete field."""
    return type(row).objects.filter(pk=row.pk).values().get()


# name -> (make the record, write it with a version); each record is at version 1.
WRITES = {
    "cluster_update": (
        lambda cluster: cluster,
        lambda user, row, version: services.cluster_update(
            user=user, cluster=row, data={"city": "Blois"}, expected_version=version
        ),
    ),
    "member_update": (
        lambda cluster: MemberFactory(cluster=cluster, region="75"),
        lambda user, row, version: services.member_update(
            user=user, member=row, data={"region": "11"}, expected_version=version
        ),
    ),
    "member_set_active": (
        lambda cluster: MemberFactory(cluster=cluster),
        lambda user, row, version: services.member_set_active(
            user=user, member=row, active=False, expected_version=version
        ),
    ),
    "team_year_save": (
        lambda cluster: TeamYearFactory(cluster=cluster, year=2025),
        lambda user, row, version: services.team_year_save(
            user=user, cluster=row.cluster, year=2025, data={"staff_fte": Decimal("9")}, expected_version=version
        ),
    ),
    "financing_year_save": (
        lambda cluster: FinancingYearFactory(cluster=cluster, year=2025),
        lambda user, row, version: services.financing_year_save(
            user=user, cluster=row.cluster, year=2025, data={"eu": Decimal("1")}, expected_version=version
        ),
    ),
}


@pytest.mark.parametrize("name", WRITES)
@pytest.mark.parametrize("stale", [0, 2, 99])
def test_a_stale_version_is_a_conflict_and_changes_nothing(cluster, manager, name, stale):
    make, write = WRITES[name]
    row = make(cluster)
    before = _stored(row)
    with pytest.raises(ConflictError):
        write(manager, row, stale)
    assert _stored(row) == before
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("name", WRITES)
def test_a_missing_version_is_refused_and_changes_nothing(cluster, manager, name):
    make, write = WRITES[name]
    row = make(cluster)
    before = _stored(row)
    with pytest.raises(InvalidFields) as caught:
        write(manager, row, None)
    # a yearly record without a version is a creation: refused because the year is recorded
    assert list(caught.value.errors) == (["year"] if name.endswith("year_save") else ["version"])
    assert _stored(row) == before
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("name", WRITES)
def test_the_write_locks_the_row_then_saves_the_next_version(cluster, manager, name):
    make, write = WRITES[name]
    row = make(cluster)
    table = type(row)._meta.db_table
    with CaptureQueriesContext(connection) as captured:
        saved = write(manager, row, 1)
    statements = [q["sql"] for q in captured.captured_queries if f'"{table}"' in q["sql"]]
    assert any(sql.startswith("SELECT") and sql.endswith("FOR UPDATE") for sql in statements), statements
    updates = [sql for sql in statements if sql.startswith(f'UPDATE "{table}"')]
    assert len(updates) == 1 and '"version" =' not in updates[0].split("WHERE", 1)[1], updates
    assert _stored(row)["version"] == saved.version == 2


# --- the API ------------------------------------------------------------------------------------------------

API_RECORDS = {
    "cluster": (lambda cluster: cluster, "/api/v1/clusters/{cluster}/", {"city": "Blois"}),
    "member": (
        lambda cluster: MemberFactory(cluster=cluster),
        "/api/v1/clusters/{cluster}/members/{pk}/",
        {"region": "11"},
    ),
    "team year": (
        lambda cluster: TeamYearFactory(cluster=cluster, year=2025),
        "/api/v1/clusters/{cluster}/team-years/2025/",
        {"staff_fte": "9"},
    ),
    "financing year": (
        lambda cluster: FinancingYearFactory(cluster=cluster, year=2025),
        "/api/v1/clusters/{cluster}/financing-years/2025/",
        {"eu": "1"},
    ),
}


@pytest.mark.parametrize("name", API_RECORDS)
def test_the_api_answers_409_to_a_stale_version_and_400_without_one(cluster, manager, api_for, name):
    make, url, change = API_RECORDS[name]
    row = make(cluster)
    url = url.format(cluster=cluster.pk, pk=row.pk)
    before = _stored(row)
    client = api_for(manager)
    response = client.patch(url, {**change, "version": 2}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Someone else has changed this record")
    response = client.patch(url, change, format="json")
    assert response.status_code == 400 and list(response.json()) == ["version"]
    assert _stored(row) == before
    assert client.patch(url, {**change, "version": 1}, format="json").json()["version"] == 2


# --- the pages ----------------------------------------------------------------------------------------------


def _member_form(member):
    return {"name": member.name, "member_type": member.member_type, "size_class": "", "region": "11"}


PAGES = {
    "profile": (
        lambda cluster: cluster,
        "/clusters/{cluster}/edit/",
        lambda cluster: {
            "name": cluster.name,
            "kind": cluster.kind,
            "legal_form": cluster.legal_form,
            "country": cluster.country,
            "city": "Blois",
            "sectors": "",
            "s3_domains": "",
        },
        "Blois",
    ),
    "member": (
        lambda cluster: MemberFactory(cluster=cluster, region="75"),
        "/clusters/{cluster}/members/{pk}/edit/",
        lambda cluster: _member_form(Member.objects.get(cluster=cluster)),
        "11",
    ),
    "team year": (
        lambda cluster: TeamYearFactory(cluster=cluster, year=2025, strategy_document=False, strategy_adopted_on=None),
        "/clusters/{cluster}/team/2025/edit/",
        lambda cluster: {"staff_fte": "8.25", "action_plan": "partial"},
        "8.25",
    ),
    "financing year": (
        lambda cluster: FinancingYearFactory(cluster=cluster, year=2025),
        "/clusters/{cluster}/financing/2025/edit/",
        lambda cluster: {
            "state": "1234.5",
            "regional": "0",
            "eu": "0",
            "member_fees": "0",
            "paid_services": "0",
            "other_private": "0",
        },
        "1234.5",
    ),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_stale_form_re_renders_with_what_was_typed_and_changes_nothing(cluster, manager, en_client_for, name):
    make, url, form, typed = PAGES[name]
    row = make(cluster)
    type(row).objects.filter(pk=row.pk).update(version=2)  # someone else saved meanwhile
    before = _stored(row)
    response = en_client_for(manager).post(url.format(cluster=cluster.pk, pk=row.pk), {**form(cluster), "version": 1})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Someone else has changed this record since you opened it. Reload the page to see their changes."
    ]
    assert f'value="{typed}"' in response.content.decode()
    assert _stored(row) == before


@pytest.mark.parametrize("name", PAGES)
def test_a_form_without_its_version_is_refused_and_changes_nothing(cluster, manager, en_client_for, name):
    make, url, form, typed = PAGES[name]
    row = make(cluster)
    before = _stored(row)
    response = en_client_for(manager).post(url.format(cluster=cluster.pk, pk=row.pk), form(cluster))
    assert response.status_code == 200
    assert response.context["form"].errors["version"] == ["This field is required."]
    assert f'value="{typed}"' in response.content.decode()
    assert _stored(row) == before


def test_the_member_switch_without_a_version_is_a_conflict(cluster, manager, en_client_for):
    member = MemberFactory(cluster=cluster)
    response = en_client_for(manager).post(
        f"/clusters/{cluster.pk}/members/{member.pk}/active/", {"active": "0"}, follow=True
    )
    assert "Someone else has changed this record" in response.content.decode()
    assert Member.objects.get(pk=member.pk).active is True


def test_every_versioned_model_of_clusters_is_written_above(cluster):
    versioned = {
        m for m in apps.get_app_config("clusters").get_models() if any(f.name == "version" for f in m._meta.fields)
    }
    assert versioned == {type(make(cluster)) for make, _write in WRITES.values()}
