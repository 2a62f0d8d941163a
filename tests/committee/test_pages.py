"""The awarding committee on the pages: an administrator opens a session and fills its agenda, the chair records who
is present and decides, a member reads their cases' files (404 elsewhere); the setting that switches the committee
off (then the direct decision is back and the committee's pages and API are gone)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import translation

from committee.models import Case, CommitteeSession, SessionStatus
from committee.services import attendance_record, case_add, case_decide, conflict_declare, session_create
from core.exceptions import InvalidFields, InvalidTransition, NotFound
from labelling.models import AssessmentStatus, Label, Report
from tests import factories
from tests.labelling.workflow_helpers import countersigned, validated

pytestmark = pytest.mark.django_db
TOMORROW = datetime.date.today() + datetime.timedelta(days=1)


@pytest.fixture
def session(administrator, member, other_member):
    return session_create(
        user=administrator, held_on=TOMORROW, chair=administrator, members=[member, other_member], place="Paris"
    )


def _html(response) -> str:
    return response.content.decode()


# --- members present ----------------------------------------------------------------------------------------------


def test_only_the_chair_records_the_members_present_and_only_members_of_the_session(
    session, administrator, member, other_member
):
    other_admin = factories.AdministratorFactory(username="other_admin")
    for user in (member, other_admin):
        with pytest.raises(NotFound):
            attendance_record(user=user, session=session, present=[member], expected_version=1)
    stranger = factories.CommitteeMemberFactory(username="stranger")
    with pytest.raises(InvalidFields) as refused:
        attendance_record(user=administrator, session=session, present=[member, stranger], expected_version=1)
    assert "present" in refused.value.errors
    with pytest.raises(InvalidFields) as refused:
        attendance_record(user=administrator, session=session, present=[member], expected_version=None)
    assert "version" in refused.value.errors
    recorded = attendance_record(user=administrator, session=session, present=[member], expected_version=1)
    assert list(recorded.present.all()) == [member] and recorded.version == 2


def test_the_decision_keeps_the_members_present_without_a_conflict(session, ready, administrator, member, other_member):
    case = case_add(user=administrator, session=session, assessment=ready, expected_version=1)
    with pytest.raises(InvalidTransition, match="record the members present"):
        case_decide(user=administrator, case=case, outcome="granted", expected_version=1)
    attendance_record(user=administrator, session=session, present=[member], expected_version=2)
    conflict_declare(user=member, case=case, reason="Board member.")
    with pytest.raises(InvalidTransition, match="does not vote"):  # the only member present is conflicted
        case_decide(user=administrator, case=case, outcome="granted", expected_version=2)
    assert not Label.objects.exists()
    attendance_record(user=administrator, session=session, present=[member, other_member], expected_version=3)
    decided = case_decide(user=administrator, case=case, outcome="granted", expected_version=2)
    assert list(decided.voters.all()) == [other_member]
    # the attendance changes afterwards: the decision keeps its own list
    attendance_record(user=administrator, session=session, present=[member], expected_version=4)
    assert list(Case.objects.get(pk=case.pk).voters.all()) == [other_member]


# --- the pages ----------------------------------------------------------------------------------------------------


def test_an_administrator_opens_a_session_on_the_page_and_a_session_without_members_is_refused(
    administrator, member, client_for
):
    client = client_for(administrator)
    assert 'href="/committee/new/"' in _html(client.get("/committee/"))
    form = _html(client.get("/committee/new/"))
    assert 'name="members"' in form and "Maud Membre" in form
    typed = {"held_on": TOMORROW.isoformat(), "place": "Lyon, Hôtel de Région", "chair": administrator.pk}
    refused = client.post("/committee/new/", typed)
    assert refused.status_code == 400
    body = _html(refused)
    assert "A session needs at least one committee member." in body and "Lyon, Hôtel de Région" in body
    refused = client.post("/committee/new/", {**typed, "place": "", "video_link": "http://visio.example.org/x"})
    assert refused.status_code == 400 and "https://" in _html(refused)
    assert not CommitteeSession.objects.exists()
    created = client.post("/committee/new/", {**typed, "members": [member.pk]})
    session = CommitteeSession.objects.get()
    assert created.status_code == 302 and created.url == f"/committee/{session.pk}/"
    assert list(session.members.all()) == [member] and session.place == "Lyon, Hôtel de Région"


def test_in_french_a_session_without_members_is_refused_in_french(administrator, client_for):
    client = client_for(administrator)
    with translation.override("fr"):
        refused = client.post(
            "/committee/new/",
            {"held_on": TOMORROW.isoformat(), "place": "Lyon", "chair": administrator.pk},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    assert refused.status_code == 400
    assert "Une séance a besoin d’au moins un membre du comité." in _html(refused)


def test_the_agenda_the_attendance_the_decisions_and_the_closing_on_the_page(
    session, ready, administrator, member, other_member, client_for
):
    client = client_for(administrator)
    page = _html(client.get(f"/committee/{session.pk}/?assessment={ready.pk}"))
    assert 'id="agenda-form"' in page and f'<option value="{ready.pk}" selected>' in page
    # a stale version is refused on the form, nothing added
    stale = client.post(f"/committee/{session.pk}/cases/", {"assessment": ready.pk, "proposed_level": "", "version": 0})
    assert stale.status_code == 400 and not Case.objects.exists()
    added = client.post(
        f"/committee/{session.pk}/cases/", {"assessment": ready.pk, "proposed_level": "silver", "version": 1}
    )
    assert added.status_code == 302
    case = Case.objects.get()
    assert case.computed_level == "gold" and case.proposed_level == "silver"
    page = _html(client.get(f"/committee/{session.pk}/"))
    assert "No validated assessment is waiting for the committee." in page  # it is on the agenda now
    # no member present: the decision is refused with its reason, what was typed kept
    url = f"/committee/cases/{case.pk}/decide/"
    refused = client.post(url, {"outcome": "granted", "reason": "A silver year.", "version": 1})
    assert refused.status_code == 400 and "record the members present" in _html(refused)
    assert "A silver year." in _html(refused)
    recorded = client.post(f"/committee/{session.pk}/attendance/", {"present": [member.pk], "version": 2})
    assert recorded.status_code == 302
    assert "Maud Membre" in _html(client.get(f"/committee/{session.pk}/"))
    # closing with an undecided case is refused, with the cluster named
    refused = client.post(f"/committee/{session.pk}/close/", {"version": 3})
    assert refused.status_code == 400 and ready.cluster.name in _html(refused)
    done = client.post(url, {"outcome": "granted", "reason": "A silver year.", "version": 1})
    assert done.status_code == 302 and Label.objects.get(assessment=ready).level == "silver"
    # deciding twice: refused
    again = client.post(url, {"outcome": "refused", "reason": "No.", "version": 2})
    assert again.status_code in (400, 409) and Label.objects.count() == 1
    assert Case.objects.get().outcome == "granted"
    closed = client.post(f"/committee/{session.pk}/close/", {"version": 3})
    assert closed.status_code == 302
    assert CommitteeSession.objects.get().status == SessionStatus.CLOSED
    page = _html(client.get(f"/committee/{session.pk}/"))
    assert 'id="close-form"' not in page and 'id="agenda-form"' not in page and 'id="attendance-form"' not in page
    assert "Members who voted" in page and "Maud Membre" in page
    # deciding in a closed session: refused (the case is decided and the session closed)
    assert client.post(url, {"outcome": "granted", "version": 2}).status_code in (400, 409)


def test_a_chair_with_a_conflict_has_no_form_and_is_refused(session, ready, administrator, member, client_for):
    case = case_add(user=administrator, session=session, assessment=ready, expected_version=1)
    attendance_record(user=administrator, session=session, present=[member], expected_version=2)
    conflict_declare(user=administrator, case=case, reason="I advised the cluster.")
    client = client_for(administrator)
    page = _html(client.get(f"/committee/{session.pk}/"))
    assert f'action="/committee/cases/{case.pk}/decide/"' not in page
    refused = client.post(f"/committee/cases/{case.pk}/decide/", {"outcome": "granted", "version": 2})
    assert refused.status_code == 400
    assert "You declared a conflict of interest on this case" in _html(refused)
    ready.refresh_from_db()
    assert ready.status == AssessmentStatus.VALIDATED and not Label.objects.exists()


def test_a_member_reads_the_file_of_their_cases_only(
    session, ready, administrator, member, other_cluster, other_manager, assessor, client_for
):
    case = case_add(user=administrator, session=session, assessment=ready, expected_version=1)
    report = Report.objects.create(assessment=ready, kind="assessment", status="ready", language="en")
    report.file.save("report.pdf", ContentFile(b"%PDF-1.7 the report"))
    outsider = factories.CommitteeMemberFactory(username="outsider")
    elsewhere = session_create(user=administrator, held_on=TOMORROW, chair=administrator, members=[outsider], place="X")
    other = countersigned(validated(other_cluster, other_manager, administrator, assessor), administrator)
    other_case = case_add(user=administrator, session=elsewhere, assessment=other, expected_version=1)
    client = client_for(member)
    page = _html(client.get(f"/committee/cases/{case.pk}/"))
    assert ready.cluster.name in page and "Score of the validated values" in page
    assert f'href="/committee/cases/{case.pk}/reports/{report.pk}/"' in page
    assert "S1" in page  # the answers, by category
    download = client.get(f"/committee/cases/{case.pk}/reports/{report.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # another session's case, its report through this case, and the labelling desk: 404
    assert client.get(f"/committee/cases/{other_case.pk}/").status_code == 404
    other_report = Report.objects.create(assessment=other, kind="assessment", status="ready", language="en")
    other_report.file.save("other.pdf", ContentFile(b"%PDF-1.7 other"))
    assert client.get(f"/committee/cases/{case.pk}/reports/{other_report.pk}/").status_code == 404
    assert client.get(f"/committee/cases/{other_case.pk}/reports/{other_report.pk}/").status_code == 404
    assert client.get(f"/assessments/{ready.pk}/").status_code == 404
    # no page of the administrators
    assert client.get("/committee/new/").status_code == 404
    attendance = client.post(f"/committee/{session.pk}/attendance/", {"present": [member.pk], "version": 1})
    assert attendance.status_code == 404


# --- the setting ------------------------------------------------------------------------------------------------


def test_with_the_committee_on_the_direct_decision_is_gone_and_the_page_sends_to_the_agenda(
    ready, administrator, client_for, api_for
):
    client = client_for(administrator)
    page = _html(client.get(f"/assessments/{ready.pk}/"))
    assert 'id="to-committee"' in page and f'href="/committee/?assessment={ready.pk}"' in page
    assert 'id="decide-form"' not in page
    assert client.post(f"/assessments/{ready.pk}/decide/", {"level": "gold"}).status_code == 404
    assert api_for(administrator).post(f"/api/v1/assessments/{ready.pk}/decide/", {}, format="json").status_code == 404
    ready.refresh_from_db()
    assert ready.status == AssessmentStatus.VALIDATED and not Label.objects.exists()
    assert "Put on a committee session" in _html(client.get("/administration/"))


def test_with_the_committee_off_its_pages_and_api_are_gone_and_the_direct_decision_is_back(
    settings, session, ready, administrator, member, client_for, api_for
):
    settings.LABELLING_COMMITTEE = False
    admin, as_member = client_for(administrator), client_for(member)
    for client in (admin, as_member):
        for url in ("/committee/", "/committee/new/", f"/committee/{session.pk}/"):
            assert client.get(url).status_code == 404, url
    assert 'href="/committee/"' not in _html(admin.get("/administration/"))
    api = api_for(administrator)
    assert api.get("/api/v1/committee/sessions/").status_code == 404
    assert api.get(f"/api/v1/committee/sessions/{session.pk}/").status_code == 404
    created = api.post(
        "/api/v1/committee/sessions/",
        {"held_on": TOMORROW.isoformat(), "chair": administrator.pk, "members": [member.pk], "place": "P"},
        format="json",
    )
    assert created.status_code == 404 and CommitteeSession.objects.count() == 1
    page = _html(admin.get(f"/assessments/{ready.pk}/"))
    assert 'id="decide-form"' in page and 'id="to-committee"' not in page
    assert admin.post(f"/assessments/{ready.pk}/decide/", {"level": "gold"}).status_code == 302
    assert Label.objects.get(assessment=ready).level == "gold"
