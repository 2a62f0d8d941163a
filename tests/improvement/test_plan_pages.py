"""The improvement plan's pages and API on the world (tests/conftest.py): world.plan is world.cluster's, seeded
with S1 (partly met) and S2 (not met); world.action carries one evidence file."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from improvement.models import Action, ActionEvidence, ActionStatus

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(world_client_for):
    """The world's clients, answered in English."""

    def make(user):
        client = world_client_for(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def _plan_url(world):
    return reverse("improvement:plan", args=[world.cluster.pk])


def _action_url(world, action=None):
    return reverse("improvement:action", args=[world.cluster.pk, (action or world.action).pk])


def _state():
    return (
        sorted(Action.objects.values_list("id", "status", "version", "description")),
        ActionEvidence.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_plan_lists_its_actions_filtered_by_status(world, client_for):
    Action.objects.filter(pk=world.action.pk).update(status=ActionStatus.IN_PROGRESS)
    client = client_for(world.users["manager"])
    page = client.get(_plan_url(world)).content.decode()
    assert page.count('id="action-') == 2 and "minutes.pdf" in page and "Add an action" in page
    filtered = client.get(_plan_url(world), {"status": "in_progress"}).content.decode()
    assert filtered.count('id="action-') == 1 and f'id="action-{world.action.pk}"' in filtered
    assert client.get(_plan_url(world), {"status": "done"}).content.decode().count('id="action-') == 0


def test_readers_see_the_plan_without_a_way_to_change_it(world, client_for):
    add = reverse("improvement:action_add", args=[world.cluster.pk])
    for role in ("assessor", "committee_member", "administrator"):
        client = client_for(world.users[role])
        page = client.get(_plan_url(world)).content.decode()
        assert add not in page and f'id="action-{world.action.pk}"' in page, role
        detail = client.get(_action_url(world)).content.decode()
        assert 'method="post"' not in detail.split("<main", 1)[1] and "minutes.pdf" in detail, role
    manager_page = client_for(world.users["manager"]).get(_action_url(world)).content.decode()
    assert manager_page.count('method="post"') >= 3  # the action, the upload, the removal of its file


def test_a_manager_adds_an_action_and_bad_input_re_renders_with_what_was_typed(world, client_for):
    client = client_for(world.users["manager"])
    add = reverse("improvement:action_add", args=[world.cluster.pk])
    before = _state()
    plan_day = timezone.localdate(world.plan.created_at)
    typed = {
        "indicator": world.action.indicator_id,
        "description": "Write the roadmap with the board.",
        "owner": "Claire Martin",
        "due_on": (plan_day - datetime.timedelta(days=3)).isoformat(),
        "status": "not_started",
        "version": world.plan.version,
    }
    response = client.post(add, typed)
    assert response.status_code == 400 and _state() == before
    page = response.content.decode()
    assert "The action cannot be due before the plan exists" in page and "Write the roadmap with the board." in page
    response = client.post(add, {**typed, "due_on": (plan_day + datetime.timedelta(days=90)).isoformat()})
    assert response.status_code == 302
    action = Action.objects.get(description="Write the roadmap with the board.")
    assert (action.owner, action.source, action.plan_id) == ("Claire Martin", "manager", world.plan.pk)
    stale = client.post(add, {**typed, "description": "Another", "due_on": ""})  # the plan's version grew
    assert stale.status_code == 400 and "Someone else has changed this record" in stale.content.decode()


def test_a_manager_edits_an_action_with_the_version_check(world, client_for):
    client = client_for(world.users["manager"])
    action = world.action
    data = {
        "indicator": action.indicator_id,
        "description": action.description,
        "owner": "Paul Durand",
        "due_on": "",
        "status": "done",
        "progress_note": "Signed by the board.",
        "version": action.version,
    }
    assert client.post(_action_url(world), data).status_code == 302
    saved = Action.objects.get(pk=action.pk)
    assert (saved.status, saved.owner, saved.version) == ("done", "Paul Durand", action.version + 1)
    before = _state()
    stale = client.post(_action_url(world), {**data, "owner": "Somebody else"})
    assert stale.status_code == 400 and _state() == before
    missing = client.post(_action_url(world), {k: v for k, v in data.items() if k != "version"})
    assert missing.status_code == 400 and _state() == before


def test_evidence_is_checked_by_content_and_served_only_to_readers(world, client_for):
    client = client_for(world.users["manager"])
    upload = reverse("improvement:evidence_add", args=[world.cluster.pk, world.action.pk])
    before = _state()
    refused = client.post(
        upload, {"file": SimpleUploadedFile("photo.pdf", b"#!/bin/sh\necho hi\n"), "version": world.action.version}
    )
    assert refused.status_code == 400 and _state() == before
    response = client.post(
        upload, {"file": SimpleUploadedFile("board minutes.pdf", PDF), "version": world.action.version}
    )
    assert response.status_code == 302
    evidence = ActionEvidence.objects.get(original_name="board minutes.pdf")
    download = reverse("improvement:evidence_download", args=[world.cluster.pk, world.action.pk, evidence.pk])
    got = client_for(world.users["committee_member"]).get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert got["Content-Type"] == "application/pdf" and got["X-Content-Type-Options"] == "nosniff"
    assert client_for(world.users["other_manager"]).get(download).status_code == 404


def test_another_clusters_ids_give_404(world, client_for):
    """An action of world.cluster's plan asked for under world.other_cluster's address: 404 for everybody, and
    other_cluster has no plan yet (its manager sees the empty state, the API answers 404)."""
    for role in ("manager", "administrator", "other_manager"):
        client = client_for(world.users[role])
        url = reverse("improvement:action", args=[world.other_cluster.pk, world.action.pk])
        assert client.get(url).status_code == 404, role
    other = client_for(world.users["other_manager"])
    page = other.get(reverse("improvement:plan", args=[world.other_cluster.pk]))
    assert page.status_code == 200 and "once one of its assessments is decided" in page.content.decode()
    assert other.get(reverse("improvement:action_add", args=[world.other_cluster.pk])).status_code == 404


# --- the API -------------------------------------------------------------------------------------------------------


def _api(world, role, api_for):
    return api_for(world.users[role])


def test_the_api_reads_the_plan_and_filters_its_actions(world, api_for):
    client = _api(world, "assessor", api_for)
    plan = client.get(f"/api/v1/clusters/{world.cluster.pk}/improvement-plan/").json()
    assert plan["counts"] == {"not_started": 2, "in_progress": 0, "done": 0, "total": 2}
    assert plan["assessment"] == world.plan.assessment_id and plan["version"] == world.plan.version
    actions = client.get(f"/api/v1/clusters/{world.cluster.pk}/improvement-plan/actions/").json()
    assert actions["count"] == 2 and {a["indicator"] for a in actions["results"]} == {"S1", "S2"}
    first = next(a for a in actions["results"] if a["id"] == world.action.pk)
    assert first["evidence"][0]["original_name"] == "minutes.pdf"
    assert first["evidence"][0]["download"].endswith(f"/evidence/{world.action_evidence.pk}/")
    done = client.get(f"/api/v1/clusters/{world.cluster.pk}/improvement-plan/actions/", {"status": "done"}).json()
    assert done["count"] == 0
    bad = client.get(f"/api/v1/clusters/{world.cluster.pk}/improvement-plan/actions/", {"status": "finished"})
    assert bad.status_code == 400 and "status" in bad.json()


def test_the_api_adds_and_changes_actions_with_the_version_check(world, api_for):
    client = _api(world, "manager", api_for)
    url = f"/api/v1/clusters/{world.cluster.pk}/improvement-plan/actions/"
    before = _state()
    missing = client.post(url, {"indicator": "V3", "description": "Roadmap."}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()
    early = (timezone.localdate(world.plan.created_at) - datetime.timedelta(days=1)).isoformat()
    refused = client.post(
        url,
        {"version": world.plan.version, "indicator": "ZZ9", "description": "Roadmap.", "due_on": early},
        format="json",
    )
    assert refused.status_code == 400 and set(refused.json()) >= {"indicator", "due_on"}
    assert _state() == before
    created = client.post(
        url, {"version": world.plan.version, "indicator": "V3", "description": "Roadmap.", "owner": "CM"}, format="json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["indicator"], body["status"], body["source"], body["version"]) == ("V3", "not_started", "manager", 1)
    action_url = f"{url}{body['id']}/"
    changed = client.patch(action_url, {"version": 1, "status": "in_progress"}, format="json")
    assert changed.status_code == 200 and changed.json()["status"] == "in_progress"
    assert changed.json()["description"] == "Roadmap."  # the fields left out keep their values
    assert client.patch(action_url, {"version": 1, "status": "done"}, format="json").status_code == 409
    assert client.patch(action_url, {"status": "done"}, format="json").status_code == 400
    for role in ("other_manager", "assessor", "committee_member", "administrator"):
        response = _api(world, role, api_for).patch(action_url, {"version": 2, "status": "done"}, format="json")
        assert response.status_code == 404, role
    assert Action.objects.get(pk=body["id"]).status == "in_progress"
