"""Silver's areas of improvement in the API: list (paginated), add with the assessment's version, change and remove
with the area's version, the assessor's verdict; field errors in the request's language; the committee's members read
the areas of their cases only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from areas.models import ImprovementArea
from committee.models import Case, CommitteeSession
from labelling.models import Assessment
from labelling.services.answers import assessment_submit
from labelling.services.workflow import assessment_assign, review_declare_no_conflict
from tests import factories
from tests.areas.helpers import add_areas, plan_actions

pytestmark = pytest.mark.django_db


def _body(version, actions, code="S2", **extra):
    return {
        "version": version,
        "title": "Export markets",
        "indicator": code,
        "actions": [a.pk for a in actions],
        "achievements": "Two trade missions.",
        **extra,
    }


def test_a_manager_writes_the_areas_with_the_version_check(draft, manager, actions, api_for):
    api = api_for(manager)
    url = reverse("api-assessment-areas", args=[draft.pk])
    created = api.post(url, _body(draft.version, actions[:2]), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["indicator"] == "S2" and [a["id"] for a in body["actions"]] == [actions[0].pk, actions[1].pk]
    assert body["assessment_version"] == draft.version + 1 and body["verdict"] == "" and body["version"] == 1
    stale = api.post(url, _body(draft.version, actions[1:2], code="G3"), format="json")
    assert stale.status_code == 409
    second = api.post(url, _body(body["assessment_version"], actions[1:2], code="G3"), format="json")
    assert second.status_code == 201
    listed = api.get(url).json()
    assert listed["count"] == 2 and [a["indicator"] for a in listed["results"]] == ["S2", "G3"]
    detail = reverse("api-area-detail", args=[body["id"]])
    changed = api.put(detail, _body(1, actions[:1], title="Export"), format="json")
    assert changed.status_code == 200 and changed.json()["title"] == "Export" and changed.json()["version"] == 2
    assert api.put(detail, _body(1, actions[:1]), format="json").status_code == 409
    assert api.delete(detail).status_code == 400  # the version is required
    assert api.delete(f"{detail}?version=1").status_code == 409
    assert api.delete(f"{detail}?version=2").status_code == 204
    assert list(ImprovementArea.objects.values_list("indicator__code", flat=True)) == ["G3"]


def test_bad_input_answers_field_errors_and_saves_nothing(draft, manager, actions, api_for, other_cluster, framework):
    foreign = plan_actions(other_cluster, framework, codes=("S1",))
    api = api_for(manager)
    url = reverse("api-assessment-areas", args=[draft.pk])
    refused = api.post(url, _body(draft.version, foreign, code="Z9", title=""), format="json")
    assert refused.status_code == 400
    errors = refused.json()
    assert set(errors) == {"title", "indicator", "actions"}
    assert errors["indicator"] == ["Unknown indicator in this assessment's framework: Z9."]
    no_action = api.post(url, _body(draft.version, []), format="json")
    assert no_action.status_code == 400
    assert no_action.json() == {
        "actions": ["Choose at least one action of the improvement plan that this area rests on."]
    }
    assert api.post(url, {**_body(draft.version, actions[:1]), "version": None}, format="json").status_code == 400
    assert not ImprovementArea.objects.exists()
    assert Assessment.objects.get(pk=draft.pk).version == draft.version


def test_the_assessor_records_the_verdicts(
    draft, manager, administrator, assessor, actions, api_for, prerequisites_met
):
    areas = add_areas(draft, manager, actions)
    assessment_submit(user=manager, assessment=draft, expected_version=draft.version)
    assessment = assessment_assign(user=administrator, assessment=draft, assessor=assessor)
    review_declare_no_conflict(user=assessor, assessment=assessment)
    url = reverse("api-area-verdict", args=[areas[0].pk])
    bad = api_for(assessor).post(url, {"version": 1, "verdict": "maybe", "comment": ""}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"verdict", "comment"}
    body = {"version": 1, "verdict": "not_demonstrated", "comment": "No figures shown."}
    assert api_for(manager).post(url, body, format="json").status_code == 404
    judged = api_for(assessor).post(url, body, format="json")
    assert judged.status_code == 200
    assert judged.json()["verdict"] == "not_demonstrated" and judged.json()["judged_by"]["id"] == assessor.pk
    assert api_for(assessor).post(url, body, format="json").status_code == 409  # the version moved
    # the manager no longer writes: 409 with the reason
    put = api_for(manager).put(
        reverse("api-area-detail", args=[areas[1].pk]), _body(1, actions[1:2], code="G3"), format="json"
    )
    assert put.status_code == 404


def test_committee_members_read_the_areas_of_their_cases_only(
    draft, manager, actions, administrator, api_for, client_for
):
    areas = add_areas(draft, manager, actions)
    member = factories.CommitteeMemberFactory(username="member")
    outsider = factories.CommitteeMemberFactory(username="outsider")
    session = CommitteeSession.objects.create(held_on="2027-01-14", place="Paris", chair=administrator)
    session.members.add(member)
    case = Case.objects.create(session=session, assessment=draft, computed_level="silver", proposed_level="silver")
    url = reverse("api-assessment-areas", args=[draft.pk])
    file = client_for(member).get(reverse("committee:case_detail", args=[case.pk])).content.decode()
    assert "Pistes de progrès (Silver)" in file and "Progress on R1" in file and "What the cluster did on G3." in file
    assert api_for(member).get(url).json()["count"] == 3
    assert api_for(member).get(reverse("api-area-detail", args=[areas[0].pk])).status_code == 200
    assert api_for(outsider).get(url).status_code == 404
    assert api_for(outsider).get(reverse("api-area-detail", args=[areas[0].pk])).status_code == 404
    page = client_for(member).get(reverse("areas:list", args=[draft.pk]))
    assert page.status_code == 200 and "Progress on G3" in page.content.decode()
    assert f'href="{reverse("labelling:assessment_detail", args=[draft.pk])}"' not in page.content.decode()
    assert client_for(outsider).get(reverse("areas:list", args=[draft.pk])).status_code == 404
    # reading, never writing
    assert api_for(member).post(url, _body(1, actions[3:], code="V2"), format="json").status_code == 404
