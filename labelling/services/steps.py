"""The one check of the workflow's steps (``labelling.models.TRANSITIONS``): every service that takes a step asks
``require_step`` first, every page that offers a step asks ``step_allowed``."""

from __future__ import annotations

from core.exceptions import InvalidTransition
from labelling.models import TRANSITIONS, Assessment


def step_allowed(assessment: Assessment, step: str) -> bool:
    """Whether the workflow ``step`` may be taken from the assessment's status."""
    sources, _target = TRANSITIONS[step]
    return assessment.status in sources


def require_step(assessment: Assessment, step: str, message=None) -> str:
    """The status the workflow ``step`` leads to from the assessment's status (the same status for a step that
    does not move it); raises ``InvalidTransition`` (409) when the step cannot be taken from there."""
    if not step_allowed(assessment, step):
        raise InvalidTransition(message)
    _sources, target = TRANSITIONS[step]
    return target or assessment.status
