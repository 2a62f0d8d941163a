"""Reads of the improvement plans. Whatever depends on who asks starts from :func:`plan_clusters_visible_to` or
checks ``improvement_plan.view`` on the plan's cluster: a user who may not see a plan gets ``NotFound`` (404).
Never imports the services."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from accounts.permissions import can
from clusters.models import Cluster
from core.exceptions import NotFound
from improvement.models import Action, ActionEvidence, ActionStatus, ImprovementPlan
from indicators.models import Framework, Indicator


def cluster_for_plan(*, user, pk: int, capability: str = "improvement_plan.view") -> Cluster:
    """The cluster whose plan the user asks for, if they hold ``capability`` on it, else ``NotFound`` (404)."""
    cluster = Cluster.objects.filter(pk=pk).only("pk", "name", "acronym").first()
    if cluster is None or not can(user, capability, cluster):
        raise NotFound()
    return cluster


def plan_of(*, cluster: Cluster) -> ImprovementPlan | None:
    """The cluster's plan (``None`` until one of its assessments is decided), with its seeding assessment."""
    return ImprovementPlan.objects.select_related("assessment").filter(cluster=cluster).first()


def plan_get(*, user, pk: int, capability: str = "improvement_plan.view") -> ImprovementPlan:
    """The plan of the cluster ``pk`` if the user holds ``capability`` on it and it exists, else ``NotFound``."""
    cluster = cluster_for_plan(user=user, pk=pk, capability=capability)
    plan = plan_of(cluster=cluster)
    if plan is None:
        raise NotFound()
    plan.cluster = cluster
    return plan


@dataclass(frozen=True)
class StatusCounts:
    not_started: int
    in_progress: int
    done: int

    @property
    def total(self) -> int:
        return self.not_started + self.in_progress + self.done


def status_counts(*, plan: ImprovementPlan) -> StatusCounts:
    """How many actions of the plan are in each status."""
    counts = dict(plan.actions.order_by().values_list("status").annotate(n=Count("pk")))
    return StatusCounts(**{status.value: counts.get(status.value, 0) for status in ActionStatus})


def actions_of(*, plan: ImprovementPlan, status: str = "") -> QuerySet[Action]:
    """The plan's actions (those in ``status`` when one is given), the soonest due first (undated last), with their
    indicator, category and evidence files."""
    qs = (
        plan.actions.select_related("indicator", "category", "source_assessment")
        .prefetch_related(Prefetch("evidence", queryset=ActionEvidence.objects.order_by("created_at", "pk")))
        .order_by("due_on", "pk")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def action_get(*, user, cluster_pk: int, pk: int, capability: str = "improvement_plan.view") -> Action:
    """An action of the plan of the cluster ``cluster_pk``, if the user holds ``capability`` on it, else 404."""
    plan = plan_get(user=user, pk=cluster_pk, capability=capability)
    action = actions_of(plan=plan).filter(pk=pk).first()
    if action is None:
        raise NotFound()
    action.plan = plan
    return action


def evidence_get(*, user, cluster_pk: int, action_pk: int, pk: int, capability: str = "improvement_plan.view"):
    """An evidence file of an action of the cluster's plan, if the user holds ``capability`` on it, else 404."""
    action = action_get(user=user, cluster_pk=cluster_pk, pk=action_pk, capability=capability)
    evidence = ActionEvidence.objects.filter(action=action, pk=pk).first()
    if evidence is None:
        raise NotFound()
    evidence.action = action
    return evidence


def framework_of(*, plan: ImprovementPlan) -> Framework:
    """The framework whose indicators the plan's actions name: its seeding assessment's, else the default one."""
    if plan.assessment_id is not None:
        return plan.assessment.framework
    return Framework.objects.get(is_default=True)


def indicators_for(*, plan: ImprovementPlan) -> QuerySet[Indicator]:
    """The indicators an action of the plan may name, in the framework's order."""
    return Indicator.objects.filter(framework=framework_of(plan=plan)).select_related("category").order_by("position")
