"""Yearly reports: started with the computed figures proposed, filled with French numbers, proofs, submitted,
returned with comments on named indicators, resubmitted (only the changed figures re-reviewed), approved."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from core.exceptions import ConflictError, InvalidFields, InvalidTransition
from labelling.models import AssessmentStatus
from programmes import services
from programmes.models import ReportStatus, ReportValue, YearlyReport
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    manager = factories.ManagerFactory(username="m")
    officer = factories.OfficerFactory(username="o")
    cluster = factories.ClusterFactory(name="Polymeris")
    cluster.managers.add(manager)
    for i, kind in enumerate(["sme", "sme", "large"]):
        factories.MemberFactory(cluster=cluster, name=f"M{i}", member_type=kind)
    factories.FinancingYearFactory(
        cluster=cluster,
        year=2024,
        state=Decimal(60000),
        regional=0,
        eu=0,
        member_fees=Decimal(40000),
        paid_services=0,
        other_private=0,
    )
    programme = factories.ProgrammeFactory()
    programme.officers.add(officer)
    enrolment = factories.EnrolmentFactory(programme=programme, cluster=cluster)
    return manager, officer, cluster, programme, enrolment


def _fill(report, manager, **overrides):
    entries = {
        code: {"value": value, "comment": ""}
        for code, value in {
            "rd_projects_labelled": Decimal(12),
            "rd_projects_funded": Decimal(5),
            "rd_funding": Decimal("1500000"),
            "eu_projects": Decimal(2),
            "money_raised": Decimal("3000000"),
            "services_revenue": Decimal("45000.5"),
            "staff": Decimal("2.5"),
        }.items()
    }
    entries.update(overrides)
    return services.report_save(user=manager, report=report, entries=entries, expected_version=report.version)


def test_a_report_starts_with_the_computed_figures_proposed(setup):
    manager, _officer, _cluster, _programme, enrolment = setup
    report = services.report_start(user=manager, enrolment=enrolment, year=2024)
    values = {v.indicator: v for v in report.values.all()}
    assert values["members"].value == 3 and values["members"].computed == 3
    assert values["sme_share"].value == Decimal("66.7")
    assert values["private_share"].value == Decimal("40.0") and values["budget"].value == 100000
    assert values["staff"].value is None  # no team facts for 2024
    assert values["rd_projects_labelled"].value is None and values["rd_projects_labelled"].computed is None
    assert AuditEvent.objects.filter(action="yearly_report.start").count() == 1


def test_bad_years_and_a_second_report_are_refused_on_the_year_field(setup):
    manager, _officer, _cluster, _programme, enrolment = setup
    with pytest.raises(InvalidFields) as caught:
        services.report_start(user=manager, enrolment=enrolment, year=2031)
    assert "year" in caught.value.errors
    services.report_start(user=manager, enrolment=enrolment, year=2024)
    with pytest.raises(InvalidFields) as caught, translation.override("en"):
        services.report_start(user=manager, enrolment=enrolment, year=2024)
    assert "already been started" in caught.value.errors["year"][0]
    assert YearlyReport.objects.count() == 1


def test_values_are_checked_and_nothing_is_half_saved(setup):
    manager, _officer, _cluster, _programme, enrolment = setup
    report = services.report_start(user=manager, enrolment=enrolment, year=2024)
    with pytest.raises(InvalidFields) as caught:
        _fill(
            report,
            manager,
            eu_projects={"value": Decimal(-1), "comment": ""},
            sme_share={"value": Decimal(120), "comment": "typo"},
            members={"value": Decimal(4), "comment": ""},  # a computed figure changed without a reason
            unknown={"value": Decimal(1), "comment": ""},
        )
    errors = caught.value.errors
    assert set(errors) == {"value_eu_projects", "value_sme_share", "comment_members", "value_unknown"}
    assert not ReportValue.objects.filter(report=report, value__isnull=False, computed__isnull=True).exists()
    report.refresh_from_db()
    assert report.version == 1


def test_the_whole_loop_returned_on_named_indicators_then_approved(setup):
    manager, officer, _cluster, _programme, enrolment = setup
    report = services.report_start(user=manager, enrolment=enrolment, year=2024)
    with pytest.raises(InvalidFields) as caught:  # declared figures missing
        services.report_submit(user=manager, report=report, expected_version=report.version)
    assert "value_eu_projects" in caught.value.errors
    report = _fill(report, manager, members={"value": Decimal(4), "comment": "One member joined in December."})
    report = services.report_submit(user=manager, report=report, expected_version=report.version)
    assert report.status == "submitted"
    with pytest.raises(InvalidFields):  # a return names an indicator
        services.report_return(user=officer, report=report, comments={}, expected_version=report.version)
    report = services.report_return(
        user=officer,
        report=report,
        comments={"eu_projects": "Only one was signed in 2024."},
        expected_version=report.version,
    )
    assert report.status == "returned"
    assert ReportValue.objects.get(report=report, indicator="eu_projects").officer_comment
    with pytest.raises(ConflictError):
        services.report_save(user=manager, report=report, entries={}, expected_version=report.version - 1)
    report = _fill(
        report,
        manager,
        members={"value": Decimal(4), "comment": "One member joined in December."},
        eu_projects={"value": Decimal(1), "comment": ""},
    )
    changed = set(ReportValue.objects.filter(report=report, changed=True).values_list("indicator", flat=True))
    assert changed == {"eu_projects"}  # only what changed is re-reviewed
    report = services.report_submit(user=manager, report=report, expected_version=report.version)
    with pytest.raises(InvalidTransition):
        services.report_save(user=manager, report=report, entries={}, expected_version=report.version)
    report = services.report_approve(user=officer, report=report, expected_version=report.version)
    assert report.status == "approved" and report.decided_by == officer
    actions = list(AuditEvent.objects.filter(action__startswith="yearly_report").values_list("action", flat=True))
    assert {"yearly_report.submit", "yearly_report.return", "yearly_report.resubmit", "yearly_report.approve"} <= set(
        actions
    )


def test_the_managers_cannot_approve_and_another_officer_gets_404(setup, client):
    manager, _officer, _cluster, _programme, enrolment = setup
    report = services.report_start(user=manager, enrolment=enrolment, year=2024)
    report = _fill(report, manager)
    report = services.report_submit(user=manager, report=report, expected_version=report.version)
    client.force_login(manager)
    response = client.post(reverse("programmes:report_approve", args=[report.pk]), {"version": report.version})
    assert response.status_code == 404
    stranger = factories.OfficerFactory(username="stranger")
    factories.ProgrammeFactory().officers.add(stranger)
    client.force_login(stranger)
    assert client.get(reverse("programmes:report", args=[report.pk])).status_code == 404
    report.refresh_from_db()
    assert report.status == "submitted"


def test_the_report_page_takes_french_numbers_and_keeps_what_was_typed(setup, client):
    manager, _officer, _cluster, _programme, enrolment = setup
    report = services.report_start(user=manager, enrolment=enrolment, year=2024)
    client.force_login(manager)
    url = reverse("programmes:report", args=[report.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "3 membres actifs dans les données." in page or "membres actifs" in page
    data = {
        "version": report.version,
        "value_services_revenue": "45 000,5",
        "value_eu_projects": "-2",
        "value_members": "3",
        "value_sme_members": "2",
        "value_sme_share": "66,7",
        "value_budget": "100000",
        "value_private_share": "40",
    }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    body = response.content.decode()
    assert "45 000,5" in body and "ne peut pas être négative" in body
    data["value_eu_projects"] = "2"
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302, response.context["form"].errors
    assert ReportValue.objects.get(report=report, indicator="services_revenue").value == Decimal("45000.5")
    stale = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fr")
    assert stale.status_code == 409


def test_proofs_are_private_files_checked_by_content(setup, client):
    manager, officer, _cluster, _programme, enrolment = setup
    report = services.report_start(user=manager, enrolment=enrolment, year=2024)
    with pytest.raises(InvalidFields):
        services.proof_add(user=manager, report=report, upload=SimpleUploadedFile("x.pdf", b"MZ not a pdf"))
    proof = services.proof_add(
        user=manager, report=report, upload=SimpleUploadedFile("bilan.pdf", b"%PDF-1.7 x\n%%EOF\n")
    )
    client.force_login(officer)
    response = client.get(reverse("programmes:proof_download", args=[proof.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(factories.ManagerFactory(username="other"))
    assert client.get(reverse("programmes:proof_download", args=[proof.pk])).status_code == 404


def test_the_manager_s_landing_page_shows_the_programmes_and_the_report_state(setup, client):
    manager, _officer, _cluster, programme, enrolment = setup
    client.force_login(manager)
    page = client.get(reverse("clusters:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert programme.name_fr in page or programme.name_en in page
    assert reverse("programmes:enrolment", args=[enrolment.pk]) in page


def test_a_submitted_report_agrees_in_french_with_its_masculine_noun():
    with translation.override("fr"):
        assert str(ReportStatus.SUBMITTED.label) == "Soumis"  # un rapport soumis
        assert str(AssessmentStatus.SUBMITTED.label) == "Soumise"  # une évaluation soumise
