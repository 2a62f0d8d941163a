"""The conditions the expert's process puts on labelling's workflow steps (``labelling.services.steps``): each
guard takes the locked assessment and raises a domain error to refuse the step."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.exceptions import DomainError
from expertise.selectors import prerequisites_check
from labelling.services.steps import register_step_guard


class PrerequisitesNotMet(DomainError):
    """The cluster does not meet the prerequisites to apply and has no exemption: ``errors`` lists them."""


def prerequisites_guard(assessment) -> None:
    """A submission is refused, with the list, while a prerequisite is not met (unless the cluster is exempted)."""
    prerequisites = prerequisites_check(assessment=assessment)
    if prerequisites.met:
        return
    raise PrerequisitesNotMet(
        _("The cluster does not meet the prerequisites to apply for a label yet:"),
        errors=[criterion.explanation for criterion in prerequisites.unmet],
    )


register_step_guard("submit", prerequisites_guard)
