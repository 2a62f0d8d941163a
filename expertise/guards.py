"""The conditions the expert's process puts on labelling's workflow steps (``labelling.services.steps``): each
guard takes the locked assessment and raises a domain error to refuse the step. Also the facts it adds to labelling's
assessment report (the visit and the findings)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError, InvalidTransition
from expertise.selectors import (
    findings_of,
    prerequisites_check,
    questionnaire_frozen_until_visit,
    report_expert_facts,
    visit_held,
)
from labelling.selectors.report import register_report_facts
from labelling.services.steps import register_step_guard

FINDINGS_PART_NAMES = {"visited_on": gettext_lazy("the date"), "people_met": gettext_lazy("the people met")}


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


def gold_freeze_guard(assessment) -> None:
    """For Gold, the questionnaire is frozen for the manager from the framework's days before the accepted visit."""
    visit = questionnaire_frozen_until_visit(assessment=assessment)
    if visit is None:
        return
    raise InvalidTransition(questionnaire_frozen_message(assessment, visit))


def questionnaire_frozen_message(assessment, visit) -> str:
    """Why the manager can no longer change a Gold questionnaire, with the visit's date and since when."""
    days = assessment.framework.gold_visit_freeze_days
    starts = timezone.localtime(visit.starts_at)
    return _(
        "The questionnaire is frozen for the Gold visit of %(date)s: from %(days)d days before the visit (since "
        "%(since)s), the answers, the evidence files and the eligibility can no longer be changed. Bring your "
        "changes to the visit; you can still send the assessment back to the assessor."
    ) % {
        "date": date_format(starts, "DATE_FORMAT"),
        "days": days,
        "since": date_format(starts - datetime.timedelta(days=days), "DATE_FORMAT"),
    }


register_step_guard("edit", gold_freeze_guard)


class ExpertProcessIncomplete(DomainError):
    """The validation waits for the interview or visit and the findings: ``errors`` says what is missing."""

    status_code = 409


def visit_and_findings_guard(assessment) -> None:
    """The validation is refused until the interview or visit has taken place and the findings are written."""
    missing = []
    if visit_held(assessment=assessment) is None:
        missing.append(_("The interview or visit has not taken place yet (an accepted visit whose end has passed)."))
    findings = findings_of(assessment=assessment)
    if findings.version == 0:
        missing.append(_("The findings are not written yet."))
    elif findings.missing:
        missing.append(
            _("The findings are incomplete: %(parts)s.")
            % {"parts": ", ".join(str(FINDINGS_PART_NAMES.get(part, part)) for part in findings.missing)}
        )
    if missing:
        header = _("The assessment cannot be validated before the interview or visit and the findings:")
        # the message names what is missing too: the assessment page shows only the message of a refused step
        raise ExpertProcessIncomplete(" ".join([header, *missing]), errors=missing)


register_step_guard("validate", visit_and_findings_guard)

register_report_facts("expert", report_expert_facts)
