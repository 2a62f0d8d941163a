"""Security headers on every answer, and no inline script, handler or style the Content-Security-Policy would block."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class _Inline(HTMLParser):
    """Collects what a strict CSP refuses: <script> without src, on* handler attributes, style attributes and
    <style> elements, and javascript: links; and every host the page loads from."""

    def __init__(self):
        super().__init__()
        self.found, self.hosts = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        executable = (attrs.get("type") or "text/javascript") in ("text/javascript", "module", "application/javascript")
        if tag == "script" and not attrs.get("src") and executable:  # a data block (JSON, JSON-LD) runs nothing
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name == "style":
                self.found.append(f"{tag} style=")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")
            if name in ("src",) or (tag == "link" and name == "href"):
                host = re.match(r"^(?:https?:)?//([^/]+)", value or "")
                if host:
                    self.hosts.add(host.group(1))


def _inline(html: str) -> _Inline:
    parser = _Inline()
    parser.feed(html)
    return parser


@pytest.fixture
def pages(framework):
    label = factories.LabelFactory()
    return ["/", "/registry/", "/verify/", f"/verify/{label.certificate_number}/", "/methodology/", "/accounts/login/"]


def test_every_page_carries_the_security_headers(pages, client_for, administrator):
    admin = client_for(factories.AdministratorFactory(username="root", is_staff=True, is_superuser=True))
    answers = [Client().get(url) for url in pages]
    answers += [admin.get(url) for url in ("/admin/", "/admin/accounts/user/", "/administration/")]
    answers += [Client().get("/api/v1/registry/"), Client().get("/api/v1/clusters/"), Client().get("/nowhere/")]

    for response in answers:
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"], response.wsgi_request.path
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        permissions = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in permissions


def test_the_rendered_pages_hold_no_inline_script_handler_or_style(pages, client_for, manager, cluster):
    assessment = factories.AssessmentFactory(cluster=cluster, created_by=manager)
    owner = client_for(manager)
    html = [Client().get(url).content.decode() for url in pages]
    html += [
        owner.get(url).content.decode()
        for url in ("/clusters/", f"/clusters/{cluster.pk}/", f"/assessments/{assessment.pk}/fill/S/")
    ]

    for page in html:
        parsed = _inline(page)
        assert parsed.found == []
        assert parsed.hosts == set()


def test_no_template_holds_an_inline_script_or_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.parts[-2] == "reports" or "email" in path.parts:
            continue  # rendered by WeasyPrint into PDF, or sent as e-mail: never served as a page
        parsed = _inline(path.read_text())
        offenders += [f"{path.relative_to(TEMPLATES)}: {what}" for what in parsed.found]

    assert offenders == []


def test_the_api_docs_come_from_our_own_static_files():
    for url in ("/api/docs/", "/api/redoc/"):
        response = Client().get(url)
        assert response.status_code == 200
        page = response.content.decode()
        parsed = _inline(page)
        assert parsed.found == [], url
        assert parsed.hosts == set(), url
        assert "/static/drf_spectacular_sidecar/" in page
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_evidence_download_keeps_its_own_sandbox_policy(client_for, manager, cluster, framework):
    from django.core.files.base import ContentFile

    from labelling.models import Answer, Evidence

    assessment = factories.AssessmentFactory(cluster=cluster, created_by=manager)
    answer = Answer.objects.filter(assessment=assessment).first() or Answer.objects.create(
        assessment=assessment, indicator=assessment.framework.indicators.first()
    )
    evidence = Evidence(answer=answer, original_name="proof.pdf", uploaded_by=manager, size=4)
    evidence.file.save("proof.pdf", ContentFile(b"%PDF"), save=True)

    response = client_for(manager).get(f"/evidence/{evidence.pk}/")

    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
