"""Appeals, through their services: what may be appealed and until when, who may handle it, the question and the
answer, the outcome (a label issued, raised or restored by labelling's own services), the audit trail and the
e-mails in each recipient's language."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from appeals.models import Appeal, AppealFile, AppealStatus
from appeals.selectors import appealable_decisions, appealable_for
from appeals.services import appeal_answer, appeal_ask, appeal_decide, appeal_lodge
from audit.models import AuditEvent
from committee.services import case_decide
from core.exceptions import ConflictError, DomainError, InvalidFields, InvalidTransition, NotFound
from core.text import long_date
from labelling.models import CERTIFICATE_NUMBER_RE, Decision, Label, LabelStatus
from tests import factories
from tests.appeals.conftest import (
    PDF,
    backdate,
    committee_case,
    lower_assessment,
    refused_assessment,
    revoked_assessment,
)
from tests.labelling.workflow_helpers import countersigned, validated

pytestmark = pytest.mark.django_db


def _pdf(name="statutes.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _lodge(assessment, manager, ground="refused", **kwargs):
    return appeal_lodge(
        user=manager, assessment=assessment, ground=ground, reasons="Our statutes were filed.", **kwargs
    )


# --- what may be appealed, until when ------------------------------------------------------------------------------


def test_a_refusal_may_be_appealed_for_thirty_days_by_the_clusters_managers(refused, manager, administrator):
    [found] = appealable_decisions(assessment=refused)
    assert found.ground == "refused" and found.label is None
    assert found.deadline == found.decided_on + datetime.timedelta(days=30)
    assert found.recused_ids == {administrator.pk}  # who decided never handles the appeal
    assert [a.ground for a in appealable_for(user=manager)] == ["refused"]
    assert appealable_for(user=administrator) == []


def test_the_window_is_a_setting(refused, manager, settings):
    settings.APPEAL_WINDOW_DAYS = 10
    [found] = appealable_decisions(assessment=refused)
    assert found.deadline == found.decided_on + datetime.timedelta(days=10)


def test_a_late_appeal_is_refused_with_its_last_day_and_nothing_is_saved(refused, manager):
    backdate(refused, 31)
    decided_on = timezone.localdate() - datetime.timedelta(days=31)
    with pytest.raises(InvalidFields) as refused_:
        _lodge(refused, manager, uploads=[_pdf()])
    deadline = decided_on + datetime.timedelta(days=30)
    message = refused_.value.errors["ground"][0]
    assert "The deadline to appeal this decision was" in message
    assert f"was {long_date(deadline)} (30 days after the decision of {long_date(decided_on)})" in message
    assert not Appeal.objects.exists() and not AppealFile.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="appeal.").exists()
    assert appealable_for(user=manager) == []
    backdate(refused, -1)  # the thirtieth day is still in time
    assert _lodge(refused, manager).pk


def test_another_clusters_manager_gets_not_found_and_a_decision_is_appealed_once(refused, manager, other_manager):
    with pytest.raises(NotFound):
        _lodge(refused, other_manager)
    _lodge(refused, manager)
    with pytest.raises(InvalidFields) as again:
        _lodge(refused, manager)
    assert again.value.errors == {"ground": ["This decision has already been appealed."]}
    with pytest.raises(InvalidFields) as wrong:
        _lodge(refused, manager, ground="revoked")
    assert "no such decision" in wrong.value.errors["ground"][0]


def test_reasons_are_required_and_files_are_checked_by_their_content(refused, manager):
    with pytest.raises(InvalidFields) as refused_:
        appeal_lodge(user=manager, assessment=refused, ground="refused", reasons="  ")
    assert refused_.value.errors == {"reasons": ["Give the reasons of your appeal."]}
    fake = SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
    with pytest.raises(InvalidFields) as refused_:
        _lodge(refused, manager, uploads=[_pdf(), fake])
    assert refused_.value.errors["files"][0].startswith("minutes.pdf: This kind of file is not accepted.")
    assert not Appeal.objects.exists() and not AppealFile.objects.exists()


def test_lodging_keeps_the_files_privately_audits_and_recuses_the_decider(refused, manager, administrator):
    appeal = _lodge(refused, manager, uploads=[_pdf(), _pdf("board.pdf")])
    assert appeal.status == AppealStatus.LODGED and appeal.recused_ids() == {administrator.pk}
    assert appeal.decision_reason == "No governance body."  # the refusal's reason, as it stood
    files = list(appeal.files.all())
    assert [f.original_name for f in files] == ["statutes.pdf", "board.pdf"]
    assert all(f.content_type == "application/pdf" and f.file.storage.exists(f.file.name) for f in files)
    assert "statutes" not in files[0].file.name  # stored under a random name
    [event] = AuditEvent.objects.filter(action="appeal.lodged")
    assert event.actor == manager and event.assessment_id == refused.pk
    assert event.after["files"] == ["statutes.pdf", "board.pdf"]


# --- who handles it; the question and the answer ---------------------------------------------------------------------


def test_the_decider_and_the_clusters_managers_cannot_handle_it(refused, manager, administrator, handler):
    appeal = _lodge(refused, manager)
    for user in (administrator, manager):
        with pytest.raises(NotFound):
            appeal_ask(user=user, appeal=appeal, question="?", expected_version=1)
        with pytest.raises(NotFound):
            appeal_decide(user=user, appeal=appeal, outcome="upheld", reason="r", expected_version=1)
    with pytest.raises(NotFound):
        appeal_answer(user=handler, appeal=appeal, answer="a", expected_version=1)


def test_the_committee_that_decided_never_handles_the_appeal(framework, cluster, manager, administrator, assessor):
    """The session's chair and members are recused; another administrator handles it."""
    member = factories.CommitteeMemberFactory(username="member")
    chair = factories.AdministratorFactory(username="chair")
    ready = countersigned(validated(cluster, manager, administrator, assessor), administrator)
    case = committee_case(ready, chair=chair, members=[member], administrator=administrator)
    case_decide(user=chair, case=case, outcome="refused", reason="No strategy.", expected_version=case.version)
    appeal = _lodge(ready, manager)
    assert appeal.recused_ids() == {chair.pk, member.pk}
    with pytest.raises(NotFound):
        appeal_decide(user=chair, appeal=appeal, outcome="upheld", reason="r", expected_version=1)
    assert appeal_decide(user=administrator, appeal=appeal, outcome="upheld", reason="r", expected_version=1)


