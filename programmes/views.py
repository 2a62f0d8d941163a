"""The funders' pages: the programmes an officer follows, the clusters they enrol, what the officer may see of
each (its profile, labels and the programme's figures; never drafts, evidence, comments or members' lists).
Thin: selectors read (checking the step's capability as they fetch: ``NotFound``, the 404 page, ``core.pages``),
services write, their refusals go on the forms (``core.pages.submit``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can
from core.downloads import private_file
from core.exceptions import DomainError, NotFound
from core.pages import REFUSED, refused_status, step, submit
from core.pagination import page_of
from labelling import exporters
from programmes import presenters, selectors, services
from programmes.forms import (
    ContractForm,
    ProofForm,
    ReportForm,
    ReturnForm,
    StartReportForm,
    TargetsForm,
    TargetsImportForm,
    VersionForm,
)
from programmes.rules import step_allowed
from programmes.targets_sheet import TargetsImportError, read_targets, template_xlsx

PER_PAGE = 50


def _year(request, programme) -> int:
    return selectors.year_shown(programme, request.GET.get("year"), timezone.localdate())


@require_GET
@login_required
def programme_list(request):
    page = page_of(request, selectors.programmes_for(user=request.user), PER_PAGE)
    return render(request, "programmes/list.html", {"programmes": page.object_list, "page": page})


@require_GET
@login_required
def programme_detail(request, pk: int):
    programme = selectors.programme_get(user=request.user, pk=pk)
    spec = selectors.set_of(programme)
    page = page_of(request, selectors.enrolments_of(programme=programme), PER_PAGE)
    return render(
        request,
        "programmes/detail.html",
        {"programme": programme, "spec": spec, "enrolments": page.object_list, "page": page},
    )


@require_GET
@login_required
def programme_cluster(request, pk: int, cluster_pk: int):
    enrolment = selectors.enrolment_get(user=request.user, programme_pk=pk, cluster_pk=cluster_pk)
    programme = enrolment.programme
    spec = selectors.set_of(programme)
    year = _year(request, programme)
    return render(
        request,
        "programmes/cluster.html",
        {
            "programme": programme,
            "enrolment": enrolment,
            "cluster": enrolment.cluster,
            "year": year,
            "years": programme.years,
            "figures": selectors.computed_figures(enrolment=enrolment, spec=spec, year=year),
            "labels": selectors.label_rows(cluster=enrolment.cluster),
            "scores": selectors.validated_scores(cluster=enrolment.cluster),
            "years_reports": presenters.with_state_labels(selectors.enrolment_reports(enrolment=enrolment)),
            "contract": selectors.contract_of(enrolment=enrolment),
            "shared_reports": selectors.shared_reports_of(enrolment=enrolment),
        },
    )


# --- yearly reports ------------------------------------------------------------------------------------------------


@login_required
def enrolment_page(request, pk: int):
    """A manager's view of one programme their cluster is enrolled in: the years, their reports, the contract."""
    enrolment = selectors.managed_enrolment_get(user=request.user, pk=pk)
    start_form = StartReportForm(request.POST or None)
    if request.method == "POST":
        report = submit(
            start_form, lambda data: services.report_start(user=request.user, enrolment=enrolment, year=data["year"])
        )
        if report is not REFUSED:
            messages.success(request, _("The report on %(year)d is open: fill it in.") % {"year": report.year})
            return redirect("programmes:report", pk=report.pk)
    contract = selectors.contract_of(enrolment=enrolment)
    return render(
        request,
        "programmes/enrolment.html",
        {
            "enrolment": enrolment,
            "programme": enrolment.programme,
            "cluster": enrolment.cluster,
            "years": presenters.with_state_labels(selectors.enrolment_reports(enrolment=enrolment)),
            "contract": contract,
            "start_form": start_form,
            "shareable": selectors.shareable_reports(enrolment=enrolment),
        },
        status=400 if start_form.errors else 200,
    )


