"""Shaping for the improvement plan's pages: the rows a template draws, from what the selectors read (queries
nothing)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from improvement.models import Action, ActionStatus

# The badge of each status (the CSS classes of ``static/css/grappe.css``).
STATUS_BADGES = {ActionStatus.NOT_STARTED: "", ActionStatus.IN_PROGRESS: "warn", ActionStatus.DONE: "ok"}


@dataclass
class ActionRow:
    action: Action
    topic: str  # the indicator ("S1 — …"), else the category of the recommendation
    status: str
    badge: str
    source: str
    overdue: bool  # past its due date and not done
    evidence: list


def topic_of(action: Action) -> str:
    if action.indicator is not None:
        return f"{action.indicator.code} — {action.indicator.name}"
    if action.category is not None:
        return f"{action.category.code} — {action.category.name}"
    return "—"


def action_row(action: Action, *, today: datetime.date) -> ActionRow:
    return ActionRow(
        action=action,
        topic=topic_of(action),
        status=action.get_status_display(),
        badge=STATUS_BADGES.get(action.status, ""),
        source=action.get_source_display(),
        overdue=action.due_on is not None and action.due_on < today and not action.is_done,
        evidence=list(action.evidence.all()),
    )


def action_rows(actions, *, today: datetime.date) -> list[ActionRow]:
    return [action_row(action, today=today) for action in actions]
