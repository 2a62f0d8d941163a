"""Shared rows of the appeals' tests: decided assessments of each kind an appeal is lodged against."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from committee.services import attendance_record, case_add, session_create
from labelling.models import Assessment, Decision
from labelling.services.labels import label_revoke
from labelling.services.workflow import assessment_decide
from tests import factories
from tests.labelling.workflow_helpers import countersigned, validated

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def handler(db):
    """An administrator who took no part in any decision: they handle the appeals."""
    return factories.AdministratorFactory(username="handler", first_name="Hélène", last_name="Juge")


def refused_assessment(cluster, manager, administrator, assessor, **kwargs) -> Assessment:
    """A validated assessment that ``administrator`` decided with no label (a refusal)."""
    assessment = validated(cluster, manager, administrator, assessor, **kwargs)
    assessment_decide(user=administrator, assessment=assessment, level="none", reason="No governance body.")
    return Assessment.objects.get(pk=assessment.pk)


def lower_assessment(cluster, manager, administrator, assessor) -> Assessment:
    """An assessment applying for Gold that ``administrator`` decided Bronze."""
    assessment = countersigned(validated(cluster, manager, administrator, assessor), administrator)
    Assessment.objects.filter(pk=assessment.pk).update(applied_level="gold")
    assessment_decide(user=administrator, assessment=assessment, level="bronze", reason="Too few members.")
    return Assessment.objects.get(pk=assessment.pk)


def revoked_assessment(cluster, manager, administrator, assessor, revoker) -> Assessment:
    """A Gold label that ``revoker`` revoked."""
    assessment = countersigned(validated(cluster, manager, administrator, assessor), administrator)
    assessment_decide(user=administrator, assessment=assessment)
    label_revoke(user=revoker, label=assessment.label, reason="False statements on the members.")
    return Assessment.objects.get(pk=assessment.pk)


def backdate(assessment: Assessment, days: int) -> None:
    """The assessment's decision taken ``days`` ago."""
    decision = Decision.objects.get(assessment=assessment)
    Decision.objects.filter(pk=decision.pk).update(decided_on=decision.decided_on - datetime.timedelta(days=days))


def committee_case(assessment, *, chair, members, administrator):
    """A session chaired by ``chair`` with ``members`` present, and ``assessment`` on its agenda (undecided)."""
    session = session_create(
        user=administrator, held_on=timezone.localdate(), chair=chair, members=members, place="Paris"
    )
    session = attendance_record(user=chair, session=session, present=members, expected_version=session.version)
    return case_add(user=administrator, session=session, assessment=assessment, expected_version=session.version)


@pytest.fixture
def refused(framework, cluster, manager, administrator, assessor):
    return refused_assessment(cluster, manager, administrator, assessor)