def _report_context(request, report, *, form=None, return_form=None, proof_form=None) -> dict:
    spec = selectors.set_of(report.programme)
    user = request.user
    rows = selectors.report_rows(report=report, spec=spec)
    editable = can(user, "yearly_report.edit", report)
    reviewable = can(user, "yearly_report.review", report) and step_allowed(report, "approve")
    if editable and form is None:
        form = ReportForm(spec=spec, rows={r.indicator.code: r.row for r in rows}, initial={"version": report.version})
    if reviewable and return_form is None:
        return_form = ReturnForm(spec=spec, initial={"version": report.version})
    resubmitted = any(r.row.changed for r in rows)
    return {
        "report": report,
        "programme": report.programme,
        "cluster": report.cluster,
        "rows": rows,
        "form": form,
        "fields": _field_rows(form, rows) if form is not None else [],
        "return_form": return_form,
        "return_fields": _field_rows(return_form, rows, prefix="comment_") if return_form is not None else [],
        "proof_form": proof_form or (ProofForm() if editable else None),
        "proofs": selectors.proofs_of(report=report),
        "editable": editable,
        "can_submit": can(user, "yearly_report.submit", report),
        "reviewable": reviewable,
        "resubmitted": resubmitted,
        "state_label": presenters.state_label(report.status),
        "due": report.programme.due_date(report.year),
    }


def _field_rows(form, rows, prefix: str = "") -> list[dict]:
    out = []
    for row in rows:
        code = row.indicator.code
        if prefix:
            out.append({"row": row, "comment": form[f"{prefix}{code}"]})
        else:
            out.append({"row": row, "value": form[f"value_{code}"], "comment": form[f"comment_{code}"]})
    return out


@login_required
def report_page(request, pk: int):
    """The yearly report: filled by the cluster's managers, reviewed by the programme's officer."""
    if request.method != "POST":
        report = selectors.report_get(user=request.user, pk=pk)
        return render(request, "programmes/report.html", _report_context(request, report))
    report = selectors.report_get(user=request.user, pk=pk, capability="yearly_report.fill")
    spec = selectors.set_of(report.programme)
    rows = {r.indicator.code: r.row for r in selectors.report_rows(report=report, spec=spec)}
    form = ReportForm(request.POST, spec=spec, rows=rows)
    return step(
        request,
        form,
        lambda data: services.report_save(
            user=request.user, report=report, entries=form.entries(), expected_version=data["version"]
        ),
        done=_("The report was saved."),
        then=reverse("programmes:report", args=[report.pk]),
        refused=lambda form: render(
            request, "programmes/report.html", _report_context(request, report, form=form), status=refused_status(form)
        ),
    )


def _step_view(request, pk: int, capability: str, call, done: str):
    """A step of a button: back to the report, with the refusal's messages (each field's) or ``done``."""
    report = selectors.report_get(user=request.user, pk=pk, capability=capability)
    form = VersionForm(request.POST)
    if submit(form, lambda data: call(report, data["version"])) is not REFUSED:
        messages.success(request, done)
    elif form.refusal is not None:
        for message in _messages_of(form.refusal):
            messages.error(request, message)
    else:
        messages.error(request, _("The version of the record you edited is missing."))
    return redirect("programmes:report", pk=report.pk)


def _messages_of(exc: DomainError) -> list[str]:
    if isinstance(exc.errors, dict):
        return [str(m) for msgs in exc.errors.values() for m in msgs]
    return [str(exc.message)]


@require_POST
@login_required
def report_submit(request, pk: int):
    return _step_view(
        request,
        pk,
        "yearly_report.fill",
        lambda r, v: services.report_submit(user=request.user, report=r, expected_version=v),
        _("The report was submitted to the programme's officer."),
    )


@require_POST
@login_required
def report_approve(request, pk: int):
    return _step_view(
        request,
        pk,
        "yearly_report.review",
        lambda r, v: services.report_approve(user=request.user, report=r, expected_version=v),
        _("The report was approved."),
    )


@require_POST
@login_required
def report_return(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk, capability="yearly_report.review")
    spec = selectors.set_of(report.programme)
    form = ReturnForm(request.POST, spec=spec)
    return step(
        request,
        form,
        lambda data: services.report_return(
            user=request.user, report=report, comments=form.comments(), expected_version=data["version"]
        ),
        done=_("The report was returned to the cluster with your comments."),
        then=reverse("programmes:report", args=[report.pk]),
        refused=lambda form: render(
            request, "programmes/report.html", _report_context(request, report, return_form=form), status=400
        ),
    )


@require_POST
@login_required
def proof_upload(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk, capability="yearly_report.fill")
    form = ProofForm(request.POST, request.FILES)
    attached = submit(form, lambda data: services.proof_add(user=request.user, report=report, upload=data.get("file")))
    if attached is not REFUSED:
        messages.success(request, _("The file was attached."))
        return redirect("programmes:report", pk=report.pk)
    return render(request, "programmes/report.html", _report_context(request, report, proof_form=form), status=400)


@require_GET
@login_required
def proof_download(request, pk: int):
    proof = selectors.proof_get(user=request.user, pk=pk)
    return private_file(proof.file, proof.original_name, proof.content_type)


