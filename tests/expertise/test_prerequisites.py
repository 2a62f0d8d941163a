"""The prerequisites to apply (issue 20, item 1): computed from the records for the reference year, shown on the
summary page and in the API, the submission refused with the list unless an administrator exempts the cluster."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from clusters.models import Cluster, Member
from core.exceptions import DomainError, InvalidFields, NotFound
from expertise import services
from expertise.models import PrerequisiteExemption
from expertise.selectors import prerequisites_check
from labelling.models import AssessmentStatus
from labelling.services.answers import assessment_create, assessment_submit
from tests.expertise.helpers import ECCP_URL, meet_prerequisites
from tests.labelling.workflow_helpers import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(cluster, manager, framework):
    # Gold: a Silver application also needs its areas of improvement before the submission (tests/areas/)
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025, applied_level="gold")
    answer_all(assessment, manager)
    assessment.refresh_from_db()
    return assessment


def _codes(prerequisites):
    return {c.code: c.met for c in prerequisites.criteria}


def test_an_empty_cluster_meets_none_and_says_where_each_figure_comes_from(draft):
    result = prerequisites_check(assessment=draft)
    assert _codes(result) == {"eccp": False, "staff": False, "members": False, "triple_helix": False, "english": False}
    assert not result.met
    texts = {c.code: c.explanation for c in result.criteria}
    assert "2025" in texts["staff"]
    assert "15" in texts["members"]


def test_a_small_team_is_shown_with_its_figure(draft, cluster):
    from decimal import Decimal

    from tests import factories

    factories.TeamYearFactory(cluster=cluster, year=2025, staff_fte=Decimal("0.4"))
    staff = prerequisites_check(assessment=draft).criteria[1]
    assert (staff.met, staff.value) == (False, "0.40")
    assert "0,4" in staff.explanation and "0,5" in staff.explanation  # French by default: decimal comma


def test_records_that_meet_every_prerequisite(draft, cluster):
    meet_prerequisites(cluster)
    result = prerequisites_check(assessment=draft)
    assert result.met and result.all_met
    values = {c.code: c.value for c in result.criteria}
    assert values == {
        "eccp": ECCP_URL,
        "staff": "2.50",
        "members": 15,
        "triple_helix": {"companies": 13, "research_education": 2},
        "english": True,
    }


def test_the_thresholds_are_inclusive_and_count_only_active_members(draft, cluster):
    meet_prerequisites(cluster, staff="0.5")
    assert prerequisites_check(assessment=draft).met
    Member.objects.filter(cluster=cluster).order_by("-name").first()
    member = Member.objects.filter(cluster=cluster, member_type="sme").first()
    member.active = False
    member.save()
    result = prerequisites_check(assessment=draft)
    assert _codes(result)["members"] is False
    assert result.criteria[2].value == 14


def test_staff_is_read_for_the_reference_year(draft, cluster):
    meet_prerequisites(cluster, year=2024)
    result = prerequisites_check(assessment=draft)
    assert _codes(result)["staff"] is False
    assert "2025" in result.criteria[1].explanation


def test_submission_is_refused_with_the_list_then_accepted(draft, cluster, manager):
    with pytest.raises(DomainError) as refused:
        assessment_submit(user=manager, assessment=draft, expected_version=draft.version)
    assert len(refused.value.errors) == 5
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.DRAFT
    meet_prerequisites(cluster)
    assessment_submit(user=manager, assessment=draft, expected_version=draft.version)
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.SUBMITTED


def test_an_exemption_lets_the_cluster_apply_and_is_audited(draft, cluster, manager, administrator):
    with pytest.raises(InvalidFields) as refused:
        services.exemption_record(user=administrator, cluster=cluster, reason="  ")
    assert "reason" in refused.value.errors
    with pytest.raises(NotFound):
        services.exemption_record(user=manager, cluster=cluster, reason="Pôle de compétitivité")
    services.exemption_record(user=administrator, cluster=cluster, reason="Pôle de compétitivité (État)")
    result = prerequisites_check(assessment=draft)
    assert result.met and not result.all_met
    assert result.exemption["reason"] == "Pôle de compétitivité (État)"
    assert AuditEvent.objects.filter(action="prerequisites.exempted", cluster=cluster).exists()
    assessment_submit(user=manager, assessment=draft, expected_version=draft.version)
    services.exemption_withdraw(user=administrator, cluster=cluster)
    assert not PrerequisiteExemption.objects.filter(cluster=cluster).exists()
    assert AuditEvent.objects.filter(action="prerequisites.exemption_withdrawn", cluster=cluster).exists()


def test_the_api_answers_the_documented_shape(draft, cluster, manager, other_manager, api_for):
    url = reverse("api-assessment-prerequisites", args=[draft.pk])
    body = api_for(manager).get(url).json()
    assert body["met"] is False
    assert [c["code"] for c in body["criteria"]] == ["eccp", "staff", "members", "triple_helix", "english"]
    assert set(body["criteria"][0]) == {"code", "met", "value", "explanation"}
    assert body["exemption"] is None
    assert api_for(other_manager).get(url).status_code == 404
    refused = api_for(manager).post(reverse("api-assessment-submit", args=[draft.pk]), {"version": draft.version})
    assert refused.status_code == 400
    assert len(refused.json()["errors"]) == 5


@pytest.mark.parametrize(
    "address",
    ["http://clustercollaboration.eu/cluster-organisations/x", "https://example.org/clustercollaboration.eu"],
)
def test_an_eccp_address_on_another_host_is_refused_on_its_field(cluster, manager, api_for, address):
    url = reverse("api-cluster-detail", args=[cluster.pk])
    response = api_for(manager).patch(url, {"eccp_url": address, "version": cluster.version}, format="json")
    assert response.status_code == 400
    assert "ECCP" in str(response.json()["eccp_url"])
    cluster.refresh_from_db()
    assert cluster.eccp_url == ""
    good = api_for(manager).patch(url, {"eccp_url": ECCP_URL, "version": cluster.version}, format="json")
    assert good.status_code == 200, good.json()
    assert Cluster.objects.get(pk=cluster.pk).eccp_url == ECCP_URL


def test_the_summary_page_shows_the_prerequisites_and_the_refusal(draft, manager, client_for):
    client = client_for(manager)
    page = client.get(reverse("labelling:assessment_summary", args=[draft.pk])).content.decode()
    assert 'data-prerequisites-met="false"' in page
    assert "Prérequis pour candidater" in page
    refused = client.post(reverse("labelling:assessment_submit", args=[draft.pk]), {"version": draft.version})
    assert refused.status_code == 400
    assert "ne remplit pas encore les prérequis" in refused.content.decode()


def test_administrators_record_the_exemption_on_the_page(draft, cluster, manager, administrator, client_for):
    url = reverse("expertise:prerequisites", args=[draft.pk])
    assert client_for(manager).post(url, {"reason": "x"}).status_code == 404
    empty = client_for(administrator).post(url, {"reason": ""})
    assert empty.status_code == 400
    assert client_for(administrator).post(url, {"reason": "Programme régional"}).status_code == 302
    page = client_for(manager).get(url).content.decode()
    assert "Programme régional" in page and "data-exemption" in page


def test_the_level_applied_for_is_chosen_at_the_start_and_editable_until_submission(draft, manager, client_for):
    assert draft.applied_level == "gold"
    client = client_for(manager)
    response = client.post(
        reverse("labelling:assessment_eligibility", args=[draft.pk]),
        {"applied_level": "silver", "legal_entity": "on", "public_profile": "on", "version": draft.version},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.applied_level == "silver"
    bad = client.post(
        reverse("labelling:assessment_eligibility", args=[draft.pk]),
        {"applied_level": "platinum", "version": draft.version},
    )
    assert bad.status_code == 400
