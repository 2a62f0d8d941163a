"""A whole labelling season in a real browser (Debian's chromium driven by Playwright), with no administrator
step between the change request and the new review:

the assessor requests changes on two indicators → the manager sees them on the category pages, edits and
resubmits → the assessor re-reviews only the changed answers and validates → Gold needs the second assessor →
the second assessor countersigns → the awarding committee decides (on by default: the administrator puts the
assessment on an open session's agenda, records the member present and records the decision as its chair) → the
certificate is requested.

Run with ``pytest -m browser tests/browser``. Needs /usr/bin/chromium. ``GRAPPE_SHOTS=/some/dir`` keeps
screenshots of the main steps at 1280 px and 390 px.
"""

import datetime
import os
import re
from pathlib import Path

import pytest

from audit.models import AuditEvent
from committee.models import Case
from committee.services import session_create
from labelling.models import Answer, Assessment, AssessmentStatus, Label, Report
from labelling.services.workflow import answer_review, assessment_assign, review_declare_no_conflict
from tests import factories
from tests.browser.conftest import requires_chromium
from tests.expertise.helpers import meet_prerequisites, visited_with_findings
from tests.labelling.samples import FULL, fill

pytestmark = [pytest.mark.browser, requires_chromium]


class Person:
    """One user in their own browser context (their own session), accepting the confirmation dialogs."""

    def __init__(self, browser, base_url: str, username: str, *, locale: str = "fr-FR"):
        self.base_url = base_url
        self.context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.dialogs: list[str] = []

        def accept(dialog):
            self.dialogs.append(dialog.message)
            dialog.accept()

        self.page.on("dialog", accept)
        self.page.goto(f"{base_url}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", factories.PASSWORD)
        self.page.click("form.form button[type=submit]")
        self.page.wait_for_url(re.compile(r"/(clusters|assessor|administration)/"))

    def go(self, path: str):
        self.page.goto(f"{self.base_url}{path}")
        return self.page

    def shot(self, name: str):
        folder = os.environ.get("GRAPPE_SHOTS")
        if not folder:
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        for width in (1280, 390):
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
        self.page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def season(transactional_db):
    from indicators.services import framework_ensure_default

    framework_ensure_default()
    cluster = factories.ClusterFactory(name="Elastopole", acronym="ELA")
    manager = factories.ManagerFactory(username="claire", first_name="Claire", last_name="Martin")
    cluster.managers.add(manager)
    assessor = factories.AssessorFactory(username="sophie", first_name="Sophie", last_name="Garnier")
    second = factories.AssessorFactory(username="marc", first_name="Marc", last_name="Vasseur")
    admin = factories.AdministratorFactory(username="helene", first_name="Hélène", last_name="Bernard")
    member = factories.CommitteeMemberFactory(username="louise", first_name="Louise", last_name="Roche")
    # Set-up through the services: a submitted assessment answered for Gold, assigned, no conflict declared.
    from labelling.services.answers import assessment_create, assessment_submit

    meet_prerequisites(cluster)
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025)
    fill(assessment, manager)
    assessment = assessment_submit(user=manager, assessment=assessment, expected_version=assessment.version)
    assessment = assessment_assign(user=admin, assessment=assessment, assessor=assessor)
    review_declare_no_conflict(user=assessor, assessment=assessment)
    for answer in assessment.answers.select_related("indicator", "assessment"):  # the assessor read them all
        answer_review(user=assessor, answer=answer, accept=True, expected_version=answer.version)
    visited_with_findings(assessment, assessor)  # the visit has taken place, the findings are written
    session = session_create(
        user=admin,
        held_on=datetime.date.today() + datetime.timedelta(days=7),
        chair=admin,
        members=[member],
        place="Orléans",
    )
    return {"assessment": assessment, "cluster": cluster, "second": second, "member": member, "session": session}


