"""Issue 22, item 7: a condition that does not apply is shown as not applicable, never as failed.

One mechanism marks the level's conditions (``ScoreResult.conditions``, drawn by ``includes/condition_mark.html``):
the PDF report and the assessment's page read it. A first assessment (nothing to compare with) and a Gold level
(which does not need them) never carry a red ✗ on the Silver conditions.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.computations import (
    LEVEL_GOLD,
    LEVEL_SILVER,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    Eligibility,
    PreviousAssessment,
    score_assessment,
)
from indicators.spec import default_framework_spec
from labelling.models import Report
from labelling.services.reports import report_html
from tests.labelling.workflow_helpers import decided, value_for

ECEI = default_framework_spec()
YES = Eligibility(legal_entity=True, public_profile=True)


def _values(result: str) -> dict:
    return {spec.code: value_for(spec, result) for spec in ECEI.indicators}


def _score(values, previous=None):
    return score_assessment(ECEI, values, eligibility=YES, validated_on=date(2026, 3, 1), previous=previous)


def test_a_first_gold_assessment_has_no_failed_condition():
    result = _score(_values("full"))
    assert result.level == LEVEL_GOLD
    assert result.conditions() == {"eligibility": MET, "baseline": MET, "gold_score": MET, "silver": NOT_APPLICABLE}


def test_a_first_bronze_assessment_shows_silver_as_not_applicable_and_gold_as_not_met():
    result = _score(_values("partial"))
    assert result.conditions()["silver"] == NOT_APPLICABLE
    assert result.conditions()["gold_score"] == NOT_MET


def test_a_gold_level_with_a_previous_assessment_does_not_fail_silver():
    previous = PreviousAssessment(validated_on=date(2023, 1, 1), answers=_values("full"))  # outside the window
    assert _score(_values("full"), previous).conditions()["silver"] == NOT_APPLICABLE


def test_silver_conditions_that_apply_are_met_or_not_met():
    previous = PreviousAssessment(validated_on=date(2024, 6, 1), answers=_values("none"))
    assert _score(_values("partial"), previous).conditions()["silver"] == MET
    stale = PreviousAssessment(validated_on=date(2020, 6, 1), answers=_values("none"))  # outside the window
    assert _score(_values("partial"), stale).conditions()["silver"] == NOT_MET


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(["full", "partial", "none"]),
    before=st.one_of(st.none(), st.sampled_from(["full", "partial", "none"])),
    months=st.integers(min_value=1, max_value=48),
)
def test_the_conditions_agree_with_the_level(base, before, months):
    previous = None
    if before is not None:
        year, month = divmod(2026 * 12 + 2 - months, 12)
        previous = PreviousAssessment(validated_on=date(year, month + 1, 1), answers=_values(before))
    result = _score(_values(base), previous)
    conditions = result.conditions()
    if previous is None or result.level == LEVEL_GOLD:
        assert conditions["silver"] != NOT_MET  # never a failure where it does not apply
    if result.level == LEVEL_SILVER:
        assert conditions["silver"] == MET and conditions["baseline"] == MET


# --- what users read: the PDF report and the page -------------------------------------------------------------


@pytest.fixture
def gold_first(framework, cluster, manager, administrator, assessor):
    return decided(cluster, manager, administrator, assessor).assessment


def _silver_row(html: str) -> str:
    rows = re.findall(r"<tr class=\"[a-z_]+\">.*?</tr>", html, flags=re.S)
    (row,) = [r for r in rows if "Silver conditions" in r or "Conditions de l’Argent" in r or "Argent" in r]
    return row


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_report_of_a_first_gold_assessment_has_no_red_cross(gold_first, manager, language):
    report = Report.objects.create(assessment=gold_first, kind="assessment", language=language, requested_by=manager)
    html = report_html(report=report)
    summary = html[html.index('id="summary"') : html.index("</table>", html.index('id="summary"'))]
    assert "✗" not in summary
    row = _silver_row(summary)
    assert 'class="not_applicable"' in row and "–" in row
    assert ("Not applicable" if language == "en" else "Sans objet") in row


@pytest.mark.django_db
def test_the_assessment_page_marks_the_same_conditions(gold_first, administrator, client_for, english):
    html = client_for(administrator).get(reverse("labelling:assessment_detail", args=[gold_first.pk])).content.decode()
    conditions = html[html.index('id="level-conditions"') : html.index("</ul>", html.index('id="level-conditions"'))]
    assert "✗" not in conditions
    assert 'class="condition-not_applicable"' in conditions and "Silver conditions" in conditions
