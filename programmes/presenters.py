"""Shaping for the funders' pages: what a selector read becomes the rows and labels a template draws. Queries
nothing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STATE_LABELS = {
    "not_started": _("Not started"),
    "draft": _("Being filled"),
    "submitted": _("Submitted"),
    "returned": _("Returned"),
    "approved": _("Approved"),
    "late": _("Late"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def with_state_labels(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["state_label"] = state_label(row["state"])
    return rows
