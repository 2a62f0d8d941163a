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
from committee.models import Case, FollowUp
from committee.services import (
    attendance_record,
    case_add,
    case_decide,
    conditional_revoke,
    conditions_met,
    conditions_remind,
    session_create,
)
from core.exceptions import ConflictError, InvalidFields, InvalidTransition, NotFound
from core.models import OutboxMessage
from core.text import long_date
from indicators.computations import label_expiry
from labelling.models import Label
from labelling.services.labels import label_revoke
from tests import factories
from tests.labelling.workflow_helpers import countersigned, validated
from tests.worker import wait_for

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
    session = attendance_record(user=administrator, session=session, present=[member], expected_version=1)
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


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_badge_says_valid_with_conditions_until_the_review_date(case, administrator, client, language):
    label = conditional(case, administrator)
    response = client.get(f"/verify/{label.certificate_number}/badge.svg", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    with translation.override(language):
        until = long_date(REVIEW_ON)
    expected = {
        "en": f"valid, with conditions until {until}",
        "fr": f"valable, avec des conditions jusqu’au {until}",
    }[language]
    assert expected in svg, svg
    assert CONDITIONS not in svg and "roadmap" not in svg


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
    svg = client.get(f"/verify/{label.certificate_number}/badge.svg", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "with conditions" not in svg and "revoked" in svg


# --- the review date: Celery beat's reminder ------------------------------------------------------------------


def review_date_come(case: Case, label: Label, *, days_ago: int = 0) -> None:
    """Move the award back so that the label's review date is today (or ``days_ago`` days before)."""
    awarded_on = TODAY - datetime.timedelta(days=200)
    review_on = TODAY - datetime.timedelta(days=days_ago)
    Label.objects.filter(pk=label.pk).update(
        awarded_on=awarded_on, expires_on=label_expiry(awarded_on), conditions_until=review_on
    )
    Case.objects.filter(pk=case.pk).update(review_on=review_on)


def _emails() -> list[dict]:
    return [m.kwargs for m in OutboxMessage.objects.filter(task="labelling.send_email").order_by("pk")]


@pytest.fixture
def readers(cluster, manager):
    """A French and an English administrator, a French manager beside the (English) one of the fixtures."""
    manager.language = "en"
    manager.save(update_fields=["language"])
    french_manager = factories.ManagerFactory(username="gestionnaire", language="fr")
    cluster.managers.add(french_manager)
    return {
        "admin_fr": factories.AdministratorFactory(username="admin_fr", language="fr"),
        "admin_en": factories.AdministratorFactory(username="admin_en", language="en"),
        "manager_fr": french_manager,
        "manager_en": manager,
    }


def test_beats_task_reminds_the_administrators_and_the_managers_once_in_their_language(case, administrator, readers):
    from committee.tasks import remind_conditions

    label = conditional(case, administrator)
    OutboxMessage.objects.all().delete()
    assert remind_conditions() == {"reminded": []}  # the review date has not come
    review_date_come(case, label)
    assert remind_conditions() == {"reminded": [label.certificate_number]}
    mails = _emails()
    by_recipients = {tuple(m["recipients"]): m for m in mails}
    administrator.refresh_from_db()
    admins_fr = tuple(sorted(u.email for u in (readers["admin_fr"], administrator) if u.language == "fr"))
    admin_en = (readers["admin_en"].email,)
    french = by_recipients[admins_fr]
    assert "sont à revoir" in french["subject"] and "Cosmetic Valley" in french["subject"], french
    assert "enregistrez les conditions remplies" in french["body"] and CONDITIONS in french["body"]
    assert f"/committee/{case.session_id}/#case-{case.pk}" in french["body"]
    english = by_recipients[admin_en]
    assert "are due for review" in english["subject"] and "record the conditions met" in english["body"]
    manager_fr = by_recipients[(readers["manager_fr"].email,)]
    assert "vérifie maintenant" in manager_fr["body"] and "/committee/" not in manager_fr["body"]
    manager_en = by_recipients[(readers["manager_en"].email,)]
    assert "is now checking that the conditions are met" in manager_en["body"]
    case.refresh_from_db()
    assert case.reminded_on == TODAY
    OutboxMessage.objects.all().delete()
    assert remind_conditions() == {"reminded": []} and _emails() == []  # once


def test_a_followed_up_or_revoked_label_is_not_reminded(case, administrator):
    label = conditional(case, administrator)
    review_date_come(case, label, days_ago=3)
    label_revoke(user=administrator, label=label, reason="The cluster was dissolved.")
    assert conditions_remind() == {"reminded": []}


# --- conditions met, or the label revoked --------------------------------------------------------------------


def test_conditions_met_make_the_label_plain_audited_and_e_mailed(case, administrator, readers, member, client):
    label = conditional(case, administrator)
    case.refresh_from_db()
    for user in (member, readers["manager_en"]):
        with pytest.raises(NotFound):
            conditions_met(user=user, case=case, expected_version=case.version)
    with pytest.raises(ConflictError):
        conditions_met(user=administrator, case=case, expected_version=case.version - 1)
    OutboxMessage.objects.all().delete()
    done = conditions_met(user=readers["admin_en"], case=case, expected_version=case.version)
    assert done.follow_up == FollowUp.MET and done.followed_up_by == readers["admin_en"]
    label.refresh_from_db()
    assert label.status == "active" and label.conditions_until is None
    event = AuditEvent.objects.get(action="label.conditions_met")
    assert event.target == label.certificate_number and event.before == {"conditions_until": REVIEW_ON.isoformat()}
    mails = {tuple(m["recipients"]): m for m in _emails()}
    assert "sont remplies" in mails[(readers["manager_fr"].email,)]["subject"]
    assert "are met" in mails[(readers["manager_en"].email,)]["subject"]
    with pytest.raises(InvalidTransition, match="already been followed up"):
        conditions_met(user=administrator, case=done, expected_version=done.version)
    html = client.get(f"/verify/{label.certificate_number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This label is valid today" in html and "with conditions" not in html


def test_a_conditional_label_is_revoked_with_its_reason_through_labellings_revocation(case, administrator, readers):
    label = conditional(case, administrator)
    case.refresh_from_db()
    with pytest.raises(InvalidFields) as refused:
        conditional_revoke(user=administrator, case=case, reason="  ", expected_version=case.version)
    assert set(refused.value.errors) == {"reason"}
    label.refresh_from_db()
    assert label.status == "active"
    OutboxMessage.objects.all().delete()
    done = conditional_revoke(
        user=administrator, case=case, reason="No roadmap by the review date.", expected_version=case.version
    )
    assert done.follow_up == FollowUp.REVOKED
    label.refresh_from_db()
    assert label.status == "revoked" and label.revoked_reason == "No roadmap by the review date."
    assert AuditEvent.objects.get(action="label.revoked").after["reason"] == "No roadmap by the review date."
    mails = {tuple(m["recipients"]): m for m in _emails()}
    assert "est retiré" in mails[(readers["manager_fr"].email,)]["subject"]
    assert "is revoked" in mails[(readers["manager_en"].email,)]["subject"]
    with pytest.raises(InvalidTransition):
        conditions_met(user=administrator, case=done, expected_version=done.version)


def test_only_a_conditional_case_has_a_follow_up(case, administrator):
    case_decide(user=administrator, case=case, outcome="granted", expected_version=case.version)
    case.refresh_from_db()
    with pytest.raises(InvalidTransition, match="Only a label granted with conditions"):
        conditions_met(user=administrator, case=case, expected_version=case.version)


def test_the_api_records_conditions_met_and_revokes_with_the_version(case, administrator, api_for, member):
    conditional(case, administrator)
    case.refresh_from_db()
    admin = api_for(administrator)
    url = f"/api/v1/committee/cases/{case.pk}/"
    assert admin.post(url + "conditions-met/", {}, format="json").json().keys() == {"version"}
    assert api_for(member).post(url + "conditions-met/", {"version": case.version}, format="json").status_code == 404
    refused = admin.post(url + "revoke/", {"version": case.version, "reason": ""}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    assert admin.post(url + "conditions-met/", {"version": case.version - 1}, format="json").status_code == 409
    done = admin.post(url + "conditions-met/", {"version": case.version}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["follow_up"] == "met" and done.json()["followed_up_by"]["username"] == "administrator"
    again = admin.post(url + "revoke/", {"version": done.json()["version"], "reason": "Late."}, format="json")
    assert again.status_code == 409


def test_the_session_page_offers_the_follow_up_to_administrators_only(case, administrator, member, client_for):
    label = conditional(case, administrator)
    case.refresh_from_db()
    page = client_for(administrator).get(f"/committee/{case.session_id}/").content.decode()
    assert f'action="/committee/cases/{case.pk}/conditions-met/"' in page and label.certificate_number in page
    seen_by_member = client_for(member).get(f"/committee/{case.session_id}/").content.decode()
    assert "conditions-met/" not in seen_by_member and "Pending: reviewed on" in seen_by_member
    assert client_for(member).post(f"/committee/cases/{case.pk}/revoke/", {"reason": "x"}).status_code == 404
    admin = client_for(administrator)
    refused = admin.post(f"/committee/cases/{case.pk}/revoke/", {"reason": "", "version": case.version})
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    done = admin.post(f"/committee/cases/{case.pk}/revoke/", {"reason": "Not met.", "version": case.version})
    assert done.status_code == 302 and done.url.endswith(f"#case-{case.pk}")
    page = admin.get(f"/committee/{case.session_id}/").content.decode()
    assert "Label revoked on" in page and "Not met." in page and "conditions-met/" not in page


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_beats_reminder_and_sends_its_e_mails_through_redis(
    celery_worker_process, framework, cluster, manager, administrator, assessor
):
    from committee.tasks import remind_conditions

    sitting = factories.CommitteeMemberFactory(username="worker_member")
    ready = countersigned(validated(cluster, manager, administrator, assessor), administrator)
    session = session_create(user=administrator, held_on=TODAY, chair=administrator, members=[sitting], place="P")
    session = attendance_record(user=administrator, session=session, present=[sitting], expected_version=1)
    case = case_add(user=administrator, session=session, assessment=ready, expected_version=session.version)
    review_date_come(case, conditional(case, administrator))
    OutboxMessage.objects.all().delete()
    emails_before = celery_worker_process.received("labelling.send_email")
    remind_conditions.delay()  # as beat sends it
    wait_for(
        lambda: Case.objects.filter(pk=case.pk, reminded_on=TODAY).exists(),
        message="the reminder recorded by the worker",
        worker=celery_worker_process,
        timeout=60,
    )
    wait_for(
        lambda: (
            celery_worker_process.received("labelling.send_email") >= emails_before + 2
            and not OutboxMessage.objects.filter(task="labelling.send_email").exists()
        ),
        message="the administrators' and the managers' e-mails handed to the broker",
        worker=celery_worker_process,
    )
    # handed to the broker after the commit, then sent by the worker
    wait_for(lambda: "labelling.send_email" in celery_worker_process.log(), worker=celery_worker_process)
