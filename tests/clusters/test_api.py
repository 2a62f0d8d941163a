"""/api/v1/clusters/ and its nested records: same rules as the pages, 404 for others, 409 on stale versions."""

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from clusters.models import Cluster, FinancingYear, Member, TeamYear
from tests.factories import FinancingYearFactory, MemberFactory, TeamYearFactory

pytestmark = pytest.mark.django_db


def test_the_cluster_list_shows_only_the_managers_clusters(cluster, other_cluster, manager, administrator, api_for):
    body = api_for(manager).get("/api/v1/clusters/").json()
    assert [c["name"] for c in body["results"]] == ["Cosmetic Valley"]
    body = api_for(administrator).get("/api/v1/clusters/").json()
    assert [c["name"] for c in body["results"]] == ["Cosmetic Valley", "S2E2"]


def test_visitors_are_refused_and_assessors_see_no_cluster(cluster, assessor, api_for):
    assert api_for(None).get("/api/v1/clusters/").status_code in (401, 403)
    assert api_for(assessor).get("/api/v1/clusters/").json()["results"] == []
    assert api_for(assessor).get(f"/api/v1/clusters/{cluster.pk}/").status_code == 404


def test_another_managers_cluster_and_its_records_are_404(cluster, other_manager, api_for):
    member = MemberFactory(cluster=cluster)
    TeamYearFactory(cluster=cluster, year=2025)
    client = api_for(other_manager)
    for url in (
        f"/api/v1/clusters/{cluster.pk}/",
        f"/api/v1/clusters/{cluster.pk}/members/",
        f"/api/v1/clusters/{cluster.pk}/members/{member.pk}/",
        f"/api/v1/clusters/{cluster.pk}/team-years/",
        f"/api/v1/clusters/{cluster.pk}/team-years/2025/",
        f"/api/v1/clusters/{cluster.pk}/financing-years/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.patch(f"/api/v1/clusters/{cluster.pk}/", {"city": "X", "version": 1}, format="json").status_code == 404
    )
    response = client.post(
        f"/api/v1/clusters/{cluster.pk}/members/", {"name": "X", "member_type": "sme"}, format="json"
    )
    assert response.status_code == 404
    assert Member.objects.filter(cluster=cluster).count() == 1


def test_patching_a_cluster_checks_the_version(cluster, manager, api_for):
    client = api_for(manager)
    response = client.patch(
        f"/api/v1/clusters/{cluster.pk}/", {"city": "Tours", "sectors": ["parfum"], "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["city"], response.json()["version"]) == ("Tours", 2)
    response = client.patch(f"/api/v1/clusters/{cluster.pk}/", {"city": "Blois", "version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Someone else has changed this record")
    assert Cluster.objects.get(pk=cluster.pk).city == "Tours"


def test_patching_a_cluster_without_version_or_with_bad_values_is_400(cluster, manager, api_for):
    client = api_for(manager)
    response = client.patch(f"/api/v1/clusters/{cluster.pk}/", {"city": "Tours"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["version"]
    response = client.patch(
        f"/api/v1/clusters/{cluster.pk}/",
        {"year_founded": 1066, "country": "France", "website": "x", "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"year_founded", "country", "website"}
    assert Cluster.objects.get(pk=cluster.pk).version == 1


def test_members_are_listed_with_filters_created_and_patched(cluster, manager, api_for):
    MemberFactory(cluster=cluster, name="Dior", member_type="large", region="75")
    MemberFactory(cluster=cluster, name="Labo", member_type="research", active=False)
    client = api_for(manager)
    url = f"/api/v1/clusters/{cluster.pk}/members/"
    assert [m["name"] for m in client.get(url, {"member_type": "large"}).json()["results"]] == ["Dior"]
    assert [m["name"] for m in client.get(url, {"active": "false"}).json()["results"]] == ["Labo"]
    assert [m["name"] for m in client.get(url, {"q": "lab"}).json()["results"]] == ["Labo"]
    response = client.post(url, {"name": "Guerlain", "member_type": "large", "region": "75"}, format="json")
    assert response.status_code == 201
    member_id = response.json()["id"]
    assert response.json()["version"] == 1
    response = client.patch(f"{url}{member_id}/", {"active": False, "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["active"] is False
    response = client.patch(f"{url}{member_id}/", {"region": "11", "version": 1}, format="json")
    assert response.status_code == 409
    assert Member.objects.get(pk=member_id).region == "75"
    assert AuditEvent.objects.filter(cluster=cluster, action__startswith="member.").count() == 2


def test_member_creation_errors_are_400_with_field_errors(cluster, manager, api_for):
    MemberFactory(cluster=cluster, name="Dior")
    url = f"/api/v1/clusters/{cluster.pk}/members/"
    response = api_for(manager).post(url, {"name": "DIOR", "member_type": "sme"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["A member with this name already exists in this cluster."]}
    response = api_for(manager).post(url, {"name": "", "member_type": "alien"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"name", "member_type"}


def test_team_years_are_created_read_and_patched_by_year(cluster, manager, api_for):
    client = api_for(manager)
    url = f"/api/v1/clusters/{cluster.pk}/team-years/"
    response = client.post(url, {"year": 2025, "staff_fte": "3.5", "staff_headcount": 4}, format="json")
    assert response.status_code == 201, response.json()
    assert client.post(url, {"year": 2025, "staff_fte": "1"}, format="json").status_code == 400
    assert client.get(f"{url}2025/").json()["staff_fte"] == "3.50"
    response = client.patch(f"{url}2025/", {"staff_with_degree": 9, "version": 1}, format="json")
    assert response.status_code == 400
    assert response.json() == {"staff_with_degree": ["Cannot be more than the headcount (4)."]}
    response = client.patch(f"{url}2025/", {"staff_with_degree": 3, "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 2
    assert client.patch(f"{url}2025/", {"staff_fte": "9", "version": 1}, format="json").status_code == 409
    assert TeamYear.objects.get(cluster=cluster, year=2025).staff_fte == Decimal("3.50")


def test_financing_years_show_their_totals(cluster, manager, api_for):
    FinancingYearFactory(cluster=cluster, year=2025)
    client = api_for(manager)
    body = client.get(f"/api/v1/clusters/{cluster.pk}/financing-years/").json()["results"]
    assert (body[0]["total"], body[0]["private_total"]) == ("600000.00", "200000.00")
    response = client.patch(
        f"/api/v1/clusters/{cluster.pk}/financing-years/2025/", {"eu": "-1", "version": 1}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["eu"]
    response = client.patch(
        f"/api/v1/clusters/{cluster.pk}/financing-years/2025/", {"eu": "0", "version": 1}, format="json"
    )
    assert response.json()["total"] == "550000.00"
    assert FinancingYear.objects.get(cluster=cluster, year=2025).version == 2


def test_the_openapi_schema_describes_the_cluster_endpoints(administrator, api_for):
    response = api_for(administrator).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/clusters/",
        "/api/v1/clusters/{id}/",
        "/api/v1/clusters/{cluster_pk}/members/",
        "/api/v1/clusters/{cluster_pk}/members/{id}/",
        "/api/v1/clusters/{cluster_pk}/team-years/{year}/",
        "/api/v1/clusters/{cluster_pk}/financing-years/",
    ):
        assert path in paths, path
    assert "409" in paths["/api/v1/clusters/{id}/"]["patch"]["responses"]
