"""Silver's areas of improvement in a real browser: the manager writes three areas on the self-assessment's tab
(a refused submission first says how many are missing), submits; the assessor, on the assessment's page, follows the
link, is refused the validation until each area has its verdict, judges them and validates; the verdicts are then on
the manager's page. With ``GRAPPE_SHOTS=<folder>`` the pages are also saved as PNG at 1280 and 390 px, in French and
English (what docs/guides/ show). Last, a committee member reads the areas and the verdicts on the committee's case.

Run with ``pytest -m browser tests/browser/test_areas_browser.py``. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from areas.models import ImprovementArea
from committee.models import Case, CommitteeSession
from labelling.models import Assessment, AssessmentStatus
from labelling.services.workflow import assessment_assign, review_declare_no_conflict
from tests import factories
from tests.areas.helpers import areas_guards_on, plan_actions, silver_draft
from tests.browser.conftest import requires_chromium
from tests.labelling.workflow_helpers import accept_all

pytestmark = [pytest.mark.browser, requires_chromium]

AREAS = (
    ("Proximité avec les adhérents", "G8", 0, "112 entreprises rencontrées en 2025."),
    ("Pilotage par les indicateurs", "V6", 1, "Un tableau de bord trimestriel au conseil."),
    ("Groupes de travail", "V10", 2, "Le groupe stockage a repris ses réunions."),
)


@pytest.fixture
def silver(transactional_db, monkeypatch):
    areas_guards_on(monkeypatch)
    from indicators.services import framework_ensure_default

    framework = framework_ensure_default()
    cluster = factories.ClusterFactory(name="S2E2", acronym="S2E2")
    manager = factories.ManagerFactory(username="claire", first_name="Claire", last_name="Martin", language="fr")
    cluster.managers.add(manager)
    assessor = factories.AssessorFactory(username="marc", first_name="Marc", last_name="Vasseur", language="en")
    administrator = factories.AdministratorFactory(username="helene")
    actions = plan_actions(cluster, framework, codes=("G8", "V6", "V10", "R2"))
    return silver_draft(cluster, manager), manager, assessor, administrator, actions


def _logged_in(browser, live_server, username, locale, width=1280):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/$|/clusters/|/assessor/|/committee/"))
    return context, page


def _shots(browser, live_server, username: str, path: str, name: str) -> None:
    """The page at 1280 and 390 px, in French and English, when GRAPPE_SHOTS names a folder; and at 390 px it never
    scrolls sideways."""
    folder = os.environ.get("GRAPPE_SHOTS")
    for language, locale in (("fr", "fr-FR"), ("en", "en-GB")):
        for width in (1280, 390):
            context, page = _logged_in(browser, live_server, username, locale, width)
            try:
                page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
                page.goto(f"{live_server.url}{path}")
                assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} {width} px scrolls"
                if folder:
                    Path(folder).mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=f"{folder}/{name}-{language}-{width}.png", full_page=True)
            finally:
                context.close()


def test_the_silver_areas_from_the_manager_to_the_validation(live_server, browser, silver):
    draft, manager, assessor, administrator, actions = silver
    areas_path = f"/assessments/{draft.pk}/areas/"
    indicators = dict(draft.framework.indicators.values_list("code", "pk"))
    as_manager, page = _logged_in(browser, live_server, "claire", "fr-FR")
    page.on("dialog", lambda dialog: dialog.accept())  # the submission's confirmation
    try:
        # the tab of the self-assessment, then one area, and a refused submission that counts them
        page.goto(f"{live_server.url}/assessments/{draft.pk}/summary/")
        page.click(f"nav.sa-nav a[href='{areas_path}']")
        title, code, action, achievements = AREAS[0]
        page.fill("#id_add_title", title)
        page.select_option("#id_add_indicator", str(indicators[code]))
        page.check(f"#id_add_actions input[value='{actions[action].pk}']")
        page.fill("#id_add_achievements", achievements)
        page.click("#area-add button.primary")
        page.wait_for_selector(f"text={title}")
        page.goto(f"{live_server.url}/assessments/{draft.pk}/summary/")
        page.click("#submit-form button")
        page.wait_for_selector("#submit-errors")
        assert "au moins 3 pistes de progrès\u202f: 1 est rédigée" in page.inner_text("#submit-errors")
        assert Assessment.objects.get(pk=draft.pk).status == AssessmentStatus.DRAFT
        if os.environ.get("GRAPPE_SHOTS"):
            _shots(browser, live_server, "claire", f"/assessments/{draft.pk}/summary/#areas-panel", "areas-summary")
        for title, code, action, achievements in AREAS[1:]:
            page.goto(f"{live_server.url}{areas_path}")
            page.fill("#id_add_title", title)
            page.select_option("#id_add_indicator", str(indicators[code]))
            page.check(f"#id_add_actions input[value='{actions[action].pk}']")
            page.fill("#id_add_achievements", achievements)
            page.click("#area-add button.primary")
            page.wait_for_selector(f"text={title}")
        assert page.locator("article.area-card").count() == 3
        if os.environ.get("GRAPPE_SHOTS"):
            _shots(browser, live_server, "claire", areas_path, "areas-manager")
        page.goto(f"{live_server.url}/assessments/{draft.pk}/summary/")
        page.click("#submit-form button")
        page.wait_for_url(re.compile(r"/summary/$"))
        assert Assessment.objects.get(pk=draft.pk).status == AssessmentStatus.SUBMITTED
    finally:
        as_manager.close()

    assessment = assessment_assign(
        user=administrator, assessment=Assessment.objects.get(pk=draft.pk), assessor=assessor
    )
    review_declare_no_conflict(user=assessor, assessment=assessment)
    accept_all(assessment, assessor)
    as_assessor, page = _logged_in(browser, live_server, "marc", "en-GB")
    try:
        page.goto(f"{live_server.url}/assessments/{draft.pk}/")
        page.click("#validate-form button")  # refused: no verdict yet
        page.wait_for_load_state()
        assert "cannot be validated before a verdict on each area" in page.content()
        if os.environ.get("GRAPPE_SHOTS"):
            _shots(browser, live_server, "marc", f"/assessments/{draft.pk}/#areas-panel", "areas-detail")
        page.click(f"#areas-panel a[href='{areas_path}']")
        areas = list(ImprovementArea.objects.filter(assessment=draft).order_by("pk"))
        page.click(f"#id_area{areas[0].pk}_verdict input[value='demonstrated']")
        page.click(f"#area-{areas[0].pk} form.area-verdict button")  # no comment: refused on its field
        page.wait_for_selector(f"#id_area{areas[0].pk}_comment_error")
        for area, verdict in zip(areas, ("demonstrated", "not_demonstrated", "demonstrated"), strict=True):
            page.click(f"#id_area{area.pk}_verdict input[value='{verdict}']")
            page.fill(f"#id_area{area.pk}_comment", f"Seen on site: {area.title}.")
            page.click(f"#area-{area.pk} form.area-verdict button")
            page.wait_for_selector(f"#area-{area.pk} [data-verdict='{verdict}']")
        if os.environ.get("GRAPPE_SHOTS"):
            _shots(browser, live_server, "marc", areas_path, "areas-assessor")
        page.goto(f"{live_server.url}/assessments/{draft.pk}/")
        page.click("#validate-form button")
        page.wait_for_load_state()
        assert Assessment.objects.get(pk=draft.pk).status == AssessmentStatus.VALIDATED
    finally:
        as_assessor.close()
    # the committee's members read the areas and the verdicts on the case
    member = factories.CommitteeMemberFactory(username="nadia", language="fr")
    session = CommitteeSession.objects.create(held_on="2027-01-14", place="Paris", chair=administrator)
    session.members.add(member)
    case = Case.objects.create(session=session, assessment=draft, computed_level="silver", proposed_level="silver")
    as_member, page = _logged_in(browser, live_server, "nadia", "fr-FR")
    try:
        page.goto(f"{live_server.url}/committee/cases/{case.pk}/")
        assert page.locator(".areas-case article.area-card").count() == 3
        assert page.locator(".areas-case [data-verdict='not_demonstrated']").count() == 1
    finally:
        as_member.close()
    if os.environ.get("GRAPPE_SHOTS"):
        _shots(browser, live_server, "nadia", f"/committee/cases/{case.pk}/", "areas-committee")
    assert list(ImprovementArea.objects.filter(assessment=draft).order_by("pk").values_list("verdict", flat=True)) == [
        "demonstrated",
        "not_demonstrated",
        "demonstrated",
    ]
