"""Who may do what with Silver's areas of improvement (registered with ``accounts.permissions`` when the app is
ready). The object of every capability is the assessment. Whether a step fits the assessment's status is asked of
labelling's capabilities (``assessment.edit``, ``assessment.review``), which ask the steps table.

Whoever sees the assessment sees its areas (its managers, its assessors, the administrators), and so do the committee
members of a session that has the assessment on its agenda; the managers write them while they may edit the
assessment; the assigned assessor gives the verdicts while they review it."""

from accounts.permissions import can, committee_session_ids, register_all


def _on_agenda_of_a_session_of(user, assessment) -> bool:
    """The user sits on an awarding-committee session that has the assessment on its agenda."""
    sessions = committee_session_ids(user)
    return bool(sessions) and assessment.committee_cases.filter(session_id__in=sessions).exists()


def _areas_view(user, assessment) -> bool:
    return can(user, "assessment.view", assessment) or _on_agenda_of_a_session_of(user, assessment)


register_all(
    {
        # read the areas and their verdicts
        "areas.view": _areas_view,
        # add, change and remove areas: a manager of the cluster, while the assessment may be edited
        "areas.edit": lambda u, a: can(u, "assessment.edit", a),
        # mark each area demonstrated or not: the assigned assessor, while the assessment is in review
        "areas.judge": lambda u, a: can(u, "assessment.review", a),
    }
)
