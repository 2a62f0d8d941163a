"""The improvement plan: seeded when an assessment is decided (idempotent, a later decision adds only what is new),
edited by the cluster's managers (version check, audit, evidence checked by content), read by the assessors of the
next assessment and the committee's members, never changing a score."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from audit.models import AuditEvent
from core.exceptions import ConflictError, InvalidFields, NotFound
from expertise.models import CategoryFindings, Findings
from improvement import selectors, services
from improvement.models import Action, ActionEvidence, ActionSource, ActionStatus, ImprovementPlan
from labelling.models import Decision, Label
from labelling.selectors import assessment_score
from labelling.services.workflow import assessment_decide
from tests import factories
from tests.labelling.workflow_helpers import validated

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _with_recommendations(assessment, texts: dict[str, str]):
    """The expert's recommendations of some categories, none in the others (written directly: the findings are
    frozen once validated, and the validation needed them complete)."""
    findings, _ = Findings.objects.get_or_create(assessment=assessment)
    for category in assessment.framework.categories.all():
        CategoryFindings.objects.update_or_create(
            findings=findings, category=category, defaults={"recommendations": texts.get(category.code, "")}
        )


@pytest.fixture
def decide(framework, cluster, manager, administrator, assessor):
    """Decide an assessment of ``cluster`` for ``year`` whose answers earn full points but on ``overrides``
    (code → "partial" or "none"), with the expert's ``recommendations`` by category code."""

    def run(year: int, overrides: dict[str, str], recommendations: dict[str, str] | None = None):
        from indicators.services import framework_spec_for
        from tests.labelling.workflow_helpers import value_for

        spec = {i.code: i for i in framework_spec_for(framework).indicators}
        values = {code: value_for(i) for code, i in spec.items()}
        values.update({code: value_for(spec[code], result) for code, result in overrides.items()})
        assessment = validated(cluster, manager, administrator, assessor, reference_year=year, values=values)
        _with_recommendations(assessment, recommendations or {})
        return assessment_decide(user=administrator, assessment=assessment, level="bronze", reason="Test.")

    return run


def test_a_decision_seeds_the_plan_from_the_criteria_not_fully_met_and_the_recommendations(decide, cluster):
    decision = decide(2024, {"S1": "partial", "S2": "none"}, {"S": "- Hire a project officer.\n\n• Map the members"})
    plan = ImprovementPlan.objects.get(cluster=cluster)
    assert plan.assessment_id == decision.assessment_id
    actions = list(plan.actions.order_by("source", "pk"))
    criteria = [a for a in actions if a.source == ActionSource.CRITERION]
    assert sorted(a.indicator.code for a in criteria) == ["S1", "S2"]
    s1 = next(a for a in criteria if a.indicator.code == "S1")
    # written in the language of the cluster's managers (French here), whoever decided
    assert "partiellement atteint à l’évaluation 2024" in s1.description and s1.status == ActionStatus.NOT_STARTED
    recommendations = [a for a in actions if a.source == ActionSource.RECOMMENDATION]
    assert [a.description for a in recommendations] == ["Hire a project officer.", "Map the members"]
    assert {a.category.code for a in recommendations} == {"S"}
    event = AuditEvent.objects.get(action="improvement.seeded")
    assert event.after == {"created": True, "criteria": 2, "recommendations": 2}


def test_seeding_again_adds_nothing_and_a_later_decision_adds_only_what_is_new(decide, cluster, administrator):
    first = decide(2023, {"S1": "partial"}, {"S": "Hire a project officer."})
    plan = ImprovementPlan.objects.get(cluster=cluster)
    services.plan_seed(assessment=first.assessment, scores=first.scores)
    assert plan.actions.count() == 2
    version = ImprovementPlan.objects.get(pk=plan.pk).version
    action = plan.actions.get(source=ActionSource.CRITERION)
    Action.objects.filter(pk=action.pk).update(status=ActionStatus.DONE)

    decide(2024, {"S1": "none", "S2": "partial"}, {"S": "hire a  project officer.\nJoin a European network."})
    codes = sorted(plan.actions.filter(source=ActionSource.CRITERION).values_list("indicator__code", flat=True))
    assert codes == ["S1", "S2"]  # S1 is already in the plan (done): not added twice
    texts = sorted(plan.actions.filter(source=ActionSource.RECOMMENDATION).values_list("description", flat=True))
    assert texts == ["Hire a project officer.", "Join a European network."]  # the same text, differently typed
    assert ImprovementPlan.objects.get(pk=plan.pk).version == version + 1
    assert ImprovementPlan.objects.count() == 1


@pytest.fixture
def plan(decide, cluster):
    decide(2024, {"S1": "partial"})
    return selectors.plan_get(user=cluster.managers.first(), pk=cluster.pk)


