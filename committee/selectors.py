"""Reads of the awarding committee. Whatever depends on who asks starts from :func:`sessions_visible_to`: every
session for an administrator, those a committee member sits on, none for anybody else. Never imports the services."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from accounts.permissions import can, committee_session_ids, is_administrator, is_committee_member
from accounts.selectors import committee_members
from committee.models import Case, CommitteeSession, ConflictDeclaration, Minutes, Outcome
from core.exceptions import NotFound
from indicators.computations import ScoreResult
from labelling.models import TRANSITIONS, Answer, Assessment, Label, Report, ReportKind, ReportStatus
from labelling.selectors import assessment_score
from labelling.selectors.report import REPORT_FACTS

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
    """Every session for an administrator, the sessions a committee member sits on, none for anybody else (none at
    all when the committee is switched off)."""
    qs = CommitteeSession.objects.select_related("chair")
    if not can(user, "committee.use"):
        return qs.none()
    if is_administrator(user):
        return qs
    if is_committee_member(user):
        return qs.filter(pk__in=committee_session_ids(user))
    return qs.none()


def session_list_for(user) -> QuerySet[CommitteeSession]:
    """The list page's sessions; ``NotFound`` when the committee is switched off (its pages are gone)."""
    if not can(user, "committee.use"):
        raise NotFound()
    return session_list(user)


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
        .prefetch_related("voters")
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


def session_present(*, session: CommitteeSession) -> list:
    """The members the chair recorded as present."""
    return list(session.present.order_by("last_name", "first_name", "username"))


def seatable_members():
    """The users a session may seat (active committee members)."""
    return committee_members()


def agenda_candidates() -> QuerySet[Assessment]:
    """The assessments an administrator may put on an agenda: those the workflow lets decide (validated) and that
    are on no agenda (a deferred case lets one go on a later session's)."""
    on_agenda = Case.objects.exclude(outcome=Outcome.DEFERRED).values("assessment_id")
    return (
        Assessment.objects.filter(status__in=TRANSITIONS["decide"][0])
        .exclude(pk__in=on_agenda)
        .select_related("cluster")
        .only("pk", "reference_year", "status", "cluster__name")
        .order_by("cluster__name", "reference_year", "pk")
    )


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


@dataclass(frozen=True)
class CaseFacts:
    """What a committee member reads of a case (read-only): the assessment, the score of its validated values, its
    answers, the expert's process (visit and findings, through the facts the expertise app adds to the report) and
    the newest assessment report that is ready."""

    case: Case
    assessment: Assessment
    result: ScoreResult | None
    answers: list[Answer]
    expert: dict | None
    report: Report | None


def case_facts(*, user, pk, language: str = "") -> CaseFacts:
    """A case of a session the user may see (``NotFound`` otherwise), with what its file shows."""
    case = case_get(user=user, pk=pk)
    assessment = Assessment.objects.select_related("cluster", "framework").get(pk=case.assessment_id)
    try:
        result = assessment_score(assessment=assessment)
    except Exception:  # noqa: BLE001 - an answer the current framework refuses must not hide the file
        result = None
    answers = list(
        assessment.answers.select_related("indicator", "indicator__category").order_by(
            "indicator__category__position", "indicator__position"
        )
    )
    reader = REPORT_FACTS.get("expert")
    reports = Report.objects.filter(assessment=assessment, kind=ReportKind.ASSESSMENT, status=ReportStatus.READY)
    report = reports.filter(language=language).order_by("-created_at", "-pk").first() if language else None
    return CaseFacts(
        case=case,
        assessment=assessment,
        result=result,
        answers=answers,
        expert=reader(assessment) if reader is not None else None,
        report=report or reports.order_by("-created_at", "-pk").first(),
    )


def case_report(*, user, pk, report_pk) -> Report:
    """A ready assessment report of a case's assessment, for a reader of the case (``NotFound`` otherwise)."""
    case = case_get(user=user, pk=pk)
    report = (
        Report.objects.select_related("assessment__cluster")
        .filter(pk=report_pk, assessment_id=case.assessment_id, kind=ReportKind.ASSESSMENT, status=ReportStatus.READY)
        .first()
    )
    if report is None or not report.file:
        raise NotFound()
    return report


def minutes_of(*, session: CommitteeSession) -> Minutes | None:
    """The session's minutes (None before it closes)."""
    return Minutes.objects.filter(session=session).first()


def minutes_get(*, user, pk) -> Minutes:
    """The minutes of session ``pk`` if the user may read them (administrators, the session's members) and they are
    ready, else ``NotFound`` (404)."""
    session = session_get(user=user, pk=pk, capability="committee_session.minutes")
    minutes = minutes_of(session=session)
    if minutes is None or minutes.status != "ready" or not minutes.file:
        raise NotFound()
    return minutes


def minutes_download_name(minutes: Minutes) -> str:
    """The name the downloaded minutes get (the stored object's key is random)."""
    return f"committee-minutes-{minutes.session.held_on.isoformat()}.pdf"


@dataclass
class MinutesFacts:
    """What the minutes of a closed session say (``committee.presenters.minutes_context`` shapes it)."""

    session: CommitteeSession
    members: list
    present: list
    cases: list[Case]
    labels: dict[int, Label]


def minutes_facts(*, minutes: Minutes) -> MinutesFacts:
    session = CommitteeSession.objects.select_related("chair").get(pk=minutes.session_id)
    cases = session_agenda(session=session)
    return MinutesFacts(
        session=session,
        members=session_members(session=session),
        present=session_present(session=session),
        cases=cases,
        labels=session_labels(cases=cases),
    )
