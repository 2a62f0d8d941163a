"""The pages of the expert's process: they translate HTTP only (a form, one selector or service, the domain error
mapped onto the form)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import can
from core.exceptions import DomainError, NotFound
from core.forms import apply_domain_errors
from expertise import selectors, services
from expertise.forms import ExemptionForm


def _visible(user, pk: int):
    try:
        return selectors.assessment_visible(user=user, pk=pk)
    except NotFound:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def prerequisites(request: HttpRequest, pk: int) -> HttpResponse:
    """The prerequisites to apply, each with its figure and source; administrators record or withdraw the cluster's
    exemption here."""
    assessment = _visible(request.user, pk)
    may_exempt = can(request.user, "prerequisites.exempt", assessment.cluster)
    form = ExemptionForm(request.POST or None) if may_exempt else None
    status = 200
    if request.method == "POST":
        if not may_exempt:
            raise Http404
        if form.is_valid():
            try:
                services.exemption_record(
                    user=request.user, cluster=assessment.cluster, reason=form.cleaned_data["reason"]
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, _("The exemption has been recorded."))
                return redirect("expertise:prerequisites", pk=assessment.pk)
        status = 400
    result = selectors.prerequisites_check(assessment=assessment)
    return render(
        request,
        "expertise/prerequisites.html",
        {"assessment": assessment, "prerequisites": result, "form": form, "may_exempt": may_exempt},
        status=status,
    )


@login_required
@require_POST
def exemption_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _visible(request.user, pk)
    if not can(request.user, "prerequisites.exempt", assessment.cluster):
        raise Http404
    services.exemption_withdraw(user=request.user, cluster=assessment.cluster)
    messages.success(request, _("The exemption has been withdrawn."))
    return redirect("expertise:prerequisites", pk=assessment.pk)
