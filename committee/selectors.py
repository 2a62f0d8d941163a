"""Reads of the awarding committee. Whatever depends on who asks starts from :func:`sessions_visible_to`: every
session for an administrator, those a committee member sits on, none for anybody else. Never imports the services."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from accounts.permissions import can, committee_session_ids, is_administrator, is_committee_member
from committee.models import Case, CommitteeSession, ConflictDeclaration
from core.exceptions import NotFound
from labelling.models import Label

# The columns a list of sessions shows.
SESSION_LIST_COLUMNS = (
    "held_on",
    "place",
    "video_link",
    "status",
    "version",
    "chair__username",
    "chair__first_name",
    "chair__last_name",
)


def sessions_visible_to(user) -> QuerySet[CommitteeSession]:
    """Every session for an administrator, the sessions a committee member sits on, none for anybody else."""
    qs = CommitteeSession.objects.select_related("chair")
    if is_administrator(user):
        return qs
    if is_committee_member(user):
        return qs.filter(pk__in=committee_session_ids(user))
    return qs.none()


def session_list(user) -> QuerySet[CommitteeSession]:
    """The sessions the user may see, newest first, with their number of cases (only the columns a list shows)."""
    return (
        sessions_visible_to(user)
        .only("pk", *SESSION_LIST_COLUMNS)
        .annotate(case_count=Count("cases"))
        .order_by("-held_on", "-pk")
    )


def session_get(*, user, pk, capability: str = "committee_session.view") -> CommitteeSession:
    """The session if the user may see it and has ``capability`` on it, else ``NotFound`` (404)."""
    session = sessions_visible_to(user).filter(pk=pk).first()
    if session is None or not can(user, capability, session):
        raise NotFound()
    return session


def session_agenda(*, session: CommitteeSession) -> list[Case]:
    """The session's cases, in the order they were put on the agenda, with their assessment's cluster and the
    conflicts declared on each."""
    return list(
        session.cases.select_related("assessment__cluster", "decided_by", "followed_up_by")
        .defer("assessment__framework")
        .prefetch_related(Prefetch("conflicts", queryset=ConflictDeclaration.objects.select_related("member")))
        .order_by("pk")
    )


def session_labels(*, cases: list[Case]) -> dict[int, Label]:
    """The labels the cases' assessments received, by assessment id (a conditional case's follow-up reads its
    label's status and review date)."""
    ids = [case.assessment_id for case in cases if case.outcome]
    if not ids:
        return {}
    return {label.assessment_id: label for label in Label.objects.filter(assessment_id__in=ids)}


def session_members(*, session: CommitteeSession) -> list:
    return list(session.members.order_by("last_name", "first_name", "username"))


def case_get(*, user, pk, capability: str = "committee_session.view") -> Case:
    """The case if the user may see its session and has ``capability`` on it, else ``NotFound`` (404)."""
    case = (
        Case.objects.select_related("session", "assessment__cluster")
        .filter(session__in=sessions_visible_to(user), pk=pk)
        .first()
    )
    if case is None or not can(user, capability, case):
        raise NotFound()
    return case
