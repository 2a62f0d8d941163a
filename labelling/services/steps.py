"""The one check of the workflow's steps (``labelling.models.TRANSITIONS``): every service that takes a step asks
``require_step`` first, every page that offers a step asks ``step_allowed``."""

from __future__ import annotations

from collections.abc import Callable

from core.exceptions import DomainError, InvalidTransition
from labelling.models import TRANSITIONS, Assessment

# The conditions that apps above labelling put on a step (the expert's process: the prerequisites before ``submit``,
# the visit and the findings before ``validate``, the freeze before a Gold visit on ``edit``): each guard takes the
# locked assessment and raises a ``DomainError`` to refuse the step. Registered when those apps are ready.
STEP_GUARDS: dict[str, list[Callable[[Assessment], None]]] = {}


def register_step_guard(step: str, guard: Callable[[Assessment], None]) -> None:
    """Make ``require_step`` ask ``guard(assessment)`` before the workflow ``step`` (once per guard)."""
    if step not in TRANSITIONS:
        raise KeyError(step)
    guards = STEP_GUARDS.setdefault(step, [])
    if guard not in guards:
        guards.append(guard)


def step_allowed(assessment: Assessment, step: str) -> bool:
    """Whether the workflow ``step`` may be taken from the assessment's status."""
    sources, _target = TRANSITIONS[step]
    return assessment.status in sources


def require_step(assessment: Assessment, step: str, message=None) -> str:
    """The status the workflow ``step`` leads to from the assessment's status (the same status for a step that
    does not move it); raises ``InvalidTransition`` (409) when the step cannot be taken from there, or the error of
    a guard registered on the step (``register_step_guard``)."""
    if not step_allowed(assessment, step):
        raise InvalidTransition(message)
    for guard in STEP_GUARDS.get(step, ()):
        guard(assessment)
    _sources, target = TRANSITIONS[step]
    return target or assessment.status


def step_refusal(assessment: Assessment, step: str) -> DomainError | None:
    """Why the workflow ``step`` cannot be taken now, without taking it: ``None`` when it can, else the error
    ``require_step`` would raise (``InvalidTransition`` with no message for a status the table does not allow, or a
    guard's error with its reason: the pages show it where they hide the step's form)."""
    try:
        require_step(assessment, step)
    except DomainError as exc:
        return exc
    return None


def step_open(assessment: Assessment, step: str) -> bool:
    """Whether the workflow ``step`` may be taken now: allowed from the status, and no guard refuses it."""
    return step_refusal(assessment, step) is None
