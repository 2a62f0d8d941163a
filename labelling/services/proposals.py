"""Keep the values proposed from the cluster's records up to date while the manager fills the assessment.

A page never writes them: the category page shows the records' current proposals without storing them
(``labelling.selectors.category_answers``); they are stored when the manager saves a category's answers and
when the assessment is submitted (``labelling.services.answers``), under the assessment's lock, audited.
"""

from __future__ import annotations

from audit.services import audit_log
from clusters.selectors import proposals_for
from labelling.answer_values import proposal_fields, proposal_set
from labelling.models import Answer, Assessment


def proposals_refresh_locked(*, user, locked: Assessment) -> int:
    """Store the current proposals on the answers of an assessment the caller has locked (its transaction):
    ``proposed_number``/``proposed_option``/``proposal_explanation`` from the cluster's current records (members,
    team, financing); only the answers whose proposal changed are written, in one ``bulk_update``, and the codes
    audited. Nothing once the assessment is no longer editable. Returns the number of answers updated. The
    declared values are never touched."""
    if not locked.is_editable_by_manager:
        return 0
    proposals = proposals_for(cluster=locked.cluster, reference_year=locked.reference_year)
    changed = [
        answer
        for answer in locked.answers.select_related("indicator").order_by("indicator__position")
        if proposal_set(
            answer, proposal_fields(indicator=answer.indicator, proposal=proposals.get(answer.indicator.code))
        )
    ]
    if changed:
        Answer.objects.bulk_update(changed, ["proposed_number", "proposed_option", "proposal_explanation"])
        audit_log(
            actor=user,
            action="assessment.proposals_refreshed",
            assessment=locked,
            after={"changed": [answer.indicator.code for answer in changed]},
        )
    return len(changed)
