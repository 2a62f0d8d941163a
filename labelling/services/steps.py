"""The one check of the workflow's steps: every service that changes an assessment's status asks it first."""

from __future__ import annotations

from core.exceptions import InvalidTransition
from labelling.models import TRANSITIONS, Assessment


def require_step(assessment: Assessment, step: str, message=None) -> str:
    """The status the workflow ``step`` leads to from the assessment's status (``labelling.models.TRANSITIONS``);
    raises ``InvalidTransition`` (409) when the step cannot be taken from there."""
    sources, target = TRANSITIONS[step]
    if assessment.status not in sources:
        raise InvalidTransition(message)
    return target or assessment.status