def test_a_whole_season_from_the_change_request_to_the_certificate(live_server, season, browser):
    from playwright.sync_api import expect

    assessment = season["assessment"]
    detail = f"/assessments/{assessment.pk}/"

    # The assessor asks for changes on S3 and G2, with a general comment.
    sophie = Person(browser, live_server.url, "sophie")
    page = sophie.go(detail)
    for code, text in (("S3", "Joignez la liste des membres à jour."), ("G2", "Comptez l'équipe en ETP.")):
        page.click(f"#answer-{code} details.request-change summary")
        page.fill(f"#id_request_{code}", text)
    page.fill("#id_comment", "Deux points à reprendre avant validation.")
    sophie.shot("1-assessor-requests")
    page.click("#changes-form button[type=submit]")
    page.wait_for_url(re.compile(rf"{detail}$"))
    expect(page.locator("#assessment-status")).to_have_text("Modifications demandées")

    # The manager sees an "action needed" banner, then each request beside its answer on the category pages.
    claire = Person(browser, live_server.url, "claire")
    page = claire.page
    expect(page.locator("#action-needed")).to_contain_text("Elastopole")
    page.click("#action-needed a")
    expect(page.locator("#still-asked")).to_contain_text("Joignez la liste des membres à jour.")
    page = claire.go(f"/assessments/{assessment.pk}/fill/S/")
    expect(page.locator('[data-request="S3"]')).to_contain_text("Joignez la liste des membres à jour.")
    claire.shot("2-manager-sees-request")
    page.fill("#id_S3-value", str(FULL["S3"] + 5))
    page.press("#id_S3-value", "Tab")
    page.wait_for_selector('[data-status="S3"].ok')
    page = claire.go(f"/assessments/{assessment.pk}/fill/G/")
    expect(page.locator('[data-request="G2"]')).to_contain_text("ETP")
    expect(page.locator('[data-request="S3"]')).to_have_count(0)
    page.fill("#id_G2-value", "6")
    page.press("#id_G2-value", "Tab")
    page.wait_for_selector('[data-status="G2"].ok')
    page = claire.go(f"/assessments/{assessment.pk}/summary/")
    expect(page.locator("#still-asked")).not_to_contain_text("encore demandé")
    page.click("#submit-form button[type=submit]")
    page.wait_for_url(re.compile(r"/summary/$"))
    assert claire.dialogs and "Soumettre de nouveau" in claire.dialogs[-1]
    assessment.refresh_from_db()
    # Straight back to the same assessor: no administrator step.
    assert assessment.status == AssessmentStatus.IN_REVIEW and assessment.assessor.username == "sophie"

    # The assessor finds it first on the dashboard and re-reviews only the two changed answers.
    page = sophie.go("/assessor/")
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("Elastopole")
    expect(page.locator("#assessor-counts")).to_contain_text("2")
    page = sophie.go(detail)
    expect(page.locator("[data-changed]")).to_have_count(2)
    expect(page.locator("#review-progress")).to_contain_text("2 réponses restent à examiner")
    sophie.shot("3-assessor-rereviews")
    for code in ("S3", "G2"):
        page.click(f"#answer-{code} form.inline button")
        page.wait_for_url(re.compile(rf"{detail}#answer-{code}$"))
    assert not Answer.objects.filter(assessment=assessment, reviewed=False).exists()
    page.click("#validate-form button[type=submit]")
    page.wait_for_url(re.compile(rf"{detail}$"))
    expect(page.locator("#assessment-status")).to_have_text("Validée")

    # The administrator puts it on the committee session's agenda and records the member present; the committee
    # cannot grant Gold yet: the assessment's page says why, and so does the decision's form, with the focus there.
    helene = Person(browser, live_server.url, "helene")
    page = helene.go(detail)
    expect(page.locator("#gold-blocked")).to_be_visible()
    agenda = f"/committee/{season['session'].pk}/"
    page = helene.go(agenda)
    page.select_option("#id_assessment", str(assessment.pk))
    with page.expect_navigation():
        page.click("#agenda-form button[type=submit]")
    case = Case.objects.get(assessment=assessment)
    assert case.proposed_level == "gold"
    page.check(f"#attendance-form input[name=present][value='{season['member'].pk}']")
    with page.expect_navigation():
        page.click("#attendance-form button[type=submit]")
    expect(page.locator("#members-present")).to_contain_text("Louise Roche")
    decide = f"form[action$='/committee/cases/{case.pk}/decide/']"
    page.select_option(f"#id_case{case.pk}_outcome", "granted")
    page.click(f"{decide} button[type=submit]")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("second évaluateur")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    helene.shot("4-gold-refused")
    assert not Label.objects.filter(assessment=assessment).exists()
    page = helene.go(detail)
    page.select_option("#second-form select", str(season["second"].pk))
    page.click("#second-form button[type=submit]")
    page.wait_for_url(re.compile(rf"{detail}$"))

    # The second assessor reads the review, declares no conflict and countersigns.
    marc = Person(browser, live_server.url, "marc")
    page = marc.go(detail)
    expect(page.locator("#answer-S3 form.inline")).to_have_count(0)  # read-only
    page.click("#declare-no-conflict")
    page.wait_for_url(re.compile(rf"{detail}$"))
    page.click("#countersign-button")
    page.wait_for_url(re.compile(rf"{detail}$"))
    expect(page.locator("#second-assessor")).to_contain_text("contresigné")

    # The committee grants Gold, and the administrator requests the certificate.
    page = helene.go(detail)
    expect(page.locator("#gold-blocked")).to_have_count(0)
    page = helene.go(agenda)
    page.select_option(f"#id_case{case.pk}_outcome", "granted")
    with page.expect_navigation():
        page.click(f"{decide} button[type=submit]")
    label = Label.objects.get(assessment=assessment)
    assert label.level == "gold"
    case.refresh_from_db()
    assert case.outcome == "granted" and list(case.voters.all()) == [season["member"]]
    page = helene.go(detail)
    expect(page.locator("#certificate-number")).to_have_text(label.certificate_number)
    page.select_option("#report-form select[name=kind]", "certificate")
    page.click("#report-form button[type=submit]")
    page.wait_for_url(re.compile(r"/reports/\d+/"))
    assert Report.objects.filter(assessment=assessment, kind="certificate").exists()
    helene.shot("5-decided")

    actions = set(AuditEvent.objects.filter(assessment=assessment).values_list("action", flat=True))
    assert {
        "assessment.changes_requested",
        "assessment.resubmitted",
        "assessment.second_assigned",
        "review.countersigned",
        "assessment.decided",
    } <= actions
    assert (
        "assessment.assigned" in actions
        and list(AuditEvent.objects.filter(assessment=assessment, action="assessment.assigned")).__len__() == 1
    )  # assigned once, before the season: nobody re-assigned it
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.DECIDED
    assert AuditEvent.objects.filter(action="committee.case_decided").count() == 1
