"""The offline questionnaire pages: download (XLSX, JSON), upload, preview the changes, confirm."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.pages import refused_to
from indicators.questionnaire import QuestionnaireError
from labelling.forms.selfassessment import QuestionnaireUploadForm
from labelling.services.offline import (
    questionnaire_apply,
    questionnaire_changes,
    questionnaire_export_json,
    questionnaire_export_xlsx,
    questionnaire_pending,
    questionnaire_read,
)
from labelling.views.selfassessment import edit_refusal, frozen_message, manager_assessment_for

SESSION_KEY = "offline_questionnaire"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(assessment, extension: str) -> str:
    name = assessment.cluster.acronym or f"cluster-{assessment.cluster_id}"
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)
    return f"grappe-{safe}-{assessment.reference_year}.{extension}"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def assessment_offline_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = manager_assessment_for(request.user, pk)
    content = questionnaire_export_xlsx(assessment=assessment, language=get_language() or "fr")
    return _attachment(content, XLSX_TYPE, _filename(assessment, "xlsx"))


@login_required
def assessment_offline_json(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = manager_assessment_for(request.user, pk)
    return _attachment(
        questionnaire_export_json(assessment=assessment), "application/json", _filename(assessment, "json")
    )


@login_required
@require_http_methods(["GET", "POST"])
@refused_to("labelling:assessment_summary", "pk")
def assessment_offline(request: HttpRequest, pk: int) -> HttpResponse:
    """Download links and the upload form; a valid upload shows the preview of what will change."""
    assessment = manager_assessment_for(request.user, pk)
    refusal = edit_refusal(assessment)
    editable = refusal is None
    form = QuestionnaireUploadForm(request.POST or None, request.FILES or None) if editable else None
    context = {
        "assessment": assessment,
        "form": form,
        "editable": editable,
        "frozen_message": frozen_message(refusal),
        "file_errors": None,
    }
    if request.method == "POST":
        if refusal is not None:
            raise refusal  # back to the summary with why (@refused_to)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                questionnaire = questionnaire_read(assessment=assessment, data=upload.read())
            except QuestionnaireError as exc:
                context["file_errors"] = exc.errors
            else:
                changes = questionnaire_changes(assessment=assessment, questionnaire=questionnaire)
                token = secrets.token_urlsafe(16)
                pending = questionnaire_pending(assessment=assessment, questionnaire=questionnaire)
                pending["token"] = token
                request.session[SESSION_KEY] = pending
                return render(
                    request,
                    "labelling/selfassessment/offline_preview.html",
                    {"assessment": assessment, "changes": changes, "token": token, "file_name": upload.name},
                )
        return render(request, "labelling/selfassessment/offline.html", context, status=400)
    return render(request, "labelling/selfassessment/offline.html", context)


@login_required
@require_POST
@refused_to("labelling:assessment_offline", "pk", transition="labelling:assessment_summary")
def assessment_offline_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = manager_assessment_for(request.user, pk)
    refusal = edit_refusal(assessment)
    if refusal is not None:
        raise refusal  # back to the summary with why (@refused_to's transition)
    pending = request.session.get(SESSION_KEY)
    token = request.POST.get("token", "")
    if (
        not pending
        or pending.get("assessment") != assessment.pk
        or not secrets.compare_digest(str(pending.get("token", "")).encode(), token.encode())  # bytes: any text
    ):
        messages.error(request, _("This upload is no longer available: upload the file again."))
        return redirect("labelling:assessment_offline", pk=assessment.pk)
    if "cancel" in request.POST:
        del request.session[SESSION_KEY]
        messages.info(request, _("The upload has been discarded; nothing was changed."))
        return redirect("labelling:assessment_offline", pk=assessment.pk)
    del request.session[SESSION_KEY]  # used once, whatever the answer: a refusal asks for the file again
    changed = questionnaire_apply(user=request.user, assessment=assessment, pending=pending)
    messages.success(
        request,
        ngettext(
            "The questionnaire has been applied: %(count)d change.",
            "The questionnaire has been applied: %(count)d changes.",
            changed,
        )
        % {"count": changed},
    )
    return redirect("labelling:assessment_summary", pk=assessment.pk)
