import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from core.exceptions import DomainError, InvalidTransition
from core.files import sniff_document
from labelling.models import AssessmentStatus, Evidence
from labelling.services.answers import assessment_create
from labelling.services.evidence import evidence_add, evidence_delete
from tests.labelling import samples

DAY = datetime.date(2025, 3, 1)


@pytest.fixture
def answer(assessment):
    return assessment.answers.select_related("indicator").get(indicator__code="F1")


def _set_status(assessment, status):
    type(assessment).objects.filter(pk=assessment.pk).update(status=status)
    assessment.refresh_from_db()


# --- content sniffing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "extension"),
    [
        (samples.pdf_bytes, "pdf"),
        (samples.png_bytes, "png"),
        (samples.jpeg_bytes, "jpg"),
        (samples.docx_bytes, "docx"),
        (samples.xlsx_bytes, "xlsx"),
        (samples.odt_bytes, "odt"),
        (samples.doc_bytes, "doc"),
    ],
)
def test_sniffing_recognises_accepted_documents_by_their_content(make, extension):
    assert sniff_document(make()).extension == extension


@pytest.mark.parametrize(
    "data",
    [
        samples.elf_bytes(),
        samples.exe_bytes(),
        samples.plain_zip_bytes(),
        samples.docx_bytes(macros=True),
        b"just some text that claims to be a PDF",
        b"%PDF-1.4 but cut short",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
    ],
    ids=["elf", "exe", "zip", "macro-docx", "text", "truncated-pdf", "unknown-ole"],
)
def test_sniffing_refuses_everything_else(data):
    with pytest.raises(DomainError):
        sniff_document(data)


# --- the service -------------------------------------------------------------------------------


def test_evidence_add_stores_the_file_privately_under_a_random_name(answer, manager):
    evidence = evidence_add(
        user=manager, answer=answer, upload=samples.upload("Budget 2025.pdf", samples.pdf_bytes()), document_date=DAY
    )
    evidence.refresh_from_db()
    assert evidence.original_name == "Budget 2025.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(samples.pdf_bytes())
    assert evidence.document_date == DAY
    path = Path(evidence.file.path)
    assert path.read_bytes() == samples.pdf_bytes()
    assert Path(settings.PRIVATE_MEDIA_ROOT) in path.parents
    assert Path(settings.MEDIA_ROOT) not in path.parents
    assert "Budget" not in path.name and path.suffix == ".pdf"
    assert AuditEvent.objects.filter(action="evidence.added", target="F1").count() == 1


def test_evidence_add_takes_the_type_from_the_content_not_from_the_name(answer, manager):
    evidence = evidence_add(
        user=manager, answer=answer, upload=samples.upload("scan.pdf", samples.png_bytes()), document_date=DAY
    )
    assert evidence.content_type == "image/png"
    assert evidence.file.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", samples.elf_bytes()),
        ("report.pdf", samples.exe_bytes()),
        ("archive.docx", samples.plain_zip_bytes()),
    ],
)
def test_evidence_add_refuses_a_renamed_executable_or_archive(answer, manager, name, data):
    with pytest.raises(DomainError) as exc, translation.override("en"):
        evidence_add(user=manager, answer=answer, upload=samples.upload(name, data), document_date=DAY)
    assert list(exc.value.errors) == ["file"]
    assert exc.value.errors["file"][0].startswith("This kind of file is not accepted.")
    assert not Evidence.objects.exists()


def test_evidence_add_refuses_an_oversized_file(answer, manager, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(DomainError) as exc, translation.override("en"):
        evidence_add(
            user=manager, answer=answer, upload=samples.upload("big.pdf", samples.pdf_bytes() + b" " * 200),
            document_date=DAY,
        )  # fmt: skip
    assert exc.value.errors == {"file": ["The file is too large: at most 100\xa0bytes."]}
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("date", "message"),
    [
        (None, "Give the date of the document."),
        (datetime.date(2999, 1, 1), "The date of the document cannot be in the future."),
    ],
)
def test_evidence_add_needs_a_past_document_date(answer, manager, date, message):
    with pytest.raises(DomainError) as exc, translation.override("en"):
        evidence_add(
            user=manager, answer=answer, upload=samples.upload("a.pdf", samples.pdf_bytes()), document_date=date
        )
    assert exc.value.errors == {"document_date": [message]}