def test_a_question_and_its_answer_with_files_go_back_and_forth(refused, manager, handler):
    appeal = _lodge(refused, manager)
    question = appeal_ask(user=handler, appeal=appeal, question="Send the minutes.", expected_version=1)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.QUESTION and appeal.version == 2
    with pytest.raises(InvalidTransition):
        appeal_ask(user=handler, appeal=appeal, question="Another?", expected_version=2)
    with pytest.raises(ConflictError):
        appeal_answer(user=manager, appeal=appeal, answer="Here.", expected_version=1)
    with pytest.raises(InvalidFields) as missing:
        appeal_answer(user=manager, appeal=appeal, answer="Here.", expected_version=None)
    assert list(missing.value.errors) == ["version"]
    appeal_answer(user=manager, appeal=appeal, answer="Here.", expected_version=2, uploads=[_pdf("minutes.pdf")])
    question.refresh_from_db()
    appeal.refresh_from_db()
    assert question.answer == "Here." and question.answered_by == manager
    assert [f.original_name for f in question.files.all()] == ["minutes.pdf"]
    assert appeal.status == AppealStatus.LODGED and appeal.version == 3
    with pytest.raises(InvalidTransition):
        appeal_answer(user=manager, appeal=appeal, answer="Again.", expected_version=3)
    events = AuditEvent.objects.filter(action__startswith="appeal.").order_by("pk")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["appeal.lodged", "appeal.question_asked", "appeal.question_answered"]


