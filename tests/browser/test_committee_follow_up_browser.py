"""A conditional label and a closed session's minutes in a real browser (Debian's chromium driven by Playwright): the
session's page with its minutes and the conditions' follow-up, and the label's public verification page, at 1280 and
390 px in French and English (no sideways scroll); an administrator's revocation without a reason is refused with
the error on its field, then the conditions are recorded met and the verification page no longer mentions them.

Run with ``pytest -m browser tests/browser/test_committee_follow_up_browser.py``; ``COMMITTEE_SHOTS=<folder>``
keeps the screenshots. Needs /usr/bin/chromium."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from committee.models import Minutes
from committee.services import (
    attendance_record,
    case_add,
    case_decide,
    minutes_render,
    session_close,
    session_create,
)
from labelling.models import Label
from tests import factories
from tests.browser.conftest import requires_chromium
from tests.labelling.workflow_helpers import countersigned, validated

pytestmark = [pytest.mark.browser, requires_chromium]
REVIEW_ON = datetime.date.today() + datetime.timedelta(days=180)
CONDITIONS = "Une feuille de route consolidée et un modèle économique."


@pytest.fixture
def setup(transactional_db, framework):
    admin = factories.AdministratorFactory(username="alice", language="fr", first_name="Alice", last_name="Roche")
    factories.AdministratorFactory(username="bob", language="en", first_name="Bob", last_name="Hale")
    member = factories.CommitteeMemberFactory(username="marc", first_name="Marc", last_name="Lenoir")
    assessor = factories.AssessorFactory(username="paul")
    cases = []
    session = session_create(
        user=admin, held_on=datetime.date.today(), chair=admin, members=[member], place="Paris, DGE"
    )
    session = attendance_record(user=admin, session=session, present=[member], expected_version=1)
    for name in ("Elastopole", "Cosmetic Valley"):
        cluster = factories.ClusterFactory(name=name)
        manager = factories.ManagerFactory(username=f"m-{cluster.pk}")
        cluster.managers.add(manager)
        ready = countersigned(validated(cluster, manager, admin, assessor), admin)
        session.refresh_from_db()
        cases.append(case_add(user=admin, session=session, assessment=ready, expected_version=session.version))
    conditional, granted = cases
    case_decide(
        user=admin,
        case=conditional,
        outcome="conditional",
        conditions=CONDITIONS,
        review_on=REVIEW_ON,
        expected_version=conditional.version,
    )
    case_decide(user=admin, case=granted, outcome="granted", expected_version=granted.version)
    session.refresh_from_db()
    session = session_close(user=admin, session=session, expected_version=session.version)
    minutes_render(minutes_id=Minutes.objects.get(session=session).pk)  # as the worker does
    label = Label.objects.get(assessment=conditional.assessment)
    return session, conditional, label


def _context(browser, live_server, username, *, width, locale):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    if username:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", factories.PASSWORD)
        page.click("form.form button[type=submit]")
        page.wait_for_load_state()
    return context, page


def _no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page scrolls sideways: {width}px"


def test_the_session_page_and_the_verification_page_of_a_conditional_label(live_server, setup, browser, tmp_path):
    session, case, label = setup
    shots = Path(os.environ.get("COMMITTEE_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    admins = {"fr-FR": "alice", "en-GB": "bob"}  # a user's language is their own preference
    texts = {
        "fr-FR": ("Télécharger le procès-verbal signé (PDF)", "avec des conditions jusqu’au", "Suivi des conditions"),
        "en-GB": ("Download the signed minutes (PDF)", "with conditions until", "Follow-up of the conditions"),
    }
    for locale, (download, conditional, follow_up) in texts.items():
        for width in (1280, 390):
            context, page = _context(browser, live_server, admins[locale], width=width, locale=locale)
            page.goto(f"{live_server.url}/committee/{session.pk}/")
            assert page.locator("#minutes-download").inner_text() == download
            assert follow_up in page.locator(f"#follow-up-{case.pk}").inner_text()
            _no_horizontal_scroll(page)
            page.screenshot(path=str(shots / f"session-{locale}-{width}.png"), full_page=True)
            context.close()
            context, page = _context(browser, live_server, None, width=width, locale=locale)  # a visitor
            page.goto(f"{live_server.url}/verify/{label.certificate_number}/")
            validity = page.locator("#validity").inner_text()
            assert conditional in validity and CONDITIONS not in page.content()
            _no_horizontal_scroll(page)
            page.screenshot(path=str(shots / f"verify-{locale}-{width}.png"), full_page=True)
            context.close()

    context, page = _context(browser, live_server, "bob", width=390, locale="en-GB")
    page.goto(f"{live_server.url}/committee/{session.pk}/")
    with page.expect_download() as download:
        page.click("#minutes-download")
    assert download.value.suggested_filename.startswith("committee-minutes-")
    page.click(f"#follow-up-{case.pk} button.danger")  # no reason given
    assert "This field is required." in page.locator(f"#id_revoke{case.pk}_reason_error").inner_text()
    page.screenshot(path=str(shots / "revoke-refused-en-GB-390.png"), full_page=True)
    page.click(f"#follow-up-{case.pk} button.primary")
    assert "no longer conditional" in page.locator(".message.success, .messages").first.inner_text()
    page.goto(f"{live_server.url}/verify/{label.certificate_number}/")
    assert "with conditions" not in page.locator("#validity").inner_text()
    context.close()
