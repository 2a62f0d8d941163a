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
from core.pagination import page_of
from expertise import presenters, selectors, services
from expertise.calendar import invitation_method, visit_invitation
from expertise.formats import allowed_modes
from expertise.forms import AcceptForm, CancelForm, DeclineForm, ExemptionForm, FindingsForm, MoveForm, ProposeForm
from expertise.models import OPEN_VISIT_STATUSES, VisitKind, VisitStatus


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


# --- the interview or visit ----------------------------------------------------------------------------------------


def _visit_context(request, assessment, **bound) -> dict:
    """The visit page: the visits of the assessment and the forms the user may use (``bound`` replaces one)."""
    user = request.user
    visits = list(selectors.visits_of(assessment=assessment))
    current = next((v for v in visits if v.status in OPEN_VISIT_STATUSES), None)
    kind = selectors.kind_for(assessment=assessment)
    context = {
        "assessment": assessment,
        "visits": visits,
        "current": current,
        "current_flags": presenters.visit_flags(current),
        "visit_rows": [{"visit": visit, "flags": presenters.visit_flags(visit)} for visit in visits],
        "kind": VisitKind(kind).label,
        "frozen_by": selectors.questionnaire_frozen_until_visit(assessment=assessment),
    }
    if current is None and can(user, "visit.propose", assessment):
        context["propose_form"] = bound.get("propose_form") or ProposeForm(modes=allowed_modes(kind))
    if current is not None and current.status == VisitStatus.PROPOSED and can(user, "visit.answer", current):
        initial = {"version": current.version}
        context["accept_form"] = bound.get("accept_form") or AcceptForm(visit=current, initial=initial)
        context["decline_form"] = bound.get("decline_form") or DeclineForm(initial=initial)
    if current is not None and can(user, "visit.change", current):
        initial = {"version": current.version}
        if current.status == VisitStatus.ACCEPTED:
            context["move_form"] = bound.get("move_form") or MoveForm(initial=initial)
        context["cancel_form"] = bound.get("cancel_form") or CancelForm(initial=initial)
    return context


