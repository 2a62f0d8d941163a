"""Shaping for the appeals' pages: the rows and flags a template draws, from what the selectors read (queries
nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from appeals.forms import AnswerForm, AskForm, DecideForm
from appeals.models import Appeal, AppealStatus, Ground
from appeals.selectors import Appealable, AppealFacts
from labelling.models import Level


@dataclass
class AppealableRow:
    appealable: Appealable
    cluster: str
    ground: str
    level: str


def appealable_rows(appealables: list[Appealable]) -> list[AppealableRow]:
    return [
        AppealableRow(
            appealable=a,
            cluster=a.assessment.cluster.name,
            ground=Ground(a.ground).label,
            level=Level(a.level).label,
        )
        for a in appealables
    ]


def person(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


@dataclass
class AppealPage:
    facts: AppealFacts
    flags: dict  # open, waiting (a question to answer), upheld, overturned
    ask_form: AskForm | None
    answer_form: AnswerForm | None
    decide_form: DecideForm | None
    needs_level: bool  # overturning issues or raises a label: the level is asked
    overturn_effect: str  # what overturning does, in words


def _effect(ground: str) -> str:
    return {
        Ground.REFUSED: _("Overturning issues a label at the level you choose, numbered as every label."),
        Ground.LOWER_LEVEL: _(
            "Overturning raises the label to the level you choose: a new label, numbered as every label, replaces "
            "the lower one."
        ),
        Ground.REVOKED: _("Overturning restores the revoked label, with its number and its dates."),
        Ground.CONDITIONAL: _("Overturning lifts the conditions: the label becomes a plain label."),
    }[ground]


def appeal_page(*, facts: AppealFacts, may_handle: bool, may_answer: bool, forms: dict | None = None) -> AppealPage:
    """The appeal's page for one user: the forms they may use now (``forms``: a bound form refused, by name)."""
    forms = forms or {}
    appeal: Appeal = facts.appeal
    open_ = appeal.is_open
    waiting = appeal.status == AppealStatus.QUESTION
    initial = {"version": appeal.version}
    return AppealPage(
        facts=facts,
        flags={
            "open": open_,
            "waiting": waiting,
            "upheld": appeal.status == AppealStatus.UPHELD,
            "overturned": appeal.status == AppealStatus.OVERTURNED,
        },
        # A refused form is shown again with its errors and what was typed, even when the appeal has moved on
        # since the page was read (a stale version): nothing typed is lost, and the refusal says why.
        ask_form=forms.get("ask") or (AskForm(initial=initial) if may_handle and open_ and not waiting else None),
        answer_form=forms.get("answer") or (AnswerForm(initial=initial) if may_answer and waiting else None),
        decide_form=forms.get("decide")
        or (DecideForm(initial=initial, needs_level=appeal.overturn_needs_level) if may_handle and open_ else None),
        needs_level=appeal.overturn_needs_level,
        overturn_effect=_effect(appeal.ground),
    )
