"""The Gold freeze on the pages and the API: from the framework's days before an accepted Gold visit, the manager's
questionnaire is frozen. The pages say so, with the visit's date, instead of offering forms that would be refused
(the answers, the eligibility, the evidence, the offline file); the server still refuses a post, with the same
reason; the resubmission stays possible."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from expertise import services
from expertise.services import Slot
from labelling.models import Assessment
from labelling.services.workflow import assessment_assign_second, assessment_request_changes
from tests import factories
from tests.expertise.helpers import meet_prerequisites
from tests.labelling.workflow_helpers import answer_of, in_review

pytestmark = pytest.mark.django_db

FROZEN_FR = "Le questionnaire est figé pour la visite Or du"
FROZEN_EN = "The questionnaire is frozen for the Gold visit of"
SUBMITTED_FR = "Cette auto-évaluation a été soumise"


def _at(days: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _gold_with_visit(cluster, manager, administrator, assessor, *, in_days: int) -> Assessment:
    """A Gold assessment with changes requested and an accepted two-day visit ``in_days`` days ahead."""
    meet_prerequisites(cluster)
    assessor.country = "FR"
    assessor.save()
    assessment = in_review(cluster, manager, administrator, assessor, applied_level="gold")
    Assessment.objects.filter(pk=assessment.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=30))
    assessment.refresh_from_db()
    belgian = factories.AssessorFactory(username="expert-be", country="BE")
    assessment = assessment_assign_second(user=administrator, assessment=assessment, assessor=belgian)
    visit = services.visit_propose(
        user=assessor,
        assessment=assessment,
        slots=[Slot(_at(in_days), _at(in_days + 1, 17))],
        mode="on_site",
        address="Chartres",
    )
    services.visit_accept(user=manager, visit=visit, slot_id=visit.slots.get().pk, expected_version=visit.version)
    return assessment_request_changes(user=assessor, assessment=assessment, comment="Update S1.")


@pytest.fixture
def frozen(cluster, manager, administrator, assessor, framework):
    return _gold_with_visit(cluster, manager, administrator, assessor, in_days=10)


def test_the_category_page_says_why_and_offers_no_form(frozen, manager, client_for):
    client = client_for(manager)
    page = client.get(reverse("labelling:assessment_fill", args=[frozen.pk, "S"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert FROZEN_FR in html and SUBMITTED_FR not in html
    assert "Apportez vos modifications à la visite" in html
    assert 'name="S1-value"' not in html and 'name="S1-comment"' not in html  # the declared value is shown instead
    assert reverse("labelling:evidence_upload", args=[answer_of(frozen, "S1").pk]) not in html
    assert "Use this value" not in html and "Utiliser cette valeur" not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("labelling:assessment_fill", args=[frozen.pk, "S"])).content.decode()
    assert FROZEN_EN in english and "Bring your changes to the visit" in english


def test_the_summary_hides_the_eligibility_but_keeps_the_resubmission(frozen, manager, client_for):
    html = client_for(manager).get(reverse("labelling:assessment_summary", args=[frozen.pk])).content.decode()
    assert FROZEN_FR in html
    assert reverse("labelling:assessment_eligibility", args=[frozen.pk]) not in html
    assert reverse("labelling:assessment_submit", args=[frozen.pk]) in html


def test_a_post_is_still_refused_with_the_reason(frozen, manager, client_for):
    client = client_for(manager)
    answer = answer_of(frozen, "S1")
    response = client.post(
        reverse("labelling:assessment_fill", args=[frozen.pk, "S"]),
        {"S1-value": "90", "S1-comment": "", "S1-version": answer.version},
        follow=True,
    )
    assert FROZEN_FR in response.content.decode()
    assert answer_of(frozen, "S1").version == answer.version  # nothing saved
    autosave = client.post(
        reverse("labelling:assessment_autosave", args=[frozen.pk]),
        {"code": "S1", "value": "90", "comment": "", "version": answer.version},
    )
    assert autosave.status_code == 409 and autosave.json()["message"].startswith(FROZEN_FR)
    eligibility = client.post(
        reverse("labelling:assessment_eligibility", args=[frozen.pk]),
        {"legal_entity": "on", "public_profile": "", "version": frozen.version},
        follow=True,
    )
    assert FROZEN_FR in eligibility.content.decode()
    assert Assessment.objects.get(pk=frozen.pk).public_profile is True
    offline = client.get(reverse("labelling:assessment_offline", args=[frozen.pk])).content.decode()
    assert FROZEN_FR in offline and 'type="file"' not in offline


def test_the_api_refuses_with_the_reason(frozen, manager, api_for):
    answer = answer_of(frozen, "S1")
    response = api_for(manager).patch(
        f"/api/v1/assessments/{frozen.pk}/answers/S1/", {"value": 90, "version": answer.version}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"].startswith(FROZEN_EN)


def test_before_the_freeze_the_forms_are_there(cluster, manager, administrator, assessor, framework, client_for):
    assessment = _gold_with_visit(cluster, manager, administrator, assessor, in_days=20)
    html = client_for(manager).get(reverse("labelling:assessment_fill", args=[assessment.pk, "S"])).content.decode()
    assert FROZEN_FR not in html
    assert 'name="S1-value"' in html
