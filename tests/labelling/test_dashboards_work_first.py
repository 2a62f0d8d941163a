"""Issue 22, item 9: the administrators' and assessors' dashboards put the work first.

Without a filter, the administrator's dashboard lists what waits for an administrator (to assign, a Gold review
without its second assessor, a disagreement, to decide, a countersignature awaited), most urgent first; the
validated peers and the drafts are behind a filter. The assessor's lists what waits for them (to review, changed
since a request, to countersign); the other assignments are behind ``?show=all``.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from labelling.models import Assessment, AssessmentStatus
from labelling.selectors import WORK_ASSIGN, WORK_ASSIGN_SECOND, WORK_DECIDE
from tests import factories
from tests.labelling.workflow_helpers import decided, in_review, submitted, validated

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def season(framework, cluster, other_cluster, manager, other_manager, administrator, assessor):
    """34 validated peers made earlier than the one assessment waiting for an assessor (the demo's shape)."""
    peers = [
        factories.AssessmentFactory(
            cluster=factories.ClusterFactory(name=f"Peer {i:02d}"), status=AssessmentStatus.VALIDATED, assessor=assessor
        )
        for i in range(34)
    ]
    gold = validated(cluster, manager, administrator, assessor)
    Assessment.objects.filter(pk=gold.pk).update(recommended_level="gold")  # Gold recommended, no second assessor
    waiting = submitted(other_cluster, other_manager)
    draft = factories.AssessmentFactory(cluster=other_cluster, reference_year=2024)
    return {"peers": peers, "gold": gold, "waiting": waiting, "draft": draft}


def test_the_admin_dashboard_lists_the_assessment_to_assign_first(season, administrator, client_for):
    response = client_for(administrator).get(reverse("labelling:admin_dashboard"))
    rows = list(response.context["page"])
    assert rows[0].pk == season["waiting"].pk and rows[0].work == WORK_ASSIGN
    assert rows[1].pk == season["gold"].pk and rows[1].work == WORK_ASSIGN_SECOND
    assert all(row.work == WORK_DECIDE for row in rows[2:])
    assert season["draft"].pk not in {row.pk for row in rows}  # not work: behind a filter
    assert len(rows) == 25 and response.context["page"].paginator.count == 36  # paginated
    html = response.content.decode()
    # the awarding committee decides (LABELLING_COMMITTEE, on by default): the work is to refer the assessment
    first, second = html.index("Assign an assessor"), html.index("Assign the second assessor")
    assert first < second < html.index("Put on a committee session") and "Decide the level" not in html
    assert f'action="{reverse("labelling:assessment_assign", args=[season["waiting"].pk])}"' in html
    # The work comes before the filters and the other lists.
    assert html.index('id="admin-work"') < html.index('class="form filters"')


def test_the_rest_is_behind_a_filter(season, administrator, client_for):
    client = client_for(administrator)
    every = client.get(reverse("labelling:admin_dashboard"), {"show": "all"})
    assert every.context["page"].paginator.count == 37 and not every.context["working"]
    drafts = client.get(reverse("labelling:admin_dashboard"), {"status": "draft"})
    assert [a.pk for a in drafts.context["page"]] == [season["draft"].pk]
    # Submitting the filter form with nothing chosen shows every assessment, not the work again.
    empty = client.get(reverse("labelling:admin_dashboard"), {"show": "all", "status": "", "q": ""})
    assert empty.context["page"].paginator.count == 37


def test_a_decided_assessment_is_not_work(framework, cluster, manager, administrator, assessor, client_for):
    decided(cluster, manager, administrator, assessor)
    response = client_for(administrator).get(reverse("labelling:admin_dashboard"))
    assert list(response.context["page"]) == []
    assert "Nothing waits for you." in response.content.decode()


def test_the_assessor_dashboard_lists_the_work_only_by_default(
    season, framework, manager, administrator, assessor, client_for
):
    cluster = factories.ClusterFactory(name="Under review")
    cluster.managers.add(manager)
    reviewing = in_review(cluster, manager, administrator, assessor)
    client = client_for(assessor)
    work = client.get(reverse("labelling:assessor_dashboard"))
    assert [a.pk for a in work.context["page"]] == [reviewing.pk]
    html = work.content.decode()
    assert "Every assignment" in html and "Peer 00" not in html
    every = client.get(reverse("labelling:assessor_dashboard"), {"show": "all"})
    assert every.context["page"].paginator.count == 36 and list(every.context["page"])[0].pk == reviewing.pk


def test_without_the_committee_the_work_is_to_decide_the_level(season, administrator, client_for, settings):
    settings.LABELLING_COMMITTEE = False
    html = client_for(administrator).get(reverse("labelling:admin_dashboard")).content.decode()
    assert "Decide the level" in html and "Put on a committee session" not in html
