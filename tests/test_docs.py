"""README.md stays a short entry point and the documentation site stays free of diary entries.

`make test` also builds the site with `mkdocs build --strict` (the Makefile's docs-check), which fails on a broken
link or anchor inside docs/; README.md is not part of the site, so its links are checked here.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").rglob("*.md"))

ISSUE_NUMBER = re.compile(r"\bissues? #?\d+", re.IGNORECASE)
DATED = re.compile(r"\b20\d\d-\d\d-\d\d[ T]\d\d:\d\d")  # a timestamp: a figure "measured on … at …"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_the_readme_is_an_entry_point_of_at_most_300_lines():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 300, f"README.md has {len(lines)} lines: move the details to a page of docs/"


def test_the_readme_links_to_files_that_exist():
    targets = [t for t in LINK.findall(README.read_text(encoding="utf-8")) if "://" not in t]
    assert targets, "README.md should point to the documentation"
    missing = [t for t in targets if not (ROOT / t).exists()]
    assert not missing, f"README.md links to missing files: {missing}"


@pytest.mark.parametrize("path", [README, *PAGES], ids=lambda p: str(p.relative_to(ROOT)))
def test_no_issue_numbers_and_no_dated_timings(path):
    problems = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ISSUE_NUMBER.search(line) or DATED.search(line)
    ]
    assert not problems, "say what is true now, not when or in which issue it changed:\n" + "\n".join(problems)
