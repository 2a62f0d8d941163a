"""Reports: request one (POST), follow its progress (a page that refreshes itself), download it, produce it
again. A certificate of a revoked or expired label is refused with a page that says why (409)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can
from core.downloads import private_file
from core.pages import REFUSED, refused_status, submit
from labelling import presenters, selectors
from labelling.forms.workflow import ReportRequestForm
from labelling.models import Report, ReportKind, ReportStatus
from labelling.services.reports import LabelNotValid, label_certifiable
from labelling.services.reports import report_request as request_service
from labelling.views.workflow import render_assessment_detail

POLL_SECONDS = 2


@login_required
@require_POST
def report_request(request, pk: int):
    assessment = selectors.assessment_get(user=request.user, pk=pk, capability="report.request")
    form = ReportRequestForm(request.POST)
    try:
        report = submit(
            form,
            lambda data: request_service(
                user=request.user, assessment=assessment, kind=data["kind"], language=data["language"]
            ),
            through=(LabelNotValid,),
        )
    except LabelNotValid as exc:  # not a refusal to show on the form: the page that says why
        return certificate_refused(request, exc.label, exc.message)
    if report is REFUSED:  # 429 when the user asked for too many (core.pages.refused_status)
        return render_assessment_detail(request, assessment, status=refused_status(form), report_form=form)
    return redirect("labelling:report_status", pk=report.pk)


def _report_for(request, pk: int) -> Report:
    return selectors.report_get(user=request.user, pk=pk)


@login_required
@require_GET
def report_status(request, pk: int):
    """The report's progress; the page refreshes until the PDF is ready or has failed, for a bounded time.

    ``?fragment=1`` answers only the status block (for the few lines of JavaScript that poll it).
    """
    report = _report_for(request, pk)
    finished = report.status in (ReportStatus.READY, ReportStatus.FAILED)
    # The page stops refreshing itself after REPORT_POLL_MAX_SECONDS (the sweeper settles the report by then).
    waited_too_long = not finished and timezone.now() - report.created_at > timedelta(
        seconds=settings.REPORT_POLL_MAX_SECONDS
    )
    context = {
        "report": report,
        "status": presenters.status_flags(report),
        "retry": None if finished else presenters.report_retry(report, now=timezone.now()),
        "finished": finished or waited_too_long,
        "waited_too_long": waited_too_long,
        "show_error": can(request.user, "report.see_errors", report),
        "poll_seconds": POLL_SECONDS,
        "steps": _progress_steps(report),
        "earlier": presenters.with_status_flags(
            selectors.reports_for(user=request.user, assessment=report.assessment).exclude(pk=report.pk)[:20]
        ),
        "can_regenerate": can(request.user, "report.request", report.assessment),
    }
    template = (
        "labelling/report_status_fragment.html" if request.GET.get("fragment") else "labelling/report_status.html"
    )
    return render(request, template, context)


def _progress_steps(report: Report) -> list[dict]:
    """Requested → being produced → ready (or failed), with the times known so far."""
    order = [ReportStatus.PENDING, ReportStatus.RUNNING, ReportStatus.READY]
    reached = 3 if report.status in (ReportStatus.READY, ReportStatus.FAILED) else order.index(report.status) + 1
    return [
        {"label": _("Requested"), "done": True, "when": report.created_at},
        {"label": _("Being produced"), "done": reached >= 2, "current": report.status == ReportStatus.RUNNING},
        {
            "label": _("Failed") if report.status == ReportStatus.FAILED else _("Ready"),
            "done": reached >= 3,
            "failed": report.status == ReportStatus.FAILED,
            "when": report.finished_at,
        },
    ]


def certificate_refused(request, label, message, *, status: int = 409):
    """The page that explains why no certificate is given for a revoked or expired label."""
    context = {
        "label": label,
        "message": message,
        "validity": selectors.label_validity(label=label),
        "assessment": label.assessment,
    }
    return render(request, "labelling/certificate_refused.html", context, status=status)


@login_required
@require_POST
def report_regenerate(request, pk: int):
    """Produce a report again, same kind and language (a new row: the earlier PDFs stay listed)."""
    report = selectors.report_get(user=request.user, pk=pk, capability="report.regenerate")
    try:
        new = request_service(
            user=request.user, assessment=report.assessment, kind=report.kind, language=report.language
        )
    except LabelNotValid as exc:
        return certificate_refused(request, exc.label, exc.message)
    return redirect("labelling:report_status", pk=new.pk)


@login_required
@require_GET
def report_download(request, pk: int) -> FileResponse:
    report = selectors.report_ready_get(user=request.user, pk=pk)
    if report.kind == ReportKind.CERTIFICATE and report.label is not None and not label_certifiable(report.label):
        # A certificate printed before a revocation or the expiry would look valid on paper: not any more.
        return certificate_refused(request, report.label, LabelNotValid(report.label).message)
    return private_file(report.file, selectors.report_download_name(report), "application/pdf")
