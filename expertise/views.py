"""The pages of the expert's process: they translate HTTP only (a form, one selector or service). The selectors
check the step's capability as they fetch (``NotFound``: the 404 page, ``core.pages``); a service's refusal goes on
the form (``core.pages.submit``), which re-renders with what was typed and the refusal's status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import can
from core.exceptions import NotFound
from core.pages import REFUSED, refused_status, step, submit
from core.pagination import page_of
from expertise import presenters, selectors, services
from expertise.calendar import invitation_method, visit_invitation
from expertise.formats import allowed_modes
from expertise.forms import AcceptForm, CancelForm, DeclineForm, ExemptionForm, FindingsForm, MoveForm, ProposeForm
from expertise.models import OPEN_VISIT_STATUSES, VisitKind, VisitStatus


@login_required
@require_http_methods(["GET", "POST"])
def prerequisites(request: HttpRequest, pk: int) -> HttpResponse:
    """The prerequisites to apply, each with its figure and source; administrators record or withdraw the cluster's
    exemption here."""
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    may_exempt = can(request.user, "prerequisites.exempt", assessment.cluster)
    form = ExemptionForm(request.POST or None) if may_exempt else None
    status = 200
    if request.method == "POST":
        if not may_exempt:  # before the form: a refused user learns nothing of what a form would say
            raise NotFound()
        recorded = submit(
            form,
            lambda data: services.exemption_record(
                user=request.user, cluster=assessment.cluster, reason=data["reason"]
            ),
        )
        if recorded is not REFUSED:
            messages.success(request, _("The exemption has been recorded."))
            return redirect("expertise:prerequisites", pk=assessment.pk)
        status = refused_status(form)
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
    """The service checks the capability (``NotFound``: 404 for whoever may not exempt)."""
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    services.exemption_withdraw(user=request.user, cluster=assessment.cluster)
    messages.success(request, _("The exemption has been withdrawn."))
    return redirect("expertise:prerequisites", pk=assessment.pk)


# --- the interview or visit ----------------------------------------------------------------------------------------


def _visit_context(request, assessment, posted=None, **bound) -> dict:
    """The visit page: the visits of the assessment and the forms the user may use (``bound`` replaces one; a
    refused answer to the slots of ``posted`` is shown again even when that visit has moved on since the page was
    read, so that its refusal and what was typed stay on the page)."""
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
    answered = posted if "accept_form" in bound or "decline_form" in bound else None
    if answered is None and current is not None and current.status == VisitStatus.PROPOSED:
        answered = current if can(user, "visit.answer", current) else None
    if answered is not None:
        initial = {"version": answered.version}
        context["answered"] = answered
        context["accept_form"] = bound.get("accept_form") or AcceptForm(visit=answered, initial=initial)
        context["decline_form"] = bound.get("decline_form") or DeclineForm(initial=initial)
    if current is not None and can(user, "visit.change", current):
        initial = {"version": current.version}
        if current.status == VisitStatus.ACCEPTED:
            context["move_form"] = bound.get("move_form") or MoveForm(initial=initial)
        context["cancel_form"] = bound.get("cancel_form") or CancelForm(initial=initial)
    return context


def _render_visit(request, assessment, *, status=200, posted=None, **bound) -> HttpResponse:
    context = _visit_context(request, assessment, posted=posted, **bound)
    return render(request, "expertise/visit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def visit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The interview or visit of an assessment; the assigned assessor proposes the slots here (POST)."""
    if request.method == "GET":
        return _render_visit(request, selectors.assessment_visible(user=request.user, pk=pk))
    assessment = selectors.assessment_visible(user=request.user, pk=pk, capability="assessment.assessor")
    form = ProposeForm(request.POST, modes=allowed_modes(selectors.kind_for(assessment=assessment)))
    proposed = submit(
        form,
        lambda data: services.visit_propose(
            user=request.user,
            assessment=assessment,
            slots=form.slots(),
            mode=data["mode"],
            meeting_url=data["meeting_url"],
            address=data["address"],
        ),
    )
    if proposed is REFUSED:
        return _render_visit(request, assessment, propose_form=form, status=refused_status(form))
    messages.success(request, _("The slots have been proposed to the cluster's managers."))
    return redirect("expertise:visit", pk=assessment.pk)


def _visit_step(request, pk, *, capability, form_class, form_name, call, done):
    visit = selectors.visit_visible(user=request.user, pk=pk, capability=capability)
    kwargs = {"visit": visit} if form_class is AcceptForm else {}
    return step(
        request,
        form_class(request.POST, **kwargs),
        lambda data: call(visit, data),
        done=done,
        then=reverse("expertise:visit", args=[visit.assessment_id]),
        refused=lambda form: _render_visit(
            request, visit.assessment, status=refused_status(form), posted=visit, **{form_name: form}
        ),
    )


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
    visit = selectors.visit_visible(user=request.user, pk=pk)
    if visit.starts_at is None:  # no date yet: nothing to put in a calendar
        raise NotFound()
    return invitation_response(visit)


# --- the expert's findings -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def findings_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert's findings: read by who may (managers once validated), written here by the assigned assessor."""
    writing = request.method == "POST"
    assessment, facts = selectors.assessment_findings(
        user=request.user, pk=pk, capability="findings.write" if writing else "findings.view"
    )
    categories = list(assessment.framework.categories.order_by("position"))

    def page(form, status=200) -> HttpResponse:
        context = {"assessment": assessment, "findings": facts, "form": form}
        return render(request, "expertise/findings.html", context, status=status)

    if not writing:
        if not can(request.user, "findings.write", assessment):
            return page(None)
        return page(FindingsForm(categories=categories, initial=FindingsForm.initial_from(facts)))
    form = FindingsForm(request.POST, categories=categories)
    return step(
        request,
        form,
        lambda data: services.findings_save(
            user=request.user,
            assessment=assessment,
            visited_on=data["visited_on"],
            people_met=data["people_met"],
            categories=form.categories_data(),
            expected_version=data["version"],
        ),
        done=_("The findings have been saved."),
        then=reverse("expertise:findings", args=[assessment.pk]),
        refused=lambda form: page(form, refused_status(form)),
    )


@login_required
def upcoming(request: HttpRequest) -> HttpResponse:
    """The administrators' list of the visits of the coming 30 days, paginated."""
    visits = selectors.upcoming_visits(request.user)
    page = page_of(request, visits)
    return render(
        request,
        "expertise/upcoming.html",
        {"visits": page.object_list, "page": page, "days": selectors.UPCOMING_DAYS},
    )
