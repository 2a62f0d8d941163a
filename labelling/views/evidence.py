"""Evidence files: upload to an answer, download (permission-checked, as an attachment), delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import can
from core.downloads import private_file
from core.exceptions import DomainError, InvalidTransition
from core.forms import apply_domain_errors
from labelling.forms.selfassessment import EvidenceForm
from labelling.models import Answer, Evidence
from labelling.presenters import indicator_thresholds
from labelling.services.evidence import evidence_add, evidence_delete
from labelling.views.selfassessment import frozen_response, manager_assessment_for


def _answer_for_manager(user, answer_pk: int) -> Answer:
    answer = Answer.objects.select_related("indicator", "assessment").filter(pk=answer_pk).first()
    if answer is None:
        raise Http404
    answer.assessment = manager_assessment_for(user, answer.assessment_id)
    return answer


def _back_to_fill(answer: Answer) -> str:
    url = reverse("labelling:assessment_fill", args=[answer.assessment_id, answer.indicator.category.code])
    return f"{url}#answer-{answer.indicator.code}"


@login_required
@require_http_methods(["GET", "POST"])
def evidence_upload(request: HttpRequest, answer_pk: int) -> HttpResponse:
    answer = _answer_for_manager(request.user, answer_pk)
    if not can(request.user, "assessment.edit", answer.assessment):
        return frozen_response(request, answer.assessment)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                evidence = evidence_add(
                    user=request.user,
                    answer=answer,
                    upload=form.cleaned_data["file"],
                    document_date=form.cleaned_data["document_date"],
                )
            except InvalidTransition as exc:
                return frozen_response(request, answer.assessment, exc)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("“%(name)s” is attached to %(code)s.")
                    % {"name": evidence.original_name, "code": answer.indicator.code},
                )
                return redirect(_back_to_fill(answer))
        status = 400
    return render(
        request,
        "labelling/selfassessment/evidence_upload.html",
        {
            "answer": answer,
            "assessment": answer.assessment,
            "indicator": answer.indicator,
            "thresholds": indicator_thresholds(answer.indicator),
            "evidence": list(answer.evidence.all()),
            "form": form,
            "back_url": _back_to_fill(answer),
        },
        status=status,
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = Evidence.objects.select_related("answer__assessment__cluster").filter(pk=pk).first()
    if evidence is None or not can(request.user, "evidence.view", evidence):
        raise Http404
    return private_file(evidence.file, evidence.original_name, evidence.content_type)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = Evidence.objects.select_related("answer__indicator__category").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    answer = _answer_for_manager(request.user, evidence.answer_id)
    if not can(request.user, "assessment.edit", answer.assessment):
        return frozen_response(request, answer.assessment)
    if request.method == "POST":
        try:
            evidence_delete(user=request.user, evidence=evidence)
        except InvalidTransition as exc:
            return frozen_response(request, answer.assessment, exc)
        messages.success(request, _("“%(name)s” has been removed.") % {"name": evidence.original_name})
        return redirect(_back_to_fill(answer))
    return render(
        request,
        "labelling/selfassessment/evidence_delete.html",
        {"evidence": evidence, "answer": answer, "assessment": answer.assessment, "back_url": _back_to_fill(answer)},
    )
