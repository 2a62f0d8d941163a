"""A report's PDF is rendered and signed outside any transaction, with no database connection held: the row is
claimed in a short transaction and stored in another one, and two deliveries of one report produce it once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from labelling.models import Report, ReportStatus
from labelling.services import reports as report_services
from labelling.services.reports import report_render
from tests.labelling.workflow_helpers import decided

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]


@pytest.fixture
def report(framework, cluster, manager, administrator, assessor):
    assessment = decided(cluster, manager, administrator, assessor).assessment
    return Report.objects.create(assessment=assessment, kind="assessment", language="en", requested_by=manager)


@pytest.fixture
def quick_pdf(monkeypatch):
    """A stand-in for WeasyPrint and the signature where the test is about the row, not the document."""
    monkeypatch.setattr(report_services, "html_to_pdf", lambda html: b"%PDF-1.7 stand-in")
    monkeypatch.setattr(report_services, "sign_pdf", lambda pdf, **options: pdf)


def _pdfs() -> set[str]:
    """Every file of the private storage's reports folder (shared by the tests of a run)."""
    storage = Report._meta.get_field("file").storage
    found: set[str] = set()
    folders = ["reports"] if storage.exists("reports") else []
    while folders:
        folder = folders.pop()
        subfolders, files = storage.listdir(folder)
        folders += [f"{folder}/{name}" for name in subfolders]
        found |= {f"{folder}/{name}" for name in files}
    return found


def _nothing_held(step: str, seen: list[str]) -> None:
    assert not connection.in_atomic_block, f"a transaction is open while {step} runs"
    assert connection.connection is None, f"a database connection is held while {step} runs"
    seen.append(step)


def test_no_transaction_and_no_connection_is_held_while_weasyprint_renders_and_the_pdf_is_signed(report, monkeypatch):
    seen: list[str] = []
    render, sign = report_services.html_to_pdf, report_services.sign_pdf
    monkeypatch.setattr(
        report_services, "html_to_pdf", lambda html: (_nothing_held("WeasyPrint", seen), render(html))[1]
    )
    monkeypatch.setattr(
        report_services,
        "sign_pdf",
        lambda pdf, **options: (_nothing_held("the signature", seen), sign(pdf, **options))[1],
    )

    report_render(report_id=report.pk, claim="delivery-1")

    assert seen == ["WeasyPrint", "the signature"]
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.attempts == 1 and report.claim == "delivery-1"
    with report.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_two_workers_given_the_same_report_at_once_produce_it_once(report, quick_pdf, monkeypatch):
    renders: list[str] = []
    seconds: list[Report | None] = []
    render = report_services.html_to_pdf

    def second_worker() -> None:
        try:
            seconds.append(report_render(report_id=report.pk, claim="delivery-2"))
        finally:
            connection.close()

    def render_while_another_worker_gets_the_same_report(html):
        renders.append(html)
        if len(renders) == 1:  # the first worker is rendering: a second message for the report reaches another one
            other = threading.Thread(target=second_worker)
            other.start()
            other.join()
        return render(html)

    monkeypatch.setattr(report_services, "html_to_pdf", render_while_another_worker_gets_the_same_report)
    before = _pdfs()

    first = report_render(report_id=report.pk, claim="delivery-1")

    assert len(renders) == 1  # the second worker did not render it
    [second] = seconds
    assert second.status == ReportStatus.RUNNING and second.claim == "delivery-1"  # it saw the first one's claim
    assert first.status == ReportStatus.READY
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.attempts == 1
    assert _pdfs() - before == {report.file.name}  # one file

    # A late third message finds it ready and leaves it alone.
    report_render(report_id=report.pk, claim="delivery-3")
    assert len(renders) == 1
    report.refresh_from_db()
    assert report.attempts == 1 and report.claim == "delivery-1"


def test_the_same_delivery_again_after_its_worker_died_takes_the_report_back(report, quick_pdf):
    # The worker that claimed it was killed mid-render: the broker redelivers the same message (same task id).
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, claim="delivery-1", attempts=1)
    assert report_render(report_id=report.pk, claim="delivery-2").status == ReportStatus.RUNNING  # not another's

    report_render(report_id=report.pk, claim="delivery-1")

    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.attempts == 2


def test_a_report_taken_over_while_it_rendered_is_not_stored_twice(report, quick_pdf, monkeypatch):
    render = report_services.html_to_pdf

    def taken_over(html):
        # Meanwhile the sweeper put it back to pending and another delivery claimed it.
        Report.objects.filter(pk=report.pk).update(claim="delivery-2")
        return render(html)

    monkeypatch.setattr(report_services, "html_to_pdf", taken_over)
    before = _pdfs()
    report_render(report_id=report.pk, claim="delivery-1")

    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING and report.file.name == ""
    assert _pdfs() == before  # the file it wrote was removed
