"""A manager answers an assessment in a real browser (Debian's chromium driven by Playwright).

Run with ``pytest -m browser tests/browser``. Needs /usr/bin/chromium.
"""

import datetime
import re

import pytest

from expertise.services import exemption_record
from labelling.models import Assessment, AssessmentStatus, Evidence
from labelling.services.answers import answer_save
from tests import factories
from tests.browser.conftest import requires_chromium
from tests.labelling.samples import FULL, pdf_bytes

pytestmark = [pytest.mark.browser, requires_chromium]


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "Submit the assessment?": yes
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def setup(transactional_db):
    from indicators.services import framework_ensure_default

    framework_ensure_default()
    cluster = factories.ClusterFactory(name="Elastopole", acronym="ELA", year_founded=None)
    manager = factories.ManagerFactory(username="claire")
    cluster.managers.add(manager)
    # 12 active SMEs in the cluster's region: S2, S3 and S4 are proposed from the records (100 %, 12, 100 %).
    factories.MemberFactory.create_batch(12, cluster=cluster)
    # Below the 15 members the prerequisites to apply ask for: the cluster is exempted, as ECCP exempts the clusters
    # of a recognised programme, so that the submission at the end is the questionnaire's own
    exemption_record(
        user=factories.AdministratorFactory(username="anne"), cluster=cluster, reason="Pôle de compétitivité"
    )
    return cluster, manager


def _saved(page, code):
    page.wait_for_selector(f'[data-status="{code}"].ok')


def test_a_manager_fills_reloads_attaches_evidence_and_submits(live_server, setup, browser_page, tmp_path):
    from playwright.sync_api import expect

    cluster, manager = setup
    page = browser_page

    # log in
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "claire")
    page.fill("#id_password", factories.PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/$|/clusters/"))

    # create the assessment from the cluster's page
    page.goto(f"{live_server.url}/clusters/{cluster.pk}/assessments/")
    page.fill("#id_reference_year", "2025")
    page.click("form.form button.primary")
    page.wait_for_url(re.compile(r"/fill/S/$"))
    assessment = Assessment.objects.get(cluster=cluster)

    # fill category S: each change is saved in the background and the focus stays where the user is
    for code, value in (("S1", "80"), ("S3", "120"), ("S4", "75")):
        page.fill(f"#id_{code}-value", value)
        page.press(f"#id_{code}-value", "Tab")
        _saved(page, code)
        assert page.evaluate("document.activeElement.id") == f"id_{code}-comment"
    # S3 differs from the 12 members of the records: the page asks for a comment, which is then saved too
    expect(page.locator('[data-warning="S3"]')).not_to_be_empty()
    page.fill("#id_S3-comment", "Adhérents à jour de cotisation")
    page.press("#id_S3-comment", "Tab")
    page.wait_for_function("document.querySelector('[data-status=\"S3\"]').textContent !== ''")
    _saved(page, "S3")
    expect(page.locator('[data-warning="S3"]')).to_be_empty()
    # S2 takes the value proposed from the records
    page.click('[data-use-proposal="S2"]')
    _saved(page, "S2")
    assert page.input_value("#id_S2-value") == "100"
    expect(page.locator("#progress-answers")).to_have_attribute("value", "4")

    # reload: the values are there
    page.reload()
    assert page.input_value("#id_S1-value") == "80"
    assert page.input_value("#id_S2-value") == "100"
    assert page.input_value("#id_S3-value") == "120"
    assert page.input_value("#id_S3-comment") == "Adhérents à jour de cotisation"

    # a stale version is shown as a conflict, not silently overwritten
    other = assessment.answers.get(indicator__code="S4")
    answer_save(user=manager, answer=other, value=70, expected_version=other.version)
    page.fill("#id_S4-value", "76")
    page.press("#id_S4-value", "Tab")
    page.wait_for_selector('[data-status="S4"].conflict')
    assert assessment.answers.get(indicator__code="S4").declared_number == 70
    page.reload()
    assert page.input_value("#id_S4-value") == "70"

    # attach a PDF to S1
    pdf = tmp_path / "Rapport d'activité 2025.pdf"
    pdf.write_bytes(pdf_bytes())
    s1 = assessment.answers.get(indicator__code="S1")
    page.click(f'a[href="/answers/{s1.pk}/evidence/"]')
    page.set_input_files("#id_file", str(pdf))
    page.fill("#id_document_date", "2025-06-30")
    page.click("form.form button.primary")
    page.wait_for_url(re.compile(r"/fill/S/"))
    expect(page.locator("#answer-S1 .sa-evidence")).to_contain_text("Rapport d'activité 2025.pdf")
    evidence = Evidence.objects.get(answer=s1)
    assert evidence.document_date == datetime.date(2025, 6, 30) and evidence.content_type == "application/pdf"

    # the other categories are answered through the services
    for answer in assessment.answers.select_related("indicator").exclude(indicator__category__code="S"):
        answer_save(
            user=manager,
            answer=answer,
            value=FULL[answer.indicator.code],
            comment="Vérifié",
            expected_version=answer.version,
        )

    # submitting is refused while S4 overrides the records without a comment
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/summary/")
    expect(page.locator("[data-preview-level]")).to_have_attribute("data-preview-level", "gold")
    page.click("form[action$='/submit/'] button")
    expect(page.locator("#submit-errors")).to_contain_text("S4")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT

    page.goto(f"{live_server.url}/assessments/{assessment.pk}/fill/S/")
    page.fill("#id_S4-comment", "Membres associés hors région")
    page.press("#id_S4-comment", "Tab")
    _saved(page, "S4")

    # submit from the summary
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/summary/")
    page.click("form[action$='/submit/'] button")
    page.wait_for_url(re.compile(r"/summary/$"))
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    # frozen: the category page has no inputs any more
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/fill/S/")
    assert page.locator("#id_S1-value").count() == 0
