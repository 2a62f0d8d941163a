"""The French and English catalogues: complete, up to date with the sources, compiled, and used by the pages.

French is the default language; the English catalogue is filled too (msgstr = msgid) so that both are
explicitly complete. When a test here fails after a source string was added or changed, run the commands in
docs/development/languages.md (makemessages, translate, compilemessages).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
LANGUAGES = ("fr", "en")
DOMAINS = ("django", "djangojs")
# The same patterns as the documented makemessages command (hidden directories such as .venv are always skipped).
IGNORE = ["var", "bench", "tests"]
# Files that xgettext reads for either domain, and the catalogues themselves.
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".js", ".po"}
PLACEHOLDER = re.compile(r"%\([A-Za-z_0-9]+\)[sdif]|%[sdif%]|\{[A-Za-z_0-9]*\}|</?[a-z][a-z0-9]*\b[^>]*>")


def _catalogues(language: str) -> list[Path]:
    return [LOCALE / language / "LC_MESSAGES" / f"{domain}.po" for domain in DOMAINS]


def _existing(language: str) -> list[Path]:
    return [path for path in _catalogues(language) if path.exists()]


def _key(entry: polib._BaseEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _live(path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def _describe(entries) -> str:
    lines = []
    for entry in entries:
        where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
        lines.append(f"  {entry.msgid!r} ({where})")
    return "\n".join(lines)


# (a) complete ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_main_catalogue_of_each_language_exists_and_is_not_empty(language):
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run makemessages (docs/development/languages.md)."
    assert len(_live(path)) > 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_of_the_catalogues_is_translated_and_not_fuzzy(language):
    for path in _existing(language):
        entries = _live(path)
        untranslated = [e for e in entries if not e.translated()]
        fuzzy = [e for e in entries if "fuzzy" in e.flags]
        assert not untranslated, f"{path}: {len(untranslated)} untranslated entries:\n{_describe(untranslated)}"
        assert not fuzzy, f"{path}: {len(fuzzy)} fuzzy entries (check them, then remove the flag):\n{_describe(fuzzy)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_header_of_the_catalogues_names_the_language_and_its_plural_rule(language):
    expected_plural = {"fr": "plural=(n > 1)", "en": "plural=(n != 1)"}[language]
    for path in _existing(language):
        po = polib.pofile(str(path))
        assert not po.metadata_is_fuzzy, f"{path}: the header is fuzzy, so msgfmt would drop it"
        assert po.metadata["Language"] == language
        assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
        assert expected_plural in po.metadata["Plural-Forms"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_and_the_markup_of_the_source(language):
    problems = []
    for path in _existing(language):
        for entry in _live(path):
            if entry.msgid_plural:
                pairs = [(entry.msgid, entry.msgstr_plural[0]), (entry.msgid_plural, entry.msgstr_plural[1])]
            else:
                pairs = [(entry.msgid, entry.msgstr)]
            for source, translation in pairs:
                if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
                    problems.append(f"  {source!r} -> {translation!r}")
    assert not problems, "Placeholders or HTML differ from the source:\n" + "\n".join(problems)


def test_the_english_catalogue_repeats_the_source_strings():
    """The sources are English: a different English text belongs in the source, not in the catalogue."""
    for path in _existing("en"):
        for entry in _live(path):
            if entry.msgid_plural:
                assert entry.msgstr_plural[0] == entry.msgid, entry.msgid
                assert entry.msgstr_plural[1] == entry.msgid_plural, entry.msgid
            else:
                assert entry.msgstr == entry.msgid, entry.msgid


def test_the_french_catalogue_uses_the_french_names_of_the_label_levels():
    french = {e.msgid: e.msgstr for e in _live(LOCALE / "fr" / "LC_MESSAGES" / "django.po")}
    assert (french["Bronze"], french["Silver"], french["Gold"]) == ("Bronze", "Argent", "Or")


# (b) up to date with the sources -----------------------------------------------------------------------------------


def _copy_sources(destination: Path) -> None:
    def ignore(directory: str, names: list[str]) -> list[str]:
        skipped = []
        for name in names:
            path = Path(directory) / name
            if name.startswith(".") or name == "__pycache__" or (Path(directory) == ROOT and name in IGNORE):
                skipped.append(name)
            elif path.is_file() and path.suffix not in SOURCE_SUFFIXES:
                skipped.append(name)
        return skipped

    shutil.copytree(ROOT, destination, ignore=ignore)


def test_the_catalogues_hold_every_translatable_string_of_the_sources_and_nothing_else(tmp_path, settings, monkeypatch):
    missing_tools = [tool for tool in ("xgettext", "msgmerge", "msguniq") if shutil.which(tool) is None]
    if missing_tools:
        pytest.skip(f"gettext tools not installed ({', '.join(missing_tools)}): cannot extract the source strings")
    copy = tmp_path / "project"
    _copy_sources(copy)
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    for domain in DOMAINS:
        call_command(
            "makemessages",
            locale=list(LANGUAGES),
            domain=domain,
            ignore_patterns=IGNORE,
            no_obsolete=True,
            verbosity=0,
        )

    problems = []
    for language in LANGUAGES:
        for committed_path in _catalogues(language):
            extracted_path = copy / committed_path.relative_to(ROOT)
            extracted = {_key(e): e for e in _live(extracted_path)} if extracted_path.exists() else {}
            committed = {_key(e) for e in _live(committed_path)} if committed_path.exists() else set()
            missing = [entry for key, entry in extracted.items() if key not in committed]
            stale = sorted(msgid for _context, msgid in committed - set(extracted))
            if missing:
                problems.append(f"{committed_path.relative_to(ROOT)} lacks {len(missing)}:\n{_describe(missing)}")
            if stale:
                problems.append(
                    f"{committed_path.relative_to(ROOT)} still has {len(stale)} removed strings: "
                    + ", ".join(map(repr, stale[:20]))
                )
    assert not problems, "The catalogues are out of date (see docs/development/languages.md):\n" + "\n".join(problems)


# (c) compiled ------------------------------------------------------------------------------------------------------


def _compiled(path: Path) -> dict:
    return {
        _key(e): (e.msgid_plural, dict(e.msgstr_plural) if e.msgid_plural else e.msgstr)
        for e in polib.mofile(str(path))
        if e.msgid
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_files_hold_exactly_the_translations_of_the_po_files(language):
    """Compared by content, not by date: a git checkout gives both files the same arbitrary time."""
    for po_path in _existing(language):
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} is missing: run compilemessages."
        expected = {
            _key(e): (e.msgid_plural, {int(k): v for k, v in e.msgstr_plural.items()} if e.msgid_plural else e.msgstr)
            for e in _live(po_path)
            if e.translated() and "fuzzy" not in e.flags
        }
        compiled = {
            key: (plural, {int(k): v for k, v in value.items()} if plural else value)
            for key, (plural, value) in _compiled(mo_path).items()
        }
        assert compiled == expected, f"{mo_path} is not the compiled {po_path.name}: run compilemessages."
        header = polib.mofile(str(mo_path)).metadata
        assert header.get("Plural-Forms") == polib.pofile(str(po_path)).metadata["Plural-Forms"]


# (d) the pages use them --------------------------------------------------------------------------------------------

PAGES = {
    # url: (a French string, its English source)
    "/methodology/": ("Comment obtenir un label", "How a label is earned"),
    "/accounts/login/": ("<h1>Se connecter</h1>", "<h1>Log in</h1>"),
}


def _html(client, url: str, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_a_page_is_in_french_by_default(client, framework, url):
    french, english = PAGES[url]
    html = _html(client, url)
    assert '<html lang="fr">' in html
    assert french in html
    assert english not in html
    assert ">Méthodologie</a>" in html  # the navigation, from base.html


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_a_page_is_in_english_with_the_language_cookie(client, framework, url):
    french, english = PAGES[url]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _html(client, url)
    assert '<html lang="en">' in html
    assert english in html
    assert french not in html
    assert ">Methodology</a>" in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_a_page_is_in_english_when_the_browser_asks_for_english(client, framework, url):
    french, english = PAGES[url]
    html = _html(client, url, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="en">' in html
    assert english in html
    assert french not in html


@pytest.mark.django_db
def test_the_language_switch_of_the_header_changes_the_language_of_the_next_pages(client, framework):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/methodology/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "How a label is earned" in _html(client, "/methodology/")

    client.post("/i18n/setlang/", {"language": "fr", "next": "/methodology/"})
    assert "Comment obtenir un label" in _html(client, "/methodology/")


@pytest.mark.django_db
def test_plural_forms_follow_the_french_rule(client, framework):
    """French uses the singular for 0 and 1; the methodology page shows the plural for 31 indicators."""
    from django.utils import translation
    from django.utils.translation import ngettext

    with translation.override("fr"):
        assert ngettext("%(n)s label", "%(n)s labels", 0) % {"n": 0} == "0 label"
        assert ngettext("%(n)s label", "%(n)s labels", 2) % {"n": 2} == "2 labels"
    with translation.override("en"):
        assert ngettext("%(n)s label", "%(n)s labels", 0) % {"n": 0} == "0 labels"
    assert "L’évaluation porte sur 31 indicateurs de qualité." in _html(client, "/methodology/")
