"""The wording checks of issue 22, item 14, shared by ``tests/test_wording.py``: a crawler that reads every page a
user reaches by following links, and the patterns that must not appear in what a reader sees.

English: no French cluster kind (« Pôle de compétitivité »), no space before ``%`` (``51.3%``), no ambiguous
numeric date (``06/12/2028``: ``6 Dec 2028``). French: no « (s) » plural, no « 1 créés »-style plural after 0 or 1,
no ``%`` glued to its number, a narrow no-break space before ``%``, the typographic apostrophe (« structure
d’animation », never « structure d'animation »: the catalogue, the framework's texts, the demo's data); column
headings start with a capital letter.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import deque

# Links never followed: they change state, leave the site's pages, or download a file.
SKIPPED = re.compile(
    r"^/(?:accounts/logout|logout|i18n|admin/|static/|media/|jsi18n|api/|metrics|health)"
    r"|\.(?:csv|json|xlsx|pdf|svg|png|jpg|xml|txt|zip)(?:$|\?)|/download/|/badge|/offline/.+|/delete/|/export"
)
HREF = re.compile(r'href="(/[^"#]*)')
SCRIPT = re.compile(r"<(script|style|textarea)\b.*?</\1>", re.S)  # a textarea holds what a user typed
BLOCK = re.compile(
    r"</?(?:td|th|tr|li|p|div|dd|dt|h\d|section|table|ul|ol|br|option|caption|nav|header|footer)\b[^>]*>"
)
TAG = re.compile(r"<[^>]+>")
HEADING = re.compile(r'<th scope="col"[^>]*>(.*?)</th>', re.S)

PATTERNS = {
    "en": {
        "the French name of a cluster kind": re.compile(r"Pôle de compétitivité|Grappe d['’]entreprises"),
        "a space before %": re.compile(r"\d[ \u00a0\u202f]%"),
        "an ambiguous numeric date": re.compile(r"\b\d{2}/\d{2}/\d{4}\b"),
    },
    "fr": {
        "a “(s)” plural": re.compile(r"\w\(s\)"),
        "a plural after 0 or 1": re.compile(
            r"(?<![\d,.\u202f])\b[01] (?:\w+és|\w+ées|\w+aux|modifications|réponses)\b"
        ),
        "% glued to its number": re.compile(r"\d%"),
        "a plain space before %": re.compile(r"\d[ \u00a0]%"),
        "a straight apostrophe": re.compile(r"(?<=\w)'(?=\w)"),  # l’évaluation, never l'évaluation
    },
}


def visible_text(page: str) -> str:
    """What a reader sees of an HTML page: no scripts, cells and blocks apart (`` | ``), inline tags dropped,
    entities decoded, runs of spaces as one."""
    text = TAG.sub("", BLOCK.sub(" | ", SCRIPT.sub(" ", page)))
    return re.sub(r"[ \t\r\n]+", " ", html_lib.unescape(text))


def problems(text: str, language: str, *, where: str = "") -> list[str]:
    found = []
    for name, pattern in PATTERNS[language].items():
        for match in pattern.finditer(text):
            context = text[max(0, match.start() - 40) : match.end() + 40]
            found.append(f"{where}: {name}: …{context}…")
    return found


def heading_problems(page: str, *, where: str = "") -> list[str]:
    found = []
    for heading in HEADING.findall(page):
        words = visible_text(heading).strip()
        if words and words[0].isalpha() and words[0].islower():
            found.append(f"{where}: a column heading in lower case: {words!r}")
    return found


def crawl(client, starts: list[str], *, limit: int = 150) -> dict[str, str]:
    """{path: HTML} of every page reached from ``starts`` by following links (query strings dropped), at most
    ``limit`` pages; only 200 HTML answers are kept."""
    seen: set[str] = set()
    pages: dict[str, str] = {}
    queue = deque(starts)
    while queue and len(pages) < limit:
        path = queue.popleft().split("?")[0]
        if path in seen or SKIPPED.search(path):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        pages[path] = page
        queue.extend(link for link in HREF.findall(page) if link.split("?")[0] not in seen)
    return pages
