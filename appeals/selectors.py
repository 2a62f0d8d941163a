"""Reads of the appeals. Whatever depends on who asks starts from :func:`appeals_visible_to` (every appeal for an
administrator, their clusters' for a manager, none for anybody else) or from the assessments the user may appeal.
Which decisions of an assessment may be appealed, until when and by whom they were taken is read here
(:func:`appealable_decisions`), once, for the pages, the API and the services. Never imports the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.permissions import can
from accounts.selectors import administrators
from appeals.models import Appeal, AppealFile, Ground, Question
from audit.models import AuditEvent
from clusters.selectors import clusters_managed_by, clusters_visible_to
from committee.models import Case
from core.exceptions import NotFound
from labelling.models import LABEL_LEVELS, Assessment, Decision, Label, LabelStatus, Level, current_label_of
from labelling.selectors import assessments_visible_to


def appeal_window_days() -> int:
    """How many days after a decision an appeal may be lodged (``APPEAL_WINDOW_DAYS``, 30 by default)."""
    return int(settings.APPEAL_WINDOW_DAYS)


@dataclass(frozen=True)
class Appealable:
    """A decision of an assessment that its cluster may appeal: what (``ground``), when it was taken, the last day to
    appeal it, the label concerned and who took part in it (they never handle the appeal)."""

    assessment: Assessment
    ground: str
    decided_on: datetime.date
    deadline: datetime.date
    level: str  # the level the decision gave (``none`` for a refusal)
    label: Label | None = None
    reason: str = ""  # the reason the decision gave
    recused_ids: frozenset[int] = field(default_factory=frozenset)
    appealed: bool = False  # an appeal against it was lodged already

    def late(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.deadline


def _rank(level: str) -> int:
    return LABEL_LEVELS.index(level) if level in LABEL_LEVELS else -1


def _committee_case(assessment: Assessment) -> Case | None:
    """The committee's case that decided the assessment (none without a committee)."""
    return (
        Case.objects.filter(assessment=assessment)
        .exclude(outcome__in=["", "deferred"])
        .select_related("session")
        .first()
    )


def _committee_people(case: Case | None) -> set[int]:
    """The chair and the members of the session that decided the case."""
    if case is None:
        return set()
    return {case.session.chair_id, *case.session.members.values_list("pk", flat=True)}


def _revoker(label: Label) -> set[int]:
    actor = (
        AuditEvent.objects.filter(action="label.revoked", target=label.certificate_number)
        .order_by("-pk")
        .values_list("actor_id", flat=True)
        .first()
    )
    return {actor} if actor else set()


def appealable_decisions(*, assessment: Assessment) -> list[Appealable]:
    """The decisions of a decided assessment that may be appealed (whatever the date: ``late`` says whether the
    deadline has passed), each with who took part in it:

    - a refusal (the decision gave no label);
    - a label granted with conditions, while they hold;
    - a label of a lower level than the one applied for;
    - the revocation of its label.
    """
    decision = Decision.objects.filter(assessment=assessment).first()
    if decision is None:
        return []
    window = datetime.timedelta(days=appeal_window_days())
    label = current_label_of(assessment)
    case = _committee_case(assessment)
    deciders = {decision.decided_by_id} | _committee_people(case)
    found: list[Appealable] = []

    def add(ground: str, decided_on: datetime.date, recused: set[int], level: str, reason: str) -> None:
        found.append(
            Appealable(
                assessment=assessment,
                ground=ground,
                decided_on=decided_on,
                deadline=decided_on + window,
                level=level,
                label=label,
                reason=reason,
                recused_ids=frozenset(pk for pk in recused if pk),
            )
        )

    if label is None:
        if decision.level == Level.NONE:
            add(Ground.REFUSED, decision.decided_on, deciders, Level.NONE, decision.reason)
    elif label.status == LabelStatus.REVOKED:
        add(Ground.REVOKED, timezone.localdate(label.revoked_at), _revoker(label), label.level, label.revoked_reason)
    elif label.status == LabelStatus.ACTIVE:
        if label.conditions_until is not None:
            conditions = case.conditions if case is not None else ""
            add(Ground.CONDITIONAL, decision.decided_on, deciders, label.level, conditions or decision.reason)
        if _rank(label.level) < _rank(assessment.applied_level):
            add(Ground.LOWER_LEVEL, decision.decided_on, deciders, label.level, decision.reason)
    lodged = set(Appeal.objects.filter(assessment=assessment).values_list("ground", "decided_on"))
    return [Appealable(**{**a.__dict__, "appealed": (a.ground, a.decided_on) in lodged}) for a in found]


