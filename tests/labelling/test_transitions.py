"""The workflow's one table of steps (``labelling.models.TRANSITIONS``): every service asks it before a step.

- No service compares an assessment's status to refuse a step: the guards go through ``require_step``.
- Each step, tried from every status the table does not allow, is refused with ``InvalidTransition`` and leaves
  the assessment as it was.
"""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from core.exceptions import InvalidTransition
from expertise.services import Slot, findings_save, visit_propose
from labelling.models import TRANSITIONS, Assessment, AssessmentStatus
from labelling.services.answers import answer_save, assessment_eligibility_save, assessment_submit, assessment_withdraw
from labelling.services.workflow import (
    answer_review,
    answers_accept_remaining,
    assessment_assign,
    assessment_assign_second,
    assessment_decide,
    assessment_request_changes,
    assessment_validate,
    decision_revise,
    review_countersign,
    review_declare_conflict,
    review_declare_no_conflict,
    review_disagree,
)
from tests import factories

SERVICES = Path(settings.BASE_DIR) / "labelling" / "services"
# Statuses of other rows than an assessment's (a label's, a report's) are not the workflow's.
OTHER_STATUSES = {"LabelStatus", "ReportStatus"}
STATUS_TUPLES = {"EDITABLE_STATUSES", "SECOND_ASSESSOR_STATUSES", "SCORED_STATUSES"}


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
    }


def _is_status_comparison(node: ast.AST) -> bool:
    if not isinstance(node, ast.Compare):
        return False
    sides = [node.left, *node.comparators]
    reads_status = any(isinstance(side, ast.Attribute) and side.attr == "status" for side in sides)
    names = set().union(*(_names(side) for side in sides))
    return reads_status and not (names & OTHER_STATUSES)


