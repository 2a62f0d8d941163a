"""The funders' API: the same permissions as the pages, the report loop with the version check, the targets."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from programmes.models import Target
from tests import factories

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_the_report_loop_through_the_api(world):
    manager, officer = world.users["manager"], world.users["officer"]
    m, o = api(manager), api(officer)
    started = m.post(
        f"/api/v1/clusters/{world.cluster.pk}/yearly-reports/",
        {"programme": world.programme.pk, "year": 2025},
        format="json",
    )
    assert started.status_code == 201, started.json()
    report = started.json()
    assert {v["indicator"] for v in report["values"]} >= {"members", "eu_projects"}
    again = m.post(
        f"/api/v1/clusters/{world.cluster.pk}/yearly-reports/",
        {"programme": world.programme.pk, "year": 2025},
        format="json",
    )
    assert again.status_code == 400 and "year" in again.json()
    outside = m.post(
        f"/api/v1/clusters/{world.cluster.pk}/yearly-reports/",
        {"programme": world.programme.pk, "year": 2035},
        format="json",
    )
    assert outside.status_code == 400 and "year" in outside.json()
    url = f"/api/v1/yearly-reports/{report['id']}/"
    missing = m.patch(url, {"values": []}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()
    bad = m.patch(
        url,
        {
            "version": report["version"],
            "values": [{"indicator": "eu_projects", "value": -1}, {"indicator": "nope", "value": 1}],
        },
        format="json",
    )
    assert bad.status_code == 400 and {"value_eu_projects", "value_nope"} <= set(bad.json())
    values = [
        {"indicator": v["indicator"], "value": v["value"] if v["value"] is not None else 1} for v in report["values"]
    ]
    filled = m.patch(url, {"version": report["version"], "values": values}, format="json")
    assert filled.status_code == 200, filled.json()
    stale = m.patch(url, {"version": report["version"], "values": values}, format="json")
    assert stale.status_code == 409
    version = filled.json()["version"]
    assert o.post(f"{url}submit/", {"version": version}, format="json").status_code == 404  # not the officer's step
    submitted = m.post(f"{url}submit/", {"version": version}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    version = submitted.json()["version"]
    assert m.post(f"{url}approve/", {"version": version}, format="json").status_code == 404  # never their own
    returned = o.post(
        f"{url}return/",
        {"version": version, "comments": [{"indicator": "eu_projects", "comment": "Check it."}]},
        format="json",
    )
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    again = o.post(f"{url}approve/", {"version": returned.json()["version"]}, format="json")
    assert again.status_code == 409  # a returned report is not approved
    resubmitted = m.post(f"{url}submit/", {"version": returned.json()["version"]}, format="json")
    approved = o.post(f"{url}approve/", {"version": resubmitted.json()["version"]}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_an_officer_sees_only_the_programmes_they_follow_and_their_clusters(world):
    officer = world.users["officer"]
    other = factories.ProgrammeFactory()
    factories.EnrolmentFactory(programme=other, cluster=world.other_cluster)
    client = api(officer)
    listed = [p["id"] for p in client.get("/api/v1/programmes/").json()["results"]]
    assert listed == [world.programme.pk]
    for url in (
        f"/api/v1/programmes/{other.pk}/",
        f"/api/v1/programmes/{other.pk}/dashboard/",
        f"/api/v1/clusters/{world.other_cluster.pk}/yearly-reports/",
    ):
        assert client.get(url).status_code == 404, url
    clusters = client.get(f"/api/v1/programmes/{world.programme.pk}/clusters/").json()["results"]
    assert [c["cluster"] for c in clusters] == [world.cluster.pk]
    dashboard = client.get(f"/api/v1/programmes/{world.programme.pk}/dashboard/?year=2024").json()
    assert dashboard["year"] == 2024 and dashboard["results"][0]["cluster"] == world.cluster.pk
    assert "members" in dashboard["totals"]


def test_targets_through_the_api_nothing_saved_on_an_error(world):
    officer = world.users["officer"]
    client = api(officer)
    url = f"/api/v1/contracts/{world.contract.pk}/targets/"
    version = client.get(url).json()["version"]
    bad = client.post(
        url,
        {
            "version": version,
            "targets": [
                {"indicator": "members", "year": 2024, "value": 10},
                {"indicator": "sme_share", "year": 2024, "value": 150},
            ],
        },
        format="json",
    )
    assert bad.status_code == 400 and "target_sme_share_2024" in bad.json()
    assert not Target.objects.filter(contract=world.contract).exists()
    good = client.post(
        url, {"version": version, "targets": [{"indicator": "members", "year": 2024, "value": 10}]}, format="json"
    )
    assert good.status_code == 200 and good.json()["targets"][0]["value"] == 10
    assert api(world.users["manager"]).post(url, {"version": 9, "targets": []}, format="json").status_code == 404
