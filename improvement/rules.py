"""Who may do what with a cluster's improvement plan (registered with ``accounts.permissions`` when the app is
ready). The object of every capability is the plan's cluster.

The managers of the cluster edit the plan; the administrators, the assessors of the cluster's next assessment (one
not yet decided, first or second assessor) and the committee members of a session that has one of its assessments on
its agenda read it; nobody else sees it (404)."""

from accounts.permissions import (
    assesses_next_assessment_of,
    is_administrator,
    manages,
    register_all,
    sits_on_a_case_of,
)


def _plan_view(user, cluster) -> bool:
    return (
        is_administrator(user)
        or manages(user, cluster)
        or assesses_next_assessment_of(user, cluster)
        or sits_on_a_case_of(user, cluster)
    )


register_all(
    {
        # obj: a Cluster: read its plan, its actions and their evidence files
        "improvement_plan.view": _plan_view,
        # obj: a Cluster: add and edit actions, upload and remove evidence files
        "improvement_plan.edit": lambda u, c: manages(u, c),
    }
)