# --- performance contracts -----------------------------------------------------------------------------------------


@login_required
def contract_page(request, pk: int, cluster_pk: int):
    """The officer records the performance contract of an enrolled cluster: dates and the signed PDF."""
    enrolment = selectors.enrolment_get(
        user=request.user, programme_pk=pk, cluster_pk=cluster_pk, capability="contract.edit"
    )
    contract = selectors.contract_of(enrolment=enrolment)
    if request.method == "POST":
        form = ContractForm(request.POST, request.FILES)
        saved = submit(
            form,
            lambda data: services.contract_save(
                user=request.user,
                enrolment=enrolment,
                data={name: data.get(name) for name in services.CONTRACT_FIELDS},
                upload=data.get("document"),
                expected_version=data.get("version"),
            ),
        )
        if saved is not REFUSED:
            messages.success(request, _("The performance contract was saved."))
            return redirect("programmes:targets", pk=saved.pk)
        status = refused_status(form)
    else:
        initial = {"version": contract.version if contract else 0}
        if contract:
            initial.update({name: getattr(contract, name) for name in services.CONTRACT_FIELDS})
        else:
            initial.update({"starts_on": enrolment.programme.starts_on, "ends_on": enrolment.programme.ends_on})
        form, status = ContractForm(initial=initial), 200
    return render(
        request,
        "programmes/contract.html",
        {
            "enrolment": enrolment,
            "programme": enrolment.programme,
            "cluster": enrolment.cluster,
            "contract": contract,
            "form": form,
        },
        status=status,
    )


def _targets_context(contract, *, form=None, import_form=None) -> dict:
    spec = selectors.set_of(contract.programme)
    years = contract.programme.years
    current = selectors.targets_of(contract=contract)
    form = form or TargetsForm(spec=spec, years=years, current=current, initial={"version": contract.version})
    grid = [
        {"indicator": indicator, "cells": [form[f"target_{indicator.code}_{year}"] for year in years]}
        for indicator in spec.indicators
    ]
    return {
        "contract": contract,
        "programme": contract.programme,
        "cluster": contract.cluster,
        "years": years,
        "form": form,
        "grid": grid,
        "import_form": import_form or TargetsImportForm(initial={"version": contract.version}),
    }


@login_required
def targets_page(request, pk: int):
    contract = selectors.contract_get(user=request.user, pk=pk, capability="contract.edit")
    if request.method != "POST":
        return render(request, "programmes/targets.html", _targets_context(contract))
    spec = selectors.set_of(contract.programme)
    form = TargetsForm(request.POST, spec=spec, years=contract.programme.years, current={})
    return step(
        request,
        form,
        lambda data: services.targets_save(
            user=request.user, contract=contract, targets=form.targets(), expected_version=data["version"]
        ),
        done=_("The targets were saved."),
        then=reverse("programmes:targets", args=[contract.pk]),
        refused=lambda form: render(
            request, "programmes/targets.html", _targets_context(contract, form=form), status=refused_status(form)
        ),
    )


@require_POST
@login_required
def targets_import(request, pk: int):
    contract = selectors.contract_get(user=request.user, pk=pk, capability="contract.edit")
    form = TargetsImportForm(request.POST, request.FILES)

    def save(data):
        upload = data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise TargetsImportError(
                [_("The file is too large: at most %(size)s.") % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)}]
            )
        targets = read_targets(upload.read(), spec=selectors.set_of(contract.programme), years=contract.programme.years)
        return services.targets_save(
            user=request.user, contract=contract, targets=targets, expected_version=data["version"]
        )

    return step(
        request,
        form,
        save,
        done=_("The targets of the sheet were saved."),
        then=reverse("programmes:targets", args=[contract.pk]),
        refused=lambda form: render(
            request,
            "programmes/targets.html",
            _targets_context(contract, import_form=form),
            status=refused_status(form),
        ),
    )


@require_GET
@login_required
def targets_template(request, pk: int):
    contract = selectors.contract_get(user=request.user, pk=pk, capability="contract.edit")
    data = template_xlsx(
        spec=selectors.set_of(contract.programme),
        years=contract.programme.years,
        current=selectors.targets_of(contract=contract),
    )
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="targets-{contract.pk}.xlsx"'
    return response


@require_GET
@login_required
def contract_document(request, pk: int):
    contract = selectors.contract_get(user=request.user, pk=pk)
    if not contract.document:  # no signed PDF recorded yet
        raise NotFound()
    return private_file(contract.document, f"contract-{contract.pk}.pdf", "application/pdf")


