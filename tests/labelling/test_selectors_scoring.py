"""The scoring selectors: what the validated values earn, with the cluster's previous validated assessment."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from labelling.selectors import assessment_score
from labelling.services.workflow import answer_review, assessment_validate
from tests.expertise.helpers import visited_with_findings
from tests.labelling.workflow_helpers import accept_all, answer_of, decided, in_review, validated

pytestmark = pytest.mark.django_db


def test_score_uses_the_validated_values_not_the_declared_ones(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    accept_all(assessment, assessor)
    # S3 (baseline, weight 6) corrected below its partial threshold: the baseline fails, gold is lost.
    s3 = answer_of(assessment, "S3")
    answer_review(
        user=assessor, answer=s3, accept=False, value="20", justification="Recount.", expected_version=s3.version
    )
    visited_with_findings(assessment, assessor)
    assessment_validate(user=assessor, assessment=assessment)
    result = assessment_score(assessment=assessment)
    assert result.indicators["S3"].result == "none"
    assert result.baseline_met is False
    assert result.level == "bronze"
    assert result.points == Decimal(144)


def test_score_is_none_when_the_cluster_is_not_eligible(framework, cluster, manager, administrator, assessor):
    assessment = validated(cluster, manager, administrator, assessor)
    assessment.public_profile = False
    assessment.save(update_fields=["public_profile"])
    assert assessment_score(assessment=assessment).level == "none"


def _partial_values(framework, **full_codes):
    from indicators.services import framework_spec_for
    from tests.labelling.workflow_helpers import value_for

    spec = framework_spec_for(framework)
    return {i.code: value_for(i, "full" if i.code in full_codes else "partial") for i in spec.indicators}


def test_score_takes_the_previous_validated_assessment_for_silver(framework, cluster, manager, administrator, assessor):
    with time_machine.travel(datetime.datetime(2024, 3, 1, 10, 0, tzinfo=datetime.UTC)):
        first = decided(
            cluster, manager, administrator, assessor, reference_year=2023, values=_partial_values(framework)
        )
    assert first.level == "bronze"
    improved = _partial_values(framework, S1=1, S2=1, G3=1)
    with time_machine.travel(datetime.datetime(2025, 6, 1, 10, 0, tzinfo=datetime.UTC)):
        assessment = validated(cluster, manager, administrator, assessor, reference_year=2024, values=improved)
        result = assessment_score(assessment=assessment)
    assert result.improved == ("S1", "S2", "G3")
    assert result.silver_window is True
    assert result.level == "silver"


def test_score_ignores_a_previous_assessment_outside_the_silver_window(
    framework, cluster, manager, administrator, assessor
):
    with time_machine.travel(datetime.datetime(2024, 3, 1, 10, 0, tzinfo=datetime.UTC)):
        decided(cluster, manager, administrator, assessor, reference_year=2023, values=_partial_values(framework))
    improved = _partial_values(framework, S1=1, S2=1, G3=1)
    with time_machine.travel(datetime.datetime(2025, 2, 28, 10, 0, tzinfo=datetime.UTC)):  # 11 months later
        assessment = validated(cluster, manager, administrator, assessor, reference_year=2024, values=improved)
        result = assessment_score(assessment=assessment)
    assert result.silver_window is False
    assert result.level == "bronze"
