"""The review and decision services: each rule, each refusal, the database state and the audit trail."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from audit.models import AuditEvent
from core.exceptions import ConflictError, DomainError, InvalidTransition, NotFound
from labelling.models import Answer, AssessmentStatus, Decision, Label, Review
from labelling.services.answers import answer_save, assessment_submit
from labelling.services.workflow import (
    answer_review,
    assessment_assign,
    assessment_decide,
    assessment_request_changes,
    assessment_validate,
    review_declare_no_conflict,
)
from tests import factories
from tests.expertise.helpers import visited_with_findings
from tests.labelling.workflow_helpers import (
    accept_all,
    answer_of,
    countersigned,
    decided,
    events_of,
    in_review,
    submitted,
    validated,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# --- assign --------------------------------------------------------------------------------------------


def test_assign_puts_a_submitted_assessment_in_review_and_audits_it(
    framework, cluster, manager, administrator, assessor
):
    assessment = submitted(cluster, manager)
    result = assessment_assign(user=administrator, assessment=assessment, assessor=assessor)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_REVIEW
    assert assessment.assessor == assessor
    assert result.pk == assessment.pk
    [event] = events_of(assessment, "assessment.assigned")
    assert event.actor == administrator
    assert event.before == {"status": "submitted", "assessor": None}
    assert event.after == {"status": "in_review", "assessor": "assessor"}


def test_assign_emails_the_assessor_after_commit(
    framework, cluster, manager, administrator, assessor, eager_celery, django_capture_on_commit_callbacks
):
    assessment = submitted(cluster, manager)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_assign(user=administrator, assessment=assessment, assessor=assessor)
    [message] = mail.outbox
    assert message.to == [assessor.email]
    assert cluster.name in message.subject
    assert f"/assessments/{assessment.pk}/" in message.body


def test_assign_refuses_a_user_who_is_not_an_assessor(framework, cluster, manager, administrator, other_manager):
    assessment = submitted(cluster, manager)
    with pytest.raises(DomainError) as exc:
        assessment_assign(user=administrator, assessment=assessment, assessor=other_manager)
    assert exc.value.errors == {"assessor": ["This user is not an assessor."]}
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED and assessment.assessor is None


def test_assign_is_for_administrators_only(framework, cluster, manager, assessor):
    assessment = submitted(cluster, manager)
    with pytest.raises(NotFound):
        assessment_assign(user=manager, assessment=assessment, assessor=assessor)
    assert not events_of(assessment, "assessment.assigned")


def test_assign_refuses_a_draft(framework, cluster, manager, administrator, assessor):
    assessment = factories.AssessmentFactory(cluster=cluster)
    with pytest.raises(InvalidTransition):
        assessment_assign(user=administrator, assessment=assessment, assessor=assessor)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_reassigning_needs_a_new_declaration_from_the_new_assessor(
    framework, cluster, manager, administrator, assessor, other_assessor
):
    assessment = in_review(cluster, manager, administrator, assessor)
    assessment_assign(user=administrator, assessment=assessment, assessor=other_assessor)
    s1 = answer_of(assessment, "S1")
    with pytest.raises(InvalidTransition, match="conflict of interest"):
        answer_review(user=other_assessor, answer=s1, accept=True, expected_version=s1.version)
    s1 = answer_of(assessment, "S1")
    with pytest.raises(NotFound):
        answer_review(user=assessor, answer=s1, accept=True, expected_version=s1.version)


# --- conflict of interest -----------------------------------------------------------------------------


def test_declare_no_conflict_records_the_review_and_audits(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor, declared=False)
    review = review_declare_no_conflict(user=assessor, assessment=assessment)
    assert Review.objects.get(assessment=assessment, assessor=assessor).no_conflict_declared_at is not None
    assert review.conflict_declared is False
    [event] = events_of(assessment, "review.no_conflict_declared")
    assert event.actor == assessor and event.after == {"no_conflict_declared": True}


def test_only_the_assigned_assessor_declares(framework, cluster, manager, administrator, assessor, other_assessor):
    assessment = in_review(cluster, manager, administrator, assessor, declared=False)
    with pytest.raises(NotFound):
        review_declare_no_conflict(user=other_assessor, assessment=assessment)
    assert not Review.objects.exists()


def test_no_review_action_before_the_declaration(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor, declared=False)
    s1 = answer_of(assessment, "S1")
    with pytest.raises(InvalidTransition, match="no conflict of interest"):
        answer_review(user=assessor, answer=s1, accept=True, expected_version=s1.version)
    with pytest.raises(InvalidTransition):
        assessment_request_changes(user=assessor, assessment=assessment, comment="Fix S1")
    visited_with_findings(assessment, assessor)  # so that the refusal is the declaration's
    with pytest.raises(InvalidTransition):
        assessment_validate(user=assessor, assessment=assessment)
    assert not answer_of(assessment, "S1").reviewed


# --- answer review ------------------------------------------------------------------------------------


def test_accepting_copies_the_declared_value_into_the_validated_one(
    framework, cluster, manager, administrator, assessor
):
    assessment = in_review(cluster, manager, administrator, assessor)
    s3 = answer_of(assessment, "S3")
    answer = answer_review(user=assessor, answer=s3, accept=True, comment="Seen the list.", expected_version=s3.version)
    answer.refresh_from_db()
    assert answer.reviewed
    assert answer.validated_number == answer.declared_number == Decimal(50)
    assert answer.assessor_comment == "Seen the list."
    [event] = events_of(assessment, "answer.accepted")
    assert event.target == "S3"
    assert event.before["validated"] is None and event.after["validated"] == 50


def test_correcting_keeps_the_declared_value_and_requires_a_justification(
    framework, cluster, manager, administrator, assessor
):
    assessment = in_review(cluster, manager, administrator, assessor)
    s3 = answer_of(assessment, "S3")
    with pytest.raises(DomainError) as exc:
        answer_review(user=assessor, answer=s3, accept=False, value="40", expected_version=s3.version)
    assert exc.value.errors == {"justification": ["Explain why the declared value is corrected."]}
    assert not answer_of(assessment, "S3").reviewed

    s3 = answer_of(assessment, "S3")
    answer_review(
        user=assessor,
        answer=s3,
        accept=False,
        value="40",
        justification="10 members left.",
        expected_version=s3.version,
    )
    answer = answer_of(assessment, "S3")
    assert answer.declared_number == Decimal(50)
    assert answer.validated_number == Decimal(40)
    assert answer.justification == "10 members left."
    [event] = events_of(assessment, "answer.corrected")
    assert event.after["declared"] == 50 and event.after["validated"] == 40


def test_a_correction_is_checked_against_the_indicator_type(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    s1 = answer_of(assessment, "S1")
    with pytest.raises(DomainError) as exc:
        answer_review(
            user=assessor, answer=s1, accept=False, value="120", justification="x", expected_version=s1.version
        )
    assert exc.value.errors == {"value": ["The value cannot be more than 100."]}
    v1 = answer_of(assessment, "V1")
    with pytest.raises(DomainError) as exc:
        answer_review(
            user=assessor, answer=v1, accept=False, value="great", justification="x", expected_version=v1.version
        )
    assert list(exc.value.errors) == ["value"]
    assert exc.value.errors["value"][0].startswith("Choose one of:")
    v1 = answer_of(assessment, "V1")
    answer_review(
        user=assessor, answer=v1, accept=False, value="consulted", justification="x", expected_version=v1.version
    )
    assert answer_of(assessment, "V1").validated_option == "consulted"


def test_a_correction_without_a_value_is_refused(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    s1 = answer_of(assessment, "S1")
    with pytest.raises(DomainError) as exc:
        answer_review(user=assessor, answer=s1, accept=False, value="", justification="x", expected_version=s1.version)
    assert exc.value.errors == {"value": ["Enter the corrected value."]}


def test_review_with_a_stale_version_is_a_conflict(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    answer = answer_of(assessment, "S1")
    answer_review(user=assessor, answer=answer, accept=True, expected_version=answer.version)
    with pytest.raises(ConflictError):
        answer_review(user=assessor, answer=answer, accept=True, expected_version=answer.version)


def test_other_users_cannot_review(framework, cluster, manager, administrator, assessor, other_assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    for user in (other_assessor, manager, administrator):
        s1 = answer_of(assessment, "S1")
        with pytest.raises(NotFound):
            answer_review(user=user, answer=s1, accept=True, expected_version=s1.version)


# --- request changes ----------------------------------------------------------------------------------


def test_request_changes_needs_a_comment(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    with pytest.raises(DomainError) as exc:
        assessment_request_changes(user=assessor, assessment=assessment, comment="  ")
    assert exc.value.errors == {"comment": ["Say what the manager should change, in general or on named indicators."]}
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_REVIEW


def test_request_changes_sends_it_back_and_emails_the_managers(
    framework, cluster, manager, administrator, assessor, eager_celery, django_capture_on_commit_callbacks
):
    assessment = in_review(cluster, manager, administrator, assessor)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_request_changes(user=assessor, assessment=assessment, comment="S3: send the member list.")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.CHANGES_REQUESTED
    assert assessment.assessor == assessor  # stays assigned
    [event] = events_of(assessment, "assessment.changes_requested")
    assert event.after == {"status": "changes_requested", "comment": "S3: send the member list.", "requests": {}}
    [message] = mail.outbox
    assert message.to == [manager.email]
    assert "S3: send the member list." in message.body


def test_after_resubmission_a_changed_answer_needs_a_new_review(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    accept_all(assessment, assessor)
    assessment_request_changes(user=assessor, assessment=assessment, comment="Check S3.")
    assessment.refresh_from_db()  # the manager opens it again: changes requested
    s3 = answer_of(assessment, "S3")
    answer_save(user=manager, answer=s3, value="60", comment="Recounted.", expected_version=s3.version)
    # Straight back to the same assessor.
    assessment_submit(user=manager, assessment=assessment, expected_version=assessment.version)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.assessor) == (AssessmentStatus.IN_REVIEW, assessor)
    visited_with_findings(assessment, assessor)
    with pytest.raises(DomainError) as exc:
        assessment_validate(user=assessor, assessment=assessment)
    assert exc.value.errors == {"answers": ["S3"]}
    s3 = answer_of(assessment, "S3")
    answer_review(user=assessor, answer=s3, accept=True, expected_version=s3.version)
    assert assessment_validate(user=assessor, assessment=assessment).status == AssessmentStatus.VALIDATED


# --- validate -----------------------------------------------------------------------------------------


def test_validate_refuses_with_the_codes_not_reviewed(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    for answer in Answer.objects.filter(assessment=assessment).select_related("indicator", "assessment"):
        if answer.indicator.code not in ("S1", "R3"):
            answer_review(user=assessor, answer=answer, accept=True, expected_version=answer.version)
    visited_with_findings(assessment, assessor)  # so that the refusal is the review's
    with pytest.raises(DomainError) as exc:
        assessment_validate(user=assessor, assessment=assessment)
    assert exc.value.errors == {"answers": ["S1", "R3"]}
    assert "S1, R3" in str(exc.value.message)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_REVIEW and assessment.validated_on is None


@time_machine.travel(datetime.datetime(2026, 3, 15, 10, 0, tzinfo=datetime.UTC))
def test_validate_records_today_and_the_recommended_level(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    accept_all(assessment, assessor)
    visited_with_findings(assessment, assessor)
    assessment_validate(user=assessor, assessment=assessment, recommended_level="gold")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.VALIDATED
    assert assessment.validated_on == datetime.date(2026, 3, 15)
    assert assessment.recommended_level == "gold"
    [event] = events_of(assessment, "assessment.validated")
    assert event.after == {"status": "validated", "validated_on": "2026-03-15", "recommended_level": "gold"}


def test_validate_refuses_an_unknown_level(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    accept_all(assessment, assessor)
    with pytest.raises(DomainError) as exc:
        assessment_validate(user=assessor, assessment=assessment, recommended_level="platinum")
    assert exc.value.errors == {"recommended_level": ["Choose a level from the list."]}


def test_validated_values_cannot_be_reviewed_again(framework, cluster, manager, administrator, assessor):
    assessment = validated(cluster, manager, administrator, assessor)
    s1 = answer_of(assessment, "S1")
    with pytest.raises(InvalidTransition):
        answer_review(user=assessor, answer=s1, accept=False, value="1", justification="x", expected_version=s1.version)
    assert answer_of(assessment, "S1").validated_number == Decimal(75)


# --- score and decide ---------------------------------------------------------------------------------


def test_decide_confirms_the_computed_level_and_issues_the_label(
    framework, cluster, manager, administrator, assessor, eager_celery, django_capture_on_commit_callbacks
):
    assessment = countersigned(validated(cluster, manager, administrator, assessor), administrator)
    with time_machine.travel(datetime.datetime(2026, 3, 15, 10, 0, tzinfo=datetime.UTC)):
        with django_capture_on_commit_callbacks(execute=True):
            decision = assessment_decide(user=administrator, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DECIDED
    assert decision.computed_level == decision.level == "gold"
    assert decision.decided_by == administrator and decision.decided_on == datetime.date(2026, 3, 15)
    assert decision.scores["level"] == "gold" and decision.scores["points"] == 150
    assert set(decision.scores["indicators"]) == {a.indicator.code for a in assessment.answers.all()}
    label = Label.objects.get(assessment=assessment)
    assert label.level == "gold"
    assert re.fullmatch(rf"GRP-2026-{label.pk:06d}-[0-9A-HJKMNP-TV-Z]{{8}}", label.certificate_number)
    assert label.awarded_on == datetime.date(2026, 3, 15)
    assert label.expires_on == datetime.date(2028, 3, 14)
    assert [e.action for e in AuditEvent.objects.filter(assessment=assessment).order_by("id")][-2:] == [
        "assessment.decided",
        "label.awarded",
    ]
    assert mail.outbox[-1].to == [manager.email]
    assert label.certificate_number in mail.outbox[-1].body


def test_deciding_another_level_needs_a_reason(framework, cluster, manager, administrator, assessor):
    assessment = validated(cluster, manager, administrator, assessor)
    with pytest.raises(DomainError) as exc:
        assessment_decide(user=administrator, assessment=assessment, level="silver")
    assert exc.value.errors == {"reason": ["Give the reason for deciding another level than the computed one."]}
    assert not Decision.objects.exists() and not Label.objects.exists()
    decision = assessment_decide(user=administrator, assessment=assessment, level="silver", reason="Site visit.")
    assert (decision.computed_level, decision.level, decision.reason) == ("gold", "silver", "Site visit.")
    assert Label.objects.get().level == "silver"


def test_deciding_no_label_issues_none(framework, cluster, manager, administrator, assessor):
    assessment = validated(cluster, manager, administrator, assessor)
    assessment_decide(user=administrator, assessment=assessment, level="none", reason="Eligibility doubts.")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DECIDED
    assert not Label.objects.exists()


def test_decide_is_refused_before_validation_and_to_non_admins(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    with pytest.raises(InvalidTransition, match="Only a validated assessment"):
        assessment_decide(user=administrator, assessment=assessment)
    accept_all(assessment, assessor)
    visited_with_findings(assessment, assessor)
    assessment_validate(user=assessor, assessment=assessment)
    for user in (manager, assessor):
        with pytest.raises(NotFound):
            assessment_decide(user=user, assessment=assessment)
    assert not Decision.objects.exists()


def test_a_decided_assessment_cannot_be_decided_twice(framework, cluster, manager, administrator, assessor):
    decision = decided(cluster, manager, administrator, assessor)
    with pytest.raises(InvalidTransition):
        assessment_decide(user=administrator, assessment=decision.assessment)
    assert Label.objects.count() == 1


def test_the_declared_values_are_never_touched_by_the_review(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    before = {a.pk: (a.declared_number, a.declared_option, a.comment) for a in assessment.answers.all()}
    accept_all(assessment, assessor)
    g2 = answer_of(assessment, "G2")
    answer_review(
        user=assessor, answer=g2, accept=False, value="2", justification="Payroll.", expected_version=g2.version
    )
    after = {a.pk: (a.declared_number, a.declared_option, a.comment) for a in assessment.answers.all()}
    assert before == after
