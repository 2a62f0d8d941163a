"""The funders' path in a real browser (Debian's chromium driven by Playwright): the officer records the contract and
imports the targets from a sheet; the manager fills the report with the proposed figures and French numbers and
submits it; the officer returns it with a comment, the manager changes that figure and resubmits, the officer
approves it; the dashboard is read at 1280 and 390 px, in French and in English (screenshots in the test's
temporary directory).

Run with ``pytest -m browser tests/browser/test_programmes_browser.py``. Needs /usr/bin/chromium.
"""

import datetime
import io
import re
from decimal import Decimal

import pytest

from programmes.models import ReportValue, Target, YearlyReport
from tests import factories
from tests.browser.conftest import requires_chromium

pytestmark = [pytest.mark.browser, requires_chromium]


@pytest.fixture
def setup(transactional_db):
    officer = factories.OfficerFactory(username="laurent", language="fr")
    manager = factories.ManagerFactory(username="claire", language="fr")
    cluster = factories.ClusterFactory(name="Elastopole", acronym="ELA")
    cluster.managers.add(manager)
    factories.MemberFactory.create_batch(6, cluster=cluster, member_type="sme")
    factories.FinancingYearFactory(cluster=cluster, year=2024)
    factories.TeamYearFactory(cluster=cluster, year=2024)
    programme = factories.ProgrammeFactory(name_fr="Pôles — phase V", name_en="Pôles — phase V (EN)")
    programme.officers.add(officer)
    enrolment = factories.EnrolmentFactory(programme=programme, cluster=cluster, joined_on=datetime.date(2023, 1, 1))
    return officer, manager, cluster, programme, enrolment


def _page(browser, live_server, username):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/(programmes|clusters)/"))
    return context, page


def _targets_sheet() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Code", "Indicateur", "Unité", 2023, 2024, 2025, 2026])
    workbook.active.append(["members", "", "", 6, 8, 10, 12])
    workbook.active.append(["eu_projects", "", "", 1, 1, 2, 2])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_funders_path(live_server, setup, browser, tmp_path):
    officer, manager, cluster, programme, enrolment = setup
    pdf = tmp_path / "contrat.pdf"
    pdf.write_bytes(b"%PDF-1.7 signed\n%%EOF\n")
    sheet = tmp_path / "objectifs.xlsx"
    sheet.write_bytes(_targets_sheet())

    # the officer: the contract, then the targets from the sheet
    officer_context, o = _page(browser, live_server, "laurent")
    o.goto(f"{live_server.url}/programmes/{programme.pk}/clusters/{cluster.pk}/contract/")
    o.fill("#id_signed_on", "2023-03-15")
    o.fill("#id_midterm_review_on", "2024-12-15")
    o.set_input_files("#id_document", str(pdf))
    o.click("form.form button[type=submit]")
    o.wait_for_url(re.compile(r"/targets/$"))
    o.set_input_files("form[action$='/targets/import/'] input[type=file]", str(sheet))
    o.click("form[action$='/targets/import/'] button[type=submit]")
    o.wait_for_url(re.compile(r"/targets/$"))
    assert Target.objects.filter(contract__cluster=cluster).count() == 8

    # the manager: the report, proposals and French numbers, submitted
    manager_context, m = _page(browser, live_server, "claire")
    m.goto(f"{live_server.url}/programmes/enrolments/{enrolment.pk}/")
    m.fill("#id_year", "2024")
    m.click("form.form button[type=submit]")
    m.wait_for_url(re.compile(r"/programmes/reports/\d+/$"))
    assert m.input_value("#id_value_members") == "6"  # proposed from the records
    for code, text in {
        "rd_projects_labelled": "12",
        "rd_projects_funded": "5",
        "rd_funding": "1 500 000",
        "eu_projects": "2",
        "money_raised": "2 000 000,50",
        "services_revenue": "45 000",
    }.items():
        m.fill(f"#id_value_{code}", text)
    m.click("form.form button.primary")
    m.wait_for_selector(".messages")
    report = YearlyReport.objects.get(cluster=cluster, year=2024)
    assert ReportValue.objects.get(report=report, indicator="money_raised").value == Decimal("2000000.50")
    m.click("form[action$='/submit/'] button")
    m.wait_for_selector(".state-submitted")

    # the officer returns it with a comment on one indicator
    o.goto(f"{live_server.url}/programmes/reports/{report.pk}/")
    o.fill("#id_comment_eu_projects", "Un seul projet européen a été signé en 2024.")
    o.click("form[action$='/return/'] button[type=submit]")
    o.wait_for_selector(".state-returned")

    # the manager changes that figure and resubmits
    m.goto(f"{live_server.url}/programmes/reports/{report.pk}/")
    assert "Un seul projet européen" in m.content()
    m.fill("#id_value_eu_projects", "1")
    m.click("form.form button.primary")
    m.wait_for_selector(".messages")
    m.click("form[action$='/submit/'] button")
    m.wait_for_selector(".state-submitted")

    # the officer sees only that figure marked, and approves
    o.goto(f"{live_server.url}/programmes/reports/{report.pk}/")
    assert o.locator("tr.changed").count() == 1
    o.click("form[action$='/approve/'] button")
    o.wait_for_selector(".state-approved")
    report.refresh_from_db()
    assert report.status == "approved"

    # the dashboard, French then English, 1280 and 390 px
    dashboard = f"{live_server.url}/programmes/{programme.pk}/dashboard/?year=2024&indicator=members"
    for language in ("fr", "en"):
        o.set_viewport_size({"width": 1280, "height": 900})
        o.goto(dashboard)
        if language == "en":  # the menu's language switch (it saves the account's language too)
            with o.expect_navigation():
                o.select_option("#language-select", "en")  # the switch submits itself
        for width in (1280, 390):
            o.set_viewport_size({"width": width, "height": 900})
            o.goto(dashboard)
            assert o.get_attribute("html", "lang") == language
            heading = o.text_content("h1")
            assert heading.endswith("tableau de bord" if language == "fr" else "dashboard"), heading
            assert o.locator("svg.chart rect").count() >= 2
            o.screenshot(path=str(tmp_path / f"dashboard-{language}-{width}.png"), full_page=True)
    officer_context.close()
    manager_context.close()
