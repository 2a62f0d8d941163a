"""The workflow pages: who sees what, each action through a form, errors re-rendered with what was typed."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from labelling.models import Answer, Assessment, AssessmentStatus, Label, LabelStatus
from tests import factories
from tests.expertise.helpers import visited_with_findings
from tests.labelling.workflow_helpers import (
    accept_all,
    countersigned,
    decided,
    in_review,
    submitted,
    validated,
    values_for,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _detail(assessment) -> str:
    return reverse("labelling:assessment_detail", args=[assessment.pk])


# --- who sees the detail page ----------------------------------------------------------------------------


def test_the_detail_page_is_404_for_those_who_may_not_see_it(
    framework, cluster, manager, other_manager, administrator, assessor, other_assessor, client_for
):
    assessment = in_review(cluster, manager, administrator, assessor)
    for user in (other_manager, other_assessor):
        assert client_for(user).get(_detail(assessment)).status_code == 404
    assert client_for(None).get(_detail(assessment)).status_code == 302  # to the login page
    for user in (manager, administrator, assessor):
        assert client_for(user).get(_detail(assessment)).status_code == 200


def test_the_administrator_sees_the_assign_form_and_the_audit_trail(
    framework, cluster, manager, administrator, assessor, client_for
):
    assessment = submitted(cluster, manager)
    response = client_for(administrator).get(_detail(assessment))
    page = response.content.decode()
    assert 'id="assign-form"' in page
    assert response.context["can_audit"] and "assessment.submitted" in page
    assert 'id="decide-form"' not in page


def test_the_manager_sees_the_audit_trail_but_no_workflow_action(
    framework, cluster, manager, administrator, assessor, client_for
):
    assessment = in_review(cluster, manager, administrator, assessor)
    response = client_for(manager).get(_detail(assessment))
    page = response.content.decode()
    assert "assessment.assigned" in page
    for form_id in ("assign-form", "validate-form", "changes-form", "decide-form"):
        assert f'id="{form_id}"' not in page
    assert response.context["result"] is None  # the score is for the administrators and the assessor


def test_the_assessor_sees_no_audit_trail_and_must_declare_first(
    framework, cluster, manager, administrator, assessor, client_for
):
    assessment = in_review(cluster, manager, administrator, assessor, declared=False)
    client = client_for(assessor)
    response = client.get(_detail(assessment))
    assert response.context["can_declare"] and not response.context["can_review"]
    assert not response.context["can_audit"] and "assessment.assigned" not in response.content.decode()
    response = client.post(reverse("labelling:assessment_declare_no_conflict", args=[assessment.pk]))
    assert response.status_code == 302
    response = client.get(_detail(assessment))
    assert response.context["can_review"] and 'id="validate-form"' in response.content.decode()


# --- actions ---------------------------------------------------------------------------------------------


def test_the_administrator_assigns_from_the_dashboard(framework, cluster, manager, administrator, assessor, client_for):
    assessment = submitted(cluster, manager)
    client = client_for(administrator)
    dashboard = client.get(reverse("labelling:admin_dashboard"))
    assert assessment in list(dashboard.context["page"])
    response = client.post(
        reverse("labelling:assessment_assign", args=[assessment.pk]), {"assessor": assessor.pk, "next": "dashboard"}
    )
    assert response.status_code == 302 and response.url == reverse("labelling:admin_dashboard")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.assessor) == (AssessmentStatus.IN_REVIEW, assessor)


def test_assigning_a_non_assessor_re_renders_the_form(framework, cluster, manager, administrator, client_for):
    assessment = submitted(cluster, manager)
    response = client_for(administrator).post(
        reverse("labelling:assessment_assign", args=[assessment.pk]), {"assessor": manager.pk}
    )
    assert response.status_code == 400
    assert "assessor" in response.context["assign_form"].errors
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED


def test_a_manager_cannot_assign(framework, cluster, manager, assessor, client_for):
    assessment = submitted(cluster, manager)
    response = client_for(manager).post(
        reverse("labelling:assessment_assign", args=[assessment.pk]), {"assessor": assessor.pk}
    )
    assert response.status_code == 404


def test_a_correction_without_justification_keeps_what_was_typed(
    framework, cluster, manager, administrator, assessor, client_for
):
    assessment = in_review(cluster, manager, administrator, assessor)
    url = reverse("labelling:answer_review", args=[assessment.pk, "S3"])
    client = client_for(assessor)
    assert client.get(url).status_code == 200
    version = Answer.objects.get(assessment=assessment, indicator__code="S3").version
    body = {"decision": "correct", "value": "42", "version": version}
    response = client.post(url, {**body, "justification": "", "comment": "Hmm"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"justification": ["Explain why the declared value is corrected."]}
    page = response.content.decode()
    assert 'value="42"' in page and "Hmm" in page
    assert not Answer.objects.get(assessment=assessment, indicator__code="S3").reviewed

    response = client.post(url, {**body, "justification": "Recount.", "comment": ""})
    assert response.status_code == 302 and response.url.endswith("#answer-S3")
    answer = Answer.objects.get(assessment=assessment, indicator__code="S3")
    assert answer.validated_number == 42 and answer.declared_number == 50


def test_a_level_correction_offers_the_options(framework, cluster, manager, administrator, assessor, client_for):
    assessment = in_review(cluster, manager, administrator, assessor)
    url = reverse("labelling:answer_review", args=[assessment.pk, "V1"])
    version = Answer.objects.get(assessment=assessment, indicator__code="V1").version
    response = client_for(assessor).post(
        url, {"decision": "correct", "value": "consulted", "justification": "Minutes.", "version": version}
    )
    assert response.status_code == 302
    assert Answer.objects.get(assessment=assessment, indicator__code="V1").validated_option == "consulted"


def test_the_review_page_is_404_for_anyone_but_the_assigned_assessor(
    framework, cluster, manager, administrator, assessor, other_assessor, client_for
):
    assessment = in_review(cluster, manager, administrator, assessor)
    url = reverse("labelling:answer_review", args=[assessment.pk, "S3"])
    for user in (other_assessor, manager, administrator):
        assert client_for(user).post(url, {"decision": "accept"}).status_code == 404
    assert client_for(assessor).get(reverse("labelling:answer_review", args=[assessment.pk, "ZZ9"])).status_code == 404


def test_quick_accept_from_the_detail_page(framework, cluster, manager, administrator, assessor, client_for):
    assessment = in_review(cluster, manager, administrator, assessor)
    answer = Answer.objects.get(assessment=assessment, indicator__code="G1")
    response = client_for(assessor).post(
        reverse("labelling:answer_review", args=[assessment.pk, "G1"]),
        {"decision": "accept", "version": answer.version},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.reviewed and answer.validated_number == answer.declared_number


def test_a_review_without_the_answers_version_is_refused_and_changes_nothing(
    framework, cluster, manager, administrator, assessor, client_for
):
    assessment = in_review(cluster, manager, administrator, assessor)
    url = reverse("labelling:answer_review", args=[assessment.pk, "S3"])
    before = Answer.objects.filter(assessment=assessment, indicator__code="S3").values().get()
    response = client_for(assessor).post(url, {"decision": "correct", "value": "42", "justification": "Recount."})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["version"]
    assert 'value="42"' in response.content.decode()
    assert Answer.objects.filter(assessment=assessment, indicator__code="S3").values().get() == before


def test_validating_too_early_lists_the_missing_codes(framework, cluster, manager, administrator, assessor, client_for):
    assessment = in_review(cluster, manager, administrator, assessor)
    visited_with_findings(assessment, assessor)  # so that the refusal is the review's
    response = client_for(assessor).post(reverse("labelling:assessment_validate", args=[assessment.pk]), {})
    assert response.status_code == 400
    [error] = response.context["validate_form"].non_field_errors()
    assert error.startswith("Review every answer before validating. Not reviewed yet: S1, S2, S3")


def test_requesting_changes_without_a_comment_is_refused(
    framework, cluster, manager, administrator, assessor, client_for
):
    assessment = in_review(cluster, manager, administrator, assessor)
    url = reverse("labelling:assessment_request_changes", args=[assessment.pk])
    response = client_for(assessor).post(url, {"comment": ""})
    assert response.status_code == 400 and "comment" in response.context["changes_form"].errors
    response = client_for(assessor).post(url, {"comment": "Please attach the member list."})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.CHANGES_REQUESTED
    page = client_for(manager).get(_detail(assessment)).content.decode()
    assert "Please attach the member list." in page


def test_the_assessor_validates_and_the_administrator_decides(
    settings, framework, cluster, manager, administrator, assessor, client_for
):
    settings.LABELLING_COMMITTEE = False  # the direct decision, of a labelling body without a committee
    assessment = in_review(cluster, manager, administrator, assessor)
    accept_all(assessment, assessor)
    visited_with_findings(assessment, assessor)
    response = client_for(assessor).post(
        reverse("labelling:assessment_validate", args=[assessment.pk]), {"recommended_level": "gold"}
    )
    assert response.status_code == 302
    admin = client_for(administrator)
    page = admin.get(_detail(assessment))
    assert page.context["can_decide"] and page.context["decide_form"].initial == {"level": "gold"}
    response = admin.post(
        reverse("labelling:assessment_decide", args=[assessment.pk]), {"level": "silver", "reason": ""}
    )
    assert response.status_code == 400
    assert response.context["decide_form"].errors == {
        "reason": ["Give the reason for deciding another level than the computed one."]
    }
    response = admin.post(reverse("labelling:assessment_decide", args=[assessment.pk]), {"level": "gold", "reason": ""})
    assert response.status_code == 400  # Gold takes a second assessor's countersignature
    assert "assign a second assessor" in response.context["decide_form"].errors["level"][0]
    countersigned(assessment, administrator)
    response = admin.post(reverse("labelling:assessment_decide", args=[assessment.pk]), {"level": "gold", "reason": ""})
    assert response.status_code == 302
    label = Label.objects.get(assessment=assessment)
    assert label.certificate_number in admin.get(_detail(assessment)).content.decode()


def test_the_administrator_revokes_a_label_with_a_reason(
    framework, cluster, manager, administrator, assessor, client_for
):
    label = decided(cluster, manager, administrator, assessor).assessment.label
    url = reverse("labelling:label_revoke", args=[label.pk])
    assert client_for(manager).post(url, {"reason": "x"}).status_code == 404
    response = client_for(administrator).post(url, {"reason": ""})
    assert response.status_code == 400 and "reason" in response.context["revoke_form"].errors
    response = client_for(administrator).post(url, {"reason": "Misleading figures."})
    assert response.status_code == 302
    label.refresh_from_db()
    assert label.status == LabelStatus.REVOKED
    assert AuditEvent.objects.filter(action="label.revoked", actor=administrator).exists()


# --- dashboards ------------------------------------------------------------------------------------------


def test_the_assessor_dashboard_lists_only_assigned_assessments(
    framework, cluster, other_cluster, manager, other_manager, administrator, assessor, other_assessor, client_for
):
    mine = in_review(cluster, manager, administrator, assessor)
    in_review(other_cluster, other_manager, administrator, other_assessor)
    response = client_for(assessor).get(reverse("labelling:assessor_dashboard"))
    assert list(response.context["page"]) == [mine]
    assert client_for(manager).get(reverse("labelling:assessor_dashboard")).status_code == 404


def test_the_admin_dashboard_counts_and_filters_by_status(
    framework, cluster, other_cluster, manager, other_manager, administrator, assessor, client_for
):
    validated(cluster, manager, administrator, assessor)
    waiting = submitted(other_cluster, other_manager)
    factories.AssessmentFactory(cluster=other_cluster, reference_year=2024)
    client = client_for(administrator)
    response = client.get(reverse("labelling:admin_dashboard"))
    counts = {value: n for value, _label, n in response.context["counts"]}
    assert (counts["draft"], counts["submitted"], counts["validated"]) == (1, 1, 1)
    response = client.get(reverse("labelling:admin_dashboard"), {"status": "submitted"})
    assert list(response.context["page"]) == [waiting]
    response = client.get(reverse("labelling:admin_dashboard"), {"q": "cosmetic"})
    assert [a.cluster.name for a in response.context["page"]] == ["Cosmetic Valley"]
    for user in (manager, assessor, None):
        assert client_for(user).get(reverse("labelling:admin_dashboard")).status_code in (302, 404)


def test_the_detail_page_does_not_query_once_per_answer(
    framework, cluster, other_cluster, manager, other_manager, administrator, assessor, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reviewed = validated(cluster, manager, administrator, assessor)
    fresh = submitted(other_cluster, other_manager)
    counts = []
    for assessment in (fresh, reviewed):
        with CaptureQueriesContext(connection) as captured:
            assert client_for(administrator).get(_detail(assessment)).status_code == 200
        counts.append(len(captured))
    # the reviewed one has more audit events, a score with a previous-assessment lookup: a few queries, not 31
    assert counts[1] - counts[0] < 10, counts


def test_the_admin_dashboard_does_not_query_the_assessors_once_per_submitted_assessment(
    framework, administrator, assessor, client_for, count_queries
):
    client = client_for(administrator)
    url = reverse("labelling:admin_dashboard")
    first = factories.ClusterFactory(name="Elastopole")
    first.managers.add(factories.ManagerFactory(username="m0"))
    submitted(first, first.managers.get())
    client.get(url)  # the counts by status are cached from the first view on
    before = count_queries(client, url)
    for i in range(1, 4):
        extra = factories.ClusterFactory(name=f"Cluster {i}")
        manager = factories.ManagerFactory(username=f"m{i}")
        extra.managers.add(manager)
        submitted(extra, manager)
    page = client.get(url)
    assert page.content.decode().count(f'<option value="{assessor.pk}"') == 4  # every row offers the assessor
    assert count_queries(client, url) == before


def test_the_detail_page_writes_one_objective_in_the_singular_in_each_language(
    framework, cluster, manager, administrator, assessor, client_for
):
    values = values_for(Assessment(framework=framework), V7=1, V6=0)
    assessment = in_review(cluster, manager, administrator, assessor, values=values)
    english = client_for(assessor).get(_detail(assessment), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"<td>\s*1\xa0objective\s*</td>", english) and "1\xa0objectives" not in english
    assert re.search(r"<td>\s*0\xa0indicators\s*</td>", english)
    french = client_for(assessor).get(_detail(assessment), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert re.search(r"<td>\s*1\xa0objectif\s*</td>", french) and "1\xa0objectifs" not in french
    assert re.search(r"<td>\s*0\xa0indicateur\s*</td>", french)  # 0 takes the singular in French
