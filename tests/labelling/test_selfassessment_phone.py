"""Issue 22, item 11: the self-assessment's tabs and the summary page at a phone's width (the HTML they rely on;
``tests/browser/test_phone_layout_browser.py`` measures them in chromium at 390 px)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from labelling.services.answers import assessment_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def assessment(framework, cluster, manager):
    return assessment_create(user=manager, cluster=cluster, reference_year=2025)


def test_each_tab_has_its_code_and_name_and_the_active_one_is_marked(assessment, manager, client_for):
    html = client_for(manager).get(reverse("labelling:assessment_fill", args=[assessment.pk, "G"])).content.decode()
    nav = html[html.index('class="sa-nav"') : html.index("</nav>", html.index('class="sa-nav"'))]
    for code in "SGFVR":
        assert f'<span class="tab-code">{code}</span>' in nav
    assert 'aria-current="page"><span class="tab-code">G</span><span class="tab-name"> — Governance' in nav
    assert reverse("labelling:assessment_summary", args=[assessment.pk]) in nav


def test_the_summary_offers_the_submission_before_the_answers(assessment, manager, client_for):
    html = client_for(manager).get(reverse("labelling:assessment_summary", args=[assessment.pk])).content.decode()
    top = html.index('id="submit-top"')
    assert 'href="#submit-title"' in html[top : top + 1000]
    assert top < html.index('class="sa-category"') < html.index('id="submit-title"')
    # Each category's 6 to 12 rows are folded under its score: five <details>, closed.
    assert html.count('<details class="sa-category"') == 5 and '<details class="sa-category" open' not in html
