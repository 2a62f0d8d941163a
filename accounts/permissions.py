"""Who may do what: the registry of Grappe's access rules, and the role predicates they are built from.

Each app declares its own capabilities in its ``rules.py`` (``clusters/rules.py``, ``labelling/rules.py``,
``indicators/rules.py``, as django-rules projects do), registered when the app is ready. Every view, API endpoint,
service and download asks ``can(user, capability, obj)`` (or ``require``, which answers 404), and lists start from
the selectors that take the user (``clusters.selectors.clusters_visible_to``,
``labelling.selectors.assessments_visible_to``…), so that a list never shows what a detail page would refuse.
Refusals on objects answer 404, not 403, so that ids of other clusters' data do not leak: ``require`` and
``HasCapability`` raise the domain ``NotFound`` (services call them too), mapped once for the pages by
``core.pages`` and for the API by ``core.api``.

Roles are compared only in ``accounts/``. The predicates below (``is_administrator``, ``manages``…) are for the
apps' ``rules.py`` and the visibility selectors; ``tests/test_architecture.py`` fails when a role comparison
appears anywhere else or when another module imports the predicates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework.permissions import BasePermission

from accounts.models import Role
from core.exceptions import NotFound

Rule = Callable[[Any, Any], bool]

# --- the roles ---------------------------------------------------------------------------------------------------


def is_administrator(user) -> bool:
    return bool(user and user.is_authenticated and (user.role == Role.ADMINISTRATOR or user.is_superuser))


def is_manager(user) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.MANAGER)


def is_assessor(user) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.ASSESSOR)


def is_officer(user) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.OFFICER)


def officer_programme_ids(user) -> set[int]:
    """The ids of the programmes the user follows as a programme officer (read once per user object; empty for
    any other role)."""
    if not is_officer(user):
        return set()
    cache = getattr(user, "_officer_programme_ids", None)
    if cache is None:
        cache = set(user.programmes_followed.values_list("id", flat=True))
        user._officer_programme_ids = cache
    return cache


def follows(user, programme) -> bool:
    """The user is a programme officer of this programme."""
    return programme is not None and programme.pk in officer_programme_ids(user)


def is_committee_member(user) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.COMMITTEE)


def committee_session_ids(user) -> set[int]:
    """The ids of the awarding-committee sessions the user sits on as a committee member (read once per user
    object; empty for any other role)."""
    if not is_committee_member(user):
        return set()
    cache = getattr(user, "_committee_session_ids", None)
    if cache is None:
        cache = set(user.committee_sessions.values_list("id", flat=True))
        user._committee_session_ids = cache
    return cache


def sits_on(user, session) -> bool:
    """The user is a committee member of this awarding-committee session."""
    return session is not None and session.pk in committee_session_ids(user)


def sits_on_a_case_of(user, cluster) -> bool:
    """The user is a committee member of a session that has an assessment of this cluster on its agenda (the ids of
    those clusters are read once per user object)."""
    if cluster is None or not is_committee_member(user):
        return False
    cache = getattr(user, "_committee_cluster_ids", None)
    if cache is None:
        cache = set(user.committee_sessions.values_list("cases__assessment__cluster_id", flat=True)) - {None}
        user._committee_cluster_ids = cache
    return cluster.pk in cache


def assesses_next_assessment_of(user, cluster) -> bool:
    """The user is the assessor (first or second) of an assessment of this cluster that is not decided yet: the
    cluster's next assessment (the ids of those clusters are read once per user object)."""
    if cluster is None or not is_assessor(user):
        return False
    cache = getattr(user, "_next_assessment_cluster_ids", None)
    if cache is None:
        first = user.assigned_assessments.filter(decision__isnull=True).values_list("cluster_id", flat=True)
        second = user.countersigned_assessments.filter(decision__isnull=True).values_list("cluster_id", flat=True)
        cache = set(first) | set(second)
        user._next_assessment_cluster_ids = cache
    return cluster.pk in cache


def manages(user, cluster) -> bool:
    """The user is a manager of this cluster (the ids of their clusters are read once per user object)."""
    if cluster is None or not is_manager(user):
        return False
    cache = getattr(user, "_managed_cluster_ids", None)
    if cache is None:
        cache = set(user.managed_clusters.values_list("id", flat=True))
        user._managed_cluster_ids = cache
    return cluster.pk in cache


def is_assigned_assessor(user, assessment) -> bool:
    """The user is the assessor the assessment is assigned to (whatever its status)."""
    return is_assessor(user) and assessment is not None and assessment.assessor_id == user.pk


# --- the registry ------------------------------------------------------------------------------------------------

RULES: dict[str, Rule] = {}


def register(capability: str, rule: Rule) -> None:
    """Declare who has ``capability``: ``rule(user, obj)`` answers. Each capability is declared once."""
    if capability in RULES and RULES[capability] is not rule:
        raise ValueError(f"The capability {capability!r} is declared twice")
    RULES[capability] = rule


def register_all(rules: dict[str, Rule]) -> None:
    for capability, rule in rules.items():
        register(capability, rule)


def can(user, capability: str, obj: Any = None) -> bool:
    try:
        rule = RULES[capability]
    except KeyError as exc:  # a typo must never grant access
        raise ValueError(f"Unknown capability {capability!r}") from exc
    return bool(rule(user, obj))


def require(user, capability: str, obj: Any = None) -> None:
    """Raise ``NotFound`` (404 on a page and in the API) when the user may not: the object's existence is not
    revealed. A domain error, not an HTTP one: a service, a task or a command calls it as a view does."""
    if not can(user, capability, obj):
        raise NotFound()


# --- the same rules for the REST API -----------------------------------------------------------------------------


class HasCapability(BasePermission):
    """DRF permission: ``permission_classes = [HasCapability.for_("assessment.view")]``.

    Object checks that fail raise ``NotFound``: 404 (see ``core.api.exception_handler``), never 403.
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
            raise NotFound()
        return True


def is_second_assessor(user, assessment) -> bool:
    """The user is the second assessor of the assessment (who countersigns the review for Gold)."""
    return bool(
        is_assessor(user) and getattr(assessment, "second_assessor_id", None) == user.pk and user.pk is not None
    )
