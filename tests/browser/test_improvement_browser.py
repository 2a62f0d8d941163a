"""The improvement plan in a real browser (Debian's chromium driven by Playwright): a decided assessment seeds the
plan; the manager edits an action (owner, due date, status, note), attaches a PDF, adds an action of their own
(first with a due date before the plan, refused with what was typed kept), filters by status; the assessor of the
next assessment reads it without a form. Screenshots at 1280 and 390 px, in French and in English, in the test's
temporary directory.

Run with ``pytest -m browser tests/browser/test_improvement_browser.py``. Needs /usr/bin/chromium.
"""

import datetime
import re

import pytest
from django.utils import timezone

from improvement.models import Action, ActionEvidence, ImprovementPlan
from labelling.services.workflow import assessment_decide
from tests import factories
from tests.browser.conftest import requires_chromium
from tests.expertise.helpers import FINDINGS_TEXTS
from tests.labelling.workflow_helpers import answer_of, in_review, validated

pytestmark = [pytest.mark.browser, requires_chromium]


@pytest.fixture
def setup(transactional_db, framework):
    manager = factories.ManagerFactory(username="nathalie", language="fr")
    cluster = factories.ClusterFactory(name="Elastopole", acronym="ELA")
    cluster.managers.add(manager)
    administrator = factories.AdministratorFactory(username="admin")
    assessor = factories.AssessorFactory(username="expert", language="fr")
    assessment = validated(cluster, manager, administrator, assessor, reference_year=2024)
    # the assessor's validated values earn full points but on S1 and S2
    for code in ("S1", "S2"):
        answer = answer_of(assessment, code)
        type(answer).objects.filter(pk=answer.pk).update(validated_number=0, validated_option="")
    assessment_decide(user=administrator, assessment=assessment, level="bronze", reason="Demo.")
    # the cluster's next assessment, in review with the same assessor
    in_review(cluster, manager, administrator, assessor, reference_year=2025)
    return manager, assessor, cluster


def _login(browser, live_server, username, *, width=1280, locale="fr-FR"):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    return context, page


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_manager_edits_the_plan_and_the_assessor_reads_it(live_server, setup, browser, tmp_path):
    manager, assessor, cluster = setup
    plan = ImprovementPlan.objects.get(cluster=cluster)
    assert {a.indicator.code for a in plan.actions.filter(source="criterion")} == {"S1", "S2"}
    # the setup's findings (FINDINGS_TEXTS): one recommendation per category, each seeded as an action
    recommendations = [texts[2] for texts in FINDINGS_TEXTS.values()]
    assert sorted(plan.actions.filter(source="recommendation").values_list("description", flat=True)) == sorted(
        recommendations
    )
    plan_url = f"{live_server.url}/clusters/{cluster.pk}/improvement-plan/"

    context, m = _login(browser, live_server, "nathalie")
    m.goto(plan_url)
    assert m.locator("table.plan tbody tr").count() == plan.actions.count()

    # an action: owner, due date, status, note
    first = plan.actions.get(indicator__code="S1")
    m.click(f"#action-{first.pk} th a")
    m.wait_for_url(re.compile(rf"/actions/{first.pk}/$"))
    due = timezone.localdate() + datetime.timedelta(days=60)
    m.fill("#id_owner", "Nathalie Roux")
    m.fill("#id_due_on", due.isoformat())
    m.select_option("#id_status", "in_progress")
    m.fill("#id_progress_note", "Deux réunions avec les membres.")
    m.click("form.form button.primary")
    m.wait_for_url(re.compile(r"/improvement-plan/$"))
    first.refresh_from_db()
    assert (first.status, first.owner, first.due_on, first.version) == ("in_progress", "Nathalie Roux", due, 2)
    assert "En cours" in m.inner_text(f"#action-{first.pk}")

    # a file, checked by its content
    pdf = tmp_path / "compte-rendu.pdf"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n")
    m.goto(f"{plan_url}actions/{first.pk}/")
    m.set_input_files("#id_evidence_file", str(pdf))
    m.click("form[enctype] button[type=submit]")
    m.wait_for_url(re.compile(rf"/actions/{first.pk}/$"))
    assert ActionEvidence.objects.filter(action=first, original_name="compte-rendu.pdf").exists()
    assert "compte-rendu.pdf" in m.inner_text("main")

    # an action of one's own: due before the plan exists, refused with what was typed; then added
    m.goto(plan_url)
    m.click(f"a[href$='/clusters/{cluster.pk}/improvement-plan/actions/add/']")
    m.select_option("#id_indicator", str(plan.assessment.framework.indicators.get(code="V3").pk))
    m.fill("#id_description", "Présenter un tableau de bord trimestriel au conseil.")
    m.fill("#id_due_on", "2020-01-31")
    m.click("form.form button.primary")
    assert "L’échéance ne peut pas précéder la création du plan" in m.inner_text("main")
    assert m.input_value("#id_description") == "Présenter un tableau de bord trimestriel au conseil."
    assert not Action.objects.filter(source="manager").exists()
    m.fill("#id_due_on", (timezone.localdate() + datetime.timedelta(days=200)).isoformat())
    m.click("form.form button.primary")
    m.wait_for_url(re.compile(r"/improvement-plan/$"))
    assert Action.objects.filter(source="manager", indicator__code="V3").exists()

    # the filter by status
    m.select_option("#id_status", "in_progress")
    m.click("form.filters button[type=submit]")
    m.wait_for_url(re.compile(r"status=in_progress"))
    assert m.locator("table.plan tbody tr").count() == 1
    m.goto(plan_url)
    m.screenshot(path=str(tmp_path / "plan-fr-1280.png"), full_page=True)
    m.goto(f"{plan_url}actions/{first.pk}/")
    m.screenshot(path=str(tmp_path / "action-fr-1280.png"), full_page=True)
    context.close()

    # a phone, and English
    for language, locale in (("fr", "fr-FR"), ("en", "en-GB")):
        type(manager).objects.filter(pk=manager.pk).update(language=language)
        for width in (390, 1280):
            context, p = _login(browser, live_server, "nathalie", width=width, locale=locale)
            p.goto(plan_url)
            _no_horizontal_scroll(p)
            p.screenshot(path=str(tmp_path / f"plan-{language}-{width}.png"), full_page=True)
            p.goto(f"{plan_url}actions/{first.pk}/")
            _no_horizontal_scroll(p)
            p.screenshot(path=str(tmp_path / f"action-{language}-{width}.png"), full_page=True)
            if language == "en":
                assert "Action of the improvement plan" in p.inner_text("main")
            context.close()

    # the assessor of the next assessment reads the plan, without a form
    context, a = _login(browser, live_server, "expert", width=390)
    a.goto(plan_url)
    # the whole plan: S1 and S2, the expert's recommendations, the manager's own action
    assert a.locator("table.plan tbody tr").count() == 2 + len(recommendations) + 1 == plan.actions.count()
    assert a.locator(f"a[href$='/clusters/{cluster.pk}/improvement-plan/actions/add/']").count() == 0
    a.goto(f"{plan_url}actions/{first.pk}/")
    assert a.locator("main form[method=post]").count() == 0 and "Nathalie Roux" in a.inner_text("main")
    _no_horizontal_scroll(a)
    a.screenshot(path=str(tmp_path / "action-assessor-fr-390.png"), full_page=True)
    context.close()
