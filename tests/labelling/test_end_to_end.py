"""The whole workflow, end to end, on PostgreSQL: once through the web pages, once through the API.

A manager whose cluster meets the prerequisites to apply creates an assessment, answers the 31 indicators and
submits it; an administrator assigns an assessor, who declares no conflict, accepts every answer, meets the cluster
(the interview, written as having taken place), writes the findings and validates; the scoring gives the level and
the administrator confirms it; the label is issued; the report is rendered by the task; the manager
downloads it; the public registry lists the label; the administrator downloads the registry as CSV.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditEvent
from indicators.computations import label_expiry
from indicators.services import framework_spec_for
from labelling.models import Assessment, AssessmentStatus, Label, LabelStatus, Report, ReportStatus
from labelling.tasks import render_report
from tests import factories
from tests.expertise.helpers import FINDINGS_TEXTS, meet_prerequisites, past_visit
from tests.labelling.workflow_helpers import value_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _text(value) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    return str(value)


@pytest.fixture(autouse=True)
def without_committee(settings):
    """A labelling body without an awarding committee: the administrator decides directly (the committee's path is
    tested in tests/committee/)."""
    settings.LABELLING_COMMITTEE = False


@pytest.fixture
def enqueued(monkeypatch):
    """What report_request hands to Celery after commit (the task itself is then run directly)."""
    sent: list[int] = []
    monkeypatch.setattr(render_report, "apply_async", lambda args, kwargs, **options: sent.append(args[0]))
    return sent


def test_the_whole_workflow_through_the_web_pages(
    framework, cluster, manager, administrator, assessor, client_for, enqueued, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year - 1
    today = timezone.localdate()
    spec = framework_spec_for(framework)
    meet_prerequisites(cluster, year=year)

    # The manager creates the assessment and answers the 31 indicators, category by category.
    as_manager = client_for(manager)
    response = as_manager.post(
        reverse("labelling:cluster_assessments", args=[cluster.pk]),
        {"reference_year": year, "legal_entity": "on", "public_profile": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assessment = Assessment.objects.get(cluster=cluster, reference_year=year)
    for category in spec.categories:
        data = {}
        for answer in assessment.answers.filter(indicator__category__code=category.code).select_related("indicator"):
            code = answer.indicator.code
            data[f"{code}-value"] = _text(value_for(spec.indicator(code), "full"))
            data[f"{code}-comment"] = "From our 2025 activity report."
            data[f"{code}-version"] = answer.version
        response = as_manager.post(reverse("labelling:assessment_fill", args=[assessment.pk, category.code]), data)
        assert response.status_code == 302, (category.code, response.context and response.context["form"].errors)
    assert assessment.answers.filter(declared_number__isnull=True, declared_option="").count() == 0
    assessment.refresh_from_db()
    response = as_manager.post(
        reverse("labelling:assessment_submit", args=[assessment.pk]), {"version": assessment.version}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED

    # The administrator assigns the assessor.
    as_admin = client_for(administrator)
    response = as_admin.post(reverse("labelling:assessment_assign", args=[assessment.pk]), {"assessor": assessor.pk})
    assert response.status_code == 302

    # The assessor declares no conflict, accepts every answer and validates.
    as_assessor = client_for(assessor)
    assert assessment in as_assessor.get(reverse("labelling:assessor_dashboard")).context["page"]
    response = as_assessor.post(reverse("labelling:assessment_declare_no_conflict", args=[assessment.pk]))
    assert response.status_code == 302
    for answer in assessment.answers.select_related("indicator"):
        response = as_assessor.post(
            reverse("labelling:answer_review", args=[assessment.pk, answer.indicator.code]),
            {"decision": "accept", "version": answer.version},
        )
        assert response.status_code == 302, answer.indicator.code
    past_visit(assessment, assessor)  # the interview took place (a visit is only planned ahead)
    findings = {"version": 0, "visited_on": today.isoformat(), "people_met": "The director and two members"}
    for code, texts in FINDINGS_TEXTS.items():
        parts = (f"{code}_strengths", f"{code}_improvements", f"{code}_recommendations")
        findings.update(dict(zip(parts, texts, strict=True)))
    response = as_assessor.post(reverse("expertise:findings", args=[assessment.pk]), findings)
    assert response.status_code == 302, response.content.decode()[:500]
    response = as_assessor.post(
        reverse("labelling:assessment_validate", args=[assessment.pk]), {"recommended_level": "gold"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.validated_on) == (AssessmentStatus.VALIDATED, today)

    # The scoring gives the level; the administrator confirms it and the label is issued.
    detail = as_admin.get(reverse("labelling:assessment_detail", args=[assessment.pk]))
    assert detail.context["result"].level == "gold" and detail.context["result"].points == 150
    # Gold takes two experts: refused until a second assessor countersigns the review.
    response = as_admin.post(reverse("labelling:assessment_decide", args=[assessment.pk]), {"level": "gold"})
    assert response.status_code == 400
    second = factories.AssessorFactory(username="second")
    response = as_admin.post(
        reverse("labelling:assessment_assign_second", args=[assessment.pk]), {"assessor": second.pk}
    )
    assert response.status_code == 302
    as_second = client_for(second)
    assert as_second.post(reverse("labelling:assessment_declare_no_conflict", args=[assessment.pk])).status_code == 302
    assert as_second.post(reverse("labelling:assessment_countersign", args=[assessment.pk])).status_code == 302
    response = as_admin.post(reverse("labelling:assessment_decide", args=[assessment.pk]), {"level": "gold"})
    assert response.status_code == 302
    label = Label.objects.get(assessment=assessment)
    assert label.certificate_number.startswith(f"GRP-{today.year}-{label.pk:06d}-")
    assert (label.level, label.status, label.awarded_on) == ("gold", LabelStatus.ACTIVE, today)
    assert label.expires_on == label_expiry(today)
    actions = list(AuditEvent.objects.filter(assessment=assessment).order_by("id").values_list("action", flat=True))
    for action in (
        "assessment.created",
        "assessment.submitted",
        "assessment.assigned",
        "review.no_conflict_declared",
        "answer.accepted",
        "assessment.validated",
        "assessment.decided",
        "label.awarded",
    ):
        assert action in actions

    # The manager asks for the report; the task (run directly here) renders it; the manager downloads it.
    with django_capture_on_commit_callbacks(execute=True):
        response = as_manager.post(
            reverse("labelling:report_request", args=[assessment.pk]), {"kind": "assessment", "language": "fr"}
        )
    report = Report.objects.get(assessment=assessment)
    assert response.url == reverse("labelling:report_status", args=[report.pk])
    assert enqueued == [report.pk]
    assert render_report(report.pk) == ReportStatus.READY
    status_page = as_manager.get(response.url).content.decode()
    assert reverse("labelling:report_download", args=[report.pk]) in status_page
    download = as_manager.get(reverse("labelling:report_download", args=[report.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")

    # The public registry lists the label; its certificate page says it is valid today.
    visitor = client_for(None)
    registry = visitor.get(reverse("labelling:registry"))
    assert label.certificate_number in [row["certificate_number"] for row in registry.context["page"]]
    assert label.certificate_number in registry.content.decode()
    certificate = visitor.get(reverse("labelling:certificate", args=[label.certificate_number]))
    assert certificate.context["validity"]["valid"] is True

    # The administrator downloads the registry as CSV.
    export = as_admin.get(reverse("labelling:registry_export"))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [label.certificate_number]
    from labelling.exporters import KEYS

    assert rows[1][1] == cluster.name and rows[1][KEYS.index("level")] == "gold"
    assert rows[1][KEYS.index("region_label")] == "Centre-Val de Loire"  # the region by name


def _api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_whole_workflow_through_the_api(
    framework, cluster, manager, administrator, assessor, enqueued, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year - 1
    today = timezone.localdate()
    spec = framework_spec_for(framework)
    as_manager, as_admin, as_assessor = _api(manager), _api(administrator), _api(assessor)
    meet_prerequisites(cluster, year=year)

    response = as_manager.post(
        "/api/v1/assessments/",
        {"cluster": cluster.pk, "reference_year": year, "legal_entity": True, "public_profile": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    base = f"/api/v1/assessments/{pk}"
    answers = as_manager.get(f"{base}/answers/").json()
    answers = answers["results"] if isinstance(answers, dict) else answers
    assert len(answers) == 31
    for item in answers:
        value = value_for(spec.indicator(item["code"]), "full")
        response = as_manager.patch(
            f"{base}/answers/{item['code']}/",
            {
                "value": value if isinstance(value, str) else float(value),
                "comment": "Board report.",
                "version": item["version"],
            },
            format="json",
        )
        assert response.status_code == 200, (item["code"], response.json())
    version = as_manager.get(f"{base}/").json()["version"]
    assert as_manager.post(f"{base}/submit/", {"version": version}, format="json").status_code == 200

    response = as_admin.post(f"{base}/assign/", {"assessor": assessor.pk}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "in_review"

    assert as_assessor.post(f"{base}/declare-no-conflict/").status_code == 200
    answers = as_assessor.get(f"{base}/answers/").json()
    for item in answers["results"] if isinstance(answers, dict) else answers:
        body = {"accept": True, "expected_version": item["version"]}
        response = as_assessor.post(f"{base}/answers/{item['code']}/review/", body, format="json")
        assert response.status_code == 200, (item["code"], response.json())
    past_visit(Assessment.objects.get(pk=pk), assessor)  # the interview took place (a visit is only planned ahead)
    findings = {
        "version": 0,
        "visited_on": today.isoformat(),
        "people_met": "The director and two members",
        "categories": {
            code: dict(zip(("strengths", "improvements", "recommendations"), texts, strict=True))
            for code, texts in FINDINGS_TEXTS.items()
        },
    }
    response = as_assessor.put(f"{base}/findings/", findings, format="json")
    assert response.status_code == 200, response.json()
    response = as_assessor.post(f"{base}/validate/", {"recommended_level": "gold"}, format="json")
    assert response.status_code == 200 and response.json()["validated_on"] == today.isoformat()
    assert as_admin.get(f"{base}/score/").json()["level"] == "gold"

    response = as_admin.post(f"{base}/decide/", {}, format="json")
    assert response.status_code == 409  # Gold: the second assessor has not countersigned
    assert response.json()["errors"]["level"]
    second = factories.AssessorFactory(username="second")
    assert as_admin.post(f"{base}/assign-second/", {"assessor": second.pk}, format="json").status_code == 200
    as_second = _api(second)
    assert as_second.post(f"{base}/declare-no-conflict/").status_code == 200
    assert as_second.post(f"{base}/countersign/").json()["countersigned_at"]
    response = as_admin.post(f"{base}/decide/", {}, format="json")
    assert response.status_code == 201
    decision = response.json()
    assert decision["computed_level"] == decision["level"] == "gold"
    number = decision["label"]["certificate_number"]
    assert number.startswith(f"GRP-{today.year}-")
    assert decision["label"]["expires_on"] == label_expiry(today).isoformat()
    assert [item["certificate_number"] for item in as_manager.get("/api/v1/labels/").json()["results"]] == [number]

    with django_capture_on_commit_callbacks(execute=True):
        response = as_manager.post(f"{base}/reports/", {"kind": "certificate", "language": "en"}, format="json")
    assert response.status_code == 202
    report_id = response.json()["id"]
    assert enqueued == [report_id]
    render_report(report_id)
    status = as_manager.get(f"/api/v1/reports/{report_id}/").json()
    assert status["status"] == "ready"
    download = as_manager.get(f"/api/v1/reports/{report_id}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")

    public = APIClient()
    registry = public.get("/api/v1/registry/").json()["results"]
    assert [item["certificate_number"] for item in registry] == [number]
    assert public.get(f"/api/v1/certificates/{number}/").json()["valid_today"] is True

    export = APIClient()
    export.force_login(administrator)
    rows = list(
        csv.reader(
            io.StringIO(b"".join(export.get("/administration/registry.csv").streaming_content).decode("utf-8-sig"))
        )
    )
    assert [row[0] for row in rows[1:]] == [number]
