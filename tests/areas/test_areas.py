"""Silver's areas of improvement: a Silver application carries at least three areas before its submission, each tied
to an indicator and to actions of the plan, with what was done; the assessor marks each demonstrated or not with a
comment, and the validation waits for a verdict on each. Services, guards, pages and API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from areas.models import ImprovementArea, Verdict
from areas.selectors import areas_state
from areas.services import area_add, area_delete, area_judge, area_update
from audit.models import AuditEvent
from core.exceptions import ConflictError, DomainError, InvalidFields, InvalidTransition, NotFound
from labelling.models import Assessment, AssessmentStatus
from labelling.services.answers import assessment_submit
from labelling.services.workflow import (
    assessment_assign,
    assessment_request_changes,
    assessment_validate,
    review_declare_no_conflict,
)
from tests import factories
from tests.areas.helpers import add_areas, plan_actions
from tests.labelling.workflow_helpers import accept_all

pytestmark = pytest.mark.django_db


def _reviewing(draft, manager, administrator, assessor) -> Assessment:
    assessment_submit(user=manager, assessment=draft, expected_version=draft.version)
    assessment = assessment_assign(user=administrator, assessment=draft, assessor=assessor)
    review_declare_no_conflict(user=assessor, assessment=assessment)
    return Assessment.objects.get(pk=draft.pk)


# --- the submission --------------------------------------------------------------------------------------------


def test_a_silver_submission_with_fewer_than_three_areas_is_refused_with_the_count(
    areas_guards, draft, manager, actions
):
    add_areas(draft, manager, actions, count=2)
    with translation.override("en"), pytest.raises(DomainError) as refused:
        assessment_submit(user=manager, assessment=draft, expected_version=draft.version)
    assert "cannot be submitted without its areas of improvement" in str(refused.value.message)
    assert refused.value.errors == ["A Silver application describes at least 3 areas of improvement: 2 are written."]
    with translation.override("fr"), pytest.raises(DomainError) as refused_fr:
        assessment_submit(user=manager, assessment=draft, expected_version=draft.version)
    assert refused_fr.value.errors == [
        "Une candidature Silver décrit au moins 3 pistes de progrès\u202f: 2 sont rédigées."
    ]
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.DRAFT and draft.submitted_at is None
    add_areas(draft, manager, actions[2:], count=1)
    assessment_submit(user=manager, assessment=draft, expected_version=draft.version)
    assert Assessment.objects.get(pk=draft.pk).status == AssessmentStatus.SUBMITTED


def test_an_area_whose_actions_are_gone_stops_the_submission(areas_guards, draft, manager, actions):
    areas = add_areas(draft, manager, actions)
    areas[0].actions.clear()  # the plan's action was deleted
    with translation.override("en"), pytest.raises(DomainError) as refused:
        assessment_submit(user=manager, assessment=draft, expected_version=draft.version)
    assert refused.value.errors == [
        "The area “Progress on S2” rests on no action of the improvement plan: choose at least one."
    ]


def test_a_bronze_application_is_submitted_without_areas(areas_guards, cluster, manager, framework):
    from labelling.services.answers import assessment_create
    from tests.labelling.workflow_helpers import answer_all

    bronze = assessment_create(user=manager, cluster=cluster, reference_year=2025)
    answer_all(bronze, manager)
    bronze.refresh_from_db()
    assessment_submit(user=manager, assessment=bronze, expected_version=bronze.version)
    assert Assessment.objects.get(pk=bronze.pk).status == AssessmentStatus.SUBMITTED


# --- the manager's writes ---------------------------------------------------------------------------------------


def test_an_area_is_written_with_the_version_check_and_audited(draft, manager, actions):
    version = draft.version
    area = area_add(
        user=manager,
        assessment=draft,
        title="  Export  ",
        indicator=actions[0].indicator,
        actions=actions[:2],
        achievements="Two trade missions.",
        expected_version=version,
    )
    assert (area.title, sorted(a.pk for a in area.actions.all())) == ("Export", [actions[0].pk, actions[1].pk])
    assert Assessment.objects.get(pk=draft.pk).version == version + 1
    with pytest.raises(ConflictError):  # the same page sent twice
        area_add(
            user=manager,
            assessment=draft,
            title="Other",
            indicator=actions[1].indicator,
            actions=actions[1:2],
            achievements="x",
            expected_version=version,
        )
    with pytest.raises(InvalidFields) as missing:
        area_add(
            user=manager,
            assessment=draft,
            title="Other",
            indicator=actions[1].indicator,
            actions=actions[1:2],
            achievements="x",
            expected_version=None,
        )
    assert "version" in missing.value.errors
    updated = area_update(
        user=manager,
        area=area,
        title="Export markets",
        indicator=actions[0].indicator,
        actions=actions[:1],
        achievements="Two trade missions, one export adviser.",
        expected_version=1,
    )
    assert (updated.version, updated.title) == (2, "Export markets")
    with pytest.raises(ConflictError):
        area_delete(user=manager, area=updated, expected_version=1)
    area_delete(user=manager, area=updated, expected_version=2)
    assert not ImprovementArea.objects.filter(pk=area.pk).exists()
    assert list(
        AuditEvent.objects.filter(assessment=draft, action__startswith="area.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["area.added", "area.changed", "area.removed"]


def test_bad_values_are_refused_field_by_field_and_nothing_is_saved(draft, manager, actions, other_cluster, framework):
    foreign = plan_actions(other_cluster, framework, codes=("S1",))
    add_areas(draft, manager, actions, count=1)
    draft.refresh_from_db()
    with translation.override("en"), pytest.raises(InvalidFields) as refused:
        area_add(
            user=manager,
            assessment=draft,
            title=" ",
            indicator=actions[0].indicator,  # already has an area
            actions=foreign,
            achievements="x" * 4001,
            expected_version=draft.version,
        )
    assert set(refused.value.errors) == {"title", "indicator", "actions", "achievements"}
    assert "S2 already has an area of improvement" in refused.value.errors["indicator"][0]
    assert refused.value.errors["actions"] == ["Choose actions of the cluster's own improvement plan."]
    with translation.override("en"), pytest.raises(InvalidFields) as no_action:
        area_add(
            user=manager,
            assessment=draft,
            title="A",
            indicator=actions[1].indicator,
            actions=[],
            achievements="done",
            expected_version=draft.version,
        )
    assert no_action.value.errors == {
        "actions": ["Choose at least one action of the improvement plan that this area rests on."]
    }
    assert ImprovementArea.objects.filter(assessment=draft).count() == 1
    assert Assessment.objects.get(pk=draft.pk).version == draft.version


def test_only_a_silver_application_takes_areas_and_only_until_the_submission(
    areas_guards, cluster, manager, framework, actions, other_manager, draft
):
    from labelling.services.answers import assessment_create

    bronze = assessment_create(user=manager, cluster=cluster, reference_year=2024)
    with translation.override("en"), pytest.raises(InvalidTransition) as refused:
        area_add(
            user=manager,
            assessment=bronze,
            title="A",
            indicator=actions[0].indicator,
            actions=actions[:1],
            achievements="done",
            expected_version=bronze.version,
        )
    assert "this one applies for Bronze" in str(refused.value.message)
    areas = add_areas(draft, manager, actions)
    with pytest.raises(NotFound):  # another cluster's manager
        area_delete(user=other_manager, area=areas[0], expected_version=1)
    assessment_submit(user=manager, assessment=draft, expected_version=draft.version)
    with translation.override("en"):
        with pytest.raises(InvalidTransition) as closed:
            area_delete(user=manager, area=areas[0], expected_version=1)
        assert str(closed.value.message) == (
            "The areas of improvement can no longer change: the assessment is submitted."
        )
    assert ImprovementArea.objects.filter(assessment=draft).count() == 3


# --- the verdicts and the validation -----------------------------------------------------------------------------


def test_the_validation_waits_for_a_verdict_on_each_area(
    areas_guards, draft, manager, administrator, assessor, actions
):
    areas = add_areas(draft, manager, actions)
    assessment = _reviewing(draft, manager, administrator, assessor)
    accept_all(assessment, assessor)
    with translation.override("en"), pytest.raises(DomainError) as refused:
        assessment_validate(user=assessor, assessment=assessment)
    assert refused.value.status_code == 409
    assert refused.value.errors == [f"The area “{area.title}” has no verdict yet." for area in areas]
    with translation.override("en"), pytest.raises(InvalidFields) as bad:
        area_judge(user=assessor, area=areas[0], verdict="maybe", comment=" ", expected_version=1)
    assert set(bad.value.errors) == {"verdict", "comment"}
    area_judge(
        user=assessor, area=areas[0], verdict="demonstrated", comment="Mission reports seen.", expected_version=1
    )
    area_judge(user=assessor, area=areas[1], verdict="not_demonstrated", comment="No figures.", expected_version=1)
    with pytest.raises(ConflictError):
        area_judge(user=assessor, area=areas[1], verdict="demonstrated", comment="Seen.", expected_version=1)
    with translation.override("fr"), pytest.raises(DomainError) as still:
        assessment_validate(user=assessor, assessment=assessment)
    assert still.value.errors == ["La piste «\u202fProgress on R1\u202f» n’a pas encore de verdict."]
    area_judge(user=assessor, area=areas[2], verdict="demonstrated", comment="Seen on site.", expected_version=1)
    validated = assessment_validate(user=assessor, assessment=assessment)
    assert validated.status == AssessmentStatus.VALIDATED
    state = areas_state(assessment=validated)
    assert (state.count, state.judged, state.demonstrated) == (3, 3, 2)
    judged = AuditEvent.objects.filter(assessment=draft, action="area.judged").order_by("pk").first()
    assert judged.after == {"verdict": "demonstrated", "verdict_comment": "Mission reports seen."}


def test_only_the_assigned_assessor_judges_and_only_during_the_review(
    draft, manager, administrator, assessor, other_assessor, actions, prerequisites_met
):
    areas = add_areas(draft, manager, actions)
    with pytest.raises(NotFound):  # not submitted yet: not assigned
        area_judge(user=assessor, area=areas[0], verdict="demonstrated", comment="x", expected_version=1)
    assessment_submit(user=manager, assessment=draft, expected_version=draft.version)
    assessment = assessment_assign(user=administrator, assessment=draft, assessor=assessor)
    with pytest.raises(InvalidTransition):  # no declaration of conflicts of interest yet
        area_judge(user=assessor, area=areas[0], verdict="demonstrated", comment="x", expected_version=1)
    review_declare_no_conflict(user=assessor, assessment=assessment)
    for user in (other_assessor, manager, administrator):
        with pytest.raises(NotFound):  # only the assigned assessor
            area_judge(user=user, area=areas[0], verdict="demonstrated", comment="x", expected_version=1)
    assert not ImprovementArea.objects.filter(assessment=draft).exclude(verdict="").exists()


def test_a_change_after_a_change_request_clears_the_verdict_and_needs_three_areas_again(
    areas_guards, draft, manager, administrator, assessor, actions
):
    areas = add_areas(draft, manager, actions)
    assessment = _reviewing(draft, manager, administrator, assessor)
    area_judge(user=assessor, area=areas[0], verdict="not_demonstrated", comment="No proof.", expected_version=1)
    assessment_request_changes(user=assessor, assessment=assessment, comment="Show the export figures.")
    changed = area_update(
        user=manager,
        area=areas[0],
        title=areas[0].title,
        indicator=areas[0].indicator,
        actions=actions[:1],
        achievements="Export figures attached to the plan's action.",
        expected_version=2,
    )
    assert (changed.verdict, changed.verdict_comment, changed.judged_by) == ("", "", None)
    area_delete(user=manager, area=areas[1], expected_version=1)
    assessment.refresh_from_db()
    with pytest.raises(DomainError):  # the resubmission is guarded too
        assessment_submit(user=manager, assessment=assessment, expected_version=assessment.version)
    assert Assessment.objects.get(pk=draft.pk).status == AssessmentStatus.CHANGES_REQUESTED


# --- the pages ----------------------------------------------------------------------------------------------------


def test_the_manager_adds_an_area_on_the_page_and_a_refusal_keeps_what_was_typed(draft, manager, actions, client_for):
    client = client_for(manager)
    url = reverse("areas:list", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "Pistes de progrès" in page and "0 sur au moins 3" in page
    summary = client.get(reverse("labelling:assessment_summary", args=[draft.pk])).content.decode()
    assert 'id="areas-panel"' in summary and url in summary
    indicator = actions[0].indicator
    refused = client.post(
        url,
        {
            "title": "Export markets",
            "indicator": indicator.pk,
            "achievements": "Two missions.",
            "version": draft.version,
        },
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Choisissez au moins une action du plan de progrès" in body
    assert 'value="Export markets"' in body and "Two missions." in body
    assert not ImprovementArea.objects.exists()
    added = client.post(
        url,
        {
            "title": "Export markets",
            "indicator": indicator.pk,
            "actions": [actions[0].pk, actions[1].pk],
            "achievements": "Two missions.",
            "version": draft.version,
        },
    )
    assert added.status_code == 302
    area = ImprovementArea.objects.get()
    stale = client.post(
        url,
        {
            "title": "Other",
            "indicator": actions[1].indicator.pk,
            "actions": [actions[1].pk],
            "achievements": "x",
            "version": draft.version,
        },
    )
    assert stale.status_code == 409 and "a modifié cette fiche" in stale.content.decode()
    edit = reverse("areas:edit", args=[area.pk])
    assert client.get(edit).status_code == 200
    saved = client.post(
        edit,
        {
            "title": "Export",
            "indicator": indicator.pk,
            "actions": [actions[0].pk],
            "achievements": "Two missions.",
            "version": area.version,
        },
    )
    assert saved.status_code == 302
    assert ImprovementArea.objects.get().title == "Export"
    removed = client.post(reverse("areas:delete", args=[area.pk]), {"version": area.version})
    assert removed.status_code == 409 and ImprovementArea.objects.filter(pk=area.pk).exists()  # stale version
    assert "a modifié cette fiche" in removed.content.decode()
    client.post(reverse("areas:delete", args=[area.pk]), {"version": area.version + 1})
    assert not ImprovementArea.objects.exists()


def test_the_assessor_judges_on_the_page_and_the_summary_shows_the_refusal(
    areas_guards, draft, manager, administrator, assessor, actions, client_for
):
    client = client_for(manager)
    add_areas(draft, manager, actions, count=1)
    refused = client.post(reverse("labelling:assessment_submit", args=[draft.pk]), {"version": draft.version})
    assert refused.status_code == 400
    assert "au moins 3 pistes de progrès\u202f: 1 est rédigée" in refused.content.decode()
    areas = add_areas(draft, manager, actions[1:], count=2)
    assessment = _reviewing(draft, manager, administrator, assessor)
    detail = client_for(assessor).get(reverse("labelling:assessment_detail", args=[assessment.pk])).content.decode()
    assert "Juger les pistes de progrès" in detail
    verdict_url = reverse("areas:verdict", args=[areas[0].pk])
    bad = client_for(assessor).post(verdict_url, {"verdict": "demonstrated", "comment": "", "version": 1})
    assert bad.status_code == 400 and "id_area" in bad.content.decode()
    good = client_for(assessor).post(verdict_url, {"verdict": "demonstrated", "comment": "Vu sur place.", "version": 1})
    assert good.status_code == 302 and good["Location"].endswith(f"#area-{areas[0].pk}")
    assert ImprovementArea.objects.get(pk=areas[0].pk).verdict == Verdict.DEMONSTRATED
    assert (
        client_for(manager).post(verdict_url, {"verdict": "demonstrated", "comment": "x", "version": 2}).status_code
        == 404
    )


def test_the_committee_sees_the_areas_of_its_cases_only(draft, manager, actions, administrator):
    from django.template import Context, Template
    from django.test import RequestFactory

    from committee.models import Case, CommitteeSession

    add_areas(draft, manager, actions)
    member = factories.CommitteeMemberFactory(username="member")
    outsider = factories.CommitteeMemberFactory(username="outsider")
    session = CommitteeSession.objects.create(held_on="2027-01-14", place="Paris", chair=administrator)
    session.members.add(member)
    Case.objects.create(session=session, assessment=draft, computed_level="silver", proposed_level="silver")
    template = Template("{% load areas %}{% areas_of_case assessment %}")

    def render(user):
        request = RequestFactory().get("/")
        request.user = user
        return template.render(Context({"request": request, "assessment": draft}))

    seen = render(member)
    assert "Progress on S2" in seen and "What the cluster did on G3." in seen and "Pas encore jugée" in seen
    assert render(outsider).strip() == ""
