"""The workflow API: the same rules as the pages, 400 on bad input, 404 on others' objects, 409 on a wrong step."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from labelling.models import Answer, AssessmentStatus, Label, Report
from labelling.services.reports import report_render
from labelling.tasks import render_report
from tests import factories
from tests.expertise.helpers import visited_with_findings
from tests.labelling.workflow_helpers import countersigned, decided, in_review, submitted, validated

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


API = "/api/v1"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def reviewed(assessment, code: str, **body) -> dict:
    """A review's body with the answer's current version (mandatory)."""
    return {**body, "expected_version": Answer.objects.get(assessment=assessment, indicator__code=code).version}


def test_assign_through_the_api(framework, cluster, manager, administrator, assessor):
    assessment = submitted(cluster, manager)
    response = api(administrator).post(f"{API}/assessments/{assessment.pk}/assign/", {"assessor": assessor.pk})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_review" and response.json()["assessor"] == "assessor"


def test_assign_answers_400_with_field_errors(framework, cluster, manager, administrator):
    assessment = submitted(cluster, manager)
    response = api(administrator).post(f"{API}/assessments/{assessment.pk}/assign/", {"assessor": manager.pk})
    assert response.status_code == 400
    assert list(response.json()) == ["assessor"]
    response = api(administrator).post(f"{API}/assessments/{assessment.pk}/assign/", {})
    assert response.status_code == 400 and "assessor" in response.json()


def test_assign_answers_404_to_a_manager_and_409_on_a_draft(framework, cluster, manager, administrator, assessor):
    draft = factories.AssessmentFactory(cluster=cluster)
    response = api(manager).post(f"{API}/assessments/{draft.pk}/assign/", {"assessor": assessor.pk})
    assert response.status_code == 404
    response = api(administrator).post(f"{API}/assessments/{draft.pk}/assign/", {"assessor": assessor.pk})
    assert response.status_code == 409
    assert response.json()["detail"] == "Only a submitted assessment or one in review can be assigned."


def test_the_whole_review_through_the_api(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor, declared=False)
    client = api(assessor)
    base = f"{API}/assessments/{assessment.pk}"
    response = client.post(f"{base}/answers/S1/review/", reviewed(assessment, "S1", accept=True), format="json")
    assert response.status_code == 409  # no declaration yet
    assert client.post(f"{base}/declare-no-conflict/").status_code == 200
    response = client.post(
        f"{base}/answers/S3/review/", reviewed(assessment, "S3", accept=False, value=40), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"justification": ["Explain why the declared value is corrected."]}
    response = client.post(
        f"{base}/answers/S3/review/",
        reviewed(assessment, "S3", accept=False, value=140, justification="Recount."),
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["declared"] == "50" and response.json()["validated"] == "140"
    visited_with_findings(assessment, assessor)  # the interview took place, the findings are written
    response = client.post(f"{base}/validate/", {}, format="json")
    assert response.status_code == 400
    assert "S1" in response.json()["errors"]["answers"] and "S3" not in response.json()["errors"]["answers"]
    for answer in assessment.answers.exclude(indicator__code="S3").select_related("indicator"):
        url = f"{base}/answers/{answer.indicator.code}/review/"
        body = {"accept": True, "expected_version": answer.version}
        assert client.post(url, body, format="json").status_code == 200
    response = client.post(f"{base}/validate/", {"recommended_level": "gold"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "validated"
    score = client.get(f"{base}/score/")
    assert score.status_code == 200
    assert score.json()["level"] == "gold" and score.json()["indicators"]["S3"]["value"] == 140


def test_the_review_endpoints_answer_404_to_others(
    framework, cluster, manager, administrator, assessor, other_assessor
):
    assessment = in_review(cluster, manager, administrator, assessor)
    base = f"{API}/assessments/{assessment.pk}"
    for user in (other_assessor,):
        client = api(user)
        assert client.post(f"{base}/declare-no-conflict/").status_code == 404
        assert client.post(f"{base}/answers/S1/review/", {"accept": True}, format="json").status_code == 404
        assert client.post(f"{base}/request-changes/", {"comment": "x"}, format="json").status_code == 404
        assert client.post(f"{base}/validate/", {}, format="json").status_code == 404
        assert client.get(f"{base}/score/").status_code == 404
    assert api(manager).get(f"{base}/score/").status_code == 404
    assert api(None).post(f"{base}/validate/", {}, format="json").status_code in (401, 403)


def test_request_changes_through_the_api(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    url = f"{API}/assessments/{assessment.pk}/request-changes/"
    response = api(assessor).post(url, {}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["comment"]
    response = api(assessor).post(url, {"comment": "Attach the board minutes."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "changes_requested"
    assert api(assessor).post(url, {"comment": "Again"}, format="json").status_code == 409


def test_decide_through_the_api(settings, framework, cluster, manager, administrator, assessor):
    settings.LABELLING_COMMITTEE = False  # the direct decision, of a labelling body without a committee
    assessment = countersigned(validated(cluster, manager, administrator, assessor), administrator)
    url = f"{API}/assessments/{assessment.pk}/decide/"
    assert api(manager).post(url, {}, format="json").status_code == 404
    response = api(administrator).post(url, {"level": "silver"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "reason": ["Give the reason for deciding another level than the computed one."]
    }
    response = api(administrator).post(url, {"level": "diamond"}, format="json")
    assert response.status_code == 400 and "level" in response.json()
    response = api(administrator).post(url, {}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["computed_level"] == body["level"] == "gold"
    assert body["scores"]["points"] == 150
    assert body["label"]["certificate_number"] == Label.objects.get().certificate_number
    assert api(administrator).post(url, {}, format="json").status_code == 409


def test_labels_are_listed_per_role(framework, cluster, other_cluster, manager, other_manager, administrator, assessor):
    mine = decided(cluster, manager, administrator, assessor).assessment.label
    theirs = decided(other_cluster, other_manager, administrator, assessor).assessment.label

    def numbers(user):
        return {item["certificate_number"] for item in api(user).get(f"{API}/labels/").json()["results"]}

    assert numbers(administrator) == {mine.certificate_number, theirs.certificate_number}
    assert numbers(manager) == {mine.certificate_number}
    assert numbers(assessor) == set()
    assert api(manager).get(f"{API}/labels/{theirs.pk}/").status_code == 404
    assert api(manager).post(f"{API}/labels/{mine.pk}/revoke/", {"reason": "x"}, format="json").status_code == 404
    response = api(administrator).post(f"{API}/labels/{mine.pk}/revoke/", {"reason": "Fraud."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    response = api(administrator).post(f"{API}/labels/{mine.pk}/revoke/", {"reason": "Again."}, format="json")
    assert response.status_code == 409


def test_the_public_registry_and_certificates(framework, cluster, manager, administrator, assessor):
    label = decided(cluster, manager, administrator, assessor).assessment.label
    response = api(None).get(f"{API}/registry/", {"level": "gold"})
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["certificate_number"] == label.certificate_number and item["cluster"] == "Cosmetic Valley"
    assert "assessment" not in item and "revoked_reason" not in item
    assert api(None).get(f"{API}/registry/", {"level": "bronze"}).json()["results"] == []
    assert api(None).get(f"{API}/registry/", {"level": "platinum"}).status_code == 400
    response = api(None).get(f"{API}/certificates/{label.certificate_number}/")
    assert response.status_code == 200
    assert response.json()["valid_today"] is True and response.json()["state"] == "valid"
    assert api(None).get(f"{API}/certificates/GRP-1999-000000/").status_code == 404


def test_reports_through_the_api(framework, cluster, manager, other_manager, administrator, assessor, monkeypatch):
    monkeypatch.setattr(render_report, "apply_async", lambda args, kwargs, **options: None)
    assessment = decided(cluster, manager, administrator, assessor).assessment
    base = f"{API}/assessments/{assessment.pk}/reports/"
    assert api(manager).post(base, {"kind": "poster"}, format="json").status_code == 400
    assert api(other_manager).post(base, {"kind": "assessment"}, format="json").status_code == 404
    response = api(manager).post(base, {"kind": "certificate", "language": "en"}, format="json")
    assert response.status_code == 202
    report = Report.objects.get(pk=response.json()["id"])
    assert (report.kind, report.language, report.status) == ("certificate", "en", "pending")
    status = api(manager).get(f"{API}/reports/{report.pk}/")
    assert status.json()["status"] == "pending" and status.json()["download_url"] is None
    assert api(manager).get(f"{API}/reports/{report.pk}/download/").status_code == 404
    report_render(report_id=report.pk)
    status = api(manager).get(f"{API}/reports/{report.pk}/").json()
    assert status["status"] == "ready" and status["download_url"].endswith(f"/reports/{report.pk}/download/")
    download = api(manager).get(f"{API}/reports/{report.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    assert api(other_manager).get(f"{API}/reports/{report.pk}/").status_code == 404
    assert api(other_manager).get(f"{API}/reports/{report.pk}/download/").status_code == 404
    assert [r["id"] for r in api(manager).get(base).json()] == [report.pk]

    report.refresh_from_db()
    report.file.storage.delete(report.file.name)  # lost from the storage: 404, not a 500
    gone = api(manager).get(f"{API}/reports/{report.pk}/download/")
    assert gone.status_code == 404 and "detail" in gone.json()


def test_the_schema_documents_the_workflow_endpoints(db, client_for, administrator):
    response = client_for(administrator).get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/assessments/{id}/assign/",
        "/api/v1/assessments/{id}/answers/{code}/review/",
        "/api/v1/assessments/{id}/decide/",
        "/api/v1/registry/",
        "/api/v1/certificates/{number}/",
    ):
        assert path in paths


def test_a_status_that_does_not_exist_is_not_a_500(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    response = api(assessor).post(
        f"{API}/assessments/{assessment.pk}/answers/S1/review/", {"accept": "maybe"}, format="json"
    )
    assert response.status_code == 400 and "accept" in response.json()
    assert AssessmentStatus.IN_REVIEW == type(assessment).objects.get(pk=assessment.pk).status


def test_a_review_without_the_answers_version_is_400_and_a_stale_one_409(
    framework, cluster, manager, administrator, assessor
):
    assessment = in_review(cluster, manager, administrator, assessor)
    client = api(assessor)
    assert client.post(f"{API}/assessments/{assessment.pk}/declare-no-conflict/").status_code == 200
    url = f"{API}/assessments/{assessment.pk}/answers/S3/review/"
    before = Answer.objects.filter(assessment=assessment, indicator__code="S3").values().get()
    response = client.post(url, {"accept": True}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["expected_version"]
    stale = reviewed(assessment, "S3", accept=True)["expected_version"] + 1
    response = client.post(url, {"accept": True, "expected_version": stale}, format="json")
    assert response.status_code == 409
    assert Answer.objects.filter(assessment=assessment, indicator__code="S3").values().get() == before
    assert client.post(url, reviewed(assessment, "S3", accept=True), format="json").status_code == 200
