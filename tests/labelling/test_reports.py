"""Reports: request, render (WeasyPrint with a static-only fetcher), retries, pages and downloads."""

from __future__ import annotations

import pytest
from celery import Task
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse

from core.exceptions import DomainError, NotFound
from labelling.models import Report, ReportStatus
from labelling.presenters.report import certificate_context, report_context
from labelling.selectors.report import certificate_facts, report_facts
from labelling.services import reports as report_services
from labelling.services.reports import BlockedURL, report_html, report_render, report_request, safe_url_fetcher
from labelling.tasks import render_report
from tests.labelling.workflow_helpers import decided, in_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def decision(framework, cluster, manager, administrator, assessor):
    return decided(cluster, manager, administrator, assessor)


@pytest.fixture
def assessment(decision):
    return decision.assessment


# --- request --------------------------------------------------------------------------------------------


def test_request_creates_a_pending_report_and_enqueues_it_after_commit(
    assessment, manager, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    # Below the base task (core.broker.TransactionAwareTask), which defers the send to the commit.
    monkeypatch.setattr(Task, "apply_async", lambda self, args, kwargs, **options: sent.append(args[0]))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = report_request(user=manager, assessment=assessment, kind="assessment", language="en")
    assert (report.status, report.kind, report.language, report.requested_by) == (
        "pending",
        "assessment",
        "en",
        manager,
    )
    assert sent == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert sent == [report.pk]


def test_request_refuses_a_bad_kind_or_language(assessment, manager):
    with pytest.raises(DomainError) as exc:
        report_request(user=manager, assessment=assessment, kind="poster", language="de")
    assert exc.value.errors == {"kind": ["Choose a kind of report."], "language": ["Choose a language."]}
    assert not Report.objects.exists()


def test_a_certificate_needs_a_label(framework, cluster, manager, administrator, assessor):
    assessment = in_review(cluster, manager, administrator, assessor)
    with pytest.raises(DomainError) as exc:
        report_request(user=manager, assessment=assessment, kind="certificate", language="fr")
    assert exc.value.errors == {"kind": ["This assessment has no label: there is no certificate to produce."]}


def test_request_is_refused_to_users_who_cannot_see_the_assessment(assessment, other_manager, other_assessor):
    for user in (other_manager, other_assessor):
        with pytest.raises(NotFound):
            report_request(user=user, assessment=assessment, kind="assessment", language="fr")


# --- render ---------------------------------------------------------------------------------------------


def test_the_report_context_has_the_31_indicators_with_both_values(assessment, manager):
    report = Report.objects.create(assessment=assessment, kind="assessment", language="en", requested_by=manager)
    context = report_context(report_facts(report=report))
    rows = [row for category in context["categories"] for row in category["rows"]]
    assert len(rows) == 31
    assert context["result"].level == "gold" and context["provisional"] is False
    s3 = next(row for row in rows if row["indicator"].code == "S3")
    unit = s3["indicator"].unit
    assert (s3["declared"], s3["validated"], s3["criterion"], s3["result"]) == (
        f"50\u00a0{unit}",
        f"50\u00a0{unit}",
        f"≥\u00a050\u00a0{unit}",
        "full",
    )
    assert [c["code"] for c in context["categories"]] == ["S", "G", "F", "V", "R"]
    assert context["total_met"] == 31 and context["path"] is None  # Gold: no next level


def test_the_report_html_is_in_the_report_language(assessment, cluster, manager):
    report = Report.objects.create(assessment=assessment, kind="assessment", language="en", requested_by=manager)
    html = report_html(report=report)
    assert cluster.name in html
    assert "Assessment report" in html and "<svg" in html
    assert "Commitment of participants" in html  # the English name of S1


def test_render_stores_the_pdf_privately_and_marks_it_ready(assessment, manager):
    report = Report.objects.create(assessment=assessment, kind="assessment", language="fr", requested_by=manager)
    report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.attempts == 1 and report.finished_at is not None and report.error == ""
    assert report.file.name.startswith("reports/") and report.file.name.endswith(".pdf")
    with report.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert report.file.storage.location == str(settings.PRIVATE_MEDIA_ROOT)


def test_rendering_twice_leaves_a_ready_report_alone(assessment, manager):
    report = Report.objects.create(assessment=assessment, kind="assessment", language="fr", requested_by=manager)
    report_render(report_id=report.pk)
    report.refresh_from_db()
    name = report.file.name
    report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.file.name == name and report.attempts == 1


def test_the_certificate_has_the_number_and_a_qr_code_to_the_verification_page(assessment, manager, settings):
    settings.SITE_URL = "https://grappe.example.org"
    label = assessment.label
    report = report_request(user=manager, assessment=assessment, kind="certificate", language="fr")
    context = certificate_context(certificate_facts(report=report))
    assert context["verify_url"] == f"https://grappe.example.org/verify/{label.certificate_number}/"
    assert context["qr"].startswith("data:image/svg+xml")
    html = report_html(report=report)
    assert label.certificate_number in html and assessment.cluster.name in html
    report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    with report.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


# --- the URL fetcher ------------------------------------------------------------------------------------


def test_the_fetcher_serves_our_static_files():
    response = safe_url_fetcher()(report_services.REPORT_BASE_URL + "static/css/report.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/static/css/report.css",
        "file:///etc/passwd",
        "https://grappe.internal/media/evidence/secret.pdf",
        "https://grappe.internal/static/../config/settings/base.py",
        "https://grappe.internal/static/%2e%2e/config/settings/base.py",
        "https://grappe.internal/static/css/missing.css",
        "ftp://grappe.internal/static/css/report.css",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    with pytest.raises(BlockedURL):
        safe_url_fetcher()(url)


def test_the_fetcher_allows_inline_data():
    response = safe_url_fetcher()("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


def test_an_external_image_in_a_template_is_not_fetched(monkeypatch):
    import urllib.request

    def forbidden(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(urllib.request, "urlopen", forbidden)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", forbidden)
    pdf = report_services.html_to_pdf('<img src="http://169.254.169.254/x.png"><p>ok</p>')
    assert pdf.startswith(b"%PDF-")


# --- the task: retries and failures ---------------------------------------------------------------------


class _Retried(Exception):
    pass


@pytest.fixture
def retries(monkeypatch):
    """Record the task's retry requests instead of scheduling them (the worker test covers the real thing)."""
    calls = []

    def fake_retry(*, exc, countdown):
        calls.append((type(exc).__name__, countdown))
        raise _Retried

    monkeypatch.setattr(render_report, "retry", fake_retry)
    return calls


def test_a_transient_failure_is_retried_with_backoff_then_succeeds(assessment, manager, monkeypatch, retries):
    report = Report.objects.create(assessment=assessment, kind="assessment", language="fr", requested_by=manager)
    real = report_services.html_to_pdf
    failures = iter([OperationalError("server closed the connection"), OSError("disk full")])

    def flaky(html):
        error = next(failures, None)
        if error is not None:
            raise error
        return real(html)

    monkeypatch.setattr(report_services, "html_to_pdf", flaky)
    for attempt in (0, 1):
        with pytest.raises(_Retried):
            render_report.apply(args=[report.pk], retries=attempt, throw=True)
        report.refresh_from_db()
        assert report.status == ReportStatus.RUNNING and report.error  # kept, not failed yet
    assert retries == [("OperationalError", 5), ("OSError", 10)]
    render_report.apply(args=[report.pk], retries=2, throw=True)
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == (ReportStatus.READY, 3, "")


def test_a_lasting_failure_is_recorded_after_the_last_retry(assessment, manager, monkeypatch, retries):
    report = Report.objects.create(assessment=assessment, kind="assessment", language="fr", requested_by=manager)

    def broken(html):
        raise OSError("No space left on device")

    monkeypatch.setattr(report_services, "html_to_pdf", broken)
    result = render_report.apply(args=[report.pk], retries=render_report.max_retries, throw=True)
    assert result.get() == "failed" and retries == []
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == "OSError: No space left on device"


def test_a_template_error_fails_at_once(assessment, manager, monkeypatch):
    report = Report.objects.create(assessment=assessment, kind="assessment", language="fr", requested_by=manager)

    def wrong(*, report):
        raise ValueError("bad template")

    monkeypatch.setattr(report_services, "report_html", wrong)
    assert render_report(report.pk) == "failed"
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == (ReportStatus.FAILED, 1, "ValueError: bad template")


# --- pages and downloads --------------------------------------------------------------------------------


def test_the_manager_requests_follows_and_downloads_a_report(assessment, manager, client_for, monkeypatch):
    monkeypatch.setattr(render_report, "apply_async", lambda args, kwargs, **options: None)
    client = client_for(manager)
    response = client.post(
        reverse("labelling:report_request", args=[assessment.pk]), {"kind": "assessment", "language": "fr"}
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == reverse("labelling:report_status", args=[report.pk])
    page = client.get(response.url)
    assert page.status_code == 200 and 'data-finished="0"' in page.content.decode()
    assert reverse("labelling:report_download", args=[report.pk]) not in page.content.decode()
    assert client.get(reverse("labelling:report_download", args=[report.pk])).status_code == 404

    report_render(report_id=report.pk)
    fragment = client.get(reverse("labelling:report_status", args=[report.pk]) + "?fragment=1")
    assert 'data-finished="1"' in fragment.content.decode()
    assert reverse("labelling:report_download", args=[report.pk]) in fragment.content.decode()
    download = client.get(reverse("labelling:report_download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    # a file of the private storage, as the evidence files (core.downloads.private_file): never kept, sandboxed
    assert download["Cache-Control"] == "private, no-store"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_others_get_404_on_a_report(assessment, manager, other_manager, other_assessor, client_for):
    report = Report.objects.create(assessment=assessment, kind="assessment", language="fr", requested_by=manager)
    report_render(report_id=report.pk)
    for user in (other_manager, other_assessor):
        client = client_for(user)
        assert client.get(reverse("labelling:report_status", args=[report.pk])).status_code == 404
        assert client.get(reverse("labelling:report_download", args=[report.pk])).status_code == 404
    visitor = client_for(None).get(reverse("labelling:report_download", args=[report.pk]))
    assert visitor.status_code == 302 and "/accounts/login/" in visitor.url


def test_a_failed_report_shows_its_error_to_administrators_only(assessment, manager, administrator, client_for):
    report = Report.objects.create(
        assessment=assessment, kind="assessment", language="fr", status="failed", error="OSError: disk full"
    )
    url = reverse("labelling:report_status", args=[report.pk])
    assert "OSError: disk full" in client_for(administrator).get(url).content.decode()
    assert "OSError: disk full" not in client_for(manager).get(url).content.decode()
    detail = reverse("labelling:assessment_detail", args=[assessment.pk])
    assert "OSError: disk full" in client_for(administrator).get(detail).content.decode()
    assert "OSError: disk full" not in client_for(manager).get(detail).content.decode()


def test_a_bad_report_request_re_renders_the_page_with_the_error(assessment, manager, client_for):
    response = client_for(manager).post(
        reverse("labelling:report_request", args=[assessment.pk]), {"kind": "poster", "language": "fr"}
    )
    assert response.status_code == 400
    assert not Report.objects.exists()
    assert response.context["report_form"].errors["kind"]


@pytest.mark.parametrize(
    "name, language, reason",
    [
        ("Elastopole", "fr", "Rapport d’évaluation d’Elastopole, 2025"),
        ("Vegepolys", "fr", "Rapport d’évaluation de Vegepolys, 2025"),
        ("Elastopole", "en", "Assessment report of Elastopole, 2025"),
    ],
)
def test_the_signature_reason_names_the_cluster_with_french_elision(framework, name, language, reason):
    from tests import factories

    assessment = factories.AssessmentFactory(cluster=factories.ClusterFactory(name=name), reference_year=2025)
    report = Report(kind="assessment", assessment=assessment, language=language)
    assert report_services.signature_reason(report) == reason
