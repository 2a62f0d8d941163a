"""Every page type (tests/browser/pages.py) checked by real tools, in one browser and one JVM:

- axe-core (npm ``axe-core``) in Debian's chromium through Playwright: no serious or critical violation;
- the Nu HTML checker (npm ``vnu-jar``, run with the machine's Java) on the HTML the server sent: no error;
- at 390 px wide (a phone), no page scrolls sideways.

``make checkers`` (part of ``make test``) installs the npm packages, and Java when it is missing (CI=true).
Set ``GRAPPE_SCREENSHOTS=<dir>`` to keep a screenshot of each page at 1280 px and 390 px.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from tests.browser.conftest import CHROMIUM, launch
from tests.browser.pages import PAGES, build_world

ROOT = Path(settings.BASE_DIR)
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
FAILING_IMPACTS = {"serious", "critical"}

pytestmark = [pytest.mark.browser]


def _require(path: Path, what: str) -> None:
    if path.exists():
        return
    message = f"{what} is missing ({path}): run `make checkers`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _render_all(world) -> dict[str, tuple[str, str, Client]]:
    """name -> (path, HTML the server sent, the client with the page's session)."""
    clients: dict[tuple[str | None, str], Client] = {}
    rendered = {}
    for page in PAGES:
        key = (page.user, page.language)
        if key not in clients:
            client = Client(HTTP_ACCEPT_LANGUAGE=page.language)
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = page.language
            if page.user:
                client.force_login(world.users[page.user])
            clients[key] = client
        client = clients[key]
        path = page.path(world)
        if page.prepare is not None:
            page.prepare(world, client)
        if page.post is None:
            response = client.get(path)
            assert response.status_code == 200, f"{page.name}: GET {path} answered {response.status_code}"
        else:
            response = client.post(path, page.post(world))
            assert response.status_code in (200, 400, 409, 422), f"{page.name}: POST {path} → {response.status_code}"
            body = response.content.decode()
            assert 'role="alert"' in body or "errorlist" in body, f"{page.name}: the form shows no error"
        rendered[page.name] = (path, response.content.decode(), client)
    return rendered


def _vnu_errors(rendered: dict, tmp_path: Path) -> list[str]:
    java = shutil.which("java")
    if java is None:
        if os.environ.get("CI"):
            pytest.fail("java is missing: run `make checkers`")
        pytest.skip("java is missing: run `make checkers`")
    files = {}
    for n, (name, (_path, html, _client)) in enumerate(rendered.items()):
        file = tmp_path / f"page-{n:02d}.html"
        file.write_text(html, encoding="utf-8")
        files[str(file.resolve())] = name
    # One JVM for every page: --exit-zero-always, the JSON report lists what it found. A run of two seconds gains
    # nothing from the optimising compiler nor from a parallel collector: without them it takes half the CPU time.
    jvm = [java, "-Xss1m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(VNU)]
    result = subprocess.run(  # noqa: S603
        [*jvm, "--errors-only", "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu gave no JSON report: {result.stdout[-2000:]} {result.stderr[-2000:]}")
    errors = []
    for message in messages:
        if message.get("type") != "error":
            continue
        url = message.get("url", "")
        name = files.get(url.removeprefix("file:").replace("///", "/", 1), url)
        extract = re.sub(r"\s+", " ", message.get("extract", ""))[:120]
        errors.append(f"{name}: line {message.get('lastLine')}: {message.get('message')} [{extract}]")
    return errors


_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))
  }));
}"""

_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const over = document.documentElement.scrollWidth - width;
  if (over <= 0) return null;
  const culprits = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      let inside = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (["auto", "scroll", "hidden"].includes(style.overflowX)) { inside = true; break; }
      }
      const name = typeof el.className === "string" ? el.className.trim() : "";
      const classes = name ? "." + name.split(/\\s+/).join(".") : "";
      if (!inside) culprits.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes);
    }
  }
  return {over, culprits: culprits.slice(-5)};
}"""


def test_every_page_type_passes_axe_the_html_checker_and_fits_a_phone(
    live_server, transactional_db, tmp_path, monkeypatch
):
    _require(AXE, "axe-core")
    _require(VNU, "vnu-jar")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    world = build_world()
    rendered = _render_all(world)
    html_errors = _vnu_errors(rendered, tmp_path)

    shots = os.environ.get("GRAPPE_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    axe_problems, phone_problems = [], []
    axe_script = AXE.read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            contexts = {}
            for page_spec in PAGES:
                path, html, client = rendered[page_spec.name]
                key = (page_spec.user, page_spec.language)
                if key not in contexts:
                    context = browser.new_context(bypass_csp=True, viewport=DESKTOP, locale=page_spec.language)
                    url = live_server.url
                    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": page_spec.language, "url": url}]
                    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
                    if session is not None:
                        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session.value, "url": url})
                    context.add_cookies(cookies)
                    contexts[key] = context.new_page()
                page = contexts[key]
                page.set_viewport_size(DESKTOP)
                page.goto(f"{live_server.url}{path}", wait_until="load")
                if page_spec.post is not None or page_spec.prepare is not None:  # as the server sent it to the client
                    page.set_content(html, wait_until="load")
                page.add_script_tag(content=axe_script)
                for violation in page.evaluate(_AXE_RUN):
                    if violation["impact"] in FAILING_IMPACTS:
                        axe_problems.append(
                            f"{page_spec.name}: {violation['impact']} {violation['id']} ({violation['help']}) "
                            f"at {violation['nodes']}"
                        )
                slug = re.sub(r"\W+", "-", page_spec.name)
                if shots:
                    page.screenshot(path=f"{shots}/{slug}-1280.png", full_page=True)
                page.set_viewport_size(PHONE)
                overflow = page.evaluate(_OVERFLOW)
                if overflow:
                    phone_problems.append(f"{page_spec.name}: {overflow['over']} px too wide, {overflow['culprits']}")
                if shots:
                    page.screenshot(path=f"{shots}/{slug}-390.png", full_page=True)
        finally:
            browser.close()
            # The ORM calls made while Playwright runs hold a connection of their own: close it, else the test
            # database cannot be dropped at the end ("accessed by other users").
            connections.close_all()

    report = []
    if axe_problems:
        report.append("axe-core (serious/critical):\n  " + "\n  ".join(axe_problems))
    if html_errors:
        report.append("Nu HTML checker:\n  " + "\n  ".join(html_errors[:60]))
    if phone_problems:
        report.append("390 px wide:\n  " + "\n  ".join(phone_problems))
    assert not report, "\n".join(report)
