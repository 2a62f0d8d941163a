"""Keep the values proposed from the cluster's records up to date while the manager fills the assessment."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from clusters.selectors import proposals_for
from labelling.models import Answer, Assessment
from labelling.services.answers import proposal_fields


@transaction.atomic
def assessment_refresh_proposals(*, assessment: Assessment) -> int:
    """Recompute ``proposed_number``/``proposed_option``/``proposal_explanation`` of every answer from the
    cluster's current records (members, team, financing); only the answers whose proposal changed are
    written, in one ``bulk_update``. Does nothing once the assessment is no longer editable. Returns the
    number of answers updated. The declared values are never touched."""
    if not assessment.is_editable_by_manager:
        return 0
    proposals = proposals_for(cluster=assessment.cluster, reference_year=assessment.reference_year)
    changed = []
    for answer in assessment.answers.select_related("indicator"):
        indicator = answer.indicator
        number, option, explanation = proposal_fields(indicator=indicator, proposal=proposals.get(indicator.code))
        old_number = answer.proposed_number
        same_number = (old_number is None and number is None) or (
            old_number is not None and number is not None and Decimal(old_number) == number
        )
        # The explanation is kept as message keys and figures (written in the reader's language when read).
        if same_number and answer.proposed_option == option and answer.proposal_explanation == explanation:
            continue
        answer.proposed_number, answer.proposed_option, answer.proposal_explanation = number, option, explanation
        changed.append(answer)
    if changed:
        Answer.objects.bulk_update(changed, ["proposed_number", "proposed_option", "proposal_explanation"])
    return len(changed)
