"""Who may do what in the expert's process (registered with ``accounts.permissions`` when the app is ready). Whether
a step fits the assessment's status is asked of labelling's steps table (``plan_visit``, ``write_findings``)."""

from accounts.permissions import (
    can,
    is_administrator,
    is_assigned_assessor,
    is_second_assessor,
    manages,
    register_all,
)
from labelling.services.steps import step_allowed


def _visit_change(user, visit) -> bool:
    assessment = visit.assessment
    return is_administrator(user) or is_assigned_assessor(user, assessment) or manages(user, assessment.cluster)


def _findings_view(user, assessment) -> bool:
    """The assessors and administrators see the findings as they are written; the managers once validated."""
    if is_administrator(user) or is_assigned_assessor(user, assessment) or is_second_assessor(user, assessment):
        return True
    return manages(user, assessment.cluster) and assessment.validated_on is not None


register_all(
    {
        # record or withdraw a cluster's exemption from the prerequisites to apply
        "prerequisites.exempt": lambda u, _=None: is_administrator(u),
        # the interview or visit: whoever sees the assessment sees its visits and downloads the invitation
        "visit.view": lambda u, v: can(u, "assessment.view", v.assessment),
        # the assigned assessor proposes slots while the assessment is with them
        "visit.propose": lambda u, a: is_assigned_assessor(u, a) and step_allowed(a, "plan_visit"),
        # a manager of the cluster accepts a slot or asks for others
        "visit.answer": lambda u, v: manages(u, v.assessment.cluster),
        # the accepted visit is moved or cancelled by the assessor, a manager or an administrator
        "visit.change": _visit_change,
        # the findings: read (managers once validated), written by the assigned assessor only
        "findings.view": _findings_view,
        "findings.write": lambda u, a: is_assigned_assessor(u, a) and step_allowed(a, "write_findings"),
        # the administrators' list of the visits of the coming 30 days
        "visit.oversee": lambda u, _=None: is_administrator(u),
    }
)
