"""Evidence files: upload to an answer, download (permission-checked, as an attachment), delete.

Each page finds its answer or file through a selector that takes the user (404 otherwise); while the assessment
cannot be changed, a step goes back to its summary with why (``core.pages``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.downloads import private_file
from core.exceptions import InvalidTransition
from core.pages import REFUSED, submit
from labelling import selectors
from labelling.forms.selfassessment import EvidenceForm
from labelling.models import Answer
from labelling.presenters import indicator_thresholds
from labelling.services.evidence import evidence_add, evidence_delete
from labelling.views.selfassessment import edit_refusal


def _back_to_fill(answer: Answer) -> str:
    url = reverse("labelling:assessment_fill", args=[answer.assessment_id, answer.indicator.category.code])
    return f"{url}#answer-{answer.indicator.code}"


def _editable(request: HttpRequest, answer: Answer) -> None:
    """A refused step goes back to the assessment's summary with why (``core.pages``): now, while the assessment
    cannot be changed, or when the service finds it frozen meanwhile."""
    request.refused_to = reverse("labelling:assessment_summary", args=[answer.assessment_id])
    refusal = edit_refusal(answer.assessment)
    if refusal is not None:
        raise refusal


@login_required
@require_http_methods(["GET", "POST"])
def evidence_upload(request: HttpRequest, answer_pk: int) -> HttpResponse:
    answer = selectors.manager_answer_get(user=request.user, pk=answer_pk)
    _editable(request, answer)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        evidence = submit(
            form,
            lambda data: evidence_add(
                user=request.user, answer=answer, upload=data["file"], document_date=data["document_date"]
            ),
            through=(InvalidTransition,),  # frozen meanwhile: back to the summary with why
        )
        if evidence is not REFUSED:
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
    evidence = selectors.evidence_get(user=request.user, pk=pk)
    return private_file(evidence.file, evidence.original_name, evidence.content_type)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.manager_evidence_get(user=request.user, pk=pk)
    answer = evidence.answer
    _editable(request, answer)
    if request.method == "POST":
        evidence_delete(user=request.user, evidence=evidence)  # frozen meanwhile: back to the summary with why
        messages.success(request, _("“%(name)s” has been removed.") % {"name": evidence.original_name})
        return redirect(_back_to_fill(answer))
    return render(
        request,
        "labelling/selfassessment/evidence_delete.html",
        {"evidence": evidence, "answer": answer, "assessment": answer.assessment, "back_url": _back_to_fill(answer)},
    )
