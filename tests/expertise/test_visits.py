"""The interview or visit (issue 20, item 2): proposed by the assessor, accepted or declined by a manager, moved or
cancelled with a reason; e-mails in each recipient's language with an RFC 5545 invitation (stable UID, growing
SEQUENCE, METHOD:REQUEST then METHOD:CANCEL); Gold's two experts of different countries and its freeze."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from audit.models import AuditEvent
from core.exceptions import DomainError, InvalidFields, InvalidTransition, NotFound
from expertise import services
from expertise.models import Visit, VisitKind, VisitStatus
from expertise.services import Slot
from labelling.models import Assessment
from labelling.services.answers import answer_save
from labelling.services.workflow import assessment_assign_second, assessment_request_changes
from tests import factories
from tests.expertise.helpers import meet_prerequisites
from tests.labelling.workflow_helpers import answer_of, in_review

pytestmark = pytest.mark.django_db


def _at(days: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _slot(days: int, hours: int = 3) -> Slot:
    return Slot(_at(days), _at(days) + datetime.timedelta(hours=hours))


@pytest.fixture
def reviewing(cluster, manager, administrator, assessor, framework):
    meet_prerequisites(cluster)
    assessor.country = "FR"
    assessor.language = "en"
    assessor.save()
    return in_review(cluster, manager, administrator, assessor)


def _ics(payload: bytes):
    calendar = Calendar.from_ical(payload)
    event = next(iter(calendar.walk("VEVENT")))
    return calendar, event


def test_bronze_video_interview_proposed_accepted_moved_cancelled(
    reviewing, manager, assessor, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_propose(
            user=assessor,
            assessment=reviewing,
            slots=[_slot(20), _slot(21)],
            mode="video",
            meeting_url="https://visio.example.org/room",
        )
    assert visit.kind == VisitKind.INTERVIEW and visit.status == VisitStatus.PROPOSED
    assert [m.to for m in mail.outbox] == [[manager.email]]  # the managers choose
    mail.outbox.clear()
    slot = visit.slots.order_by("starts_at").last()
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_accept(user=manager, visit=visit, slot_id=slot.pk, expected_version=visit.version)
    assert (visit.status, visit.starts_at) == (VisitStatus.ACCEPTED, slot.starts_at)
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {(manager.email,), (assessor.email,)}
    assert "planifiée" in by_recipient[(manager.email,)].body  # the manager reads French (the default)
    assert "is planned" in by_recipient[(assessor.email,)].body  # the assessor chose English
    for message in mail.outbox:
        name, content, mimetype = message.attachments[0]
        assert name == "invitation.ics" and mimetype.startswith("text/calendar")
        calendar, event = _ics(content)
        assert calendar["METHOD"] == "REQUEST"
        assert str(event["UID"]) == visit.uid and int(event["SEQUENCE"]) == 0
    assert "Entretien" in str(_ics(by_recipient[(manager.email,)].attachments[0][1])[1]["SUMMARY"])

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_move(
            user=assessor,
            visit=visit,
            starts_at=_at(25, 14),
            ends_at=_at(25, 17),
            reason="Train strike",
            expected_version=visit.version,
        )
    assert visit.sequence == 1
    _calendar, event = _ics(mail.outbox[0].attachments[0][1])
    assert str(event["UID"]) == visit.uid and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == _at(25, 14)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_cancel(user=manager, visit=visit, reason="Postponed", expected_version=visit.version)
    calendar, event = _ics(mail.outbox[0].attachments[0][1])
    assert calendar["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == visit.uid and int(event["SEQUENCE"]) == 2
    actions = list(
        AuditEvent.objects.filter(assessment=reviewing, action__startswith="visit.").values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(["visit.proposed", "visit.accepted", "visit.moved", "visit.cancelled"])


@pytest.mark.parametrize(
    ("slots", "field", "words"),
    [
        ([Slot(None, None)], "slot_1_starts_at", "at least one"),
        ([_slot(-1)], "slot_1_starts_at", "future"),
        ([Slot(_at(10, 12), _at(10, 9))], "slot_1_ends_at", "after the start"),
        ([_slot(10), Slot(_at(10, 10), _at(10, 14))], "slot_2_starts_at", "overlaps slot 1"),
    ],
)
def test_bad_slots_are_refused_on_their_field_and_nothing_is_saved(reviewing, assessor, slots, field, words, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(InvalidFields) as refused:
        services.visit_propose(
            user=assessor, assessment=reviewing, slots=slots, mode="video", meeting_url="https://visio.example.org/a"
        )
    assert words in " ".join(refused.value.errors[field])
    assert not Visit.objects.exists()


def test_a_meeting_link_must_be_https_and_silver_is_on_site(reviewing, assessor):
    with pytest.raises(InvalidFields) as refused:
        services.visit_propose(
            user=assessor, assessment=reviewing, slots=[_slot(10)], mode="video", meeting_url="http://visio.example.org"
        )
    assert "meeting_url" in refused.value.errors
    Assessment.objects.filter(pk=reviewing.pk).update(applied_level="silver")
    reviewing.refresh_from_db()
    with pytest.raises(InvalidFields) as refused:
        services.visit_propose(
            user=assessor, assessment=reviewing, slots=[_slot(10)], mode="video", meeting_url="https://v.example.org"
        )
    assert "mode" in refused.value.errors
    visit = services.visit_propose(
        user=assessor, assessment=reviewing, slots=[_slot(10, 5)], mode="on_site", address="1 rue de la Paix, Tours"
    )
    assert visit.kind == VisitKind.HALF_DAY
    with pytest.raises(InvalidTransition):  # one open visit at a time
        services.visit_propose(user=assessor, assessment=reviewing, slots=[_slot(11)], mode="on_site", address="x")


def test_a_manager_asks_for_other_slots_and_others_may_not_answer(reviewing, manager, other_manager, assessor):
    visit = services.visit_propose(
        user=assessor, assessment=reviewing, slots=[_slot(10)], mode="video", meeting_url="https://v.example.org/r"
    )
    with pytest.raises(NotFound):
        services.visit_accept(user=other_manager, visit=visit, slot_id=visit.slots.get().pk, expected_version=1)
    with pytest.raises(NotFound):
        services.visit_accept(user=assessor, visit=visit, slot_id=visit.slots.get().pk, expected_version=1)
    with pytest.raises(InvalidFields):
        services.visit_decline(user=manager, visit=visit, comment=" ", expected_version=visit.version)
    visit = services.visit_decline(user=manager, visit=visit, comment="Any day in May", expected_version=visit.version)
    assert visit.status == VisitStatus.DECLINED
    again = services.visit_propose(
        user=assessor, assessment=reviewing, slots=[_slot(12)], mode="video", meeting_url="https://v.example.org/r"
    )
    assert again.uid != visit.uid


def test_gold_needs_two_experts_of_different_countries_and_14_days_after_submission(
    reviewing, manager, administrator, assessor
):
    Assessment.objects.filter(pk=reviewing.pk).update(applied_level="gold")
    reviewing.refresh_from_db()
    french = factories.AssessorFactory(username="expert-fr", country="FR")
    with pytest.raises(DomainError) as refused:
        assessment_assign_second(user=administrator, assessment=reviewing, assessor=french)
    assert "FR" in refused.value.errors["assessor"][0]
    with pytest.raises(InvalidFields) as too_soon:  # submitted today: not within 14 days
        services.visit_propose(user=assessor, assessment=reviewing, slots=[_slot(5, 8)], mode="on_site", address="x")
    assert "14" in too_soon.value.errors["slot_1_starts_at"][0]
    visit = services.visit_propose(
        user=assessor, assessment=reviewing, slots=[_slot(20, 8)], mode="on_site", address="Chartres"
    )
    assert visit.kind == VisitKind.TWO_DAYS
    with pytest.raises(InvalidTransition):  # no second expert yet
        services.visit_accept(user=manager, visit=visit, slot_id=visit.slots.get().pk, expected_version=visit.version)
    belgian = factories.AssessorFactory(username="expert-be", country="BE")
    assessment_assign_second(user=administrator, assessment=reviewing, assessor=belgian)
    visit = services.visit_accept(
        user=manager, visit=visit, slot_id=visit.slots.get().pk, expected_version=visit.version
    )
    assert visit.status == VisitStatus.ACCEPTED


def test_gold_freezes_the_questionnaire_14_days_before_the_visit(reviewing, manager, administrator, assessor):
    Assessment.objects.filter(pk=reviewing.pk).update(
        applied_level="gold", submitted_at=timezone.now() - datetime.timedelta(days=30)
    )
    reviewing.refresh_from_db()
    assessment_assign_second(
        user=administrator, assessment=reviewing, assessor=factories.AssessorFactory(username="be", country="BE")
    )
    visit = services.visit_propose(
        user=assessor, assessment=reviewing, slots=[_slot(10, 8)], mode="on_site", address="Chartres"
    )
    services.visit_accept(user=manager, visit=visit, slot_id=visit.slots.get().pk, expected_version=visit.version)
    reviewing = assessment_request_changes(user=assessor, assessment=reviewing, comment="Update S1.")
    answer = answer_of(reviewing, "S1")
    with pytest.raises(InvalidTransition) as frozen:
        answer_save(user=manager, answer=answer, value=90, expected_version=answer.version)
    assert "14" in str(frozen.value.message)


def test_the_reminders_go_7_days_and_1_day_before_once_each(
    reviewing, manager, assessor, eager_celery, django_capture_on_commit_callbacks
):
    visit = services.visit_propose(
        user=assessor, assessment=reviewing, slots=[_slot(6)], mode="video", meeting_url="https://v.example.org/r"
    )
    services.visit_accept(user=manager, visit=visit, slot_id=visit.slots.get().pk, expected_version=visit.version)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.visits_remind() == {"reminded_7": 1, "reminded_1": 0}
        assert services.visits_remind() == {"reminded_7": 0, "reminded_1": 0}
    assert {tuple(m.to) for m in mail.outbox} == {(manager.email,), (assessor.email,)}
    later = timezone.now() + datetime.timedelta(days=5, hours=12)
    assert services.visits_remind(now=later) == {"reminded_7": 0, "reminded_1": 1}


def test_the_api_path_and_the_invitation_download(reviewing, manager, other_manager, assessor, api_for):
    as_assessor = api_for(assessor)
    url = reverse("api-assessment-visits", args=[reviewing.pk])
    bad = as_assessor.post(
        url,
        {
            "mode": "video",
            "meeting_url": "https://v.example.org",
            "slots": [{"starts_at": _at(9).isoformat(), "ends_at": _at(8).isoformat()}],
        },
        format="json",
    )
    assert bad.status_code == 400 and "slot_1_ends_at" in bad.json()
    created = as_assessor.post(
        url,
        {
            "mode": "video",
            "meeting_url": "https://v.example.org",
            "slots": [{"starts_at": _at(9).isoformat(), "ends_at": _at(9, 12).isoformat()}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    visit = created.json()
    assert api_for(other_manager).get(url).status_code == 404
    assert api_for(manager).get(url).json()["results"][0]["id"] == visit["id"]
    ics_url = reverse("api-visit-invitation", args=[visit["id"]])
    assert api_for(manager).get(ics_url).status_code == 409  # no date yet
    accepted = api_for(manager).post(
        reverse("api-visit-accept", args=[visit["id"]]),
        {"slot": visit["slots"][0]["id"], "version": visit["version"]},
        format="json",
    )
    assert accepted.status_code == 200, accepted.json()
    stale = api_for(manager).post(
        reverse("api-visit-cancel", args=[visit["id"]]), {"reason": "x", "version": visit["version"]}, format="json"
    )
    assert stale.status_code == 409
    download = api_for(manager).get(ics_url, HTTP_ACCEPT="text/calendar")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/calendar")
    _calendar, event = _ics(download.content)
    assert str(event["UID"]) == visit["uid"]
    assert api_for(other_manager).get(ics_url).status_code == 404


def test_the_visit_page_path_for_the_assessor_and_the_manager(reviewing, manager, assessor, client_for):
    page = reverse("expertise:visit", args=[reviewing.pk])
    as_assessor, as_manager = client_for(assessor), client_for(manager)
    assert "Proposer de un à trois créneaux" in as_assessor.get(page).content.decode()
    when = _at(15).strftime("%Y-%m-%dT%H:%M")
    bad = as_assessor.post(
        page, {"mode": "video", "meeting_url": "http://x.example.org", "slot_1_starts_at": when, "slot_1_ends_at": when}
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "https://" in html and 'value="http://x.example.org"' in html  # what was typed comes back, with the error
    end = (_at(15) + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    made = as_assessor.post(
        page, {"mode": "video", "meeting_url": "https://x.example.org", "slot_1_starts_at": when, "slot_1_ends_at": end}
    )
    assert made.status_code == 302
    visit = Visit.objects.get()
    assert 'name="slot"' in as_manager.get(page).content.decode()
    accepted = as_manager.post(
        reverse("expertise:visit_accept", args=[visit.pk]), {"slot": visit.slots.get().pk, "version": visit.version}
    )
    assert accepted.status_code == 302
    html = as_manager.get(page).content.decode()
    assert "invitation.ics" in html and 'data-visit-status="accepted"' in html
    download = as_manager.get(reverse("expertise:visit_invitation", args=[visit.pk]))
    assert download.status_code == 200 and b"BEGIN:VCALENDAR" in download.content
    # the invitation is also on the assessment page
    detail = as_manager.get(reverse("labelling:assessment_detail", args=[reviewing.pk])).content.decode()
    assert f'href="{reverse("expertise:visit_invitation", args=[visit.pk])}"' in detail


def test_the_dashboards_show_the_next_visit_and_the_coming_month(
    reviewing, manager, assessor, administrator, client_for
):
    visit = services.visit_propose(
        user=assessor, assessment=reviewing, slots=[_slot(12)], mode="video", meeting_url="https://v.example.org/r"
    )
    services.visit_accept(user=manager, visit=visit, slot_id=visit.slots.get().pk, expected_version=visit.version)
    assert 'id="next-visit"' in client_for(assessor).get(reverse("labelling:assessor_dashboard")).content.decode()
    assert 'id="next-visit"' in client_for(manager).get(reverse("clusters:dashboard")).content.decode()
    admin_page = client_for(administrator).get(reverse("labelling:admin_dashboard")).content.decode()
    assert 'id="upcoming-visits"' in admin_page and reviewing.cluster.name in admin_page
    listing = client_for(administrator).get(reverse("expertise:upcoming"))
    assert listing.status_code == 200 and reviewing.cluster.name in listing.content.decode()
    assert client_for(manager).get(reverse("expertise:upcoming")).status_code == 404


def test_an_answer_to_slots_that_moved_on_is_shown_again_with_the_refusal(reviewing, manager, assessor, client_for):
    visit = services.visit_propose(
        user=assessor, assessment=reviewing, slots=[_slot(10)], mode="video", meeting_url="https://v.example.org/r"
    )
    as_manager = client_for(manager)
    read = visit.version  # two tabs read the page: one declines, the other then answers
    declined = as_manager.post(
        reverse("expertise:visit_decline", args=[visit.pk]), {"comment": "Any day in May", "version": read}
    )
    assert declined.status_code == 302
    stale = as_manager.post(
        reverse("expertise:visit_decline", args=[visit.pk]), {"comment": "My words from the other tab", "version": read}
    )
    assert stale.status_code in (400, 409)
    html = stale.content.decode()
    form = stale.context["decline_form"]
    assert form.errors and "My words from the other tab" in html
    assert all(str(message) in html for messages in form.errors.values() for message in messages)
    accept = as_manager.post(
        reverse("expertise:visit_accept", args=[visit.pk]), {"slot": visit.slots.get().pk, "version": read}
    )
    assert accept.status_code in (400, 409) and accept.context["accept_form"].errors
    assert f'action="{reverse("expertise:visit_accept", args=[visit.pk])}"' in accept.content.decode()
