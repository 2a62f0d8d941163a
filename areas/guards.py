"""The conditions Silver's areas of improvement put on labelling's workflow steps (``labelling.services.steps``): a
Silver application is submitted with at least three areas, each resting on actions of the plan, and validated once
the assessor has given a verdict on each. Also the facts the areas add to labelling's assessment report."""

from __future__ import annotations

from django.utils.translation import gettext as _

from areas.selectors import areas_state, report_areas
from core.exceptions import DomainError
from labelling.selectors.report import register_report_facts
from labelling.services.steps import register_step_guard


class AreasMissing(DomainError):
    """A Silver submission without its areas of improvement: ``errors`` says what is missing."""


class VerdictsMissing(DomainError):
    """A Silver validation before every area has its verdict: ``errors`` says which."""

    status_code = 409


def submission_guard(assessment) -> None:
    """A Silver application is refused at its submission (and at a resubmission) while it describes fewer than three
    areas of improvement or an area rests on no action of the plan."""
    missing = areas_state(assessment=assessment).missing_for_submission
    if missing:
        raise AreasMissing(
            _("The Silver application cannot be submitted without its areas of improvement:"), errors=missing
        )


register_step_guard("submit", submission_guard)
register_step_guard("resubmit", submission_guard)


def validation_guard(assessment) -> None:
    """A Silver application is validated once each of its areas (three at least) has the assessor's verdict."""
    missing = areas_state(assessment=assessment).missing_for_validation
    if missing:
        header = _("The Silver application cannot be validated before a verdict on each area of improvement:")
        # the message names what is missing too: the assessment page shows only the message of a refused step
        raise VerdictsMissing(" ".join([header, *missing]), errors=missing)


register_step_guard("validate", validation_guard)


register_report_facts("areas", report_areas)
