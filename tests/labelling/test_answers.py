from decimal import Decimal

import pytest
from django.utils import translation

from audit.models import AuditEvent
from core.exceptions import ConflictError, DomainError, InvalidTransition
from labelling.models import Answer, Assessment, AssessmentStatus
from labelling.services.answers import (
    answer_save,
    assessment_create,
    assessment_submit,
    value_parse,
)
from tests import factories
from tests.labelling.samples import fill


def _answer(assessment, code) -> Answer:
    return assessment.answers.select_related("indicator").get(indicator__code=code)


@pytest.fixture
def assessment(framework, cluster, manager):
    return assessment_create(user=manager, cluster=cluster, reference_year=2025)


def test_create_makes_one_answer_per_indicator_of_the_default_framework(assessment, framework):
    assert assessment.framework == framework
    assert assessment.status == AssessmentStatus.DRAFT
    codes = list(assessment.answers.order_by("indicator__position").values_list("indicator__code", flat=True))
    assert len(codes) == 31
    assert codes[:4] == ["S1", "S2", "S3", "S4"]
    assert AuditEvent.objects.filter(assessment=assessment, action="assessment.created").count() == 1


def test_create_fills_proposals_from_the_cluster_records(framework, cluster, manager):
    factories.MemberFactory.create_batch(3, cluster=cluster)
    factories.MemberFactory(cluster=cluster, member_type="research")
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025)
    s3 = _answer(assessment, "S3")
    assert s3.proposed_number == 4
    assert s3.proposal_explanation
    assert _answer(assessment, "S2").proposed_number == 75
    assert s3.declared_number is None  # proposals are offered, not declared


def test_create_copies_the_cluster_eligibility_unless_told_otherwise(framework, cluster, manager):
    cluster.public_profile = False
    cluster.save()
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025, legal_entity=False)
    assert (assessment.legal_entity, assessment.public_profile) == (False, False)


def test_create_refuses_a_second_open_assessment_for_the_same_year(assessment, cluster, manager):
    with pytest.raises(DomainError) as exc, translation.override("en"):
        assessment_create(user=manager, cluster=cluster, reference_year=2025)
    assert exc.value.errors == {
        "reference_year": [
            "This cluster already has an assessment for 2025: open it from the list, or withdraw it if it is a draft."
        ]
    }
    assert Assessment.objects.filter(cluster=cluster).count() == 1


@pytest.mark.parametrize("year", [1999, 2100, "abc", None])
def test_create_refuses_an_impossible_reference_year(framework, cluster, manager, year):
    with pytest.raises(DomainError) as exc:
        assessment_create(user=manager, cluster=cluster, reference_year=year)
    assert list(exc.value.errors) == ["reference_year"]
    assert not Assessment.objects.exists()


def test_create_refuses_a_previous_assessment_of_another_cluster(framework, cluster, other_cluster, manager):
    foreign = assessment_create(user=None, cluster=other_cluster, reference_year=2024)
    with pytest.raises(DomainError) as exc:
        assessment_create(user=manager, cluster=cluster, reference_year=2025, previous=foreign)
    assert list(exc.value.errors) == ["previous"]


def test_renewal_copies_answers_and_comments_but_not_the_review(framework, cluster, manager):
    first = assessment_create(user=manager, cluster=cluster, reference_year=2023)
    fill(first, manager)
    s1 = _answer(first, "S1")
    Answer.objects.filter(pk=s1.pk).update(validated_number=Decimal(70), reviewed=True, justification="x")
    renewal = assessment_create(user=manager, cluster=cluster, reference_year=2025, previous=first)
    copied = _answer(renewal, "S1")
    assert copied.declared_number == 70  # the validated value of last time
    assert copied.validated_number is None and not copied.reviewed and copied.justification == ""
    assert copied.comment == "Checked against our own figures."
    assert _answer(renewal, "V1").declared_option == "co_built"
    assert renewal.previous == first


@pytest.mark.parametrize(
    ("code", "raw", "expected"),
    [
        ("S3", "12", 12),
        ("S3", 12, 12),
        ("G2", "4,5", Decimal("4.5")),
        ("G2", 4.25, Decimal("4.25")),
        ("S1", "100", Decimal(100)),
        ("V1", "consulted", "consulted"),
        ("S1", "", None),
        ("V1", None, None),
    ],
)
def test_value_parse_accepts_values_of_the_indicator_type(framework, code, raw, expected):
    indicator = framework.indicators.get(code=code)
    assert value_parse(indicator=indicator, raw=raw) == expected


@pytest.mark.parametrize(
    ("code", "raw", "message"),
    [
        ("S3", "12.5", "Enter a whole number."),
        ("S3", "-1", "The value cannot be negative."),
        ("S1", "101", "The value cannot be more than 100."),
        ("V8", "8", "The value cannot be more than 7."),
        ("G2", "abc", "Enter a number."),
        ("G2", "1.2345", "Use at most 3 decimal places."),
        ("G2", "NaN", "Enter a number."),
        ("G2", True, "Enter a number."),
        ("V1", "excellent", "Choose one of: co_built, consulted, none."),
    ],
)
def test_value_parse_refuses_values_outside_the_type_or_range(framework, code, raw, message):
    indicator = framework.indicators.get(code=code)
    with pytest.raises(DomainError) as exc, translation.override("en"):
        value_parse(indicator=indicator, raw=raw)
    assert exc.value.errors == {"value": [message]}


