"""Issue 22, item 10: a decided assessment's page links to its report and certificate from the decision block at the
top, not 3,600 px down under the 31 answers."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from labelling.models import Report
from tests.labelling.workflow_helpers import decided

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def assessment(framework, cluster, manager, administrator, assessor):
    return decided(cluster, manager, administrator, assessor).assessment


def _page(client, assessment) -> str:
    return client.get(reverse("labelling:assessment_detail", args=[assessment.pk])).content.decode()


def _decision_block(html: str) -> str:
    start = html.index('id="decision-title"')
    return html[start : html.index("</section>", start)]


def test_the_decision_block_offers_to_produce_the_report_and_the_certificate(assessment, manager, client_for):
    html = _page(client_for(manager), assessment)
    block = _decision_block(html)
    assert 'id="decision-documents"' in block
    assert "Produce the assessment report (PDF)" in block and "Produce the label certificate (PDF)" in block
    assert f'action="{reverse("labelling:report_request", args=[assessment.pk])}"' in block
    # At the top: before the assessment's facts and the 31 answers.
    assert html.index('id="decision-documents"') < html.index('class="facts"') < html.index('id="answer-S1"')


def test_ready_documents_are_downloaded_from_the_decision_block(assessment, manager, client_for):
    for kind, language in (("assessment", "fr"), ("assessment", "en"), ("certificate", "en")):
        report = Report.objects.create(
            assessment=assessment, kind=kind, language=language, requested_by=manager, status="ready", label=None
        )
        if kind == "certificate":
            report.label = assessment.label
        report.file.save(f"{kind}-{language}.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    english_report = Report.objects.get(assessment=assessment, kind="assessment", language="en")
    certificate = Report.objects.get(assessment=assessment, kind="certificate")
    block = _decision_block(_page(client_for(manager), assessment))
    assert reverse("labelling:report_download", args=[english_report.pk]) in block  # the reader's language first
    assert reverse("labelling:report_download", args=[certificate.pk]) in block
    assert "Assessment report (PDF, EN)" in block and "Label certificate (PDF, EN)" in block
    response = client_for(manager).get(reverse("labelling:report_download", args=[english_report.pk]))
    assert response.status_code == 200


def test_a_document_being_produced_is_followed_from_the_decision_block(assessment, manager, client_for):
    report = Report.objects.create(assessment=assessment, kind="assessment", language="en", requested_by=manager)
    block = _decision_block(_page(client_for(manager), assessment))
    assert reverse("labelling:report_status", args=[report.pk]) in block
    assert "Assessment report: being produced" in block


def test_the_decision_block_produces_the_report_in_one_click(assessment, manager, client_for):
    client = client_for(manager)
    response = client.post(
        reverse("labelling:report_request", args=[assessment.pk]), {"kind": "assessment", "language": "en"}
    )
    report = Report.objects.get(assessment=assessment, kind="assessment")
    assert response.status_code == 302 and response.url == reverse("labelling:report_status", args=[report.pk])


def test_an_assessment_without_a_decision_has_no_documents_block(framework, cluster, manager, client_for):
    from tests.labelling.workflow_helpers import submitted

    assessment = submitted(cluster, manager)
    assert 'id="decision-documents"' not in _page(client_for(manager), assessment)
