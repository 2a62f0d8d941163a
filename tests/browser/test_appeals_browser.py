"""An appeal in a real browser (Debian's chromium driven by Playwright): the manager of a refused cluster finds the
decision among those they may appeal, lodges the appeal with its reasons and a file; an administrator who took no
part in the refusal asks a question, the manager answers it, and the administrator overturns the refusal: the label is
issued with its number. The pages are looked at 1280 and 390 px wide, in French and in English (screenshots in
``APPEALS_SHOTS`` when set, else the test's temporary directory).

Run with ``pytest -m browser tests/browser/test_appeals_browser.py``. Needs /usr/bin/chromium.
"""

import os
import re
from pathlib import Path

import pytest

from appeals.models import Appeal, AppealStatus
from labelling.models import CERTIFICATE_NUMBER_RE, Label
from tests import factories
from tests.appeals.conftest import PDF, refused_assessment
from tests.browser.conftest import requires_chromium

pytestmark = [pytest.mark.browser, requires_chromium]


@pytest.fixture
def setup(transactional_db, framework):
    cluster = factories.ClusterFactory(name="Elastopole", acronym="ELA")
    manager = factories.ManagerFactory(username="claire", language="fr", first_name="Claire", last_name="Dumas")
    cluster.managers.add(manager)
    decider = factories.AdministratorFactory(username="decider", language="fr")
    handler = factories.AdministratorFactory(username="helene", language="fr", first_name="Hélène", last_name="Juge")
    assessor = factories.AssessorFactory(username="marc")
    assessment = refused_assessment(cluster, manager, decider, assessor)
    return cluster, manager, handler, assessment


def _page(browser, live_server, username, *, width=1280, locale="fr-FR"):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    return context, page


def _shots(tmp_path) -> Path:
    folder = Path(os.environ.get("APPEALS_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page scrolls sideways: {width}px"


def test_lodging_an_appeal_and_overturning_a_refusal(live_server, setup, browser, tmp_path):
    cluster, manager, handler, assessment = setup
    shots = _shots(tmp_path)
    statutes = tmp_path / "statuts.pdf"
    statutes.write_bytes(PDF)

    # the manager: the refusal is among the decisions to appeal; the appeal is lodged with a file
    manager_context, m = _page(browser, live_server, "claire")
    m.goto(f"{live_server.url}/appeals/")
    row = m.locator("#appealable tr", has_text="Elastopole")
    assert "Refus" in row.inner_text()
    m.screenshot(path=str(shots / "appealable-fr-1280.png"), full_page=True)
    row.get_by_role("link", name="Former un recours").click()
    m.wait_for_url(re.compile(r"/appeals/new/\d+/refused/$"))
    m.click("form.form button[type=submit]")  # no reasons: refused, nothing lodged
    assert "Ce champ est obligatoire." in m.inner_text("form.form")
    assert not Appeal.objects.exists()
    m.fill("#id_reasons", "Nos statuts déposés en préfecture prouvent la gouvernance.")
    m.set_input_files("#id_files", str(statutes))
    m.screenshot(path=str(shots / "lodge-fr-1280.png"), full_page=True)
    m.click("form.form button[type=submit]")
    m.wait_for_url(re.compile(r"/appeals/\d+/$"))
    assert "Votre recours est déposé" in m.inner_text(".messages")
    appeal = Appeal.objects.get()
    assert appeal.files.get().original_name == "statuts.pdf"

    # the administrator who took no part in the refusal: a question
    handler_context, h = _page(browser, live_server, "helene")
    h.goto(f"{live_server.url}/appeals/{appeal.pk}/")
    assert "statuts.pdf" in h.inner_text("#reasons")
    h.fill("#id_question", "Envoyez le procès-verbal de votre dernier conseil d’administration.")
    h.click("#ask button[type=submit]")
    h.wait_for_url(re.compile(r"/appeals/\d+/$"))
    assert Appeal.objects.get().status == AppealStatus.QUESTION

    # the manager answers on the page, with a file
    m.reload()
    m.fill("#id_answer", "Le voici, adopté le 12 mars.")
    m.set_input_files("#answer input[type=file]", str(statutes))
    m.click("#answer button[type=submit]")
    m.wait_for_url(re.compile(r"/appeals/\d+/$"))
    assert "Le voici" in m.inner_text("#questions")

    # the administrator overturns the refusal: a Bronze label with its number
    h.reload()
    h.check("input[name=outcome][value=overturned]")
    h.click("#decide button[type=submit]")  # no level, no reason: refused with what was typed
    assert h.locator("#decide .error").count() >= 1
    assert h.is_checked("input[name=outcome][value=overturned]")
    h.select_option("#id_level", "bronze")
    h.fill("#id_reason", "Les statuts et le procès-verbal établissent la gouvernance.")
    h.screenshot(path=str(shots / "decide-fr-1280.png"), full_page=True)
    h.click("#decide button[type=submit]")
    h.wait_for_url(re.compile(r"/appeals/\d+/$"))
    label = Label.objects.get(assessment=assessment)
    assert label.level == "bronze" and CERTIFICATE_NUMBER_RE.match(label.certificate_number)
    assert label.certificate_number in h.inner_text("#outcome")
    assert "Décision infirmée" in h.inner_text("#outcome")
    manager_context.close()
    handler_context.close()

    # the pages at 1280 and 390 px, in French and in English
    for locale, language in (("fr-FR", "fr"), ("en-GB", "en")):
        for width in (1280, 390):
            manager.language = language
            manager.save(update_fields=["language"])
            context, page = _page(browser, live_server, "claire", width=width, locale=locale)
            for name, path in (("list", "/appeals/"), ("detail", f"/appeals/{appeal.pk}/")):
                page.goto(f"{live_server.url}{path}")
                if width == 390:
                    _no_horizontal_scroll(page)
                page.screenshot(path=str(shots / f"{name}-{language}-{width}.png"), full_page=True)
            text = page.inner_text("#outcome")
            assert ("Decision overturned" if language == "en" else "Décision infirmée") in text
            context.close()
