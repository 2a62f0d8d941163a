"""The expert's process on labelling's pages (``{% load expertise %}``): each tag reads through the app's selectors
and draws one panel, so labelling's views and templates need not know about the app."""

from django import template

from accounts.permissions import can
from expertise import selectors
from expertise.presenters import slot_label

register = template.Library()


@register.inclusion_tag("expertise/_prerequisites_panel.html")
def prerequisites_panel(assessment):
    """The prerequisites to apply, beside the submit button of the summary page."""
    return {"assessment": assessment, "prerequisites": selectors.prerequisites_check(assessment=assessment)}


@register.inclusion_tag("expertise/_expert_panel.html", takes_context=True)
def expert_panel(context, assessment):
    """The expert's process on the assessment page: the level applied for, the prerequisites, the visit, the
    findings, each with its page."""
    user = context["request"].user
    visits = list(selectors.visits_of(assessment=assessment)[:1])
    findings = selectors.findings_of(assessment=assessment) if can(user, "findings.view", assessment) else None
    return {
        "assessment": assessment,
        "prerequisites": selectors.prerequisites_check(assessment=assessment),
        "visit": visits[0] if visits else None,
        "findings": findings,
        "may_write_findings": can(user, "findings.write", assessment),
    }


@register.filter
def category_findings(expert, code):
    """The expert's findings on one category (``{{ expert|category_findings:"S" }}``), from the report's facts."""
    if not expert:
        return None
    return (expert.get("findings_by_code") or {}).get(code)


@register.inclusion_tag("expertise/_next_visit.html", takes_context=True)
def next_visit_panel(context):
    """The next accepted visit among the user's assessments (the assessor's and the manager's dashboards)."""
    return {"visit": selectors.next_visit_for(context["request"].user)}


UPCOMING_ON_DASHBOARD = 10


@register.inclusion_tag("expertise/_upcoming_visits.html", takes_context=True)
def upcoming_visits_panel(context):
    """The administrators' dashboard: the first visits of the coming 30 days, and the link to all of them."""
    user = context["request"].user
    if not can(user, "visit.oversee"):
        return {"visits": None}
    visits = selectors.upcoming_visits(user)
    first = list(visits[: UPCOMING_ON_DASHBOARD + 1])
    return {
        "visits": first[:UPCOMING_ON_DASHBOARD],
        "more": len(first) > UPCOMING_ON_DASHBOARD,
        "days": selectors.UPCOMING_DAYS,
    }


@register.filter
def time_range(item) -> str:
    """A slot's or a visit's start and end as people read them (« 12 mars 2027 09:00 – 12:00 »)."""
    if item is None or getattr(item, "starts_at", None) is None or getattr(item, "ends_at", None) is None:
        return ""
    return slot_label(item)