def _render_visit(request, assessment, *, status=200, **bound) -> HttpResponse:
    return render(request, "expertise/visit.html", _visit_context(request, assessment, **bound), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def visit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The interview or visit of an assessment; the assigned assessor proposes the slots here (POST)."""
    assessment = _visible(request.user, pk)
    if request.method == "GET":
        return _render_visit(request, assessment)
    if not can(request.user, "assessment.assessor", assessment):
        raise Http404
    form = ProposeForm(request.POST, modes=allowed_modes(selectors.kind_for(assessment=assessment)))
    if form.is_valid():
        try:
            services.visit_propose(
                user=request.user,
                assessment=assessment,
                slots=form.slots(),
                mode=form.cleaned_data["mode"],
                meeting_url=form.cleaned_data["meeting_url"],
                address=form.cleaned_data["address"],
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
            return _render_visit(request, assessment, propose_form=form, status=exc.status_code)
        messages.success(request, _("The slots have been proposed to the cluster's managers."))
        return redirect("expertise:visit", pk=assessment.pk)
    return _render_visit(request, assessment, propose_form=form, status=400)


def _visit_for(request, pk: int, capability: str):
    try:
        visit = selectors.visit_visible(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    if not can(request.user, capability, visit):
        raise Http404
    return visit


def _visit_step(request, pk, *, capability, form_class, form_name, call, done):
    visit = _visit_for(request, pk, capability)
    kwargs = {"visit": visit} if form_class is AcceptForm else {}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            call(visit, form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
            return _render_visit(request, visit.assessment, status=exc.status_code, **{form_name: form})
        messages.success(request, done)
        return redirect("expertise:visit", pk=visit.assessment_id)
    return _render_visit(request, visit.assessment, status=400, **{form_name: form})


@login_required
@require_POST
def visit_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _visit_step(
        request,
        pk,
        capability="visit.answer",
        form_class=AcceptForm,
        form_name="accept_form",
        call=lambda visit, data: services.visit_accept(
            user=request.user, visit=visit, slot_id=data["slot"], expected_version=data["version"]
        ),
        done=_("The visit is planned: everyone concerned receives the invitation."),
    )


@login_required
@require_POST
def visit_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _visit_step(
        request,
        pk,
        capability="visit.answer",
        form_class=DeclineForm,
        form_name="decline_form",
        call=lambda visit, data: services.visit_decline(
            user=request.user, visit=visit, comment=data["comment"], expected_version=data["version"]
        ),
        done=_("The assessor is asked for other slots."),
    )


@login_required
@require_POST
def visit_move(request: HttpRequest, pk: int) -> HttpResponse:
    return _visit_step(
        request,
        pk,
        capability="visit.change",
        form_class=MoveForm,
        form_name="move_form",
        call=lambda visit, data: move_visit(request.user, visit, data),
        done=_("The visit is moved: everyone concerned receives the updated invitation."),
    )


def move_visit(user, visit, data: dict):
    """Move the visit with what the form or the API's serializer checked: starts_at, ends_at, reason, version."""
    return services.visit_move(
        user=user,
        visit=visit,
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        reason=data["reason"],
        expected_version=data["version"],
    )


@login_required
@require_POST
def visit_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _visit_step(
        request,
        pk,
        capability="visit.change",
        form_class=CancelForm,
        form_name="cancel_form",
        call=lambda visit, data: services.visit_cancel(
            user=request.user, visit=visit, reason=data["reason"], expected_version=data["version"]
        ),
        done=_("The visit is cancelled: everyone concerned is told."),
    )


def invitation_response(visit) -> HttpResponse:
    """The ``.ics`` of an accepted visit (the cancellation for a cancelled one)."""
    assessment = visit.assessment
    people = selectors.visit_recipients(assessment=assessment)
    content = visit_invitation(visit, organiser=assessment.assessor, attendees=people)
    response = HttpResponse(content, content_type=f"text/calendar; charset=utf-8; method={invitation_method(visit)}")
    response["Content-Disposition"] = f'attachment; filename="visit-{visit.pk}.ics"'
    return response


@login_required
def visit_invitation_download(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk, "visit.view")
    if visit.starts_at is None:
        raise Http404
    return invitation_response(visit)


# --- the expert's findings -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def findings_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert's findings: read by who may (managers once validated), written here by the assigned assessor."""
    try:
        assessment, facts = selectors.assessment_findings(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    may_write = can(request.user, "findings.write", assessment)
    categories = list(assessment.framework.categories.order_by("position"))
    form = None
    status = 200
    if may_write:
        if request.method == "POST":
            form = FindingsForm(request.POST, categories=categories)
            if form.is_valid():
                try:
                    services.findings_save(
                        user=request.user,
                        assessment=assessment,
                        visited_on=form.cleaned_data["visited_on"],
                        people_met=form.cleaned_data["people_met"],
                        categories=form.categories_data(),
                        expected_version=form.cleaned_data["version"],
                    )
                except DomainError as exc:
                    apply_domain_errors(form, exc)
                    status = exc.status_code
                else:
                    messages.success(request, _("The findings have been saved."))
                    return redirect("expertise:findings", pk=assessment.pk)
            else:
                status = 400
        else:
            form = FindingsForm(categories=categories, initial=FindingsForm.initial_from(facts))
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "expertise/findings.html",
        {"assessment": assessment, "findings": facts, "form": form},
        status=status,
    )


@login_required
def upcoming(request: HttpRequest) -> HttpResponse:
    """The administrators' list of the visits of the coming 30 days, paginated."""
    try:
        visits = selectors.upcoming_visits(request.user)
    except NotFound:
        raise Http404 from None
    page = page_of(request, visits)
    return render(
        request,
        "expertise/upcoming.html",
        {"visits": page.object_list, "page": page, "days": selectors.UPCOMING_DAYS},
    )
