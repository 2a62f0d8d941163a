"""Shaping for the committee's pages: the rows a template draws, from what the selectors read (queries nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from django.conf import settings
from django.utils import timezone

from committee.forms import ConditionsMetForm, ConflictForm, DecideForm, RevokeForm
from committee.models import LABEL_OUTCOMES, Case, CommitteeSession, FollowUp, MinutesStatus, Outcome
from core.text import long_date
from labelling.answer_values import answer_validated, value_display
from labelling.models import Label, LabelStatus, Level


@dataclass
class FollowUpRow:
    """A conditional case's follow-up: pending (with the administrator's two forms while the label holds), met or
    revoked."""

    pending: bool
    label: Label | None
    state: str  # what became of the conditions, for people
    followed_up_by: str
    met_form: ConditionsMetForm | None = None
    revoke_form: RevokeForm | None = None


def follow_up_row(*, case: Case, label: Label | None, may_follow_up: bool, forms: dict | None = None) -> FollowUpRow:
    """``forms``: the bound forms of a refused step (``{"met": …}`` or ``{"revoke": …}``)."""
    forms = forms or {}
    holds = label is not None and label.status == LabelStatus.ACTIVE and label.conditions_until is not None
    pending = not case.follow_up
    row = FollowUpRow(
        pending=pending,
        label=label,
        state=FollowUp(case.follow_up).label if case.follow_up else "",
        followed_up_by=person(case.followed_up_by) if case.followed_up_by else "",
    )
    if pending and holds and may_follow_up:
        initial = {"version": case.version}
        row.met_form = forms.get("met") or ConditionsMetForm(auto_id=f"id_met{case.pk}_%s", initial=initial)
        row.revoke_form = forms.get("revoke") or RevokeForm(auto_id=f"id_revoke{case.pk}_%s", initial=initial)
    return row


@dataclass
class CaseRow:
    case: Case
    cluster: str
    computed_level: str
    proposed_level: str
    outcome: str  # the outcome's label, "" while undecided
    conflicts: list[str]
    voters: list[str]  # who may vote on it now (undecided: present without a conflict), or who voted (decided)
    decide_form: DecideForm | None  # the chair's form, while the case can be decided by them
    may_declare: bool  # the user may still declare a conflict of interest on it
    conflict_form: ConflictForm | None = None
    follow_up: FollowUpRow | None = None  # a conditional case's


def person(user) -> str:
    return user.get_full_name() or user.username


def agenda_rows(
    *,
    session: CommitteeSession,
    cases: list[Case],
    user,
    may_decide: bool,
    may_declare: bool,
    present: list | None = None,
    forms: dict | None = None,
    labels: dict | None = None,
    may_follow_up: bool = False,
    follow_up_forms: dict | None = None,
) -> list[CaseRow]:
    """One row per case; ``forms``: a bound form of a case whose decision was refused (shown with what was typed);
    ``present``: the members the chair recorded as present (who may vote on an undecided case, conflicts aside);
    ``labels``: the cases' labels by assessment id; ``follow_up_forms``: a refused follow-up's bound forms by case."""
    forms, labels, follow_up_forms = forms or {}, labels or {}, follow_up_forms or {}
    present = present or []
    rows = []
    for case in cases:
        declared = [c.member_id for c in case.conflicts.all()]
        undecided = session.is_open and not case.outcome
        form = forms.get(case.pk)  # a refused decision is shown with its error, whoever may decide now
        if form is None and undecided and may_decide and user.pk not in declared:
            form = DecideForm(auto_id=f"id_case{case.pk}_%s", initial={"version": case.version})
        if case.outcome:
            voters = [person(m) for m in sorted(case.voters.all(), key=attrgetter("pk"))]  # as recorded
        else:
            voters = [person(m) for m in present if m.pk not in declared]
        rows.append(
            CaseRow(
                case=case,
                cluster=case.assessment.cluster.name,
                computed_level=Level(case.computed_level).label,
                proposed_level=Level(case.proposed_level).label,
                outcome=Outcome(case.outcome).label if case.outcome else "",
                conflicts=[person(c.member) for c in case.conflicts.all()],
                voters=voters,
                decide_form=form,
                may_declare=undecided and may_declare and user.pk not in declared,
                conflict_form=ConflictForm(auto_id=f"id_conflict{case.pk}_%s"),
                follow_up=follow_up_row(
                    case=case,
                    label=labels.get(case.assessment_id),
                    may_follow_up=may_follow_up,
                    forms=follow_up_forms.get(case.pk),
                )
                if case.outcome == Outcome.CONDITIONAL
                else None,
            )
        )
    return rows


def case_context(facts) -> dict:
    """The read-only file of a case (``committee.selectors.CaseFacts``): the answers by category with their
    validated values, the category scores, the expert's findings by category."""
    result = facts.result
    expert = facts.expert or {}
    findings = expert.get("findings")
    by_code = expert.get("findings_by_code") or {}
    categories: list[dict] = []
    for answer in facts.answers:
        category = answer.indicator.category
        if not categories or categories[-1]["code"] != category.code:
            categories.append(
                {
                    "code": category.code,
                    "name": category.name,
                    "score": result.categories.get(category.code) if result is not None else None,
                    "findings": by_code.get(category.code),
                    "answers": [],
                }
            )
        categories[-1]["answers"].append(
            {
                "code": answer.indicator.code,
                "name": answer.indicator.name,
                "value": value_display(indicator=answer.indicator, value=answer_validated(answer)),
            }
        )
    case = facts.case
    return {
        "case": case,
        "session": case.session,
        "assessment": facts.assessment,
        "result": result,
        "result_level": Level(result.level).label if result is not None else "",
        "computed_level": Level(case.computed_level).label,
        "proposed_level": Level(case.proposed_level).label,
        "outcome": Outcome(case.outcome).label if case.outcome else "",
        "categories": categories,
        "findings": findings,
        "visit": expert.get("visit"),
        "experts": expert.get("experts") or [],
        "report": facts.report,
    }


