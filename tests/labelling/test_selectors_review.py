"""The review selectors: the assessment page's reads take the user and respect who may see the assessment."""

from __future__ import annotations

import pytest

from core.exceptions import NotFound
from labelling.selectors import countersignature_state, detail_facts, review_answers, review_for
from tests.labelling.workflow_helpers import in_review, submitted

pytestmark = pytest.mark.django_db


def test_the_page_s_reads_are_refused_to_who_may_not_see_the_assessment(
    framework, cluster, manager, other_manager, administrator, assessor, other_assessor
):
    assessment = in_review(cluster, manager, administrator, assessor)
    for user in (other_manager, other_assessor):
        with pytest.raises(NotFound):
            detail_facts(user=user, assessment=assessment)
        with pytest.raises(NotFound):
            review_answers(user=user, assessment=assessment)


def test_the_assessor_reads_the_score_and_the_manager_does_not(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    mine = detail_facts(user=assessor, assessment=assessment)
    assert mine.may["assessor"] and not mine.may["assign"]
    assert mine.result is not None and mine.provisional is True
    assert mine.review == review_for(assessment=assessment, assessor=assessor)
    theirs = detail_facts(user=manager, assessment=assessment)
    assert theirs.result is None and not theirs.may["assessor"]


def test_review_answers_come_in_the_framework_s_order_with_flags_only_when_asked(
    framework, cluster, manager, administrator
):
    assessment = submitted(cluster, manager)
    answers, flags = review_answers(user=administrator, assessment=assessment)
    assert [a.indicator.code for a in answers][:3] == ["S1", "S2", "S3"]
    assert flags == {}
    _answers, asked = review_answers(user=administrator, assessment=assessment, anomalies=True)
    assert isinstance(asked, dict)


def test_without_a_second_assessor_gold_waits_for_one_where_the_framework_asks(
    framework, cluster, manager, administrator, assessor
):
    assessment = in_review(cluster, manager, administrator, assessor)
    state = countersignature_state(assessment=assessment)
    assert state["second_assessor"] is None and state["review"] is None
    assert state["gold_allowed"] is (not assessment.framework.gold_countersignature)
