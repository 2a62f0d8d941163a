"""A label granted with conditions, as the public sees it and as it is followed up: the verification page, the
certificate API and the registry say "valid, with conditions until …" without the conditions' text; on the review
date Celery beat reminds the administrators and the managers, in each one's language; an administrator records the
conditions met (a plain label) or revokes the label with the reason."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from django.utils.formats import date_format

from audit.models import AuditEvent
from committee.models import Case
from committee.services import case_add, case_decide, session_create
from core.exceptions import InvalidFields
from labelling.models import Label
from tests.labelling.workflow_helpers import countersigned, validated

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
REVIEW_ON = TODAY + datetime.timedelta(days=180)
CONDITIONS = "A consolidated roadmap and a business model signed by the board."


@pytest.fixture
def case(framework, cluster, manager, administrator, assessor, member) -> Case:
    """A case on an open session's agenda, its assessment validated and countersigned (computed level: Gold)."""
    ready = countersigned(validated(cluster, manager, administrator, assessor), administrator)
    session = session_create(
        user=administrator, held_on=TODAY, chair=administrator, members=[member], place="Paris, DGE"
    )
    return case_add(user=administrator, session=session, assessment=ready, expected_version=session.version)


def conditional(case: Case, administrator, review_on=REVIEW_ON) -> Label:
    case_decide(
        user=administrator,
        case=case,
        outcome="conditional",
        conditions=CONDITIONS,
        review_on=review_on,
        expected_version=case.version,
    )
    return Label.objects.get(assessment=case.assessment)


# --- what the public sees --------------------------------------------------------------------------------------


def test_a_conditional_label_carries_its_review_date_and_the_award_says_so(case, administrator):
    label = conditional(case, administrator)
    assert label.status == "active" and label.conditions_until == REVIEW_ON
    awarded = AuditEvent.objects.get(action="label.awarded", target=label.certificate_number)
    assert awarded.after["conditions_until"] == REVIEW_ON.isoformat()
    from labelling.audit_sentences import event_sentence

    assert "Granted with conditions, reviewed on" in event_sentence(awarded)


def test_a_review_date_past_the_labels_validity_is_refused(case, administrator):
    with pytest.raises(InvalidFields) as refused:
        conditional(case, administrator, review_on=TODAY + datetime.timedelta(days=3 * 365))
    assert "within the label's validity" in refused.value.errors["review_on"][0]
    assert not Label.objects.exists()


def test_a_plain_grant_has_no_conditions(case, administrator):
    case_decide(user=administrator, case=case, outcome="granted", expected_version=case.version)
    assert Label.objects.get(assessment=case.assessment).conditions_until is None


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_verification_page_says_valid_with_conditions_until_without_the_conditions(
    case, administrator, client, language
):
    label = conditional(case, administrator)
    page = client.get(f"/verify/{label.certificate_number}/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    html = page.content.decode()
    with translation.override(language):
        today, until = (date_format(day, "SHORT_DATE_FORMAT") for day in (TODAY, REVIEW_ON))
    expected = {
        "en": f"This label is valid today ({today}), with conditions until {until}.",
        "fr": f"Ce label est valable aujourd’hui ({today}), avec des conditions jusqu’au {until}.",
    }[language]
    assert expected in html, html
    assert CONDITIONS not in html and "roadmap" not in html


def test_the_certificate_api_and_the_registry_give_the_review_date_only(case, administrator, client):
    label = conditional(case, administrator)
    data = client.get(f"/api/v1/certificates/{label.certificate_number}/", HTTP_ACCEPT="application/json").json()
    assert data["valid_today"] is True and data["state"] == "valid"
    assert data["conditions_until"] == REVIEW_ON.isoformat()
    assert CONDITIONS not in str(data)
    registry = client.get("/api/v1/registry/", HTTP_ACCEPT="application/json").json()["results"]
    assert [r["conditions_until"] for r in registry if r["certificate_number"] == label.certificate_number] == [
        REVIEW_ON.isoformat()
    ]
    page = client.get("/registry/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "with conditions until" in page and CONDITIONS not in page
    history = client.get(f"/registry/clusters/{label.cluster_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "with conditions until" in history and CONDITIONS not in history


def test_a_revoked_conditional_label_no_longer_speaks_of_conditions(case, administrator, client):
    from labelling.services.labels import label_revoke

    label = label_revoke(user=administrator, label=conditional(case, administrator), reason="Roadmap missing.")
    data = client.get(f"/api/v1/certificates/{label.certificate_number}/", HTTP_ACCEPT="application/json").json()
    assert data["state"] == "revoked" and data["conditions_until"] is None
    html = client.get(f"/verify/{label.certificate_number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "with conditions" not in html and "was revoked" in html
