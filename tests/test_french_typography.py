"""French typography in the catalogue: a narrow no-break space (U+202F) before ``: ; ? !`` and ``%``, and inside
« », and the typographic apostrophe ’ (never ' in the text; an HTML attribute's quotes are markup). The rule lives
in the French strings themselves (never by post-processing the HTML), so pages, e-mails, PDFs and messages all
follow it. Fix a failure in ``locale/fr/LC_MESSAGES/*.po`` (``bin/french_typography.py`` does it for every entry),
then ``make messages``. What reads a user's text against the catalogue (the member files' headers) takes ' and ’.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from core.text import french_apostrophes

NNBSP = "\u202f"
CATALOGUES = sorted((Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES").glob("*.po"))
# Markup, placeholders and addresses are not prose: their ":" and "?" follow their own rules.
_NOT_PROSE = re.compile(r"<[^>]*>|\{[^{}]*\}|%\([A-Za-z_0-9]+\)[sdif]|https?://\S+|\b\d{1,2}:\d{2}\b|\w+://")
_BAD_BEFORE = re.compile(r"(?P<before>.)(?P<mark>[:;?!])")
_BAD_PERCENT = re.compile(r"(?P<before>[\d)\w]| )%(?![(sdif%])")


def problems(text: str) -> list[str]:
    """What breaks the rule in ``text`` (empty when it is right)."""
    prose = _NOT_PROSE.sub("\x00", text)
    found = []
    for match in _BAD_BEFORE.finditer(prose):
        before = match["before"]
        if before == NNBSP or before in "\x00?!" or prose[match.start("mark") + 1 : match.start("mark") + 2] == "=":
            continue
        found.append(f"{before!r} before {match['mark']!r}")
    if prose.startswith((":", ";", "?", "!")):
        found.append("a mark without its word")
    for match in _BAD_PERCENT.finditer(prose):
        found.append(f"{match['before']!r} before '%'")
    found += [f"{m!r} after «" for m in re.findall(r"«(.)", prose) if m != NNBSP]
    found += [f"{m!r} before »" for m in re.findall(r"(.)»", prose) if m != NNBSP]
    return found


def straight_apostrophes(text: str) -> list[str]:
    """Each straight apostrophe of ``text``'s prose, with what surrounds it (markup and placeholders left out)."""
    prose = _NOT_PROSE.sub("\x00", text)
    return [prose[max(0, i - 10) : i + 10] for i, mark in enumerate(prose) if mark == "'"]


def _entries():
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            texts = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
            for text in texts:
                yield path.name, entry.msgid, text


def test_the_checker_finds_ordinary_spaces_and_missing_ones():
    assert problems("Éligible : oui") == ["' ' before ':'"]
    assert problems("Éligible: oui") == ["'e' before ':'"]
    assert problems("tous les clusters ; même nature") == ["' ' before ';'"]
    assert problems("Vraiment ?") == ["' ' before '?'"]
    assert problems("« Atlanpole »") == ["' ' after «", "' ' before »"]
    assert problems("44,7 %") == ["' ' before '%'"]
    assert problems(f"Éligible{NNBSP}: oui{NNBSP}; «{NNBSP}non{NNBSP}»{NNBSP}? 12{NNBSP}%") == []
    assert problems('Voir <a href="/x?page=2">la page</a> à 14:30, %(n)s%% et https://exemple.fr/a') == []


def test_every_french_entry_has_a_narrow_no_break_space_before_double_marks():
    assert CATALOGUES, "no French catalogue"
    wrong = [
        f"{name}: {msgid!r} → {text!r}: {', '.join(problems(text))}"
        for name, msgid, text in _entries()
        if problems(text)
    ]
    assert not wrong, "French typography (U+202F):\n" + "\n".join(wrong[:40])


def test_the_checker_finds_straight_apostrophes_in_the_text_only():
    assert straight_apostrophes("L'évaluation d'Elastopole") == ["L'évaluatio", "aluation d'Elastopol"]
    assert straight_apostrophes("L’évaluation d’Elastopole") == []
    assert straight_apostrophes("Voir <a href='/x' title='y'>la page</a> de %(name)s") == []
    assert len(straight_apostrophes("<b>l'aide</b>")) == 1


def test_the_fixer_puts_the_apostrophe_in_the_text_and_leaves_the_markup_alone():
    text = "Voir <a href='%(url)s' class='x'>l'aide</a> d'{name} ; https://exemple.fr/l'a"
    assert french_apostrophes(text) == "Voir <a href='%(url)s' class='x'>l’aide</a> d’{name} ; https://exemple.fr/l'a"
    assert french_apostrophes(french_apostrophes(text)) == french_apostrophes(text)


def test_every_french_entry_uses_the_typographic_apostrophe():
    wrong = [
        f"{name}: {msgid!r} → {text!r}: {straight_apostrophes(text)}"
        for name, msgid, text in _entries()
        if straight_apostrophes(text)
    ]
    assert not wrong, "French apostrophe (’, U+2019, not '): run bin/french_typography.py\n" + "\n".join(wrong[:40])


@pytest.mark.parametrize("language", ["fr"])
def test_the_label_of_a_field_with_a_colon_is_translated_whole(language, client):
    """Colons belong to the translated string: the rendered French page never has a space-less colon."""
    from django.utils import translation

    with translation.override(language):
        from django.utils.translation import gettext

        assert gettext("Level earned:").endswith(f"{NNBSP}:")
