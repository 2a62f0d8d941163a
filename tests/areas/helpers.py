"""Set-up for the tests of Silver's areas of improvement: a cluster's plan with actions, a Silver application and its
areas, through the real services (the plan's rows are written directly: its own services are the plan's tests')."""

from __future__ import annotations

from areas.models import ImprovementArea
from areas.services import area_add
from improvement.models import Action, ActionStatus, ImprovementPlan
from labelling.models import Assessment
from labelling.services.answers import assessment_create
from tests.labelling.workflow_helpers import answer_all

AREA_CODES = ("S2", "G3", "R1", "V2")
STATUSES = (ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.NOT_STARTED)


def plan_actions(cluster, framework, codes=AREA_CODES) -> list[Action]:
    """The cluster's improvement plan with one action per indicator code."""
    plan, _created = ImprovementPlan.objects.get_or_create(cluster=cluster)
    indicators = {i.code: i for i in framework.indicators.select_related("category").filter(code__in=codes)}
    return [
        Action.objects.create(
            plan=plan,
            indicator=indicators[code],
            category=indicators[code].category,
            description=f"Action on {code}: a working group with the members",
            owner="Claire Martin",
            status=status,
        )
        for code, status in zip(codes, STATUSES, strict=False)
    ]


def silver_draft(cluster, manager, *, reference_year: int = 2025) -> Assessment:
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=reference_year, applied_level="silver")
    answer_all(assessment, manager)
    return Assessment.objects.get(pk=assessment.pk)


def add_areas(assessment: Assessment, manager, actions: list[Action], count: int = 3) -> list:
    areas = []
    for action in actions[:count]:
        assessment.refresh_from_db()
        areas.append(
            area_add(
                user=manager,
                assessment=assessment,
                title=f"Progress on {action.indicator.code}",
                indicator=action.indicator,
                actions=[action],
                achievements=f"What the cluster did on {action.indicator.code}.",
                expected_version=assessment.version,
            )
        )
    assessment.refresh_from_db()
    return areas


def areas_guards_on(monkeypatch) -> None:
    """Only the areas' step guards on: the expert's (prerequisites, visit and findings) are off for the tests of the
    areas, which submit and validate Silver applications of clusters that plan no visit (the suite runs with every
    guard on; the areas' demo test keeps them all)."""
    from areas import guards
    from labelling.services import steps

    monkeypatch.setattr(
        steps,
        "STEP_GUARDS",
        {
            "submit": [guards.submission_guard],
            "resubmit": [guards.submission_guard],
            "validate": [guards.validation_guard],
        },
    )


def world_with_areas(world) -> None:
    """The shared world (tests/conftest.py) with Silver's areas, for the access matrix and the bad-input battery:
    ``world.draft`` applies for Silver; ``world.area`` is an area of it (its manager writes it), ``world.review_area``
    one of ``world.in_review`` (its assessor judges it), each on an action of the cluster's plan (rows written
    directly: the services are this folder's tests')."""
    Assessment.objects.filter(pk=world.draft.pk).update(applied_level="silver")
    world.draft = Assessment.objects.get(pk=world.draft.pk)
    plan, _created = ImprovementPlan.objects.get_or_create(cluster=world.cluster)
    indicator = world.draft.framework.indicators.select_related("category").get(code="S2")
    # the plan's first action when the world has seeded one, else one of its own
    action = plan.actions.order_by("pk").first() or Action.objects.create(
        plan=plan, indicator=indicator, category=indicator.category, description="Recruit members abroad"
    )
    areas = []
    for assessment in (world.draft, world.in_review):
        area = ImprovementArea.objects.create(
            assessment=assessment, title="Members abroad", indicator=indicator, achievements="Two trade missions."
        )
        area.actions.add(action)
        areas.append(ImprovementArea.objects.get(pk=area.pk))
    world.area, world.review_area = areas
