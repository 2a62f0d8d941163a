"""Issue 22, items 11 and 12, measured at 390 px in Debian's chromium: the self-assessment's tabs show the active
category and put every category and the summary one tap away (nothing off screen); the summary page offers the
submission in the first screen; the benchmark page's category links are in the first screen.

Run with ``pytest -m browser tests/browser``. Needs /usr/bin/chromium.
"""

import re

import pytest

from labelling.services.answers import assessment_create
from tests import factories
from tests.browser.conftest import requires_chromium

pytestmark = [pytest.mark.browser, requires_chromium]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, transactional_db):
    from indicators.services import framework_ensure_default

    framework_ensure_default()
    cluster = factories.ClusterFactory(name="Elastopole", acronym="ELA")
    manager = factories.ManagerFactory(username="claire")
    cluster.managers.add(manager)
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025)
    context = browser.new_context(locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "claire")
    page.fill("#id_password", factories.PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/$|/clusters/"))
    try:
        yield page, live_server.url, assessment
    finally:
        context.close()


def _on_screen(page, locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"] + 0.5, box  # nothing hidden sideways
    return box


def test_every_tab_and_the_summary_are_one_tap_away_at_390px(phone):
    page, url, assessment = phone
    page.goto(f"{url}/assessments/{assessment.pk}/fill/V/")
    tabs = page.locator(".sa-nav a")
    assert tabs.count() == 7  # five categories, the summary, the offline questionnaire
    for i in range(tabs.count()):
        box = _on_screen(page, tabs.nth(i))
        assert box["y"] + box["height"] <= PHONE["height"]  # in the first screen
    active = page.locator('.sa-nav a[aria-current="page"]')
    assert active.inner_text().startswith("V — ")  # the active category says its name
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_summary_offers_the_submission_in_the_first_screen(phone):
    page, url, assessment = phone
    page.goto(f"{url}/assessments/{assessment.pk}/summary/")
    go = page.locator("#submit-top a.button")
    box = _on_screen(page, go)
    assert box["y"] + box["height"] <= PHONE["height"]
    go.click()
    page.wait_for_function("location.hash === '#submit-title'")
    assert page.locator("#submit-form button[type=submit]").is_visible()
