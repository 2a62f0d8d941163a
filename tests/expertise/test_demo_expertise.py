"""The demo with the expert's process on (issue 20, item 6): every scenario loads through the guarded steps, and one
demo cluster fails a prerequisite so that the refusal can be seen."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from core.exceptions import DomainError
from demo.data import CLUSTERS
from expertise.selectors import prerequisites_check
from labelling.models import Assessment
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
