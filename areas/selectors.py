"""Reads of Silver's areas of improvement. A page or an endpoint fetches its assessment or its area with the user and
a capability in one check (``NotFound`` otherwise); the checks of an assessment already held (what a Silver
submission or validation still lacks) take that assessment. Never imports the services."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.permissions import can
from areas.models import AREAS_LEVEL, AREAS_MINIMUM, ImprovementArea
from core.exceptions import NotFound
from improvement.models import Action
from indicators.models import Indicator
from labelling.models import Assessment


def areas_asked(assessment: Assessment) -> bool:
    """Whether the assessment describes areas of improvement: it applies for Silver."""
    return assessment.applied_level == AREAS_LEVEL


def assessment_for_areas(*, user, pk, capability: str = "areas.view") -> Assessment:
    """The assessment if the user has ``capability`` on it (``areas.view``: whoever sees it, and the committee members
    of its cases), else ``NotFound`` (404)."""
    assessment = Assessment.objects.select_related("cluster", "framework").filter(pk=pk).first()
    if assessment is None or not can(user, capability, assessment):
        raise NotFound()
    return assessment


def area_get(*, user, pk, capability: str = "areas.view") -> ImprovementArea:
    """The area if the user has ``capability`` on its assessment, else ``NotFound`` (404)."""
    area = areas_with_details(ImprovementArea.objects.filter(pk=pk)).select_related("assessment__cluster").first()
    if area is None or not can(user, capability, area.assessment):
        raise NotFound()
    return area


def areas_with_details(queryset: QuerySet[ImprovementArea]) -> QuerySet[ImprovementArea]:
    """Areas with their indicator, their judge and their actions (in the plan's order)."""
    return queryset.select_related("indicator", "judged_by").prefetch_related(
        Prefetch("actions", queryset=Action.objects.select_related("indicator").order_by("due_on", "pk"))
    )


def areas_of(*, assessment: Assessment) -> QuerySet[ImprovementArea]:
    """The assessment's areas, in the order they were written, with what a page shows of each."""
    return areas_with_details(ImprovementArea.objects.filter(assessment=assessment)).order_by("pk")


def plan_actions_for(*, assessment: Assessment) -> QuerySet[Action]:
    """The actions of the cluster's improvement plan, which an area may rest on (none while it has no plan)."""
    return (
        Action.objects.filter(plan__cluster_id=assessment.cluster_id)
        .select_related("indicator")
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class AreasState:
    """Where a Silver application's areas stand: ``asked`` (it applies for Silver), the areas, and what the
    submission and the validation still lack (empty lists: nothing)."""

    asked: bool
    areas: list[ImprovementArea]
    missing_for_submission: list[str]
    missing_for_validation: list[str]

    @property
    def count(self) -> int:
        return len(self.areas)

    @property
    def judged(self) -> int:
        return sum(1 for area in self.areas if area.is_judged)

    @property
    def demonstrated(self) -> int:
        return sum(1 for area in self.areas if area.is_demonstrated)


def areas_state(*, assessment: Assessment) -> AreasState:
    """The areas of the assessment, and what a Silver submission (at least three areas, each resting on an action of
    the plan) and a Silver validation (the same, and a verdict on each) still lack, as sentences."""
    areas = list(areas_of(assessment=assessment))
    if not areas_asked(assessment):
        return AreasState(False, areas, [], [])
    missing: list[str] = []
    if len(areas) < AREAS_MINIMUM:
        missing.append(
            ngettext(
                "A Silver application describes at least %(minimum)d areas of improvement: %(count)d is written.",
                "A Silver application describes at least %(minimum)d areas of improvement: %(count)d are written.",
                len(areas),
            )
            % {"minimum": AREAS_MINIMUM, "count": len(areas)}
        )
    for area in areas:
        if not area.actions.all():
            missing.append(
                _("The area “%(title)s” rests on no action of the improvement plan: choose at least one.")
                % {"title": area.title}
            )
    unjudged = [
        _("The area “%(title)s” has no verdict yet.") % {"title": area.title} for area in areas if not area.is_judged
    ]
    return AreasState(True, areas, missing, missing + unjudged)


def report_areas(assessment):
    """What the assessment report shows of the areas: the state of a Silver application's areas, or of the areas an
    assessment carries; ``None`` when there is nothing to show."""
    state = areas_state(assessment=assessment)
    return state if state.asked or state.areas else None


@dataclass(frozen=True)
class AreasPage:
    """What the areas' page shows to the user: the areas and what they lack, what the user may do, and what the
    manager's form offers (the framework's indicators, the plan's actions)."""

    state: AreasState
    may_edit: bool
    may_judge: bool
    may_see_assessment: bool  # the assessment's own pages open to the user (not to a committee member)
    categories: list  # the framework's categories, for the self-assessment's tabs
    indicators: QuerySet
    actions: QuerySet


def areas_page(*, user, assessment: Assessment) -> AreasPage:
    return AreasPage(
        state=areas_state(assessment=assessment),
        may_edit=can(user, "areas.edit", assessment),
        may_judge=can(user, "areas.judge", assessment),
        may_see_assessment=can(user, "assessment.view", assessment),
        categories=list(assessment.framework.categories.order_by("position")),
        indicators=Indicator.objects.filter(category__framework_id=assessment.framework_id).order_by("position"),
        actions=plan_actions_for(assessment=assessment),
    )