def test_evidence_add_reports_every_problem_at_once(answer, manager):
    with pytest.raises(DomainError) as exc:
        evidence_add(
            user=manager, answer=answer, upload=samples.upload("a.pdf", samples.elf_bytes()), document_date=None
        )
    assert set(exc.value.errors) == {"file", "document_date"}


def test_several_files_can_prove_one_answer(answer, manager):
    for name in ("a.pdf", "b.pdf"):
        evidence_add(user=manager, answer=answer, upload=samples.upload(name, samples.pdf_bytes()), document_date=DAY)
    assert answer.evidence.count() == 2


def test_evidence_is_frozen_once_the_assessment_is_submitted(answer, assessment, manager):
    evidence = evidence_add(
        user=manager, answer=answer, upload=samples.upload("a.pdf", samples.pdf_bytes()), document_date=DAY
    )
    _set_status(assessment, AssessmentStatus.SUBMITTED)
    with pytest.raises(InvalidTransition):
        evidence_add(
            user=manager, answer=answer, upload=samples.upload("b.pdf", samples.pdf_bytes()), document_date=DAY
        )
    with pytest.raises(InvalidTransition):
        evidence_delete(user=manager, evidence=evidence)
    assert answer.evidence.count() == 1


def test_evidence_delete_removes_the_row_and_then_the_file(answer, manager, django_capture_on_commit_callbacks):
    evidence = evidence_add(
        user=manager, answer=answer, upload=samples.upload("a.pdf", samples.pdf_bytes()), document_date=DAY
    )
    path = Path(evidence.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(user=manager, evidence=evidence)
    assert not Evidence.objects.exists()
    assert not path.exists()
    assert AuditEvent.objects.filter(action="evidence.deleted").count() == 1


def test_a_renewal_copies_the_evidence_files(framework, cluster, manager, answer, assessment):
    evidence_add(user=manager, answer=answer, upload=samples.upload("a.pdf", samples.pdf_bytes()), document_date=DAY)
    renewal = assessment_create(user=manager, cluster=cluster, reference_year=2024, previous=assessment)
    copied = Evidence.objects.get(answer__assessment=renewal)
    original = Evidence.objects.get(answer__assessment=assessment)
    assert copied.answer.indicator.code == "F1"
    assert (copied.original_name, copied.document_date) == ("a.pdf", DAY)
    assert copied.file.name != original.file.name
    assert Path(copied.file.path).read_bytes() == samples.pdf_bytes()


# --- the views ---------------------------------------------------------------------------------


def _upload_url(answer):
    return reverse("labelling:evidence_upload", args=[answer.pk])


def test_a_manager_uploads_evidence_through_the_page(answer, manager, client_for):
    response = client_for(manager).post(
        _upload_url(answer), {"file": samples.upload("a.pdf", samples.pdf_bytes()), "document_date": "2025-03-01"}
    )
    assert response.status_code == 302
    assert answer.evidence.get().document_date == DAY


def test_a_bad_upload_re_renders_the_form_with_the_errors(answer, manager, client_for):
    with translation.override("en"):
        response = client_for(manager).post(
            _upload_url(answer),
            {"file": samples.upload("a.pdf", samples.exe_bytes()), "document_date": "2999-01-01"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert not Evidence.objects.exists()
    assert response.context["form"].errors.keys() == {"file", "document_date"}


def test_the_download_is_an_attachment_with_nosniff(answer, manager, client_for):
    evidence = evidence_add(
        user=manager, answer=answer, upload=samples.upload("Budget 2025.pdf", samples.pdf_bytes()), document_date=DAY
    )
    response = client_for(manager).get(reverse("labelling:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Budget 2025.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == samples.pdf_bytes()


def test_the_assigned_assessor_and_administrators_may_download(
    answer, assessment, manager, assessor, administrator, client_for
):
    evidence = evidence_add(
        user=manager, answer=answer, upload=samples.upload("a.pdf", samples.pdf_bytes()), document_date=DAY
    )
    type(assessment).objects.filter(pk=assessment.pk).update(assessor=assessor, status=AssessmentStatus.IN_REVIEW)
    url = reverse("labelling:evidence_download", args=[evidence.pk])
    assert client_for(assessor).get(url).status_code == 200
    assert client_for(administrator).get(url).status_code == 200


def test_other_users_get_404_for_evidence(answer, manager, other_manager, other_assessor, client_for):
    evidence = evidence_add(
        user=manager, answer=answer, upload=samples.upload("a.pdf", samples.pdf_bytes()), document_date=DAY
    )
    urls = [
        reverse("labelling:evidence_download", args=[evidence.pk]),
        reverse("labelling:evidence_delete", args=[evidence.pk]),
        _upload_url(answer),
    ]
    for user in (other_manager, other_assessor):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
            assert client.post(url).status_code == 404, (user, url)
    assert client_for(None).get(urls[0]).status_code in (302, 404)
    assert Evidence.objects.count() == 1


def test_the_manager_deletes_evidence_while_the_assessment_is_editable(answer, assessment, manager, client_for):
    evidence = evidence_add(
        user=manager, answer=answer, upload=samples.upload("a.pdf", samples.pdf_bytes()), document_date=DAY
    )
    client = client_for(manager)
    _set_status(assessment, AssessmentStatus.SUBMITTED)
    response = client.post(reverse("labelling:evidence_delete", args=[evidence.pk]))
    assert response.status_code == 302  # back to the summary, with a message saying why
    assert response["Location"] == reverse("labelling:assessment_summary", args=[assessment.pk])
    assert Evidence.objects.count() == 1
    _set_status(assessment, AssessmentStatus.CHANGES_REQUESTED)
    assert client.post(reverse("labelling:evidence_delete", args=[evidence.pk])).status_code == 302
    assert not Evidence.objects.exists()


def test_the_upload_page_shows_the_indicator_and_the_files_already_attached(answer, manager, client_for):
    evidence_add(user=manager, answer=answer, upload=samples.upload("a.pdf", samples.pdf_bytes()), document_date=DAY)
    response = client_for(manager).get(_upload_url(answer))
    assert response.status_code == 200
    assert response.context["indicator"].code == "F1"
    assert [e.original_name for e in response.context["evidence"]] == ["a.pdf"]


def test_an_oversized_upload_is_refused_on_the_page(answer, manager, client_for, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    response = client_for(manager).post(
        _upload_url(answer),
        {"file": samples.upload("big.pdf", samples.pdf_bytes() + b"%" * 2000), "document_date": "2025-03-01"},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["file"]
    assert response.context["form"]["document_date"].value() == "2025-03-01"
    assert not Evidence.objects.exists()


def test_an_upload_without_a_file_or_date_is_refused_on_the_page(answer, manager, client_for):
    response = client_for(manager).post(_upload_url(answer), {"document_date": "31/02/2025"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"file", "document_date"}


def test_a_renewal_stores_copied_evidence_under_a_random_name_not_the_uploaded_one(framework, cluster, manager):
    first = assessment_create(user=manager, cluster=cluster, reference_year=2023)
    answer = first.answers.get(indicator__code="F1")
    upload = samples.upload("board minutes.html.pdf", samples.pdf_bytes())
    evidence_add(user=manager, answer=answer, upload=upload, document_date=datetime.date(2023, 5, 2))
    renewal = assessment_create(user=manager, cluster=cluster, reference_year=2024, previous=first)
    copied = Evidence.objects.get(answer__assessment=renewal)
    stored = copied.file.name.rsplit("/", 1)[-1]
    assert "board" not in stored and stored.endswith(".pdf")
    assert copied.original_name == "board minutes.html.pdf"
