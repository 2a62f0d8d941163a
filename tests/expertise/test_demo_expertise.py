"""The demo with the expert's process on (issue 20, item 6): every scenario loads through the guarded steps, and one
demo cluster fails a prerequisite so that the refusal can be seen."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.exceptions import DomainError
from demo.data import CLUSTERS
from expertise.models import Visit, VisitKind, VisitStatus
from expertise.selectors import findings_of, prerequisites_check
from labelling.models import Assessment, Label
from labelling.services.answers import assessment_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())


def test_the_demo_loads_with_the_guards_on_and_nekoe_fails_the_members_prerequisite(demo):
    assessments = {
        a.cluster.name: a
        for a in Assessment.objects.select_related("cluster").filter(cluster__name__in=[c.name for c in CLUSTERS])
    }
    assert len(assessments) == len(CLUSTERS)
    for name in ("Cosmetic Valley", "S2E2", "Elastopole", "DREAM"):
        assert prerequisites_check(assessment=assessments[name]).all_met, name
    nekoe = prerequisites_check(assessment=assessments["Nekoé"])
    assert {c.code for c in nekoe.unmet} == {"members"}
    assert nekoe.criteria[2].value < 15
    draft = assessments["Nekoé"]
    manager = draft.cluster.managers.get()
    with pytest.raises(DomainError) as refused:
        assessment_submit(user=manager, assessment=draft, expected_version=draft.version)
    assert any("15" in line for line in refused.value.errors)


def test_the_demo_shows_each_state_of_the_expert_process(demo):
    visits = {
        v.assessment.cluster.name: v
        for v in Visit.objects.select_related(
            "assessment__cluster", "assessment__assessor", "assessment__second_assessor"
        )
    }
    assert visits["DREAM"].status == VisitStatus.PROPOSED and visits["DREAM"].slots.count() == 3
    s2e2 = visits["S2E2"]
    assert (s2e2.status, s2e2.kind, s2e2.assessment.applied_level) == (
        VisitStatus.ACCEPTED,
        VisitKind.HALF_DAY,
        "silver",
    )
    assert s2e2.starts_at > timezone.now()
    gold = visits["Cosmetic Valley"]
    assert (gold.kind, gold.mode) == (VisitKind.TWO_DAYS, "on_site") and gold.ends_at < timezone.now()
    experts = (gold.assessment.assessor, gold.assessment.second_assessor)
    assert {e.country for e in experts} == {"FR", "BE"}
    gold_findings = findings_of(assessment=gold.assessment)
    assert gold_findings.is_written and gold_findings.countersigned_at is not None
    bronze = visits["Elastopole"]
    assert (bronze.kind, bronze.mode) == (VisitKind.INTERVIEW, "video") and bronze.ends_at < timezone.now()
    assert findings_of(assessment=bronze.assessment).is_written
    assert Label.objects.filter(cluster__name="Cosmetic Valley", level="gold").exists()
