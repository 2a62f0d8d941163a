"""``PATCH /api/v1/assessments/<id>/``: what the summary page's eligibility form changes, through the API — the level
applied for (until the first submission) and the eligibility criteria (while the manager may edit), with the version
check, field errors and the audit trail of the page."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from labelling.models import Assessment, AssessmentStatus
from labelling.services.answers import assessment_eligibility_save

pytestmark = pytest.mark.django_db


def _url(assessment) -> str:
    return f"/api/v1/assessments/{assessment.pk}/"


def test_the_manager_changes_the_level_applied_for(assessment, manager, api_for):
    assert assessment.applied_level == "bronze"
    response = api_for(manager).patch(
        _url(assessment), {"applied_level": "gold", "version": assessment.version}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["applied_level"] == "gold" and body["version"] == assessment.version + 1
    assert body["legal_entity"] == assessment.legal_entity  # left out: unchanged
    event = AuditEvent.objects.get(assessment=assessment, action="assessment.eligibility")
    assert event.before["applied_level"] == "bronze" and event.after["applied_level"] == "gold"


def test_the_eligibility_alone(assessment, manager, api_for):
    response = api_for(manager).patch(
        _url(assessment), {"public_profile": False, "version": assessment.version}, format="json"
    )
    assert response.status_code == 200
    assessment.refresh_from_db()
    assert (assessment.public_profile, assessment.applied_level) == (False, "bronze")


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"applied_level": "gold"}, "version", 400),  # the version is mandatory
        ({"applied_level": "platinum", "version": 1}, "applied_level", 400),
        ({"applied_level": None, "version": 1}, "applied_level", 400),
        ({"legal_entity": "perhaps", "version": 1}, "legal_entity", 400),
        ({"applied_level": "gold", "version": "one"}, "version", 400),
    ],
)
def test_bad_input_is_refused_on_its_field(assessment, manager, api_for, body, field, status):
    response = api_for(manager).patch(_url(assessment), body, format="json")
    assert response.status_code == status
    assert field in response.json()
    assert Assessment.objects.get(pk=assessment.pk).version == assessment.version  # nothing saved


def test_a_stale_version_is_a_conflict(assessment, manager, api_for):
    assessment_eligibility_save(
        user=manager,
        assessment=assessment,
        legal_entity=assessment.legal_entity,
        public_profile=assessment.public_profile,
        applied_level="silver",
        expected_version=1,
    )
    response = api_for(manager).patch(_url(assessment), {"applied_level": "gold", "version": 1}, format="json")
    assert response.status_code == 409
    assert Assessment.objects.get(pk=assessment.pk).applied_level == "silver"


def test_the_level_is_fixed_once_submitted(assessment, manager, api_for):
    """With changes requested the eligibility may still change, the level applied for no longer: the interview or
    visit is planned for it."""
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.CHANGES_REQUESTED)
    client = api_for(manager)
    refused = client.patch(_url(assessment), {"applied_level": "gold", "version": 1}, format="json")
    assert refused.status_code == 409
    assert "first submission" in refused.json()["detail"]
    same = client.patch(
        _url(assessment), {"applied_level": "bronze", "public_profile": False, "version": 1}, format="json"
    )
    assert same.status_code == 200 and same.json()["public_profile"] is False
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)
    assert client.patch(_url(assessment), {"public_profile": True, "version": 2}, format="json").status_code == 409


def test_nobody_else_changes_it(assessment, other_manager, assessor, administrator, api_for):
    for user in (other_manager, assessor, administrator):
        response = api_for(user).patch(_url(assessment), {"applied_level": "gold", "version": 1}, format="json")
        assert response.status_code == 404, user
    anonymous = api_for(None).patch(_url(assessment), {"applied_level": "gold", "version": 1}, format="json")
    assert anonymous.status_code in (401, 403)
    assert Assessment.objects.get(pk=assessment.pk).applied_level == "bronze"


def test_the_summary_page_shows_the_level_fixed_after_the_submission(assessment, manager, client_for):
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.CHANGES_REQUESTED)
    html = client_for(manager).get(f"/assessments/{assessment.pk}/summary/").content.decode()
    select = html.split('name="applied_level"')[1].split(">")[0]
    assert "disabled" in select
    # what a tampered post sends for the disabled field is ignored
    client_for(manager).post(
        f"/assessments/{assessment.pk}/eligibility/",
        {"applied_level": "gold", "legal_entity": "on", "public_profile": "on", "version": 1},
    )
    assert Assessment.objects.get(pk=assessment.pk).applied_level == "bronze"