def status_guards(source: str, filename: str = "<source>") -> list[str]:
    """The ``if`` statements that compare an assessment's status and raise: a guard that should be a step."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not isinstance(node, ast.If):
            continue
        raises = any(isinstance(n, ast.Raise) for statement in node.body for n in ast.walk(statement))
        if raises and any(_is_status_comparison(n) for n in ast.walk(node.test)):
            found.append(f"{filename}:{node.lineno}: {ast.unparse(node.test)}")
    return found


def test_no_service_guards_a_step_with_its_own_status_comparison():
    found = []
    for path in sorted(SERVICES.glob("*.py")):
        if path.name == "steps.py":
            continue
        source = path.read_text()
        found += status_guards(source, path.name)
        tree = ast.parse(source)
        found += [
            f"{path.name}:{n.lineno}: {n.id}"
            for n in ast.walk(tree)
            if isinstance(n, ast.Name) and n.id in STATUS_TUPLES
        ]
    assert not found, "declare the step in labelling.models.TRANSITIONS and call require_step:\n" + "\n".join(found)


def test_the_guard_check_finds_what_it_looks_for():
    assert status_guards("if locked.status not in EDITABLE_STATUSES:\n    raise InvalidTransition()")
    assert status_guards("if a.status == AssessmentStatus.IN_REVIEW and x:\n    raise NotFound()")
    assert status_guards("if x:\n    pass\nelif assessment.status in (S.A, S.B):\n    raise E()")
    assert not status_guards("if locked.status != LabelStatus.ACTIVE:\n    raise InvalidTransition()")
    assert not status_guards("if a.status == AssessmentStatus.CHANGES_REQUESTED:\n    a.changed = True")


# --- each step refused from the statuses the table does not allow ----------------------------------------


def _first_answer(assessment):
    return assessment.answers.select_related("indicator", "assessment").order_by("indicator__position").first()


def _save_first(assessment, manager):
    answer = _first_answer(assessment)
    return answer_save(user=manager, answer=answer, value=1, expected_version=answer.version)


def _accept_first(assessment, assessor):
    answer = _first_answer(assessment)
    return answer_review(user=assessor, answer=answer, accept=True, expected_version=answer.version)


# step -> (who takes it, how: the service call); one service per step (two where two services take it)
STEPS = {
    "edit": [
        ("manager", lambda a, p: _save_first(a, p["manager"])),
        (
            "manager",
            lambda a, p: assessment_eligibility_save(
                user=p["manager"], assessment=a, legal_entity=True, public_profile=True, expected_version=a.version
            ),
        ),
    ],
    "submit": [
        ("manager", lambda a, p: assessment_submit(user=p["manager"], assessment=a, expected_version=a.version))
    ],
    "resubmit": [
        ("manager", lambda a, p: assessment_submit(user=p["manager"], assessment=a, expected_version=a.version))
    ],
    "withdraw": [("manager", lambda a, p: assessment_withdraw(user=p["manager"], assessment=a))],
    "choose_level": [
        (
            "manager",
            lambda a, p: assessment_eligibility_save(
                user=p["manager"],
                assessment=a,
                legal_entity=True,
                public_profile=True,
                applied_level="gold",
                expected_version=a.version,
            ),
        )
    ],
    "assign": [("admin", lambda a, p: assessment_assign(user=p["admin"], assessment=a, assessor=p["other"]))],
    "declare_no_conflict": [("first", lambda a, p: review_declare_no_conflict(user=p["first"], assessment=a))],
    "declare_conflict": [("first", lambda a, p: review_declare_conflict(user=p["first"], assessment=a, reason="x"))],
    "assign_second": [
        ("admin", lambda a, p: assessment_assign_second(user=p["admin"], assessment=a, assessor=p["other"]))
    ],
    "second_declare_no_conflict": [("second", lambda a, p: review_declare_no_conflict(user=p["second"], assessment=a))],
    "second_declare_conflict": [
        ("second", lambda a, p: review_declare_conflict(user=p["second"], assessment=a, reason="x"))
    ],
    "review_answer": [
        ("first", lambda a, p: _accept_first(a, p["first"])),
        ("first", lambda a, p: answers_accept_remaining(user=p["first"], assessment=a, category_code="S")),
    ],
    "request_changes": [
        ("first", lambda a, p: assessment_request_changes(user=p["first"], assessment=a, comment="Change S1."))
    ],
    "validate": [("first", lambda a, p: assessment_validate(user=p["first"], assessment=a))],
    "countersign": [
        ("second", lambda a, p: review_countersign(user=p["second"], assessment=a)),
        ("second", lambda a, p: review_disagree(user=p["second"], assessment=a, reason="x")),
    ],
    "decide": [("admin", lambda a, p: assessment_decide(user=p["admin"], assessment=a))],
    # a decision revised on appeal (the appeals app)
    "revise": [("admin", lambda a, p: decision_revise(user=p["admin"], assessment=a, level="gold", reason="x"))],
    # the expert's process (expertise): the findings are written, and the visit planned, while the assessor has it
    "write_findings": [
        (
            "first",
            lambda a, p: findings_save(
                user=p["first"], assessment=a, visited_on=None, people_met="", categories={}, expected_version=0
            ),
        )
    ],
    "plan_visit": [
        (
            "first",
            lambda a, p: visit_propose(
                user=p["first"],
                assessment=a,
                slots=[
                    Slot(timezone.now() + datetime.timedelta(days=30), timezone.now() + datetime.timedelta(days=31))
                ],
                mode="on_site",
                address="Orléans",
            ),
        )
    ],
}

# A resubmission is a submission from *changes requested*: from the other editable status (a draft) it is a
# first submission, which the "submit" step covers.
ALSO_ALLOWED = {"resubmit": TRANSITIONS["submit"][0]}

CASES = [
    pytest.param(step, index, status, id=f"{step}-{index}-{status}")
    for step, calls in STEPS.items()
    for index in range(len(calls))
    for status in AssessmentStatus.values
    if status not in TRANSITIONS[step][0] and status not in ALSO_ALLOWED.get(step, ())
]


def test_every_step_of_the_table_is_tried():
    assert set(STEPS) == set(TRANSITIONS)


@pytest.mark.django_db
@pytest.mark.parametrize(("step", "index", "status"), CASES)
def test_a_step_from_a_status_the_table_does_not_allow_is_refused(step, index, status, framework, cluster, manager):
    people = {
        "manager": manager,
        "admin": factories.AdministratorFactory(),
        "first": factories.AssessorFactory(),
        "second": factories.AssessorFactory(),
        "other": factories.AssessorFactory(),
    }
    assessment = factories.AssessmentFactory(
        cluster=cluster, status=status, assessor=people["first"], second_assessor=people["second"]
    )
    before = Assessment.objects.values().get(pk=assessment.pk)
    _who, call = STEPS[step][index]
    with pytest.raises(InvalidTransition):
        call(Assessment.objects.get(pk=assessment.pk), people)
    assert Assessment.objects.values().get(pk=assessment.pk) == before
