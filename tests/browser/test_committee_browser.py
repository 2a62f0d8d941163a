"""The awarding committee's path in a real browser (Debian's chromium driven by Playwright): an administrator opens a
session (refused first without members), puts four validated assessments on its agenda, records the members present,
decides one case of each outcome (granted, granted with conditions, refused, deferred) and closes the session; a
committee member reads the session and a case's file. The pages are photographed at 1280 and 390 px, in French and
in English (``COMMITTEE_SCREENSHOTS`` names a folder to keep them; else the test's temporary directory).

Run with ``pytest -m browser tests/browser/test_committee_browser.py``. Needs /usr/bin/chromium.
"""

import datetime
import os
import re
from pathlib import Path

import pytest

from committee.models import Case, CommitteeSession, SessionStatus
from labelling.models import AssessmentStatus, Label
from tests import factories
from tests.browser.conftest import requires_chromium
from tests.labelling.workflow_helpers import countersigned, validated

pytestmark = [pytest.mark.browser, requires_chromium]
TODAY = datetime.date.today()


@pytest.fixture
def setup(transactional_db, framework):
    admin = factories.AdministratorFactory(username="helene", first_name="Hélène", last_name="Bernard", language="fr")
    assessor = factories.AssessorFactory(username="marc")
    members = [
        factories.CommitteeMemberFactory(username="claire", first_name="Claire", last_name="Leroy", language="fr"),
        factories.CommitteeMemberFactory(username="paul", first_name="Paul", last_name="Nguyen", language="fr"),
    ]
    names = ("Cosmetic Valley", "Elastopole", "Vallée fictive (fictif)", "DREAM")
    ready = []
    for name in names:
        cluster = factories.ClusterFactory(name=name)
        manager = factories.ManagerFactory()
        cluster.managers.add(manager)
        ready.append(countersigned(validated(cluster, manager, admin, assessor), admin))
    return admin, members, ready


def _login(browser, live_server, username):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    return context, page


