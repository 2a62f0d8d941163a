"""The expert's process in a real browser (issue 20): the assessor proposes a slot for a Gold visit, the manager
accepts it, the assessor moves it; the invitation downloaded from the page is parsed back with ``icalendar`` (its UID
and SEQUENCE); the questionnaire is frozen before the Gold visit; after the visit the assessor writes the findings
and validates; the manager reads the findings.

Run with ``pytest -m browser tests/browser``. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from icalendar import Calendar

from core.exceptions import InvalidTransition
from expertise.models import Visit, VisitStatus
from labelling.models import Assessment, AssessmentStatus
from labelling.services.answers import answer_save
from labelling.services.workflow import assessment_assign_second, assessment_request_changes
from tests import factories
from tests.browser.conftest import requires_chromium
from tests.expertise.helpers import FINDINGS_TEXTS, meet_prerequisites
from tests.labelling.workflow_helpers import accept_all, answer_of, in_review

pytestmark = [pytest.mark.browser, requires_chromium]


@pytest.fixture
def gold_in_review(transactional_db):
    from indicators.services import framework_ensure_default

    framework_ensure_default()
    cluster = meet_prerequisites(factories.ClusterFactory(name="Cosmetic Valley", acronym="CV"))
    manager = factories.ManagerFactory(username="claire", language="fr")
    cluster.managers.add(manager)
    assessor = factories.AssessorFactory(username="marc", country="FR", language="en")
    administrator = factories.AdministratorFactory(username="helene")
    assessment = in_review(cluster, manager, administrator, assessor)
    # applying for Gold, submitted three weeks ago (a Gold visit comes at least 14 days after the submission)
    Assessment.objects.filter(pk=assessment.pk).update(
        applied_level="gold", submitted_at=timezone.now() - datetime.timedelta(days=21)
    )
    second = factories.AssessorFactory(username="isabelle", country="BE")
    assessment_assign_second(user=administrator, assessment=Assessment.objects.get(pk=assessment.pk), assessor=second)
    return Assessment.objects.get(pk=assessment.pk), manager, assessor


def _logged_in(browser, live_server, username, locale):
    context = browser.new_context(locale=locale, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/$|/clusters/|/assessor/"))
    return context, page


def _local(days: int, hour: int) -> str:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def test_the_whole_expert_path_in_the_browser(live_server, browser, gold_in_review):
    assessment, manager, assessor = gold_in_review
    visit_url = f"{live_server.url}/assessments/{assessment.pk}/visit/"
    as_assessor, assessor_page = _logged_in(browser, live_server, "marc", "en-GB")
    as_manager, manager_page = _logged_in(browser, live_server, "claire", "fr-FR")
    try:
        # the assessor proposes a two-day visit on site, 20 days ahead
        assessor_page.goto(visit_url)
        assessor_page.select_option("#id_mode", "on_site")
        assessor_page.fill("#id_address", "Maison de la cosmétique, Chartres")
        assessor_page.fill("#id_slot_1_starts_at", _local(20, 9))
        assessor_page.fill("#id_slot_1_ends_at", _local(21, 17))
        assessor_page.click("form.form button.primary")
        assessor_page.wait_for_selector('[data-visit-status="proposed"]')
        visit = Visit.objects.get(assessment=assessment)

        # the manager accepts the slot
        manager_page.goto(visit_url)
        manager_page.check("input[name=slot]")
        manager_page.click(f"form[action$='/visits/{visit.pk}/accept/'] button")
        manager_page.wait_for_selector('[data-visit-status="accepted"]')

        # the assessor moves it ten days ahead: within the 14 days of the Gold freeze
        assessor_page.goto(visit_url)
        assessor_page.fill("#id_starts_at", _local(10, 9))
        assessor_page.fill("#id_ends_at", _local(11, 17))
        assessor_page.fill("#id_reason", "The cluster's general assembly moved")
        assessor_page.click(f"form[action$='/visits/{visit.pk}/move/'] button")
        assessor_page.wait_for_selector('[data-visit-status="accepted"]')
        visit.refresh_from_db()
        assert visit.sequence == 1

        # the invitation, downloaded from the page, is parsed back
        with manager_page.expect_download() as download_info:
            manager_page.goto(visit_url)
            manager_page.click("a[href$='invitation.ics']")
        calendar = Calendar.from_ical(open(download_info.value.path(), "rb").read())
        event = next(iter(calendar.walk("VEVENT")))
        assert calendar["METHOD"] == "REQUEST"
        assert str(event["UID"]) == visit.uid and int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART") == visit.starts_at

        # the Gold questionnaire is frozen for the manager: even a change request cannot open it again
        changed = assessment_request_changes(user=assessor, assessment=assessment, comment="Update S1.")
        answer = answer_of(changed, "S1")
        with pytest.raises(InvalidTransition):
            answer_save(user=manager, answer=answer, value=90, expected_version=answer.version)
        manager_page.goto(visit_url)
        assert manager_page.locator("[data-frozen]").count() == 1
        # the category page says why, with the visit's date, and offers no field
        manager_page.goto(f"{live_server.url}/assessments/{assessment.pk}/fill/S/")
        assert "figé pour la visite Or" in manager_page.locator("#frozen-message").inner_text()
        assert manager_page.locator("input[name='S1-value'], textarea[name='S1-comment']").count() == 0
        Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.IN_REVIEW)

        # the visit takes place (its days are moved into the past), the assessor writes the findings
        Visit.objects.filter(pk=visit.pk).update(
            starts_at=timezone.now() - datetime.timedelta(days=3), ends_at=timezone.now() - datetime.timedelta(days=2)
        )
        accept_all(assessment, assessor)
        assessor_page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
        assessor_page.click("#validate-form button")  # refused: no findings yet
        assert "findings are not written yet" in assessor_page.content()
        assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.IN_REVIEW
        assessor_page.goto(f"{live_server.url}/assessments/{assessment.pk}/findings/")
        assessor_page.fill("#id_visited_on", (timezone.localdate() - datetime.timedelta(days=3)).isoformat())
        assessor_page.fill("#id_people_met", "The director, two board members")
        for code, (strengths, improvements, recommendations) in FINDINGS_TEXTS.items():
            assessor_page.fill(f"#id_{code}_strengths", strengths)
            assessor_page.fill(f"#id_{code}_improvements", improvements)
            assessor_page.fill(f"#id_{code}_recommendations", recommendations)
        assessor_page.click("form.form button.primary")
        assessor_page.wait_for_url(re.compile(r"/findings/$"))
        assessor_page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
        assessor_page.click("#validate-form button")
        assessor_page.wait_for_load_state()
        assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.VALIDATED

        # the manager reads the findings once validated
        manager_page.goto(f"{live_server.url}/assessments/{assessment.pk}/findings/")
        assert manager_page.locator('[data-findings-category="S"]').count() == 1
        assert Visit.objects.get(pk=visit.pk).status == VisitStatus.ACCEPTED
    finally:
        as_assessor.close()
        as_manager.close()
