"""Every labelling service that changes an answer or an assessment compares the version the user loaded: a stale
one is a conflict, a missing one is refused on ``version`` (as in ``clusters``), and neither changes a column nor
writes to the audit trail. (The pages and the API require the version before calling: see
``test_selfassessment_views``, ``test_selfassessment_api``, ``test_workflow_views`` and ``test_workflow_api``.)"""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from core.exceptions import ConflictError, InvalidFields
from labelling.models import Answer, Assessment
from labelling.services.answers import (
    answer_save,
    assessment_create,
    assessment_eligibility_save,
    assessment_submit,
)
from labelling.services.workflow import answer_review
from tests.expertise.helpers import meet_prerequisites
from tests.labelling.workflow_helpers import answer_all, answer_of, in_review

pytestmark = pytest.mark.django_db


def _draft(people):
    return assessment_create(user=people["manager"], cluster=people["cluster"], reference_year=2025)


def _answered(people):
    """Every answer declared, the cluster's records meeting the prerequisites to apply: ready to submit."""
    meet_prerequisites(people["cluster"])
    assessment = _draft(people)
    answer_all(assessment, people["manager"])
    return Assessment.objects.get(pk=assessment.pk)


def _in_review(people):
    return in_review(people["cluster"], people["manager"], people["administrator"], people["assessor"])


# name -> (bring an assessment to the step, the versioned row written, write it with a version)
WRITES = {
    "answer_save": (
        _draft,
        lambda assessment: answer_of(assessment, "S3"),
        lambda people, row, version: answer_save(
            user=people["manager"], answer=row, value="42", comment="Counted.", expected_version=version
        ),
    ),
    "assessment_eligibility_save": (
        _draft,
        lambda assessment: assessment,
        lambda people, row, version: assessment_eligibility_save(
            user=people["manager"],
            assessment=row,
            legal_entity=not row.legal_entity,
            public_profile=not row.public_profile,
            expected_version=version,
        ),
    ),
    "assessment_submit": (
        _answered,
        lambda assessment: assessment,
        lambda people, row, version: assessment_submit(
            user=people["manager"], assessment=row, expected_version=version
        ),
    ),
    "answer_review": (
        _in_review,
        lambda assessment: answer_of(assessment, "S3"),
        lambda people, row, version: answer_review(
            user=people["assessor"], answer=row, accept=True, expected_version=version
        ),
    ),
}


@pytest.fixture
def people(framework, cluster, manager, administrator, assessor):
    return {"cluster": cluster, "manager": manager, "administrator": administrator, "assessor": assessor}


def _stored(assessment: Assessment) -> dict:
    """What the database holds for the assessment, its answers and its audit trail: every concrete field."""
    return {
        "assessment": Assessment.objects.filter(pk=assessment.pk).values().get(),
        "answers": list(Answer.objects.filter(assessment=assessment).order_by("pk").values()),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
    }


def _set_up(people, name):
    prepare, pick, write = WRITES[name]
    assessment = prepare(people)
    return assessment, pick(assessment), write


@pytest.mark.parametrize("name", WRITES)
@pytest.mark.parametrize("offset", [-1, 1, 99])
def test_a_stale_version_is_a_conflict_and_changes_nothing(people, name, offset):
    assessment, row, write = _set_up(people, name)
    before = _stored(assessment)
    with pytest.raises(ConflictError):
        write(people, row, row.version + offset)
    assert _stored(assessment) == before


@pytest.mark.parametrize("name", WRITES)
def test_a_missing_version_is_refused_on_version_and_changes_nothing(people, name):
    assessment, row, write = _set_up(people, name)
    before = _stored(assessment)
    with pytest.raises(InvalidFields) as caught:
        write(people, row, None)
    assert list(caught.value.errors) == ["version"]
    assert _stored(assessment) == before


@pytest.mark.parametrize("name", WRITES)
def test_the_version_loaded_saves_the_next_one_with_its_audit_event(people, name):
    """The writes above are refused for their version alone: with the one loaded, the same write goes through."""
    assessment, row, write = _set_up(people, name)
    loaded, events = row.version, AuditEvent.objects.count()
    saved = write(people, row, loaded)
    assert type(row).objects.get(pk=row.pk).version == saved.version == loaded + 1
    assert AuditEvent.objects.count() == events + 1