def test_answer_save_declares_the_value_bumps_the_version_and_audits(assessment, manager):
    answer = _answer(assessment, "G2")
    saved = answer_save(user=manager, answer=answer, value="3,5", comment=" FTE from payroll ", expected_version=1)
    answer.refresh_from_db()
    assert answer.declared_number == Decimal("3.5")
    assert answer.comment == "FTE from payroll"
    assert answer.version == saved.version == 2
    event = AuditEvent.objects.get(assessment=assessment, action="answer.declared")
    assert (event.target, event.before, event.after) == (
        "G2",
        {"value": None, "comment": ""},
        {"value": "3.5", "comment": "FTE from payroll"},
    )


def test_answer_save_clears_an_answer_with_an_empty_value(assessment, manager):
    answer = _answer(assessment, "V1")
    answer_save(user=manager, answer=answer, value="consulted", expected_version=answer.version)
    answer_save(user=manager, answer=answer, value="", expected_version=answer.version)
    answer.refresh_from_db()
    assert answer.declared_option == "" and not answer.is_answered


def test_answer_save_refuses_a_bad_value_and_keeps_the_old_one(assessment, manager):
    answer = _answer(assessment, "S1")
    answer_save(user=manager, answer=answer, value=60, expected_version=answer.version)
    with pytest.raises(DomainError) as exc:
        answer_save(user=manager, answer=answer, value="150", comment="x" * 5000, expected_version=answer.version)
    assert set(exc.value.errors) == {"value", "comment"}
    answer.refresh_from_db()
    assert answer.declared_number == 60 and answer.version == 2


def test_answer_save_with_a_stale_version_raises_a_conflict(assessment, manager):
    answer = _answer(assessment, "S1")
    answer_save(user=manager, answer=answer, value=60, expected_version=1)
    with pytest.raises(ConflictError):
        answer_save(user=manager, answer=_answer(assessment, "S1"), value=70, expected_version=1)
    assert _answer(assessment, "S1").declared_number == 60


def test_answer_save_without_a_change_keeps_the_version(assessment, manager):
    answer = _answer(assessment, "S1")
    answer_save(user=manager, answer=answer, value=60, expected_version=answer.version)
    answer_save(user=manager, answer=answer, value="60.0", expected_version=2)
    assert _answer(assessment, "S1").version == 2
    assert AuditEvent.objects.filter(action="answer.declared").count() == 1


def test_submit_refuses_an_incomplete_assessment_with_the_list_of_what_is_missing(
    assessment, manager, prerequisites_met
):
    with pytest.raises(DomainError) as exc:
        assessment_submit(user=manager, assessment=assessment, expected_version=assessment.version)
    assert len(exc.value.errors) == 31
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT and assessment.submitted_at is None


def test_submit_freezes_a_complete_assessment_for_the_manager(assessment, manager, prerequisites_met):
    fill(assessment, manager)
    assessment_submit(user=manager, assessment=assessment, expected_version=assessment.version)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED and assessment.submitted_at is not None
    event = AuditEvent.objects.get(assessment=assessment, action="assessment.submitted")
    assert (event.before, event.after) == ({"status": "draft"}, {"status": "submitted"})
    s1 = _answer(assessment, "S1")
    with pytest.raises(InvalidTransition):
        answer_save(user=manager, answer=s1, value=10, expected_version=s1.version)
    with pytest.raises(InvalidTransition):
        assessment_submit(user=manager, assessment=assessment, expected_version=assessment.version)
    assert _answer(assessment, "S1").declared_number == 80


def test_a_manager_resubmits_after_changes_are_requested(assessment, manager, prerequisites_met):
    fill(assessment, manager)
    assessment_submit(user=manager, assessment=assessment, expected_version=assessment.version)
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.CHANGES_REQUESTED)
    assessment.refresh_from_db()
    s1 = _answer(assessment, "S1")
    answer_save(user=manager, answer=s1, value=90, expected_version=s1.version)
    assessment_submit(user=manager, assessment=assessment, expected_version=assessment.version)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED


def test_submit_with_a_stale_assessment_version_raises_a_conflict(assessment, manager, prerequisites_met):
    fill(assessment, manager)
    with pytest.raises(ConflictError):
        assessment_submit(user=manager, assessment=assessment, expected_version=assessment.version + 1)


def test_assessment_factory_makes_answers_and_sets_extra_fields(framework, assessor):
    assessment = factories.AssessmentFactory(status=AssessmentStatus.IN_REVIEW, assessor=assessor)
    assessment.refresh_from_db()
    assert assessment.answers.count() == 31
    assert assessment.status == AssessmentStatus.IN_REVIEW and assessment.assessor == assessor