def test_a_manager_adds_and_edits_an_action_with_the_version_check_and_the_audit_trail(plan, manager, framework):
    indicator = framework.indicators.get(code="V3")
    due = timezone.localdate() + datetime.timedelta(days=90)
    action = services.action_create(
        user=manager,
        plan=plan,
        data={"indicator": indicator.pk, "description": "Write the roadmap.", "owner": "Claire Martin", "due_on": due},
        expected_version=plan.version,
    )
    assert action.source == ActionSource.MANAGER and action.category_id == indicator.category_id
    with pytest.raises(ConflictError):  # the plan's version as read is stale now
        services.action_create(
            user=manager, plan=plan, data={"indicator": indicator.pk, "description": "Again"}, expected_version=1
        )
    action.plan = plan
    updated = services.action_update(
        user=manager,
        action=action,
        data={"status": "in_progress", "progress_note": "Draft sent to the board."},
        expected_version=action.version,
    )
    assert (updated.status, updated.version, updated.owner) == ("in_progress", 2, "Claire Martin")
    event = AuditEvent.objects.filter(action="improvement.action_updated").latest("id")
    assert event.before == {"status": "not_started", "progress_note": ""}
    assert event.after == {"status": "in_progress", "progress_note": "Draft sent to the board."}
    with pytest.raises(ConflictError):
        services.action_update(user=manager, action=action, data={"status": "done"}, expected_version=1)
    with pytest.raises(InvalidFields) as missing:
        services.action_update(user=manager, action=action, data={"status": "done"}, expected_version=None)
    assert "version" in missing.value.errors
    assert Action.objects.get(pk=action.pk).status == "in_progress"


def test_bad_values_are_refused_field_by_field_and_nothing_is_saved(plan, manager):
    before = (plan.actions.count(), AuditEvent.objects.count())
    plan_day = timezone.localdate(plan.created_at)
    with pytest.raises(InvalidFields) as refused:
        services.action_create(
            user=manager,
            plan=plan,
            data={"description": "  ", "due_on": plan_day - datetime.timedelta(days=1), "status": "finished"},
            expected_version=plan.version,
        )
    errors = refused.value.errors
    assert set(errors) == {"indicator", "description", "due_on", "status"}
    assert errors["due_on"] == [f"The action cannot be due before the plan exists ({plan_day.isoformat()})."]
    assert (plan.actions.count(), AuditEvent.objects.count()) == before


def test_evidence_is_checked_by_its_content_and_removed_with_the_version_check(plan, manager, settings, tmp_path):
    action = plan.actions.first()
    action.plan = plan
    with pytest.raises(InvalidFields) as refused:
        services.evidence_add(
            user=manager,
            action=action,
            upload=SimpleUploadedFile("report.pdf", b"MZ\x90\x00 an executable"),
            expected_version=action.version,
        )
    assert "file" in refused.value.errors and not ActionEvidence.objects.exists()
    evidence = services.evidence_add(
        user=manager, action=action, upload=SimpleUploadedFile("minutes.pdf", PDF), expected_version=action.version
    )
    assert (evidence.content_type, evidence.original_name) == ("application/pdf", "minutes.pdf")
    assert evidence.size == len(PDF)
    assert evidence.file.name.endswith(".pdf") and "minutes" not in evidence.file.name
    with pytest.raises(ConflictError):  # the action's version grew with the upload
        services.evidence_delete(user=manager, evidence=evidence, expected_version=action.version)
    evidence.action = action
    services.evidence_delete(user=manager, evidence=evidence, expected_version=action.version + 1)
    assert not ActionEvidence.objects.exists()


def test_the_plan_never_changes_a_score(plan, manager, cluster):
    decision = Decision.objects.select_related("assessment").get(assessment=plan.assessment)
    score = assessment_score(assessment=decision.assessment).to_dict()
    labels = list(Label.objects.filter(assessment__cluster=cluster).values_list("pk", "level", "status"))
    for action in plan.actions.all():
        action.plan = plan
        services.action_update(
            user=manager, action=action, data={"status": "done", "progress_note": "Done."}, expected_version=1
        )
    assert assessment_score(assessment=decision.assessment).to_dict() == score == decision.scores
    assert Decision.objects.get(pk=decision.pk).scores == decision.scores
    assert list(Label.objects.filter(assessment__cluster=cluster).values_list("pk", "level", "status")) == labels


def test_who_sees_the_plan(plan, cluster, manager, other_manager, administrator, assessor, other_assessor):
    from committee.models import Case, CommitteeSession

    for user in (manager, administrator):
        assert selectors.plan_get(user=user, pk=cluster.pk) == plan
    for user in (other_manager, other_assessor, assessor, factories.CommitteeMemberFactory()):
        with pytest.raises(NotFound):  # the assessor's assessment of the cluster is decided: not its next one
            selectors.plan_get(user=user, pk=cluster.pk)
    following = factories.AssessmentFactory(cluster=cluster, reference_year=2026, status="in_review")
    following.assessor = other_assessor
    following.save()
    fresh = type(other_assessor).objects.get(pk=other_assessor.pk)  # the rules read a user's clusters once
    assert selectors.plan_get(user=fresh, pk=cluster.pk) == plan
    member = factories.CommitteeMemberFactory(username="member")
    session = CommitteeSession.objects.create(held_on=datetime.date(2027, 1, 14), place="Paris", chair=administrator)
    session.members.add(member)
    Case.objects.create(session=session, assessment=plan.assessment, computed_level="bronze", proposed_level="bronze")
    assert selectors.plan_get(user=member, pk=cluster.pk) == plan
    with pytest.raises(NotFound):
        services.action_create(user=member, plan=plan, data={}, expected_version=plan.version)
