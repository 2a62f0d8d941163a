"""Template tags of the labelling pages that other apps' templates show (e.g. the managers' banner)."""

from django import template

from labelling import selectors

register = template.Library()


@register.inclusion_tag("labelling/_action_needed.html", takes_context=True)
def action_needed(context, cluster=None):
    """The "action needed" banner: the user's assessments waiting for them (changes requested)."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    assessments = list(selectors.assessments_needing_action(user=user, cluster=cluster)) if user else []
    return {"assessments": assessments}
