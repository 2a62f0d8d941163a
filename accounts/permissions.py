"""Who may do what: the one place where Grappe's access rules live.

Every view, API endpoint and download asks ``can(user, capability, obj)`` or goes through the
``*_visible_to(user)`` selectors below, so that a list never shows what a detail page would refuse.
Refusals on objects answer 404, not 403, so that ids of other clusters' data do not leak.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role


def _is_admin(user) -> bool:
    return bool(user and user.is_authenticated and (user.role == Role.ADMINISTRATOR or user.is_superuser))


def _is_manager_of(user, cluster) -> bool:
    if not (user and user.is_authenticated and user.role == Role.MANAGER) or cluster is None:
        return False
    cache = getattr(user, "_managed_cluster_ids", None)
    if cache is None:
        cache = set(user.managed_clusters.values_list("id", flat=True))
        user._managed_cluster_ids = cache
    return cluster.pk in cache


def _is_assessor_of(user, assessment) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.ASSESSOR and assessment.assessor_id == user.pk)


# --- selectors that take the user --------------------------------------------------------------


def clusters_visible_to(user) -> QuerySet:
    from clusters.models import Cluster

    if _is_admin(user):
        return Cluster.objects.all()
    if user.is_authenticated and user.role == Role.MANAGER:
        return Cluster.objects.filter(managers=user)
    return Cluster.objects.none()


def assessments_visible_to(user) -> QuerySet:
    from labelling.models import Assessment

    qs = Assessment.objects.select_related("cluster", "framework", "assessor")
    if _is_admin(user):
        return qs
    if user.is_authenticated and user.role == Role.MANAGER:
        return qs.filter(cluster__managers=user)
    if user.is_authenticated and user.role == Role.ASSESSOR:
        return qs.filter(assessor=user)
    return qs.none()


# --- capabilities --------------------------------------------------------------------------------


def _assessment_view(user, assessment) -> bool:
    return _is_admin(user) or _is_manager_of(user, assessment.cluster) or _is_assessor_of(user, assessment)


def _assessment_edit(user, assessment) -> bool:
    return _is_manager_of(user, assessment.cluster) and assessment.is_editable_by_manager


def _assessment_review(user, assessment) -> bool:
    from labelling.models import AssessmentStatus

    return _is_assessor_of(user, assessment) and assessment.status == AssessmentStatus.IN_REVIEW


RULES: dict[str, Callable[[Any, Any], bool]] = {
    # clusters and their records
    "cluster.view": lambda u, c: _is_admin(u) or _is_manager_of(u, c),
    "cluster.edit": lambda u, c: _is_admin(u) or _is_manager_of(u, c),
    "cluster.create": lambda u, _=None: _is_admin(u),
    # assessments
    "assessment.create": lambda u, c: _is_manager_of(u, c),
    "assessment.view": _assessment_view,
    "assessment.edit": _assessment_edit,
    "assessment.submit": _assessment_edit,
    "assessment.assign": lambda u, a: _is_admin(u),
    "assessment.review": _assessment_review,
    "assessment.decide": lambda u, a: _is_admin(u),
    "assessment.audit": lambda u, a: _is_admin(u) or _is_manager_of(u, a.cluster),
    "evidence.view": lambda u, e: _assessment_view(u, e.answer.assessment),
    "report.request": _assessment_view,
    "report.download": lambda u, r: _assessment_view(u, r.assessment),
    # labels and the registry
    "label.revoke": lambda u, _=None: _is_admin(u),
    "registry.export": lambda u, _=None: _is_admin(u),
    "framework.manage": lambda u, _=None: _is_admin(u),
    # benchmarking: a validated or decided assessment among its peers; the population statistics
    "assessment.benchmark": lambda u, a: (
        (_is_admin(u) or _is_manager_of(u, a.cluster)) and a.status in ("validated", "decided")
    ),
    "statistics.view": lambda u, _=None: _is_admin(u),
}


def can(user, capability: str, obj: Any = None) -> bool:
    try:
        rule = RULES[capability]
    except KeyError as exc:  # a typo must never grant access
        raise ValueError(f"Unknown capability {capability!r}") from exc
    return bool(rule(user, obj))


def require(user, capability: str, obj: Any = None) -> None:
    """Raise 404 when the user may not: the object's existence is not revealed."""
    if not can(user, capability, obj):
        raise Http404


# --- the same rules for the REST API ---------------------------------------------------------------

try:
    from rest_framework.permissions import BasePermission
except ImportError:  # pragma: no cover
    BasePermission = object


class HasCapability(BasePermission):
    """DRF permission: ``permission_classes = [HasCapability.for_("assessment.view")]``.

    Object checks that fail answer 404 (see ``core.api.exception_handler``), never 403.
    """

    capability: str = ""

    @classmethod
    def for_(cls, capability: str) -> type[HasCapability]:
        RULES[capability]  # noqa: B018 - fail at import time on an unknown capability
        return type(f"Has_{capability.replace('.', '_')}", (cls,), {"capability": capability})

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        if not can(request.user, self.capability, obj):
            raise Http404
        return True
