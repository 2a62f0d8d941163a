"""Issue 22, item 14: what readers see, in both languages, over every page of the demo and the PDFs' texts.

The demo is loaded once; an administrator, an assessor, two managers and a visitor each follow every link from
their dashboards (``tests/wording.py``: the crawler and the patterns) in French and in English. English never says
« Pôle de compétitivité », never writes « 51.3 % » or 06/12/2028; French never writes « 1 créés » or
« modification(s) », always puts a narrow no-break space before ``%`` and writes the apostrophe ’ (never ': the
framework's texts and the demo's data too); column headings start with a capital. The report and the certificate
of the demo's Gold assessment are read the same way. The French catalogue uses ’ and « » (never ' or "), checked
entry by entry.
"""

from __future__ import annotations

import re

import polib
import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from demo.services import demo_load
from labelling.models import Decision, Report
from labelling.services.reports import report_html
from tests import wording
from tests.conftest import module_transaction

pytestmark = [pytest.mark.django_db]
READERS = ["admin", "assessor", "manager.cosmetic", "manager.nekoe", None]
STARTS = ["/", "/administration/", "/assessor/", "/registry/", "/verify/", "/methodology/"]
PAGES_PER_READER = 80


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker):
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            demo_load()
        yield


@pytest.fixture
def demo(demo_once, db):
    return None


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_page_of_the_demo_has_a_wording_fault(demo, language):
    faults, read = [], 0
    for username in READERS:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if username:
            client.force_login(User.objects.get(username=username))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        pages = wording.crawl(client, STARTS, limit=PAGES_PER_READER)
        read += len(pages)
        for path, page in pages.items():
            where = f"{username or 'visitor'} {path}"
            assert f'lang="{language}"' in page, where
            faults += wording.problems(wording.visible_text(page), language, where=where)
            faults += wording.heading_problems(page, where=where)
    assert read > 150, read  # the crawl reached the pages, not just the dashboards
    assert not faults, "\n".join(sorted(set(faults))[:60])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_report_and_the_certificate_have_no_wording_fault(demo, language):
    decision = Decision.objects.filter(level="gold").select_related("assessment").first()
    admin = User.objects.get(username="admin")
    faults = []
    for kind in ("assessment", "certificate"):
        report = Report(
            assessment=decision.assessment,
            kind=kind,
            language=language,
            requested_by=admin,
            label=decision.assessment.label if kind == "certificate" else None,
        )
        text = wording.visible_text(report_html(report=report))
        faults += wording.problems(text, language, where=kind)
    assert not faults, "\n".join(faults[:40])


def test_the_patterns_catch_what_the_issue_quoted():
    assert wording.problems("Kind: Pôle de compétitivité · 51.3 % · on 06/12/2028", "en", where="x")[2]
    assert len(wording.problems("Import terminé : 1 créés · 4 modification(s) · 51,3% · 80 %", "fr", where="x")) == 4
    assert not wording.problems("51.3% on 6 Dec 2028, a competitiveness cluster", "en", where="x")
    assert not wording.problems("1 créé, 2 créés, 51,3\u202f%, la structure d’animation", "fr", where="x")
    assert len(wording.problems("la structure d'animation · Ni l'un ni l'autre", "fr", where="x")) == 3
    assert not wording.problems("the cluster's year", "en", where="x")
    assert wording.heading_problems('<th scope="col">programmes européens</th>', where="x")


def _french_entries():
    for entry in polib.pofile(str(settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po")):
        if entry.obsolete:
            continue
        for text in [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values():
            yield entry, text


def test_the_french_catalogue_has_no_bracketed_plural():
    bad = [entry.msgid for entry, text in _french_entries() if re.search(r"\w\(s\)", text)]
    assert not bad, bad
