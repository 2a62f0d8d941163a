"""The selectors of the manager's side: what is missing before submission, the progress, the score preview, and
the page-level reads that take the user."""

import pytest
from django.utils import translation

from core.exceptions import NotFound
from labelling.selectors import (
    answer_get,
    assessment_missing,
    assessment_progress,
    assessment_score_preview,
    fill_categories,
    manager_answer_get,
    previous_answers,
    summary_facts,
)
from labelling.services.answers import answer_save, assessment_create
from tests import factories
from tests.labelling.samples import fill

pytestmark = pytest.mark.django_db


def _answer(assessment, code):
    return assessment.answers.select_related("indicator").get(indicator__code=code)


@pytest.fixture
def assessment(framework, cluster, manager):
    return assessment_create(user=manager, cluster=cluster, reference_year=2025)


def test_missing_lists_every_unanswered_indicator(assessment, manager):
    s1 = _answer(assessment, "S1")
    answer_save(user=manager, answer=s1, value=60, expected_version=s1.version)
    missing = assessment_missing(assessment=assessment)
    assert len(missing) == 30
    assert missing[0].startswith("S2 — ")
    assert not any(line.startswith("S1 ") for line in missing)


def test_missing_asks_for_a_comment_when_the_value_overrides_the_proposal(framework, cluster, manager):
    factories.MemberFactory.create_batch(2, cluster=cluster)
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025)
    fill(assessment, manager)
    assert assessment_missing(assessment=assessment) == []
    s3 = _answer(assessment, "S3")
    answer_save(user=manager, answer=s3, value=120, comment="", expected_version=s3.version)
    with translation.override("en"):
        missing = assessment_missing(assessment=assessment)
    assert missing == [
        "S3 — Committed participants: the value differs from the proposed one; explain why in a comment."
    ]  # declared 120, the records say 2
    s3 = _answer(assessment, "S3")
    answer_save(user=manager, answer=s3, value=2, expected_version=s3.version)
    assert assessment_missing(assessment=assessment) == []


def test_progress_counts_answers_and_expected_evidence(assessment, manager):
    s1 = _answer(assessment, "S1")
    answer_save(user=manager, answer=s1, value=60, expected_version=s1.version)
    progress = assessment_progress(assessment=assessment)
    assert progress["answered"] == 1 and progress["total"] == 31
    # baseline indicators plus those not computed from the records
    assert progress["evidence_expected"] == 25
    assert progress["evidence_attached"] == 0


def test_score_preview_gives_gold_for_full_answers(assessment, manager):
    fill(assessment, manager)
    result = assessment_score_preview(assessment=assessment)
    assert result.level == "gold"
    assert result.points == 150


def test_score_preview_counts_unanswered_indicators_as_none(assessment, manager):
    s3 = _answer(assessment, "S3")
    answer_save(user=manager, answer=s3, value=120, expected_version=s3.version)
    result = assessment_score_preview(assessment=assessment)
    assert result.points == 6
    assert result.indicators["S3"].result == "full"
    assert result.indicators["S1"].result == "none"


# --- the page-level reads take the user ----------------------------------------------------------------------


def test_the_summary_reads_what_the_page_shows_for_its_manager(assessment, manager):
    s1 = _answer(assessment, "S1")
    answer_save(user=manager, answer=s1, value=60, expected_version=s1.version)
    facts = summary_facts(user=manager, assessment=assessment)
    assert [a.indicator.code for a in facts.answers][:2] == ["S1", "S2"]
    assert facts.progress["answered"] == 1
    assert len(facts.missing) == 30
    assert facts.review is None  # no change request
    assert facts.preview.indicators["S1"].result in ("full", "partial", "none")


def test_the_summary_and_the_previous_answers_are_not_read_for_someone_who_may_not_see_the_assessment(
    assessment, other_manager, assessor
):
    for user in (other_manager, assessor):
        with pytest.raises(NotFound):
            summary_facts(user=user, assessment=assessment)
        with pytest.raises(NotFound):
            previous_answers(user=user, assessment=assessment)


def test_previous_answers_are_the_renewed_assessment_s(framework, cluster, manager):
    first = assessment_create(user=manager, cluster=cluster, reference_year=2024)
    s1 = _answer(first, "S1")
    answer_save(user=manager, answer=s1, value=55, expected_version=s1.version)
    renewal = assessment_create(user=manager, cluster=cluster, reference_year=2025, previous=first)
    assert previous_answers(user=manager, assessment=first) == {}
    previous = previous_answers(user=manager, assessment=renewal)
    assert previous["S1"].assessment_id == first.pk
    assert previous["S1"].declared_number == 55


def test_the_manager_s_pages_find_an_answer_by_its_code_or_not_at_all(assessment, manager):
    answer = answer_get(assessment=assessment, code="S1")
    assert answer.indicator.code == "S1" and answer.assessment is assessment
    for code in ("NOPE", "S1\x00", ""):  # unknown, or a code PostgreSQL cannot compare
        with pytest.raises(NotFound) as refused:
            answer_get(assessment=assessment, code=code)
        assert str(refused.value.message) == "Indicateur inconnu."


def test_the_fill_page_s_categories_are_in_order_and_an_unknown_one_is_not_found(assessment):
    categories, first = fill_categories(assessment=assessment)
    assert first == categories[0] and [c.position for c in categories] == sorted(c.position for c in categories)
    assert fill_categories(assessment=assessment, code=categories[-1].code)[1] == categories[-1]
    with pytest.raises(NotFound):
        fill_categories(assessment=assessment, code="ZZ")


def test_an_answer_s_evidence_page_is_for_its_managers_only(assessment, manager, other_manager, administrator):
    answer = _answer(assessment, "S1")
    assert manager_answer_get(user=manager, pk=answer.pk).assessment == assessment
    for user in (other_manager, administrator):  # an administrator sees the assessment but does not manage it
        with pytest.raises(NotFound):
            manager_answer_get(user=user, pk=answer.pk)
