"""The expert's process on labelling's pages (``{% load expertise %}``): each tag reads through the app's selectors
and draws one panel, so labelling's views and templates need not know about the app."""

from django import template

from expertise import selectors

register = template.Library()


@register.inclusion_tag("expertise/_prerequisites_panel.html")
def prerequisites_panel(assessment):
    """The prerequisites to apply, beside the submit button of the summary page."""
    return {"assessment": assessment, "prerequisites": selectors.prerequisites_check(assessment=assessment)}
