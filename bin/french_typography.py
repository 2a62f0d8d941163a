#!/usr/bin/env python3
"""Put French typography into the French catalogue: U+202F before ``: ; ? ! %`` and inside « », ’ for '.

Usage: ``.venv/bin/python bin/french_typography.py [locale/fr/LC_MESSAGES/django.po …]`` then
``make messages``. It rewrites only the msgstr of French entries (never markup, placeholders, addresses or
times) and is idempotent; tests/test_french_typography.py checks the result.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.text import french_apostrophes, french_typography  # noqa: E402  (the same spacing rule for data)


def fix(text: str) -> str:
    return french_apostrophes(french_typography(text))


def main(paths: list[str]) -> int:
    paths = paths or [str(p) for p in Path("locale/fr/LC_MESSAGES").glob("*.po")]
    for path in paths:
        po = polib.pofile(path)
        changed = 0
        for entry in po:
            if entry.obsolete:
                continue
            if entry.msgid_plural:
                for key, value in entry.msgstr_plural.items():
                    fixed = fix(value)
                    changed += fixed != value
                    entry.msgstr_plural[key] = fixed
            else:
                fixed = fix(entry.msgstr)
                changed += fixed != entry.msgstr
                entry.msgstr = fixed
        po.save(path)
        print(f"{path}: {changed} entries changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