# --- the officer's dashboard ---------------------------------------------------------------------------------------


def _dashboard_year(request, programme) -> int:
    return _year(request, programme)


@require_GET
@login_required
def dashboard(request, pk: int):
    """Per programme: each cluster's label, report state and achievement against its targets; the programme's
    totals against the sum of the targets; the charts; the S3 domains. Its query count does not depend on the
    number of clusters or years (tests/programmes/test_dashboard.py, bench/programmes.py)."""
    programme = selectors.programme_get(user=request.user, pk=pk)
    spec = selectors.set_of(programme)
    year = _dashboard_year(request, programme)
    today = timezone.localdate()
    facts = selectors.programme_facts(programme=programme, year=year)
    page = page_of(request, selectors.enrolments_of(programme=programme), PER_PAGE, count=lambda: facts.enrolled)
    enrolments = list(page.object_list)
    figures, targets = selectors.page_figures(
        programme=programme, year=year, cluster_ids=[e.cluster_id for e in enrolments]
    )
    rows = presenters.dashboard_rows(
        enrolments=enrolments,
        facts=facts,
        figures=figures,
        targets=targets,
        spec=spec,
        programme=programme,
        year=year,
        today=today,
    )
    totals = presenters.totals_table(spec=spec, years=programme.years, facts=facts)
    chosen = request.GET.get("indicator") or spec.indicators[0].code
    line = next((t for t in totals if t["indicator"].code == chosen), totals[0])
    return render(
        request,
        "programmes/dashboard.html",
        {
            "programme": programme,
            "spec": spec,
            "year": year,
            "years": programme.years,
            "rows": rows,
            "page": page,
            "totals": totals,
            "states": presenters.state_counts(facts=facts, programme=programme, year=year, today=today),
            "chart": presenters.bar_chart_actual_vs_target(line=line),
            "labels_chart": presenters.bar_chart_labels(facts=facts, today=today),
            "s3": presenters.s3_groups(programme=programme, facts=facts, today=today, year=year),
            "chosen": line["indicator"].code,
        },
    )


def _export_rows(programme, spec, year: int, facts, today):
    for enrolments in selectors.enrolments_in_chunks(programme=programme):
        figures, targets = selectors.page_figures(
            programme=programme, year=year, cluster_ids=[e.cluster_id for e in enrolments]
        )
        for row in presenters.dashboard_rows(
            enrolments=enrolments,
            facts=facts,
            figures=figures,
            targets=targets,
            spec=spec,
            programme=programme,
            year=year,
            today=today,
        ):
            yield presenters.export_tuple(row)


@require_GET
@login_required
def dashboard_export(request, pk: int, fmt: str):
    """The dashboard's rows, every cluster, as CSV or XLSX: streamed, cells that look like formulas escaped."""
    programme = selectors.programme_get(user=request.user, pk=pk)
    spec = selectors.set_of(programme)
    year = _dashboard_year(request, programme)
    facts = selectors.programme_facts(programme=programme, year=year)
    titles, keys = presenters.export_header(spec)
    rows = _export_rows(programme, spec, year, facts, timezone.localdate())
    name = f"programme-{programme.pk}-{year}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exporters.csv_lines(rows, titles=titles, keys=keys), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    xlsx = exporters.xlsx_file(rows, titles=titles, keys=keys)
    response = StreamingHttpResponse(
        xlsx.chunks(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --- assessment reports shared with a programme --------------------------------------------------------------------


@require_POST
@login_required
def report_share(request, pk: int, report_pk: int):
    """A manager shares one of the cluster's assessment reports with the programme, or withdraws it (``withdraw``)."""
    enrolment = selectors.managed_enrolment_get(user=request.user, pk=pk)
    report = selectors.shareable_report_get(enrolment=enrolment, pk=report_pk)
    if request.POST.get("withdraw"):
        services.report_unshare(user=request.user, enrolment=enrolment, report=report)
        messages.success(request, _("The report is no longer shared with the programme."))
    else:
        services.report_share(user=request.user, enrolment=enrolment, report=report)
        messages.success(request, _("The report is shared with the programme's officers."))
    return redirect("programmes:enrolment", pk=enrolment.pk)


@require_GET
@login_required
def shared_report_download(request, pk: int):
    shared = selectors.shared_report_get(user=request.user, pk=pk)
    report = shared.report
    return private_file(
        report.file, f"assessment-report-{report.assessment_id}-{report.language}.pdf", "application/pdf"
    )
