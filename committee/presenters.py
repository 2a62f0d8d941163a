"""Shaping for the committee's pages: the rows a template draws, from what the selectors read (queries nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from committee.forms import ConflictForm, DecideForm
from committee.models import Case, CommitteeSession, Outcome
from labelling.models import Level


@dataclass
class CaseRow:
    case: Case
    cluster: str
    computed_level: str
    proposed_level: str
    outcome: str  # the outcome's label, "" while undecided
    conflicts: list[str]
    decide_form: DecideForm | None  # the chair's form, while the case can be decided by them
    may_declare: bool  # the user may still declare a conflict of interest on it
    conflict_form: ConflictForm | None = None


def _person(user) -> str:
    return user.get_full_name() or user.username


def agenda_rows(
    *,
    session: CommitteeSession,
    cases: list[Case],
    user,
    may_decide: bool,
    may_declare: bool,
    forms: dict | None = None,
) -> list[CaseRow]:
    """One row per case; ``forms``: a bound form of a case whose decision was refused (shown with what was typed)."""
    forms = forms or {}
    rows = []
    for case in cases:
        declared = [c.member_id for c in case.conflicts.all()]
        undecided = session.is_open and not case.outcome
        form = None
        if undecided and may_decide and user.pk not in declared:
            form = forms.get(case.pk) or DecideForm(auto_id=f"id_case{case.pk}_%s", initial={"version": case.version})
        rows.append(
            CaseRow(
                case=case,
                cluster=case.assessment.cluster.name,
                computed_level=Level(case.computed_level).label,
                proposed_level=Level(case.proposed_level).label,
                outcome=Outcome(case.outcome).label if case.outcome else "",
                conflicts=[_person(c.member) for c in case.conflicts.all()],
                decide_form=form,
                may_declare=undecided and may_declare and user.pk not in declared,
                conflict_form=ConflictForm(auto_id=f"id_conflict{case.pk}_%s"),
            )
        )
    return rows
