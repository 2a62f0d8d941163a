"""The PDFs as a reader gets them: every section by text extraction in both languages (on the demo, so with real
peers), signatures checked by pyHanko's validator and by poppler's pdfsig, certificates refused for revoked or
expired labels, the badge, and the path to the next level on the summary page."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from demo.services import demo_load
from labelling.models import Assessment, Label, LabelStatus, Report, ReportStatus
from labelling.services.labels import label_revoke
from labelling.services.reports import LabelNotValid, report_render, report_request
from labelling.signing import development_key_paths, ensure_development_key, sign_pdf
from tests.labelling.workflow_helpers import decided

pytestmark = pytest.mark.django_db
NARROW = "\u202f"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} (poppler-utils) is missing: `make test` installs it on CI")
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return path


def _text(pdf: bytes, tmp_path, name: str = "report.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    result = subprocess.run([_tool("pdftotext"), str(path), "-"], capture_output=True, check=True)
    # One line: sentences wrapped in table cells come back whole (every kind of space kept as it is).
    return re.sub(r"[ \n]+", " ", result.stdout.decode("utf-8"))


def _render(assessment, kind: str, language: str, user=None) -> tuple[Report, bytes]:
    label = Label.objects.filter(assessment=assessment).first() if kind == "certificate" else None
    report = Report.objects.create(assessment=assessment, kind=kind, language=language, label=label, requested_by=user)
    report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    with report.file.open("rb") as handle:
        return report, handle.read()


@pytest.fixture
def demo(db):
    summary = demo_load()
    assert summary.skipped == []
    return summary


# --- every section, both languages, on the demo ------------------------------------------------------


def test_the_gold_report_has_every_section_in_french_with_decimal_commas_and_real_peers(demo, tmp_path):
    gold = Assessment.objects.get(cluster__name="Cosmetic Valley")
    _report, pdf = _render(gold, "assessment", "fr")
    text = _text(pdf, tmp_path)

    for section in (
        "Rapport d’évaluation",
        "Synthèse",
        "Les cinq catégories",
        "Score de chaque catégorie",
        "Les 31 indicateurs",
        "Position parmi les pairs",
        "Tous les clusters",
        "Même nature",
        "Annexe — pièces justificatives",
        "Signatures",
        "Décidé par",
    ):
        assert section.casefold() in text.casefold(), section  # some headings are in capitals
    assert "Cosmetic Valley" in text and "Centre-Val de Loire" in text and "Pôle de compétitivité" in text
    assert "Marc Vasseur" in text  # the assessor, on the cover and in the signature block
    assert re.search(r"\b98,0\s?%", text), "the excellence score with a decimal comma"
    assert re.search(r"14,5\sETP", text), "G2 with its unit and a decimal comma"
    assert not re.search(r"\b\d+\.\d+\s?%", text), "no decimal point in a French percentage"
    assert "trop peu de pairs" not in text and "too few peers" not in text
    assert "Chiffre confirmé par l’équipe d’animation" in text  # the assessor's comment
    assert "Valeur vérifiée sur le rapport d’activité" in text  # the justification of a correction
    assert "Revue de presse de l’année jointe" in text  # a manager's comment
    assert "Comptes certifiés 2025.pdf" in text and "30 mars 2026" in text  # an evidence file and its date


def test_the_bronze_report_in_english_shows_the_path_to_gold(demo, tmp_path):
    bronze = Assessment.objects.get(cluster__name="Elastopole")
    _report, pdf = _render(bronze, "assessment", "en")
    text = _text(pdf, tmp_path)

    for section in (
        "Assessment report",
        "Executive summary",
        "What held back the level Gold",
        "The path to the next level",
        "The 31 indicators",
        "Position among peers",
        "Annex — evidence files",
        "Signatures",
    ):
        assert section.casefold() in text.casefold(), section
    assert "too few peers" not in text
    assert re.search(r"Points: \d+ now, 120 after \(Gold needs 120\)", text)
    assert re.search(r"\d\.\d", text) and not re.search(r"\d,\d\s?%", text)


def test_the_certificate_is_a_landscape_page_with_the_level_title_and_the_number(demo, tmp_path):
    gold = Assessment.objects.get(cluster__name="Cosmetic Valley")
    label = gold.label
    _report, pdf = _render(gold, "certificate", "fr")
    text = _text(pdf, tmp_path, "certificate.pdf")

    assert "Label Or — Excellence de l’animation de cluster" in text
    assert label.certificate_number in text and "Cosmetic Valley" in text
    assert "Numéro de certificat" in text and "Valable jusqu’au" in text
    (tmp_path / "info.pdf").write_bytes(pdf)
    info = subprocess.run(
        [_tool("pdfinfo"), str(tmp_path / "info.pdf")], capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"Pages:\s+1\n", info)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height  # landscape
    _report, english = _render(gold, "certificate", "en")
    assert "Label Gold — Cluster management excellence" in _text(english, tmp_path, "en.pdf")


# --- signatures -----------------------------------------------------------------------------------------


def _validate(pdf: bytes):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _key, cert = development_key_paths()
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(cert))])
    signatures = PdfFileReader(BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 1
    return validate_pdf_signature(signatures[0], context)


def test_reports_and_certificates_carry_a_pades_signature_that_validates(framework, cluster, manager, administrator,
                                                                         assessor, tmp_path):  # fmt: skip
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    assessment = decided(cluster, manager, administrator, assessor).assessment
    for kind in ("assessment", "certificate"):
        _report, pdf = _render(assessment, kind, "fr")
        status = _validate(pdf)
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE and status.md_algorithm == "sha256"

        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(pdf)
        output = subprocess.run([_tool("pdfsig"), str(path)], capture_output=True).stdout.decode()
        assert "Signature is Valid." in output and "Total document signed" in output, output
        assert "ETSI.CAdES.detached" in output  # PAdES


def test_a_changed_byte_breaks_the_signature(framework, tmp_path):
    from weasyprint import HTML

    signed = sign_pdf(HTML(string="<p>Label Or</p>").write_pdf(), reason="test")
    position = signed.index(b"Label") if b"Label" in signed else len(signed) // 3
    tampered = signed[:position] + bytes([signed[position] ^ 0x01]) + signed[position + 1 :]

    assert _validate(signed).intact
    assert not _validate(tampered).intact


def test_the_development_key_is_made_once_and_kept(settings, tmp_path):
    settings.SIGNING_DEVELOPMENT_DIR = tmp_path / "signing"
    key, cert = ensure_development_key()
    first = cert.read_bytes()

    assert ensure_development_key() == (key, cert)
    assert cert.read_bytes() == first
    assert oct(key.stat().st_mode & 0o777) == "0o600"


def test_production_without_a_key_refuses_to_sign(settings):
    from labelling.signing import SigningNotConfigured, signing_files

    settings.SIGNING_KEY_FILE = ""
    settings.SIGNING_DEVELOPMENT_KEY = False
    with pytest.raises(SigningNotConfigured):
        signing_files()


# --- certificates of revoked and expired labels ---------------------------------------------------------


@pytest.fixture
def label(framework, cluster, manager, administrator, assessor):
    return decided(cluster, manager, administrator, assessor).assessment.label


def _expire(label):
    today = timezone.localdate()
    Label.objects.filter(pk=label.pk).update(
        status=LabelStatus.EXPIRED,
        awarded_on=today - datetime.timedelta(days=800),
        expires_on=today - datetime.timedelta(days=70),
    )
    label.refresh_from_db()


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_no_certificate_is_produced_for_a_revoked_or_expired_label(how, label, manager, administrator, client_for):
    if how == "revoked":
        label_revoke(user=administrator, label=label, reason="Fausse déclaration")
    else:
        _expire(label)
    assessment = label.assessment

    with translation.override("en"), pytest.raises(LabelNotValid) as refused:
        report_request(user=manager, assessment=assessment, kind="certificate", language="en")
    assert ("revoked on" if how == "revoked" else "expired after") in str(refused.value.message)
    assert not Report.objects.exists()

    page = client_for(manager).post(
        reverse("labelling:report_request", args=[assessment.pk]), {"kind": "certificate", "language": "en"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert page.status_code == 409
    assert "No certificate for this label" in page.content.decode()
    assert reverse("labelling:certificate", args=[label.certificate_number]) in page.content.decode()

    api = client_for(manager).post(
        reverse("api-assessment-reports", args=[assessment.pk]),
        {"kind": "certificate", "language": "en"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert api.status_code == 409
    assert ("revoked" if how == "revoked" else "expired") in api.json()["detail"]
    assert not Report.objects.exists()
    # The assessment report is still available.
    assert report_request(user=manager, assessment=assessment, kind="assessment", language="fr").kind == "assessment"


def test_a_certificate_printed_before_the_revocation_is_no_longer_handed_out(label, manager, administrator,
                                                                             client_for):  # fmt: skip
    report, _pdf = _render(label.assessment, "certificate", "fr", user=manager)
    client = client_for(manager)
    assert client.get(reverse("labelling:report_download", args=[report.pk])).status_code == 200

    label_revoke(user=administrator, label=label, reason="Fausse déclaration")

    page = client.get(reverse("labelling:report_download", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 409 and "No certificate for this label" in page.content.decode()
    api = client.get(reverse("api-report-download", args=[report.pk]))
    assert api.status_code == 409


def test_a_render_queued_before_the_revocation_fails_instead_of_printing(label, manager, administrator):
    report = Report.objects.create(assessment=label.assessment, kind="certificate", label=label, language="fr")
    label_revoke(user=administrator, label=label, reason="Fausse déclaration")

    from labelling.tasks import render_report

    assert render_report(report.pk) == "failed"
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and not report.file and "LabelNotValid" in report.error


# --- the badge ------------------------------------------------------------------------------------------


def _badge(client, label, language="en"):
    return client.get(reverse("labelling:certificate_badge", args=[label.certificate_number]),
                      HTTP_ACCEPT_LANGUAGE=language)  # fmt: skip


def test_the_badge_of_a_valid_label_gives_the_level_and_the_last_day(label, client):
    response = _badge(client, label)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "public" in response["Cache-Control"] and "s-maxage=3600" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]
    assert response["Last-Modified"]
    svg = response.content.decode()
    assert svg.startswith("<svg") and "Label Gold" in svg and "valid until" in svg and "#8a6d0b" in svg
    french = _badge(client, label, "fr").content.decode()
    assert "Label Or" in french and "valable jusqu" in french


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_the_badge_turns_grey_once_the_label_no_longer_holds(how, label, administrator, client):
    if how == "revoked":
        label_revoke(user=administrator, label=label, reason="Fausse déclaration")
    else:
        _expire(label)

    svg = _badge(client, label).content.decode()

    assert how in svg and "valid until" not in svg
    assert "#6b7280" in svg and "#8a6d0b" not in svg


def test_an_unknown_number_has_no_badge(framework, client):
    assert client.get(reverse("labelling:certificate_badge", args=["GRP-2026-999999"])).status_code == 404


def test_the_certificate_page_offers_the_badge_snippet_and_says_how_to_check_a_signature(label, client):
    page = client.get(reverse("labelling:certificate", args=[label.certificate_number]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()

    badge_url = reverse("labelling:certificate_badge", args=[label.certificate_number])
    assert f'src="{badge_url}"' in html
    assert "&lt;a href=&quot;http" in html and f"{badge_url}&quot;" in html  # the snippet, escaped in a textarea
    assert "pdfsig" in html and "SHA-256" in html
    assert re.search(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", html), "the signer's fingerprint"
    signer = re.search(r'<small id="signer-subject">\((.*?)\)</small>', html, re.S).group(1)
    assert signer == "signer: Grappe — development signing key, organisation: Grappe"
    french = client.get(reverse("labelling:certificate", args=[label.certificate_number]), HTTP_ACCEPT_LANGUAGE="fr")
    signer = re.search(r'<small id="signer-subject">\((.*?)\)</small>', french.content.decode(), re.S).group(1)
    assert signer == "signataire\u202f: Grappe — development signing key, organisation\u202f: Grappe"
    assert "Common Name" not in french.content.decode() and "Organization:" not in french.content.decode()


# --- the path on the self-assessment summary ---------------------------------------------------------------


def test_the_summary_page_shows_the_path_to_the_next_level(framework, cluster, manager, client_for):
    from labelling.services.answers import assessment_create
    from tests.labelling.workflow_helpers import answer_all, values_for

    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025)
    answer_all(assessment, manager, values_for(assessment, "partial"))  # 75 points, baseline met: Bronze

    html = (
        client_for(manager)
        .get(reverse("labelling:assessment_summary", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )

    assert 'id="level-path"' in html and "The path to the next level" in html
    assert "16 indicators to improve" in html and "Gold needs 120" in html
