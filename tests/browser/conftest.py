"""What the browser tests share: Debian's chromium, launched headless through Playwright, and its clean-up.

Never a downloaded browser: the Makefile installs Debian's chromium, and a test skips when it is missing.
"""

from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
requires_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@pytest.fixture
def browser(monkeypatch):
    """A chromium for one test. The test's own ORM calls run beside Playwright's event loop in this thread."""
    from playwright.sync_api import sync_playwright

    # Set for this test only: a process-wide value would leak into other tests (e.g. `check --deploy`).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()
            # The ORM calls made while Playwright runs hold a connection of their own context: close it here,
            # else it outlives the test and the test database cannot be dropped ("accessed by other users").
            connections.close_all()
