from django import template
from django.utils import timezone

from programmes import presenters, selectors

register = template.Library()


@register.inclusion_tag("programmes/_my_programmes.html", takes_context=True)
def my_programmes(context):
    """The managers' landing page: the programmes their clusters are enrolled in and the state of each year's
    report (two queries, whatever the number of programmes)."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if user is None:
        return {"rows": []}
    return {
        "rows": presenters.with_state_labels(selectors.managed_report_states(user=user, today=timezone.localdate()))
    }
