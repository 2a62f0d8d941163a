"""Closing a session: its minutes are a signed PDF (WeasyPrint, PAdES as the other documents) produced by a Celery
task, read back here with pdftotext and validated with pyHanko and poppler's pdfsig; the administrators and the
session's members download them (404 for anybody else); the managers get their case's outcome in their language."""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from committee.models import Minutes, MinutesStatus, SessionStatus
from committee.services import (
    attendance_record,
    case_add,
    case_decide,
    conflict_declare,
    minutes_render,
    minutes_sweep,
    session_close,
    session_create,
)
from core.models import OutboxMessage
from labelling.models import Label
from tests import factories
from tests.labelling.test_report_documents import _text, _tool, _validate
from tests.labelling.workflow_helpers import countersigned, validated
from tests.worker import wait_for

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
REVIEW_ON = TODAY + datetime.timedelta(days=180)
CLUSTERS = {
    "granted": ("Cosmetic Valley", "fr"),
    "conditional": ("Vegepolys Valley", "en"),
    "refused": ("Pôle Fictif Sud (fictional)", "fr"),
    "deferred": ("DREAM", "en"),
}


def _ready(name: str, language: str, administrator, assessor):
    cluster = factories.ClusterFactory(name=name)
    manager = factories.ManagerFactory(username=f"manager-{language}-{cluster.pk}", language=language)
    cluster.managers.add(manager)
    return countersigned(validated(cluster, manager, administrator, assessor), administrator), manager


@pytest.fixture
def closed(framework, administrator, assessor, member):
    """A session with one case of each outcome, a conflict declared by a member, closed by a French administrator."""
    administrator.language = "fr"
    administrator.save(update_fields=["language"])
    other = factories.CommitteeMemberFactory(username="other_member", first_name="Odile", last_name="Marchand")
    absent = factories.CommitteeMemberFactory(username="absent_member", first_name="Paul", last_name="Zola")
    member.first_name, member.last_name = "Marc", "Lenoir"
    member.save(update_fields=["first_name", "last_name"])
    session = session_create(
        user=administrator, held_on=TODAY, chair=administrator, members=[member, other, absent], place="Paris, DGE"
    )
    session = attendance_record(user=administrator, session=session, present=[member, other], expected_version=1)
    managers, cases = {}, {}
    for outcome, (name, language) in CLUSTERS.items():
        assessment, managers[outcome] = _ready(name, language, administrator, assessor)
        session.refresh_from_db()
        cases[outcome] = case_add(
            user=administrator, session=session, assessment=assessment, expected_version=session.version
        )
    conflict_declare(user=member, case=cases["refused"], reason="I sit on its board.")
    details = {
        "granted": {},
        "conditional": {"conditions": "A consolidated roadmap and business model.", "review_on": REVIEW_ON},
        "refused": {"reason": "The governance indicators are not met."},
        "deferred": {},
    }
    OutboxMessage.objects.all().delete()
    for outcome, case in cases.items():
        case.refresh_from_db()
        case_decide(user=administrator, case=case, outcome=outcome, expected_version=case.version, **details[outcome])
    at_decisions = list(OutboxMessage.objects.filter(task="labelling.send_email"))
    OutboxMessage.objects.all().delete()
    session.refresh_from_db()
    session = session_close(user=administrator, session=session, expected_version=session.version)
    return {"session": session, "cases": cases, "managers": managers, "other": other, "at_decisions": at_decisions}


def test_closing_queues_the_minutes_in_the_closers_language_and_tells_each_manager_their_outcome(closed):
    minutes = Minutes.objects.get(session=closed["session"])
    assert minutes.status == MinutesStatus.PENDING and minutes.language == "fr"
    mails = {
        tuple(m.kwargs["recipients"]): m.kwargs
        for m in OutboxMessage.objects.filter(task="labelling.send_email").order_by("pk")
    }
    assert len(mails) == 4
    managers = closed["managers"]
    addresses = [address for m in OutboxMessage.objects.filter(task="labelling.send_email")
                 for address in m.kwargs["recipients"]]  # fmt: skip
    assert sorted(addresses) == sorted(manager.email for manager in managers.values())  # one e-mail per outcome
    granted = mails[(managers["granted"].email,)]  # French
    assert "décision du comité d’attribution" in granted["subject"] and "Accordé" in granted["body"]
    assert Label.objects.get(assessment=closed["cases"]["granted"].assessment).certificate_number in granted["body"]
    conditional = mails[(managers["conditional"].email,)]  # English
    assert "awarding committee's decision" in conditional["subject"]
    assert "Granted with conditions" in conditional["body"] and "A consolidated roadmap" in conditional["body"]
    refused = mails[(managers["refused"].email,)]  # French
    assert "Refusé" in refused["body"] and "The governance indicators are not met." in refused["body"]
    deferred = mails[(managers["deferred"].email,)]  # English
    assert "Deferred" in deferred["body"] and "a later session" in deferred["body"]


def test_the_chairs_decisions_e_mail_no_manager_the_outcome_waits_for_the_session_to_close(closed):
    """Labelling's own decision e-mail is not sent for a committee's case: its managers get one e-mail, the
    committee's outcome, when the session closes (the test above counts them)."""
    managers = {manager.email for manager in closed["managers"].values()}
    told = [address for m in closed["at_decisions"] for address in m.kwargs["recipients"]]
    assert not managers & set(told), told


