"""Silver's areas of improvement on other apps' pages (``{% load areas %}``): each tag reads through the app's
selectors and draws one panel, so labelling's and the committee's views and templates need not know about the app."""

from django import template

from accounts.permissions import can
from areas import presenters, selectors

register = template.Library()


@register.filter
def areas_asked(assessment) -> bool:
    """Whether the assessment describes areas of improvement (a Silver application): the tab of the self-assessment."""
    return selectors.areas_asked(assessment)


def _panel(user, assessment, *, missing: str) -> dict:
    state = selectors.areas_state(assessment=assessment)
    if not state.asked and not state.areas:
        return {"show": False}
    return {
        "show": True,
        "assessment": assessment,
        "progress": presenters.areas_progress(state),
        "missing": getattr(state, missing),
        "may_edit": can(user, "areas.edit", assessment),
        "may_judge": can(user, "areas.judge", assessment),
    }


@register.inclusion_tag("areas/_panel.html", takes_context=True)
def areas_panel(context, assessment):
    """The assessment's page: how many areas, their verdicts, what the validation still waits for."""
    return _panel(context["request"].user, assessment, missing="missing_for_validation")


@register.inclusion_tag("areas/_panel.html", takes_context=True)
def areas_summary_panel(context, assessment):
    """The manager's summary, beside the submission: how many areas, what the submission still waits for."""
    return _panel(context["request"].user, assessment, missing="missing_for_submission")


@register.inclusion_tag("areas/_committee.html", takes_context=True)
def areas_of_case(context, assessment):
    """A committee case: the assessment's areas, read-only, for whoever may see them."""
    request = context.get("request")
    if request is None or not can(request.user, "areas.view", assessment):
        return {"state": None}
    state = selectors.areas_state(assessment=assessment)
    if not state.asked and not state.areas:
        return {"state": None}
    return {"assessment": assessment, "state": state, "progress": presenters.areas_progress(state)}
