"""Issue 22, items 11 and 12, measured at 390 px in Debian's chromium: the self-assessment's tabs show the active
category and put every category and the summary one tap away (nothing off screen); the summary page offers the
submission in the first screen; the benchmark page's category links are in the first screen, and each indicator
is a short card at 390 px (its peers' median and quartiles folded) while 1280 px keeps the table's columns.

Run with ``pytest -m browser tests/browser``. Needs /usr/bin/chromium.
"""

import datetime
import re
from decimal import Decimal

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
    context, page = _signed_in(browser, live_server.url, "claire", locale="fr-FR", viewport=PHONE)
    try:
        yield page, live_server.url, assessment
    finally:
        context.close()


def _signed_in(browser, url, username, *, locale, viewport):
    """A browser context and its page, signed in as ``username``."""
    context = browser.new_context(locale=locale, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/$|/clusters/"))
    return context, page


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


@pytest.fixture
def benchmark(browser, live_server, transactional_db):
    """Five clusters with a validated assessment (S1 10 to 90): the manager of the third one looks at its position."""
    from indicators.services import framework_ensure_default
    from labelling.models import Answer

    framework_ensure_default()
    manager = factories.ManagerFactory(username="claire")
    assessments = []
    for number, s1 in enumerate((10, 30, 50, 70, 90)):
        cluster = factories.ClusterFactory(name=f"Cluster {number}", acronym=f"C{number}")
        assessment = factories.AssessmentFactory(
            cluster=cluster, reference_year=2025, status="validated", validated_on=datetime.date(2026, 3, 1)
        )
        Answer.objects.filter(assessment=assessment, indicator__code="S1").update(validated_number=Decimal(s1))
        assessments.append(assessment)
    assessments[2].cluster.managers.add(manager)
    return browser, live_server.url, assessments[2]


def _benchmark_page(browser, url, assessment, *, width: int, language: str):
    viewport = {"width": width, "height": 844}
    context, page = _signed_in(browser, url, "claire", locale=f"{language}-{language.upper()}", viewport=viewport)
    context.add_cookies([{"name": "django_language", "value": language, "url": url}])
    page.goto(f"{url}/assessments/{assessment.pk}/benchmark/")
    return context, page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_benchmark_page_is_a_short_card_per_indicator_at_390px(benchmark, language):
    browser, url, assessment = benchmark
    context, page = _benchmark_page(browser, url, assessment, width=PHONE["width"], language=language)
    try:
        rows = page.locator("table.benchmark > tbody > tr")
        assert rows.count() == 31
        heights = [rows.nth(i).bounding_box()["height"] for i in range(rows.count())]
        # One block per column made each indicator 350 to 450 px tall (12,840 px for the demo's page, 6,300 now).
        print(language, "cards:", round(sum(heights)), "px, the tallest", round(max(heights)), "px")
        assert max(heights) < 260 and sum(heights) < 31 * 170, heights
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        card = page.locator("#bench-row-S1")
        for part in ("th", "td.own-value", "td.strip-cell svg.strip", "td.all", "td.bench-more summary"):
            _on_screen(page, card.locator(part))
        figures = card.locator(".bench-figures")
        assert not figures.is_visible()  # folded
        card.locator("td.bench-more summary").click()
        median = "médiane 50" if language == "fr" else "median 50"
        assert figures.is_visible() and median in figures.inner_text()
        # A category's link brings its heading into view below the sticky links.
        page.click('#bench-nav a[href="#bench-G"]')
        page.wait_for_function("location.hash === '#bench-G'")
        heading = page.locator("#bench-G").bounding_box()
        links = page.locator("#bench-nav").bounding_box()
        assert heading["y"] >= links["y"] + links["height"] - 1 and heading["y"] < PHONE["height"], (heading, links)
    finally:
        context.close()


def test_the_benchmark_page_keeps_its_columns_at_1280px(benchmark):
    browser, url, assessment = benchmark
    context, page = _benchmark_page(browser, url, assessment, width=1280, language="en")
    try:
        header = page.locator("#bench-S").locator("xpath=..").locator("thead th")
        visible = [header.nth(i).inner_text() for i in range(header.count()) if header.nth(i).is_visible()]
        assert visible[:6] == [
            "Indicator",
            "Your value",
            "Distribution (all clusters)",
            "Median",
            "Q1 – Q3",
            "Percentile (all)",
        ], visible
        assert not page.locator("#bench-row-S1 td.bench-more").is_visible()  # the columns say it
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    finally:
        context.close()
