"""PDF reports and certificates: a database row with a status, produced by a Celery task.

Claim the row (a short transaction), gather (``labelling.selectors.report``, shaped by
``labelling.presenters.report``), render (template → WeasyPrint, PDF/A-3b, with a URL fetcher that serves only our
own static files) and sign (PAdES, ``labelling.signing``) with no transaction and no database connection held,
store (the file in private storage, then the row in a short transaction).
"""

from __future__ import annotations

import mimetypes
import uuid
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.permissions import can
from core.broker import task_named
from core.exceptions import DomainError, NotFound, RateLimited
from core.text import long_date, of_name
from labelling.models import Assessment, Label, LabelStatus, Report, ReportKind, ReportStatus
from labelling.presenters.report import certificate_context, report_context
from labelling.selectors import label_validity
from labelling.selectors.report import certificate_facts, report_facts
from labelling.signing import sign_pdf

# Relative URLs in the PDF templates resolve against this base; nothing else is ever fetched.
REPORT_BASE_URL = "https://grappe.internal/"
ERROR_MAX_LENGTH = 2000
# Archival PDFs. pyHanko appends the signature as an incremental update with an invisible field, which keeps
# the PDF/A-3b file structure WeasyPrint wrote (PDF/A allows PAdES signatures).
PDF_VARIANT = "pdf/a-3b"


class LabelNotValid(DomainError):
    """A certificate was asked for a label that is revoked or expired: it would look valid on paper."""

    status_code = 409

    def __init__(self, label: Label):
        self.label = label
        if label.status == LabelStatus.REVOKED:
            message = _(
                "This label was revoked on %(date)s: no certificate can be produced for it. The verification page "
                "says so to anyone who checks the number."
            ) % {"date": long_date(label.revoked_at.date() if label.revoked_at else None)}
        else:
            message = _(
                "This label expired after %(date)s: no certificate can be produced for it. A renewal assessment "
                "earns a new label and a new certificate."
            ) % {"date": long_date(label.expires_on)}
        super().__init__(message, errors={"kind": [message]})


def label_certifiable(label: Label, *, today=None) -> bool:
    """Whether a certificate may be produced (or downloaded) for this label today: active and not past its end."""
    return label_validity(label=label, today=today)["state"] in ("valid", "not_yet")


def require_certifiable(label: Label) -> None:
    if not label_certifiable(label):
        raise LabelNotValid(label)


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
        if staticfiles_storage.exists(relative):
            path = staticfiles_storage.path(relative)
    if not path:
        raise BlockedURL(f"No such static file: {relative[:200]}")
    return path


def _fetcher_class():
    # deferred: WeasyPrint is heavy (0.8 s, 280 modules); only the report worker needs it
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
    """WeasyPrint's render of our HTML: PDF/A-3b, fetching only our static files."""
    # deferred: WeasyPrint is heavy (0.8 s, 280 modules); only the report worker needs it
    from weasyprint import HTML

    return HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=safe_url_fetcher()).write_pdf(
        pdf_variant=PDF_VARIANT
    )


def signature_reason(report: Report) -> str:
    """Why the PDF is signed (its PAdES reason), in the report's language."""
    with translation.override(report.language):
        if report.kind == ReportKind.CERTIFICATE and report.label is not None:
            return _("Label certificate %(number)s") % {"number": report.label.certificate_number}
        return _("Assessment report %(of_cluster)s, %(year)s") % {
            "of_cluster": of_name(report.assessment.cluster.name),
            "year": report.assessment.reference_year,
        }


def report_html_checked(*, report: Report) -> str:
    """The report's HTML, once a certificate's label is checked still valid (reads only)."""
    if report.kind == ReportKind.CERTIFICATE and report.label is not None:
        require_certifiable(report.label)
    return report_html(report=report)


def _render_later(report_id: int) -> None:
    """Queue the rendering once the transaction commits (``labelling.render_report`` is a
    ``core.broker.TransactionAwareTask``). A message lost with the broker is sent again by the sweeper."""
    task_named("labelling.render_report").apply_async(args=[report_id], kwargs={})


# --- services ------------------------------------------------------------------------------------------


def report_request(*, user, assessment, kind: str, language: str) -> Report:
    """Create a pending report and enqueue its rendering once the transaction has committed."""
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
        label = Label.objects.filter(assessment=assessment).order_by("-pk").first()
        if label is None:
            errors["kind"] = [_("This assessment has no label: there is no certificate to produce.")]
        elif not errors:
            require_certifiable(label)
    if errors:
        raise DomainError(_("The report cannot be requested."), errors=errors)
    requested_by = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        # One request at a time per assessment (the row lock), so that the checks below cannot race.
        Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
        unfinished = (
            Report.objects.filter(assessment=assessment, kind=kind, language=language)
            .filter(status__in=(ReportStatus.PENDING, ReportStatus.RUNNING))
            .order_by("-created_at")
            .first()
        )
        if unfinished is not None:
            return unfinished  # the same PDF is already being produced: follow that one
        if requested_by is not None:
            since = timezone.now() - timedelta(hours=1)
            recent = Report.objects.filter(requested_by=requested_by, created_at__gte=since).count()
            if recent >= settings.REPORT_REQUESTS_PER_HOUR:
                raise RateLimited(
                    _("You have requested %(count)d PDFs in the last hour, the most allowed: try again later.")
                    % {"count": recent}
                )
        report = Report.objects.create(
            kind=kind, assessment=assessment, label=label, language=language, requested_by=requested_by
        )
        _render_later(report.pk)
    return report


