"""Performance contracts: the signed PDF (private), the dates, the yearly targets on a page or from an XLSX sheet
(every bad cell reported, nothing saved on an error, the zip-bomb limits of the other imports)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.exceptions import InvalidFields
from programmes import services
from programmes.indicator_sets import indicator_set
from programmes.models import Contract, Target
from programmes.targets_sheet import TargetsImportError, read_targets, template_xlsx
from tests import factories
from tests.test_spreadsheet_bombs import billion_rows, inflating_part

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7 signed\n%%EOF\n"
YEARS = [2023, 2024, 2025, 2026]


@pytest.fixture
def setup():
    officer = factories.OfficerFactory(username="o")
    manager = factories.ManagerFactory(username="m")
    cluster = factories.ClusterFactory(name="Vegepolys")
    cluster.managers.add(manager)
    programme = factories.ProgrammeFactory()
    programme.officers.add(officer)
    enrolment = factories.EnrolmentFactory(programme=programme, cluster=cluster)
    return officer, manager, programme, enrolment


def _contract(officer, enrolment):
    return services.contract_save(
        user=officer,
        enrolment=enrolment,
        data={
            "starts_on": datetime.date(2023, 1, 1),
            "ends_on": datetime.date(2026, 12, 31),
            "signed_on": datetime.date(2023, 2, 1),
            "midterm_review_on": datetime.date(2024, 12, 1),
        },
        upload=SimpleUploadedFile("contrat.pdf", PDF),
        expected_version=0,
    )


def test_the_officer_records_the_contract_with_its_signed_pdf(setup, client):
    officer, manager, programme, enrolment = setup
    client.force_login(officer)
    url = reverse("programmes:contract", args=[programme.pk, enrolment.cluster_id])
    response = client.post(
        url,
        {
            "version": 0,
            "starts_on": "2023-01-01",
            "ends_on": "2022-12-31",
            "midterm_review_on": "2030-01-01",
            "document": SimpleUploadedFile("contrat.exe", b"MZ\x90\x00"),
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"ends_on", "document"}
    assert not Contract.objects.exists()
    response = client.post(
        url,
        {
            "version": 0,
            "starts_on": "2023-01-01",
            "ends_on": "2026-12-31",
            "midterm_review_on": "2024-12-01",
            "document": SimpleUploadedFile("contrat.pdf", PDF),
        },
    )
    assert response.status_code == 302
    contract = Contract.objects.get()
    assert contract.document.storage.location.endswith("private") or "private" in contract.document.path
    download = client.get(reverse("programmes:contract_document", args=[contract.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(manager)  # the cluster's managers read it
    assert client.get(reverse("programmes:contract_document", args=[contract.pk])).status_code == 200
    client.force_login(factories.ManagerFactory(username="stranger"))
    assert client.get(reverse("programmes:contract_document", args=[contract.pk])).status_code == 404


def test_targets_are_checked_by_indicator_kind_and_nothing_is_half_saved(setup):
    officer, _manager, _programme, enrolment = setup
    contract = _contract(officer, enrolment)
    with pytest.raises(InvalidFields) as caught:
        services.targets_save(
            user=officer,
            contract=contract,
            targets={
                ("members", 2024): Decimal(120),
                ("eu_projects", 2024): Decimal(-1),
                ("sme_share", 2025): Decimal(101),
                ("weight", 2024): Decimal(1),
                ("members", 2031): Decimal(1),
            },
            expected_version=contract.version,
        )
    assert set(caught.value.errors) == {
        "target_eu_projects_2024",
        "target_sme_share_2025",
        "target_weight_2024",
        "target_members_2031",
    }
    assert not Target.objects.exists()
    contract = services.targets_save(
        user=officer, contract=contract, targets={("members", 2024): Decimal(120)}, expected_version=contract.version
    )
    assert Target.objects.get().value == 120


def test_the_targets_page_takes_french_numbers(setup, client):
    officer, _manager, _programme, enrolment = setup
    contract = _contract(officer, enrolment)
    client.force_login(officer)
    url = reverse("programmes:targets", args=[contract.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"version": contract.version, "target_budget_2024": "1 250 000,50", "target_sme_share_2024": "150"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    assert "1 250 000,50" in response.content.decode()
    assert not Target.objects.exists()
    response = client.post(
        url,
        {"version": contract.version, "target_budget_2024": "1 250 000,50", "target_sme_share_2024": "65,5"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302
    assert {(t.indicator, t.value) for t in Target.objects.all()} == {
        ("budget", Decimal("1250000.50")),
        ("sme_share", Decimal("65.5")),
    }


def _sheet(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_sheet_reports_every_bad_cell_and_the_template_reads_back():
    spec = indicator_set("poles-competitivite")
    with translation.override("en"):
        data = template_xlsx(spec=spec, years=YEARS, current={("members", 2024): Decimal(80)})
        assert read_targets(data, spec=spec, years=YEARS)[("members", 2024)] == 80
        with pytest.raises(TargetsImportError) as caught:
            read_targets(
                _sheet(
                    [
                        ["Code", "Indicator", "Unit", 2023, 2024, 2040],
                        ["members", "", "", 80, "lots", 3],
                        ["sme_share", "", "", 120, 50],
                        ["weight", "", "", 1],
                        ["eu_projects", "", "", -2, "1,5"],
                    ]
                ),
                spec=spec,
                years=YEARS,
            )
    problems = caught.value.errors["file"]
    text = "\n".join(problems)
    for cell in ("F1", "E2", "D3", "A4", "D5", "E5"):
        assert f"Cell {cell}" in text, (cell, text)


def test_an_import_with_an_error_saves_nothing_and_a_bomb_is_refused(setup, client):
    officer, _manager, _programme, enrolment = setup
    contract = _contract(officer, enrolment)
    client.force_login(officer)
    url = reverse("programmes:targets_import", args=[contract.pk])
    bad = _sheet([["Code", "Indicator", "Unit", 2024], ["members", "", "", 90], ["sme_share", "", "", 300]])
    response = client.post(url, {"version": contract.version, "file": SimpleUploadedFile("t.xlsx", bad)})
    assert response.status_code == 400 and not Target.objects.exists()
    good = _sheet([["Code", "Indicator", "Unit", 2024], ["members", "", "", 90], ["sme_share", "", "", 30]])
    for bomb in (billion_rows(good), inflating_part(good)):
        response = client.post(url, {"version": contract.version, "file": SimpleUploadedFile("b.xlsx", bomb)})
        assert response.status_code == 400 and not Target.objects.exists()
    response = client.post(url, {"version": contract.version, "file": SimpleUploadedFile("t.xlsx", good)})
    assert response.status_code == 302
    assert Target.objects.count() == 2


def test_another_programme_s_officer_gets_404(setup, client):
    officer, _manager, programme, enrolment = setup
    contract = _contract(officer, enrolment)
    stranger = factories.OfficerFactory(username="stranger")
    factories.ProgrammeFactory().officers.add(stranger)
    client.force_login(stranger)
    for url in (
        reverse("programmes:contract", args=[programme.pk, enrolment.cluster_id]),
        reverse("programmes:targets", args=[contract.pk]),
        reverse("programmes:targets_template", args=[contract.pk]),
        reverse("programmes:contract_document", args=[contract.pk]),
    ):
        assert client.get(url).status_code == 404, url
