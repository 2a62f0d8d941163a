"""The expert's findings (issue 20, item 3): written per category by the assigned assessor after the visit, read by
the managers once validated; the validation waits for the visit and the findings; GET/PUT in the API with the
version check."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.exceptions import ConflictError, DomainError, InvalidFields, InvalidTransition, NotFound
from expertise import services
from expertise.models import Visit
from expertise.selectors import findings_of
from labelling.models import AssessmentStatus
from labelling.services.workflow import assessment_validate
from tests.expertise.helpers import meet_prerequisites, past_visit, write_findings
from tests.labelling.workflow_helpers import accept_all, in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewing(cluster, manager, administrator, assessor, framework):
    meet_prerequisites(cluster)
    return in_review(cluster, manager, administrator, assessor)


def test_validation_waits_for_the_visit_and_the_findings(reviewing, assessor):
    accept_all(reviewing, assessor)
    with pytest.raises(DomainError) as refused:
        assessment_validate(user=assessor, assessment=reviewing)
    assert len(refused.value.errors) == 2
    past_visit(reviewing, assessor)
    with pytest.raises(DomainError) as refused:
        assessment_validate(user=assessor, assessment=reviewing)
    assert len(refused.value.errors) == 1
    services.findings_save(
        user=assessor,
        assessment=reviewing,
        visited_on=timezone.localdate(),
        people_met="",
        categories={"S": {"strengths": "x"}},
        expected_version=0,
    )
    with pytest.raises(DomainError) as refused:
        assessment_validate(user=assessor, assessment=reviewing)
    assert "G" in refused.value.errors[0] and "personnes rencontrées" in refused.value.errors[0]
    write_findings(reviewing, assessor)
    validated = assessment_validate(user=assessor, assessment=reviewing)
    assert validated.status == AssessmentStatus.VALIDATED
    with pytest.raises(InvalidTransition):  # final once validated: the countersignature covers them
        services.findings_save(
            user=assessor,
            assessment=validated,
            visited_on=None,
            people_met="",
            categories={},
            expected_version=findings_of(assessment=validated).version,
        )


def test_the_findings_are_checked_field_by_field_and_versioned(reviewing, assessor, other_assessor):
    with pytest.raises(InvalidFields) as refused:
        services.findings_save(
            user=assessor,
            assessment=reviewing,
            visited_on=timezone.localdate() + datetime.timedelta(days=2),
            people_met="",
            categories={"S": {"strengths": "x" * 4001}, "Z": {}},
            expected_version=0,
        )
    assert set(refused.value.errors) == {"visited_on", "S_strengths", "categories"}
    assert findings_of(assessment=reviewing).version == 0
    with pytest.raises(NotFound):
        services.findings_save(
            user=other_assessor, assessment=reviewing, visited_on=None, people_met="", categories={}, expected_version=0
        )
    write_findings(reviewing, assessor)
    with pytest.raises(ConflictError):
        write_findings(reviewing, assessor, version=0)


def test_the_api_reads_and_writes_with_the_version(reviewing, manager, assessor, api_for):
    url = reverse("api-assessment-findings", args=[reviewing.pk])
    empty = api_for(assessor).get(url).json()
    assert empty["version"] == 0 and [c["code"] for c in empty["categories"]] == ["S", "G", "F", "V", "R"]
    assert api_for(manager).get(url).status_code == 404  # not validated yet
    body = {
        "visited_on": timezone.localdate().isoformat(),
        "people_met": "The director",
        "categories": {"S": {"strengths": "Many members", "recommendations": "Recruit more SMEs"}},
        "version": 0,
    }
    written = api_for(assessor).put(url, body, format="json")
    assert written.status_code == 200, written.json()
    assert written.json()["version"] == 1 and written.json()["categories"][0]["strengths"] == "Many members"
    assert api_for(assessor).put(url, body, format="json").status_code == 409
    missing = api_for(assessor).put(url, {"people_met": "x"}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()
    too_long = api_for(assessor).put(
        url, {**body, "version": 1, "categories": {"G": {"strengths": "y" * 5000}}}, format="json"
    )
    assert too_long.status_code == 400 and "G_strengths" in too_long.json()
    assert api_for(manager).put(url, body, format="json").status_code == 404


def test_the_page_writes_the_findings_and_managers_read_them_once_validated(reviewing, manager, assessor, client_for):
    url = reverse("expertise:findings", args=[reviewing.pk])
    assert client_for(manager).get(url).status_code == 404
    page = client_for(assessor).get(url).content.decode()
    assert 'name="S_strengths"' in page
    too_long = client_for(assessor).post(url, {"version": 0, "S_strengths": "z" * 4001, "people_met": "Typed"})
    assert too_long.status_code == 400 and "Typed" in too_long.content.decode()
    accept_all(reviewing, assessor)
    past_visit(reviewing, assessor)
    write_findings(reviewing, assessor)
    assessment_validate(user=assessor, assessment=reviewing)
    read = client_for(manager).get(url)
    assert read.status_code == 200 and 'data-findings-category="S"' in read.content.decode()
    assert Visit.objects.filter(assessment=reviewing).count() == 1