def report_html(*, report: Report) -> str:
    with translation.override(report.language):
        if report.kind == ReportKind.CERTIFICATE:
            return render_to_string("reports/certificate.html", certificate_context(certificate_facts(report=report)))
        return render_to_string("reports/assessment.html", report_context(report_facts(report=report)))


def _claim(report_id: int, claim: str) -> Report | None:
    """Short transaction: take the report for this delivery, or None when it is ready or another one has it.

    A running report is taken only by the delivery that claimed it (``claim``: the Celery task's id, the same for
    a redelivery after its worker died), so that two messages for one report, given to two workers at once,
    produce it once. A recorded error releases the claim (the retry, or whichever delivery comes next, takes it).
    A running report whose claimant died and whose message is gone is the sweeper's: it puts it back to pending
    after ``REPORT_STALE_SECONDS``."""
    with transaction.atomic():
        taken = (
            Report.objects.filter(pk=report_id)
            .exclude(status=ReportStatus.READY)
            .filter(~Q(status=ReportStatus.RUNNING) | Q(claim__in=(claim, "")))
            .update(status=ReportStatus.RUNNING, claim=claim, attempts=F("attempts") + 1, updated_at=timezone.now())
        )
        if not taken:
            return None
        return Report.objects.select_related("assessment", "assessment__cluster", "label").get(pk=report_id)


def _release_connection() -> None:
    """Close this thread's database connection when no transaction needs it: nothing is held while the PDF
    is rendered and signed (seconds), and the next query opens a new one."""
    if not connection.in_atomic_block:
        connection.close()


def report_render(*, report_id: int, claim: str | None = None) -> Report | None:
    """Produce the PDF of a report, in three steps with no transaction nor connection held while WeasyPrint and
    the signature run: claim the row (short transaction), gather the HTML (reads), render and sign (no database),
    store (short transaction that checks the claim is still ours). Safe to run twice: a ready report is left
    alone, and a report claimed by another delivery is left to it."""
    claim = claim or uuid.uuid4().hex
    report = _claim(report_id, claim)
    if report is None:
        return Report.objects.filter(pk=report_id).first()
    html = report_html_checked(report=report)
    reason = signature_reason(report)
    filename = f"{uuid.uuid4().hex}.pdf"  # the object's key names no cluster (report_download_name for people)
    _release_connection()
    pdf = sign_pdf(html_to_pdf(html), reason=reason, location=settings.SITE_URL)
    field = report.file.field
    stored = field.storage.save(
        field.generate_filename(report, filename), ContentFile(pdf), max_length=field.max_length
    )
    with transaction.atomic():
        current = Report.objects.select_for_update(of=("self",)).filter(pk=report_id).first()
        if current is None or current.status == ReportStatus.READY or current.claim != claim:
            transaction.on_commit(lambda: field.storage.delete(stored))  # another delivery took it over
            return current
        current.file.name = stored
        current.status = ReportStatus.READY
        current.error = ""
        current.finished_at = timezone.now()
        current.save(update_fields=["file", "status", "error", "finished_at", "updated_at"])
    return current


def report_record_error(*, report_id: int, error: str, final: bool) -> None:
    """Keep the error for the administrators and release the claim; a final failure marks the report failed."""
    fields = {"error": error[:ERROR_MAX_LENGTH], "claim": "", "updated_at": timezone.now()}
    if final:
        fields.update(status=ReportStatus.FAILED, finished_at=timezone.now())
    Report.objects.filter(pk=report_id).exclude(status=ReportStatus.READY).update(**fields)


def reports_sweep() -> dict:
    """Settle the reports that nothing has touched for ``REPORT_STALE_SECONDS`` while pending or running.

    The one recovery path of a report's message: a worker killed mid-render (or by the hard time limit), a
    message lost with a broker that was down when the report was requested: the report is queued again while it
    has had fewer than ``REPORT_MAX_ATTEMPTS`` tries, else marked failed with a message (the status page then
    stops waiting). Rendering claims its row, so a second copy of a message is harmless.
    """
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.REPORT_STALE_SECONDS)
    stale = Report.objects.filter(
        status__in=(ReportStatus.PENDING, ReportStatus.RUNNING), updated_at__lt=stale_before
    ).values_list("pk", "status", "attempts")
    requeued, failed = [], []
    for pk, status, attempts in stale:
        with transaction.atomic():
            still_stale = Report.objects.filter(pk=pk, status=status, updated_at__lt=stale_before)
            if attempts >= settings.REPORT_MAX_ATTEMPTS:
                error = (
                    f"Stopped after {attempts} attempts: no progress for {settings.REPORT_STALE_SECONDS} s "
                    "(the worker stopped or the rendering took too long)."
                )
                if still_stale.update(status=ReportStatus.FAILED, error=error, finished_at=now, updated_at=now):
                    failed.append(pk)
                continue
            error = f"Queued again at {now:%Y-%m-%d %H:%M:%S} UTC: no progress for {settings.REPORT_STALE_SECONDS} s."
            if not still_stale.update(status=ReportStatus.PENDING, error=error, updated_at=now):
                continue  # a worker got to it meanwhile
            _render_later(pk)
            requeued.append(pk)
    return {"requeued": requeued, "failed": failed}
