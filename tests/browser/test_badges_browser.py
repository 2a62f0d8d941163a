"""The status badges stay on one line inside their pill (« En cours d'examen » wrapped at 1280 px on the
dashboards), and their tables still fit a phone by scrolling inside ``.table-wrap``.

Needs /usr/bin/chromium (``pytest -m browser tests/browser``).
"""

import pytest
from django.urls import reverse

from tests.browser.conftest import requires_chromium
from tests.browser.pages import build_world
from tests.browser.test_season_browser import Person

pytestmark = [pytest.mark.browser, requires_chromium]

# Per badge in a table: its text and the number of lines its text takes; and how far the page scrolls sideways.
_MEASURE = """() => {
  const badges = [...document.querySelectorAll("table .badge")].map((badge) => {
    const range = document.createRange();
    range.selectNodeContents(badge);
    const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
    return {text: badge.textContent.trim(), lines: tops.size};
  });
  return {badges, sideways: document.documentElement.scrollWidth - window.innerWidth};
}"""


@pytest.mark.parametrize(
    ("username", "url", "query"),
    [
        ("paul", "labelling:assessor_dashboard", ""),
        # the administrators' dashboard opens on the work; an assessment in review is listed under its status
        ("anne", "labelling:admin_dashboard", "?status=in_review"),
    ],
)
def test_a_status_badge_never_wraps_and_its_table_scrolls_on_a_phone(
    live_server, transactional_db, browser, username, url, query
):
    world = build_world()
    world.cluster.name = "Association régionale pour l'économie circulaire de la Côte d'Opale (fictif)"
    world.cluster.save(update_fields=["name"])
    person = Person(browser, live_server.url, username)
    page = person.go(reverse(url) + query)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        measured = page.evaluate(_MEASURE)
        assert "En cours d’examen" in [badge["text"] for badge in measured["badges"]], measured
        assert all(badge["lines"] == 1 for badge in measured["badges"]), (width, measured["badges"])
        assert measured["sideways"] <= 0, (width, measured["sideways"])
    person.context.close()
