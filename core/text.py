"""Small helpers for grammatical French: the elision of « de » before a vowel or a mute h.

French writes « l'évaluation d'Elastopole » but « l'évaluation de Vegepolys ». Sentences keep the
preposition inside the translated string where the grammar allows (``%(of_name)s``), and this helper gives
"de X" or "d'X" in French, "of X" in English.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils import dateformat, translation

__all__ = ["APOSTROPHE", "NNBSP", "elides", "french_apostrophes", "french_typography", "long_date", "of_name"]

NNBSP = "\u202f"
APOSTROPHE = "\u2019"  # the typographic apostrophe of French text: l’évaluation, d’Elastopole

_VOWELS = set("aeiouyœæ")
# Words starting with an aspirated h keep « de » (de Hambourg); the usual ones in cluster names.
_ASPIRATED_H = ("hainaut", "hambourg", "hollande", "hongrie", "haut", "hauts", "hameau", "hall")


def elides(word: str) -> bool:
    """True when French elides « de » before ``word`` (vowel, or a mute h): d'Elastopole, d'Hydreos."""
    text = word.strip().lstrip("«\"'“ ")
    if not text:
        return False
    base = unicodedata.normalize("NFD", text[0].lower())[0]
    if base in _VOWELS:
        return True
    if base == "h":
        lowered = unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode().lower()
        return not lowered.startswith(_ASPIRATED_H)
    return False


def of_name(name: str, *, language: str | None = None) -> str:
    """« de Vegepolys » / « d'Elastopole » in French (typographic apostrophe), "of Elastopole" in English.

    Sentences use it as ``%(of_cluster)s`` ("the assessment %(of_cluster)s" → "l'évaluation d'Elastopole")."""
    code = (language or translation.get_language() or "fr").lower()
    if not code.startswith("fr"):
        return f"of {name}"
    return f"d\u2019{name}" if elides(name) else f"de {name}"


_PROTECTED = re.compile(r"<[^>]*>|\{[^{}]*\}|%\([A-Za-z_0-9]+\)[sdif]|%%|https?://\S+|\b\d{1,2}:\d{2}\b|\w+://")


def french_typography(text: str) -> str:
    """French spacing in ``text``: U+202F before ``: ; ? ! %`` and inside « », never in markup, placeholders,
    addresses or times. Idempotent. Used for the French catalogue (bin/french_typography.py) and data."""
    pieces, last = [], 0
    for match in _PROTECTED.finditer(text):
        pieces.append((text[last : match.start()], True))
        pieces.append((match.group(), False))
        last = match.end()
    pieces.append((text[last:], True))
    out = []
    for piece, prose in pieces:
        if prose:
            piece = re.sub(r"[ \xa0]+([:;?!»])", NNBSP + r"\1", piece)
            piece = re.sub(r"([^\s\u202f:;?!»])([;?!»])", r"\1" + NNBSP + r"\2", piece)
            piece = re.sub(r"([^\s\u202f:/\d])(:)(?!//)", r"\1" + NNBSP + r"\2", piece)
            piece = re.sub(r"«[ \xa0\u202f]*", "«" + NNBSP, piece)
            piece = re.sub(r"(?<=[\d\w)])[ \xa0]%(?=$|[^(sdif%])", NNBSP + "%", piece)
        out.append(piece)
    text = "".join(out)
    # "%%" after a number or a placeholder: a percentage in a formatted string.
    return re.sub(r"(\d|%\([A-Za-z_0-9]+\)[sdif])[ \xa0]?%%", r"\1" + NNBSP + "%%", text)


def french_apostrophes(text: str) -> str:
    """The straight apostrophe ``'`` of ``text``'s prose as ``’``, never in markup (an attribute's quotes),
    placeholders or addresses. Idempotent. Used for the French catalogue (bin/french_typography.py); what reads a
    user's text against the catalogue (the member files' headers) accepts both apostrophes."""
    pieces, last = [], 0
    for match in _PROTECTED.finditer(text):
        pieces.append(text[last : match.start()].replace("'", APOSTROPHE))
        pieces.append(match.group())
        last = match.end()
    pieces.append(text[last:].replace("'", APOSTROPHE))
    return "".join(pieces)


def long_date(day) -> str:
    """``1 décembre 2026`` / ``1 December 2026`` (the British order in English); empty for no date."""
    if day is None:
        return ""
    return dateformat.format(day, "j F Y")