def _shots(page, url, name, folder: Path, language: str):
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        assert page.get_attribute("html", "lang") == language
        # no horizontal scroll at the phone's width
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (name, width)
        page.screenshot(path=str(folder / f"committee-{name}-{language}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _decide(page, case: Case, outcome: str, **fields):
    form = f"form[action$='/committee/cases/{case.pk}/decide/']"
    page.select_option(f"#id_case{case.pk}_outcome", outcome)
    for name, value in fields.items():
        page.fill(f"#id_case{case.pk}_{name}", value)
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")
    page.wait_for_selector(".message, .messages")


def test_session_agenda_and_each_outcome_in_the_browser(live_server, setup, browser, tmp_path):
    admin, members, ready = setup
    folder = Path(os.environ.get("COMMITTEE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    context, page = _login(browser, live_server, "helene")

    # a new session: refused without members, then opened
    page.goto(f"{live_server.url}/committee/")
    page.click("#new-session")
    page.fill("#id_held_on", (TODAY + datetime.timedelta(days=7)).isoformat())
    page.fill("#id_place", "Orléans, Hôtel de Région")
    page.click("#session-form button[type=submit]")
    assert "Une séance a besoin d’au moins un membre du comité." in page.text_content("#session-form")
    assert page.input_value("#id_place") == "Orléans, Hôtel de Région"
    page.screenshot(path=str(folder / "committee-create-refused-fr-1280.png"), full_page=True)
    for member in members:
        page.check(f"#session-form input[name=members][value='{member.pk}']")
    with page.expect_navigation():
        page.click("#session-form button[type=submit]")
    session = CommitteeSession.objects.get()
    assert page.url.endswith(f"/committee/{session.pk}/")

    # the agenda: the four validated assessments, each with the computed level as the proposal
    for assessment in ready:
        page.select_option("#id_assessment", str(assessment.pk))
        with page.expect_navigation():
            page.click("#agenda-form button[type=submit]")
    cases = {c.assessment.cluster.name: c for c in Case.objects.select_related("assessment__cluster")}
    assert len(cases) == 4 and "Aucune évaluation validée n’attend le comité." in page.text_content("#agenda-form")

    # who is present: both members
    for member in members:
        page.check(f"#attendance-form input[name=present][value='{member.pk}']")
    with page.expect_navigation():
        page.click("#attendance-form button[type=submit]")
    assert "Claire Leroy" in page.text_content("#members-present")
    _shots(page, page.url, "session-open", folder, "fr")

    # each outcome; a conditional decision without its date is refused first, what was typed kept
    _decide(page, cases["Cosmetic Valley"], "granted")
    page.select_option(f"#id_case{cases['Elastopole'].pk}_outcome", "conditional")
    page.fill(f"#id_case{cases['Elastopole'].pk}_conditions", "Une feuille de route consolidée.")
    page.click(f"form[action$='/committee/cases/{cases['Elastopole'].pk}/decide/'] button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.input_value(f"#id_case{cases['Elastopole'].pk}_conditions") == "Une feuille de route consolidée."
    page.screenshot(path=str(folder / "committee-decide-refused-fr-1280.png"), full_page=True)
    page.goto(f"{live_server.url}/committee/{session.pk}/")
    _decide(
        page,
        cases["Elastopole"],
        "conditional",
        conditions="Une feuille de route consolidée.",
        review_on=(TODAY + datetime.timedelta(days=180)).isoformat(),
    )
    _decide(page, cases["Vallée fictive (fictif)"], "refused", reason="Gouvernance insuffisante (cas fictif).")
    _decide(page, cases["DREAM"], "deferred")
    outcomes = dict(Case.objects.values_list("assessment__cluster__name", "outcome"))
    assert outcomes == {
        "Cosmetic Valley": "granted",
        "Elastopole": "conditional",
        "Vallée fictive (fictif)": "refused",
        "DREAM": "deferred",
    }
    assert set(Label.objects.values_list("cluster__name", flat=True)) == {"Cosmetic Valley", "Elastopole"}
    assert Label.objects.get(cluster__name="Elastopole").conditions_until == TODAY + datetime.timedelta(days=180)
    dream = ready[3]
    dream.refresh_from_db()
    assert dream.status == AssessmentStatus.VALIDATED  # deferred: it may go on a later session's agenda
    assert all(sorted(c.voters.values_list("username", flat=True)) == ["claire", "paul"] for c in Case.objects.all())

    # closed
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#close-form button[type=submit]")
    assert CommitteeSession.objects.get().status == SessionStatus.CLOSED
    session_url = f"{live_server.url}/committee/{session.pk}/"
    case_url = f"{live_server.url}/committee/cases/{cases['Cosmetic Valley'].pk}/"
    _shots(page, session_url, "session-closed", folder, "fr")
    _shots(page, f"{live_server.url}/committee/", "list", folder, "fr")
    _shots(page, f"{live_server.url}/committee/new/", "create", folder, "fr")
    page.goto(f"{live_server.url}/assessments/{dream.pk}/")  # the assessment's page sends to the committee
    assert page.is_visible("#to-committee") and not page.is_visible("#decide-form")

    # English
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    _shots(page, session_url, "session-closed", folder, "en")
    _shots(page, f"{live_server.url}/committee/new/", "create", folder, "en")
    _shots(page, f"{live_server.url}/committee/", "list", folder, "en")
    context.close()

    # a committee member: the session and a case's file (read-only), in French then English
    context, page = _login(browser, live_server, "claire")
    assert page.url.endswith("/committee/")
    _shots(page, case_url, "case", folder, "fr")
    assert "Cosmetic Valley" in page.text_content("h1") and not page.is_visible("#close-form")
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    _shots(page, case_url, "case", folder, "en")
    _shots(page, session_url, "session-member", folder, "en")
    assert "Members who voted" in page.text_content("main")
    context.close()
    assert re.search(r"committee-case-en-390\.png", " ".join(p.name for p in folder.iterdir()))