# --- the outcome ----------------------------------------------------------------------------------------------------


def test_overturning_a_refusal_issues_a_numbered_label(refused, manager, handler):
    appeal = _lodge(refused, manager)
    with pytest.raises(InvalidFields) as refused_:
        appeal_decide(user=handler, appeal=appeal, outcome="overturned", reason="Filed.", expected_version=1)
    assert list(refused_.value.errors) == ["level"]
    appeal = appeal_decide(
        user=handler, appeal=appeal, outcome="overturned", level="silver", reason="Filed.", expected_version=1
    )
    label = Label.objects.get(assessment=refused)
    assert appeal.status == AppealStatus.OVERTURNED and appeal.new_label == label and appeal.new_level == "silver"
    assert label.level == "silver" and label.status == LabelStatus.ACTIVE
    assert CERTIFICATE_NUMBER_RE.match(label.certificate_number)
    decision = Decision.objects.get(assessment=refused)
    assert decision.level == "silver" and decision.reason == "Filed."
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"appeal.decided", "assessment.decision_revised", "label.awarded"} <= actions
    with pytest.raises(InvalidTransition):
        appeal_decide(user=handler, appeal=appeal, outcome="upheld", reason="r", expected_version=appeal.version)


def test_upholding_changes_nothing_but_the_appeal(refused, manager, handler):
    appeal = _lodge(refused, manager)
    appeal = appeal_decide(user=handler, appeal=appeal, outcome="upheld", reason="No new fact.", expected_version=1)
    assert appeal.status == AppealStatus.UPHELD and appeal.new_label is None
    assert not Label.objects.filter(assessment=refused).exists()
    assert Decision.objects.get(assessment=refused).level == "none"


def test_overturning_a_lower_level_raises_it_with_a_new_label_replacing_the_lower(
    framework, cluster, manager, administrator, assessor, handler
):
    assessment = lower_assessment(cluster, manager, administrator, assessor)
    bronze = assessment.label
    [found] = appealable_decisions(assessment=assessment)
    assert found.ground == "lower_level" and found.label == bronze
    appeal = _lodge(assessment, manager, ground="lower_level")
    with pytest.raises(DomainError) as lower:
        appeal_decide(user=handler, appeal=appeal, outcome="overturned", level="bronze", reason="r", expected_version=1)
    assert "above Bronze" in lower.value.errors["level"][0]
    appeal = appeal_decide(
        user=handler, appeal=appeal, outcome="overturned", level="gold", reason="Members recounted.", expected_version=1
    )
    bronze.refresh_from_db()
    assert appeal.new_label.level == "gold" and appeal.new_label.certificate_number != bronze.certificate_number
    assert bronze.status == LabelStatus.EXPIRED and bronze.superseded_by == appeal.new_label
    assert assessment.label == appeal.new_label  # the assessment's current label
    assert appealable_decisions(assessment=assessment) == []


def test_overturning_a_revocation_restores_the_label_and_the_revoker_never_handles_it(
    framework, cluster, manager, administrator, assessor, handler
):
    revoker = factories.AdministratorFactory(username="revoker")
    assessment = revoked_assessment(cluster, manager, administrator, assessor, revoker)
    backdate(assessment, 100)  # an old decision: the revocation, today, is what is appealed
    assert [a.ground for a in appealable_for(user=manager)] == ["revoked"]
    appeal = _lodge(assessment, manager, ground="revoked")
    assert appeal.recused_ids() == {revoker.pk}
    with pytest.raises(NotFound):
        appeal_decide(user=revoker, appeal=appeal, outcome="overturned", reason="r", expected_version=1)
    appeal = appeal_decide(
        user=administrator, appeal=appeal, outcome="overturned", reason="The statements were true.", expected_version=1
    )
    label = assessment.label
    assert appeal.new_label == label and label.status == LabelStatus.ACTIVE and label.revoked_reason == ""
    assert AuditEvent.objects.filter(action="label.restored", target=label.certificate_number).exists()


