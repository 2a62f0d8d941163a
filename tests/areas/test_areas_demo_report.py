"""The demo's Silver application (S2E2) with its three areas of improvement, and the areas in the PDF report, read
back with pdftotext in both languages (the demo with the step guards on: the submission needed the areas)."""

from __future__ import annotations

import os
import shutil

import pytest

from areas.selectors import areas_state
from demo.services import demo_load
from labelling.models import Assessment, AssessmentStatus
from tests.expertise.test_report_recommendations import _pdf_text as report_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def s2e2(db):
    summary = demo_load()
    assert summary.skipped == []
    return Assessment.objects.select_related("framework", "cluster").get(cluster__name="S2E2")


def _pdf_text(assessment, language: str, tmp_path) -> str:
    text = report_text(assessment, language, tmp_path)
    if os.environ.get("GRAPPE_SHOTS"):  # to look at it: pdftoppm -png
        shutil.copy(tmp_path / f"report-{language}.pdf", os.environ["GRAPPE_SHOTS"])
    return text


def test_s2e2_applies_for_silver_with_three_areas_on_its_plan(s2e2):
    assert (s2e2.applied_level, s2e2.status) == ("silver", AssessmentStatus.IN_REVIEW)
    state = areas_state(assessment=s2e2)
    assert (state.count, state.judged, state.demonstrated) == (3, 1, 1)
    assert state.missing_for_submission == []
    assert [area.indicator.code for area in state.areas] == ["G8", "V6", "V10"]
    for area in state.areas:
        assert area.actions.exists()
        assert {action.plan.cluster_id for action in area.actions.all()} == {s2e2.cluster_id}
    statuses = set(s2e2.cluster.improvement_plan.actions.values_list("status", flat=True))
    assert statuses == {"not_started", "in_progress", "done"}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ("Pistes de progrès (Silver)", "Jugées", "1 sur 3 · démontrées", "Démontrée", "Pas encore jugée")),
        ("en", ("Areas of improvement (Silver)", "Judged: 1 of 3 · demonstrated: 1", "Demonstrated", "Not judged yet")),
    ],
)
def test_the_report_shows_the_areas_and_the_verdicts(s2e2, tmp_path, language, words):
    text = _pdf_text(s2e2, language, tmp_path)
    for expected in words:
        assert expected in text, expected
    assert "Proximité avec les entreprises adhérentes" in text and "Pilotage par les indicateurs" in text
    assert "112 entreprises rencontrées" in text  # what was done, and the assessor's comment