# --- the minutes (a PDF: committee/minutes.html) --------------------------------------------------------------


@dataclass
class MinutesCase:
    cluster: str
    reference_year: int
    computed_level: str
    proposed_level: str
    outcome: str
    outcome_code: str
    certificate: str  # the label's number when the outcome issued one
    conditions: str
    review_on: str
    reason: str
    voters: list[str]  # the members present who voted (those who declared a conflict did not)
    conflicts: list[tuple[str, str]]  # (who, reason)


def minutes_context(facts) -> dict:
    """The minutes' template context, from ``committee.selectors.minutes_facts`` (in the minutes' language)."""
    session = facts.session
    cases = []
    for case in facts.cases:
        label = facts.labels.get(case.assessment_id)
        cases.append(
            MinutesCase(
                cluster=case.assessment.cluster.name,
                reference_year=case.assessment.reference_year,
                computed_level=Level(case.computed_level).label,
                proposed_level=Level(case.proposed_level).label,
                outcome=Outcome(case.outcome).label if case.outcome else "",
                outcome_code=case.outcome,
                certificate=label.certificate_number if label is not None and case.outcome in LABEL_OUTCOMES else "",
                conditions=case.conditions,
                review_on=long_date(case.review_on),
                reason=case.reason,
                voters=[person(m) for m in sorted(case.voters.all(), key=attrgetter("pk"))],
                conflicts=[(person(c.member), c.reason) for c in case.conflicts.all()],
            )
        )
    counts = {outcome: sum(1 for c in cases if c.outcome_code == outcome) for outcome in Outcome.values}
    return {
        "session": session,
        "held_on": long_date(session.held_on),
        "closed_on": long_date(timezone.localtime(session.closed_at).date()) if session.closed_at else "",
        "chair": person(session.chair),
        "members": [person(m) for m in facts.members],
        "present": [person(m) for m in facts.present],
        "cases": cases,
        "counts": [(Outcome(o).label, n) for o, n in counts.items()],
        "conflict_count": sum(len(c.conflicts) for c in cases),
        "labelling_body": settings.LABELLING_BODY,
        "generated_on": long_date(timezone.localdate()),
    }


def minutes_flags(minutes) -> dict | None:
    """What the session's page says of its minutes (None: no minutes, or not the user's to read)."""
    if minutes is None:
        return None
    return {"ready": minutes.status == MinutesStatus.READY, "failed": minutes.status == MinutesStatus.FAILED}