# --- e-mails, in each recipient's language ---------------------------------------------------------------------------


def test_every_step_is_emailed_in_each_recipients_language(
    refused, manager, handler, administrator, eager_celery, django_capture_on_commit_callbacks
):
    manager.language, handler.language = "fr", "en"
    manager.save(update_fields=["language"])
    handler.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        appeal = _lodge(refused, manager)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert administrator.email not in by_address  # the decider is not asked to handle it
    assert by_address[handler.email].subject == "Grappe: an appeal of Cosmetic Valley to handle"
    assert "Our statutes were filed." in by_address[handler.email].body
    assert by_address[manager.email].subject == "Grappe\u202f: votre recours de Cosmetic Valley est déposé"
    assert f"/appeals/{appeal.pk}/" in by_address[manager.email].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal_ask(user=handler, appeal=appeal, question="Send the minutes.", expected_version=1)
    [message] = mail.outbox
    assert message.to == [manager.email] and "question" in message.subject and "Send the minutes." in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal_answer(user=manager, appeal=appeal, answer="Voici.", expected_version=2)
    [message] = mail.outbox
    assert message.to == [handler.email] and "Voici." in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal_decide(
            user=handler, appeal=appeal, outcome="overturned", level="bronze", reason="Filed.", expected_version=3
        )
    [message] = mail.outbox
    label = Label.objects.get(assessment=refused)
    assert message.to == [manager.email] and "Recours" not in message.subject
    assert "recours" in message.subject and label.certificate_number in message.body
    assert "Décision infirmée" in message.body


# --- one outcome when two handlers decide at once --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_outcomes_of_one_appeal_give_one(framework, cluster, manager, administrator, assessor, handler):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers")
    assessment = refused_assessment(cluster, manager, administrator, assessor)
    appeal = _lodge(assessment, manager)
    barrier = threading.Barrier(2)
    done, errors = [], []

    def decide(outcome):
        try:
            barrier.wait(timeout=10)
            done.append(
                appeal_decide(
                    user=handler, appeal=appeal, outcome=outcome, level="bronze", reason="r", expected_version=1
                ).status
            )
        except (InvalidTransition, ConflictError) as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(o,)) for o in ("overturned", "upheld")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(done) == 1 and len(errors) == 1, (done, errors)
    assert Appeal.objects.get(pk=appeal.pk).status == done[0]
    assert Label.objects.filter(assessment=assessment).count() == (1 if done[0] == "overturned" else 0)


def test_overturning_a_conditional_grant_lifts_the_conditions(
    framework, cluster, manager, administrator, assessor, handler
):
    member = factories.CommitteeMemberFactory(username="member")
    ready = countersigned(validated(cluster, manager, administrator, assessor), administrator)
    case = committee_case(ready, chair=administrator, members=[member], administrator=administrator)
    case_decide(
        user=administrator,
        case=case,
        outcome="conditional",
        conditions="A consolidated roadmap.",
        review_on=timezone.localdate() + datetime.timedelta(days=200),
        expected_version=case.version,
    )
    label = Label.objects.get(assessment=ready)
    assert label.conditions_until is not None
    [found] = appealable_decisions(assessment=ready)
    assert found.ground == "conditional" and found.reason == "A consolidated roadmap."
    appeal = _lodge(ready, manager, ground="conditional")
    assert appeal.recused_ids() == {administrator.pk, member.pk}
    appeal = appeal_decide(
        user=handler, appeal=appeal, outcome="overturned", reason="The roadmap exists.", expected_version=1
    )
    label.refresh_from_db()
    assert label.conditions_until is None and label.status == LabelStatus.ACTIVE and appeal.new_label == label
    assert AuditEvent.objects.filter(action="label.conditions_met", target=label.certificate_number).exists()
    assert appealable_decisions(assessment=ready) == []