def test_the_minutes_are_a_signed_pdf_that_says_who_sat_and_what_was_decided(closed, tmp_path):
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    minutes = Minutes.objects.get(session=closed["session"])
    minutes = minutes_render(minutes_id=minutes.pk)
    assert minutes.status == MinutesStatus.READY and minutes.attempts == 1
    with minutes.file.open("rb") as handle:
        pdf = handle.read()
    if os.environ.get("COMMITTEE_SHOTS"):  # kept to be looked at (pdftoppm -png)
        (Path(os.environ["COMMITTEE_SHOTS"]) / "minutes.pdf").write_bytes(pdf)
    text = _text(pdf, tmp_path, "minutes.pdf")
    with translation.override("fr"):
        from core.text import long_date

        held_on = long_date(TODAY)
    assert f"Procès-verbal du comité d’attribution du {held_on}" in text, text
    assert "Marc Lenoir, Odile Marchand, Paul Zola" in text and "Paris, DGE" in text  # the members
    assert "Membres présents Marc Lenoir, Odile Marchand Clôturée" in text  # Paul Zola did not attend
    assert text.count("Ont voté Marc Lenoir, Odile Marchand") == 3  # the cases on which nobody declared a conflict
    assert "Ont voté Odile Marchand" in text  # the refused case: Marc Lenoir declared a conflict
    for name, _language in CLUSTERS.values():
        assert name in text, name
    for outcome in ("Accordé sous conditions", "Refusé", "Ajourné"):
        assert outcome in text, outcome
    assert "A consolidated roadmap and business model." in text
    assert "The governance indicators are not met." in text
    assert "Marc Lenoir — I sit on its board." in text
    certificate = Label.objects.get(assessment=closed["cases"]["granted"].assessment).certificate_number
    assert certificate in text

    status = _validate(pdf)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    path = tmp_path / "minutes.pdf"
    output = subprocess.run([_tool("pdfsig"), str(path)], capture_output=True).stdout.decode()
    assert "Signature is Valid." in output and "Total document signed" in output, output
    assert minutes_render(minutes_id=minutes.pk).attempts == 1  # ready minutes are left alone


def test_the_minutes_are_downloaded_by_administrators_and_the_sessions_members_only(
    closed, administrator, member, client_for, api_for
):
    session = closed["session"]
    url, api_url = f"/committee/{session.pk}/minutes.pdf", f"/api/v1/committee/sessions/{session.pk}/minutes/"
    assert client_for(administrator).get(url).status_code == 404  # not produced yet
    detail = api_for(member).get(f"/api/v1/committee/sessions/{session.pk}/").json()
    assert detail["minutes"] == {"status": "pending", "download_url": None}
    assert "being produced" in client_for(member).get(f"/committee/{session.pk}/").content.decode()
    minutes_render(minutes_id=Minutes.objects.get(session=session).pk)
    for user in (administrator, member):
        response = client_for(user).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert api_for(user).get(api_url).status_code == 200
    detail = api_for(member).get(f"/api/v1/committee/sessions/{session.pk}/").json()
    assert detail["minutes"] == {"status": "ready", "download_url": api_url}
    page = client_for(member).get(f"/committee/{session.pk}/").content.decode()
    assert f'href="{url}"' in page
    outsiders = (closed["other"], closed["managers"]["granted"], factories.CommitteeMemberFactory(username="third"))
    for user in outsiders[2:]:
        assert client_for(user).get(url).status_code == 404 and api_for(user).get(api_url).status_code == 404
    assert client_for(outsiders[1]).get(url).status_code == 404
    assert api_for(outsiders[1]).get(api_url).status_code == 404


def test_minutes_whose_message_was_lost_are_queued_again_by_the_sweeper(closed, settings, monkeypatch):
    queued = []
    monkeypatch.setattr("committee.services._render_minutes_later", queued.append)
    minutes = Minutes.objects.get(session=closed["session"])
    assert minutes_sweep() == {"requeued": []}  # not stale yet
    Minutes.objects.filter(pk=minutes.pk).update(updated_at=minutes.updated_at - datetime.timedelta(hours=1))
    assert minutes_sweep() == {"requeued": [minutes.pk]} and queued == [minutes.pk]
    Minutes.objects.filter(pk=minutes.pk).update(
        attempts=settings.REPORT_MAX_ATTEMPTS,
        status=MinutesStatus.FAILED,
        updated_at=minutes.updated_at - datetime.timedelta(hours=1),
    )
    assert minutes_sweep() == {"requeued": []}  # out of tries: left failed


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_produces_the_minutes_when_the_api_closes_the_session(
    celery_worker_process, framework, administrator, assessor, api_for
):
    member = factories.CommitteeMemberFactory(username="worker_member")
    assessment, _manager = _ready("Elastopole", "en", administrator, assessor)
    session = session_create(user=administrator, held_on=TODAY, chair=administrator, members=[member], place="Lyon")
    session = attendance_record(user=administrator, session=session, present=[member], expected_version=1)
    case = case_add(user=administrator, session=session, assessment=assessment, expected_version=session.version)
    case_decide(user=administrator, case=case, outcome="granted", expected_version=case.version)
    session.refresh_from_db()
    closed = api_for(administrator).post(
        f"/api/v1/committee/sessions/{session.pk}/close/", {"version": session.version}, format="json"
    )
    assert closed.status_code == 200 and closed.json()["status"] == SessionStatus.CLOSED
    wait_for(
        lambda: Minutes.objects.filter(session=session, status=MinutesStatus.READY).exists(),
        message="the minutes rendered by the worker",
        worker=celery_worker_process,
        timeout=90,
    )
    response = api_for(member).get(f"/api/v1/committee/sessions/{session.pk}/minutes/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