def appealable_for(*, user, today: datetime.date | None = None) -> list[Appealable]:
    """The decisions the user may still appeal today (a manager: their clusters' decided assessments; nobody else),
    not appealed yet, the nearest deadline first."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=appeal_window_days())
    # Only a manager's clusters, and only what was decided or revoked within the window.
    candidates = (
        Assessment.objects.filter(cluster__in=clusters_managed_by(user), decision__isnull=False)
        .filter(Q(decision__decided_on__gte=since) | Q(label__revoked_at__date__gte=since))
        .select_related("cluster")
        .distinct()
        .order_by("-pk")
    )
    rows = []
    for assessment in candidates:
        if not can(user, "appeal.lodge", assessment):
            continue
        rows += [
            a
            for a in appealable_decisions(assessment=assessment)
            if not a.appealed and since <= a.decided_on and not a.late(today)
        ]
    return sorted(rows, key=lambda a: (a.deadline, a.assessment.pk))


def appealable_get(*, user, assessment_pk, ground: str) -> Appealable:
    """The decision ``ground`` of the assessment if the user may appeal it (late or not), else ``NotFound``."""
    assessment = assessments_visible_to(user).filter(pk=assessment_pk).first()
    if assessment is None or not can(user, "appeal.lodge", assessment):
        raise NotFound()
    for appealable in appealable_decisions(assessment=assessment):
        if appealable.ground == ground:
            return appealable
    raise NotFound()


def appeals_visible_to(user) -> QuerySet[Appeal]:
    """Every appeal for an administrator, their clusters' for a manager, none for anybody else."""
    return Appeal.objects.filter(cluster__in=clusters_visible_to(user)).select_related(
        "cluster", "assessment", "lodged_by", "decided_by"
    )


def appeal_list(user, *, status: str = "") -> QuerySet[Appeal]:
    """The appeals the user may see, the newest first, optionally of one status."""
    appeals = appeals_visible_to(user).defer("assessment__framework")
    if status:
        appeals = appeals.filter(status=status)
    return appeals.order_by("-created_at", "-pk")


def appeal_get(*, user, pk, capability: str = "appeal.view") -> Appeal:
    """The appeal if the user may see it and has ``capability`` on it, else ``NotFound`` (404)."""
    appeal = appeals_visible_to(user).filter(pk=pk).first()
    if appeal is None or not can(user, capability, appeal):
        raise NotFound()
    return appeal


@dataclass(frozen=True)
class AppealFacts:
    """What an appeal's page and its API answer show."""

    appeal: Appeal
    questions: list[Question]
    files: list[AppealFile]  # the files lodged with the appeal (those of an answer are on its question)
    label: Label | None
    new_label: Label | None


def appeal_facts(*, appeal: Appeal) -> AppealFacts:
    questions = list(
        appeal.questions.select_related("asked_by", "answered_by").prefetch_related(
            Prefetch("files", queryset=AppealFile.objects.order_by("created_at", "pk"))
        )
    )
    return AppealFacts(
        appeal=appeal,
        questions=questions,
        files=list(appeal.files.filter(question__isnull=True).order_by("created_at", "pk")),
        label=Label.objects.filter(pk=appeal.label_id).first() if appeal.label_id else None,
        new_label=Label.objects.filter(pk=appeal.new_label_id).first() if appeal.new_label_id else None,
    )


def file_get(*, user, pk) -> AppealFile:
    """An appeal's file if the user may see the appeal, else ``NotFound``."""
    found = AppealFile.objects.select_related("appeal").filter(pk=pk, appeal__in=appeals_visible_to(user)).first()
    if found is None or not can(user, "appeal.view", found.appeal):
        raise NotFound()
    return found


def handlers_of(*, appeal: Appeal) -> list:
    """The active administrators who may handle the appeal (who took no part in the decision appealed)."""
    return list(administrators().exclude(pk__in=appeal.recused_ids()))
