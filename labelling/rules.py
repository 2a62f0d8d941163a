"""Who may do what with assessments, evidence, reports and labels (registered with ``accounts.permissions`` when
the app is ready). Whether a step of the workflow fits the assessment's status is asked of the steps table
(``labelling.services.steps.step_allowed``), never by comparing statuses here."""

from django.conf import settings

from accounts.permissions import (
    is_administrator,
    is_assessor,
    is_assigned_assessor,
    is_second_assessor,
    manages,
    register_all,
)
from labelling.models import SCORED_STATUSES
from labelling.services.steps import step_allowed, step_open


def _assessment_view(user, assessment) -> bool:
    return (
        is_administrator(user)
        or manages(user, assessment.cluster)
        or is_assigned_assessor(user, assessment)
        or is_second_assessor(user, assessment)
    )


def _assessment_edit(user, assessment) -> bool:
    """A manager of the cluster changes the answers, evidence and eligibility while the step ``edit`` is open: the
    status allows it and no guard refuses it (for Gold, the questionnaire frozen before the visit)."""
    return manages(user, assessment.cluster) and step_open(assessment, "edit")


def _assessment_submit(user, assessment) -> bool:
    """A manager of the cluster submits (or submits again) from an editable status; the step's guards (the
    prerequisites) refuse it with their list when it is tried, so the page keeps the button and the list."""
    return manages(user, assessment.cluster) and step_allowed(assessment, "submit")


def _assessment_review(user, assessment) -> bool:
    return is_assigned_assessor(user, assessment) and step_allowed(assessment, "review_answer")


register_all(
    {
        "assessment.create": lambda u, c: manages(u, c),
        "assessment.view": _assessment_view,
        # the manager's pages of an assessment (fill, summary, withdraw): a manager of its cluster
        "assessment.manage": lambda u, a: manages(u, a.cluster),
        "assessment.edit": _assessment_edit,
        "assessment.submit": _assessment_submit,
        "assessment.assign": lambda u, a: is_administrator(u),
        # the user is the assessor the assessment is assigned to (whatever its status)
        "assessment.assessor": is_assigned_assessor,
        "assessment.review": _assessment_review,
        # the score and level of the validated values: administrators and the assigned assessor
        "assessment.score": lambda u, a: is_administrator(u) or is_assigned_assessor(u, a),
        "assessment.decide": lambda u, a: is_administrator(u),
        # the direct decision (the page's and the API's decide): only when the labelling body has no awarding
        # committee (settings.LABELLING_COMMITTEE off); with it, the committee's chair decides through
        # ``assessment.decide`` and an administrator puts the assessment on a session's agenda instead
        "assessment.decide_directly": lambda u, a: is_administrator(u) and not settings.LABELLING_COMMITTEE,
        # the assessment goes to the awarding committee (an administrator, the committee on)
        "assessment.refer": lambda u, a: is_administrator(u) and bool(settings.LABELLING_COMMITTEE),
        # every assessment of every cluster, on the administrators' dashboard
        "assessment.oversee": lambda u, _=None: is_administrator(u),
        "assessment.audit": lambda u, a: is_administrator(u) or manages(u, a.cluster),
        # every event of the audit trail, and its CSV export
        "audit.view_all": lambda u, _=None: is_administrator(u),
        # the review cycle: the assessor assigned (first or second) declares a conflict of interest or none;
        # the second assessor countersigns the review (Gold); a manager withdraws a draft
        "assessment.declare_conflict": lambda u, a: is_assigned_assessor(u, a) or is_second_assessor(u, a),
        "assessment.countersign": is_second_assessor,
        "assessment.withdraw": lambda u, a: manages(u, a.cluster) and step_allowed(a, "withdraw"),
        # benchmarking: a scored (validated or decided) assessment among its peers; not a step of the workflow
        "assessment.benchmark": lambda u, a: (
            (is_administrator(u) or manages(u, a.cluster)) and a.status in SCORED_STATUSES
        ),
        # the user may be given assessments to review, and has a list of their reviews
        "review.take": lambda u, _=None: is_assessor(u) and u.is_active,
        "evidence.view": lambda u, e: _assessment_view(u, e.answer.assessment),
        "report.request": _assessment_view,
        "report.download": lambda u, r: _assessment_view(u, r.assessment),
        # the same kind and language again: who may download the report and ask for one of its assessment
        "report.regenerate": lambda u, r: _assessment_view(u, r.assessment),
        # why a report failed (the worker's message): administrators only
        "report.see_errors": lambda u, r=None: is_administrator(u),
        # labels and the registry
        "label.revoke": lambda u, _=None: is_administrator(u),
        "label.conditions_met": lambda u, _=None: is_administrator(u),
        "registry.export": lambda u, _=None: is_administrator(u),
        # the population statistics of the assessments
        "statistics.view": lambda u, _=None: is_administrator(u),
    }
)
