"""PDF reports and certificates: a database row with a status, produced by a Celery task.

Gather (``labelling.selectors.report_context``), render (template → WeasyPrint with a URL fetcher
that serves only our own static files), store (private storage, ``file.save(save=False)`` then
``save(update_fields=...)``).
"""

from __future__ import annotations

import mimetypes
from functools import partial
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.permissions import can
from core.exceptions import DomainError, NotFound
from labelling.models import Label, Report, ReportKind, ReportStatus

# Relative URLs in the PDF templates resolve against this base; nothing else is ever fetched.
REPORT_BASE_URL = "https://grappe.internal/"
ERROR_MAX_LENGTH = 2000


class BlockedURL(ValueError):
    """The PDF tried to load something other than one of our static files."""


def _static_url_prefix() -> str:
    static = settings.STATIC_URL
    if static.startswith(("http://", "https://")):
        return static
    return REPORT_BASE_URL + static.lstrip("/")


def static_file_for_url(url: str):
    """The path of our static file that ``url`` designates, or raise ``BlockedURL``."""
    prefix = _static_url_prefix()
    if not url.startswith(prefix):
        raise BlockedURL(f"Blocked URL in a PDF: {url[:200]}")
    parts = urlsplit(url)
    relative = unquote(url[len(prefix) :].split("?", 1)[0].split("#", 1)[0])
    if not relative or parts.username or parts.password or ".." in relative.split("/") or relative.startswith("/"):
        raise BlockedURL(f"Blocked URL in a PDF: {url[:200]}")
    path = finders.find(relative)
    if not path and settings.STATIC_ROOT:
        from django.contrib.staticfiles.storage import staticfiles_storage

        if staticfiles_storage.exists(relative):
            path = staticfiles_storage.path(relative)
    if not path:
        raise BlockedURL(f"No such static file: {relative[:200]}")
    return path


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        """WeasyPrint fetcher: our static files and inline data: URIs (QR codes, charts); nothing else.

        Blocking http(s), file: and every other scheme keeps a PDF from reading local files or reaching
        internal services (SSRF), whatever ends up in a template.
        """

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file_for_url(url)
            with open(path, "rb") as handle:
                body = handle.read()
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticOnlyURLFetcher


def safe_url_fetcher():
    return _fetcher_class()(allowed_protocols=("data", "https"), allow_redirects=False)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=safe_url_fetcher()).write_pdf()


# --- services ------------------------------------------------------------------------------------------


def report_request(*, user, assessment, kind: str, language: str) -> Report:
    """Create a pending report and enqueue its rendering once the transaction has committed."""
    from labelling.tasks import render_report

    if not can(user, "report.request", assessment):
        raise NotFound()
    errors: dict[str, list[str]] = {}
    if kind not in ReportKind.values:
        errors["kind"] = [_("Choose a kind of report.")]
    languages = [code for code, _name in settings.LANGUAGES]
    language = (language or "").strip() or settings.LANGUAGE_CODE
    if language not in languages:
        errors["language"] = [_("Choose a language.")]
    label = None
    if kind == ReportKind.CERTIFICATE:
        label = Label.objects.filter(assessment=assessment).first()
        if label is None:
            errors["kind"] = [_("This assessment has no label: there is no certificate to produce.")]
    if errors:
        raise DomainError(_("The report cannot be requested."), errors=errors)
    with transaction.atomic():
        report = Report.objects.create(
            kind=kind,
            assessment=assessment,
            label=label,
            language=language,
            requested_by=user if user is not None and user.is_authenticated else None,
        )
        transaction.on_commit(partial(render_report.delay, report.pk))
    return report


def _filename(report: Report) -> str:
    cluster = slugify(report.assessment.cluster.acronym or report.assessment.cluster.name) or "cluster"
    if report.kind == ReportKind.CERTIFICATE and report.label is not None:
        return f"certificate-{report.label.certificate_number}.pdf"
    return f"assessment-{cluster}-{report.assessment.reference_year}-{report.pk}.pdf"


def report_html(*, report: Report) -> str:
    from labelling.selectors import certificate_context, report_context

    with translation.override(report.language):
        if report.kind == ReportKind.CERTIFICATE:
            return render_to_string("reports/certificate.html", certificate_context(report=report))
        return render_to_string("reports/assessment.html", report_context(report=report))


def report_render(*, report_id: int) -> Report | None:
    """Produce the PDF of a report. Safe to run twice: the row is locked, a ready report is left alone."""
    # Visible progress for the polling page (a plain UPDATE: it waits if another worker holds the row).
    Report.objects.filter(pk=report_id).exclude(status=ReportStatus.READY).update(
        status=ReportStatus.RUNNING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("assessment", "assessment__cluster", "label")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.status == ReportStatus.READY:
            return report
        pdf = html_to_pdf(report_html(report=report))
        report.file.save(_filename(report), ContentFile(pdf), save=False)
        report.status = ReportStatus.READY
        report.error = ""
        report.finished_at = timezone.now()
        report.save(update_fields=["file", "status", "error", "finished_at", "updated_at"])
    return report


def report_record_error(*, report_id: int, error: str, final: bool) -> None:
    """Keep the error for the administrators; a final failure marks the report failed."""
    fields = {"error": error[:ERROR_MAX_LENGTH], "updated_at": timezone.now()}
    if final:
        fields.update(status=ReportStatus.FAILED, finished_at=timezone.now())
    Report.objects.filter(pk=report_id).exclude(status=ReportStatus.READY).update(**fields)
