"""The expert's process on labelling's pages (``{% load expertise %}``): each tag reads through the app's selectors
and draws one panel, so labelling's views and templates need not know about the app."""

from django import template

from accounts.permissions import can
from expertise import selectors

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
