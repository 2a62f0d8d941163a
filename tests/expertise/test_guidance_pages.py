"""The framework's guidance, one text a threshold, where the criteria are shown: the public methodology page and the
manager's category page (each threshold with what clusters typically do to reach it), in French and English. The
report's use of it is in ``test_report_recommendations``."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.urls import reverse

from indicators.spec import default_framework_spec
from labelling.services.answers import assessment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(framework, cluster, manager):
    return assessment_create(user=manager, cluster=cluster, reference_year=2025)


def _texts(code: str, language: str) -> tuple[str, str]:
    guidance = default_framework_spec().indicator(code).guidance
    return guidance["partial"][language], guidance["full"][language]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_methodology_shows_the_guidance_of_each_threshold(client, framework, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = html.unescape(client.get("/methodology/").content.decode())
    for code in ("S1", "V2", "R3"):
        partial, full = _texts(code, language)
        assert partial in page and full in page, code
        assert page.index(partial) < page.index(full), code  # the partial criterion first
    heading = "Comment les clusters atteignent d’ordinaire ces critères" if language == "fr" else "How clusters"
    assert heading in page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_category_page_shows_the_guidance_of_each_threshold(assessment, manager, client_for, language):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = html.unescape(client.get(reverse("labelling:assessment_fill", args=[assessment.pk, "G"])).content.decode())
    partial, full = _texts("G4", language)
    assert partial in page and full in page
    label = "Pour obtenir la moitié des points" if language == "fr" else "To reach the half points"
    assert label in page
    other_category, _ = _texts("S1", language)
    assert other_category not in page
