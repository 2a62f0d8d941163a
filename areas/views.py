"""The areas' pages: they translate HTTP only (a form, one selector or service). The selectors check the step's
capability as they fetch (``NotFound``: the 404 page, ``core.pages``); a service's refusal goes on the form
(``core.pages.submit``), which re-renders with what was typed and the refusal's status (400 for bad values, 409 for a
stale version or a step the assessment no longer allows). The list page shows an assessment's areas to whoever may see
them; there the managers add areas and the assessor gives the verdicts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from areas import presenters, selectors, services
from areas.forms import AreaForm, VerdictForm, VersionForm, area_values
from core.pages import REFUSED, refused_status, step, submit


def _area_form(facts, *args, **kwargs) -> AreaForm:
    return AreaForm(*args, indicators=facts.indicators, actions=facts.actions, **kwargs)


def _render_list(request, assessment, *, add_form=None, verdict_forms=None, status=200) -> HttpResponse:
    facts = selectors.areas_page(user=request.user, assessment=assessment)
    if add_form is None and facts.may_edit and facts.state.asked:
        add_form = _area_form(facts, initial={"version": assessment.version}, auto_id="id_add_%s")
    context = {
        "assessment": assessment,
        "facts": facts,
        "state": facts.state,
        "progress": presenters.areas_progress(facts.state),
        "rows": presenters.area_rows(
            facts.state.areas, may_edit=facts.may_edit, may_judge=facts.may_judge, forms=verdict_forms
        ),
        "add_form": add_form,
        # the self-assessment's header and tabs, for its managers
        "editable": facts.may_edit,
        "categories": facts.categories,
    }
    return render(request, "areas/list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def area_list(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _render_list(request, selectors.assessment_for_areas(user=request.user, pk=pk))
    assessment = selectors.assessment_for_areas(user=request.user, pk=pk, capability="areas.edit")
    facts = selectors.areas_page(user=request.user, assessment=assessment)
    form = _area_form(facts, request.POST, auto_id="id_add_%s")
    added = submit(form, lambda data: services.area_add(user=request.user, assessment=assessment, **area_values(data)))
    if added is REFUSED:
        assessment.refresh_from_db()
        return _render_list(request, assessment, add_form=form, status=refused_status(form))
    messages.success(request, _("The area of improvement has been added."))
    return redirect("areas:list", pk=assessment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    area = selectors.area_get(user=request.user, pk=pk, capability="areas.edit")
    assessment = area.assessment
    facts = selectors.areas_page(user=request.user, assessment=assessment)
    status = 200
    if request.method == "POST":
        form = _area_form(facts, request.POST)
        saved = submit(form, lambda data: services.area_update(user=request.user, area=area, **area_values(data)))
        if saved is not REFUSED:
            messages.success(request, _("The area of improvement has been saved."))
            return redirect("areas:list", pk=assessment.pk)
        status = refused_status(form)
    else:
        form = _area_form(facts, initial=AreaForm.initial_from(area))
    context = {"assessment": assessment, "area": area, "form": form, "editable": True, "categories": facts.categories}
    return render(request, "areas/edit.html", context, status=status)


@login_required
@require_POST
def area_delete(request: HttpRequest, pk: int) -> HttpResponse:
    area = selectors.area_get(user=request.user, pk=pk, capability="areas.edit")
    form = VersionForm(request.POST)
    removed = submit(
        form,
        lambda data: services.area_delete(user=request.user, area=area, expected_version=data["version"]),
        whole=True,
    )
    if removed is REFUSED:
        refusal = form.refusal
        if refusal is None:  # no version (or not a number): the lock cannot be checked, so nothing is removed
            messages.error(request, _("The page is out of date: reload it."))
            return _render_list(request, area.assessment, status=409)
        messages.error(request, str(refusal.message))
        return _render_list(request, area.assessment, status=refused_status(form))
    messages.success(request, _("The area of improvement has been removed."))
    return redirect("areas:list", pk=area.assessment_id)


@login_required
@require_POST
def area_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    area = selectors.area_get(user=request.user, pk=pk, capability="areas.judge")
    form = VerdictForm(request.POST, auto_id=f"id_area{area.pk}_%s")
    return step(
        request,
        form,
        lambda data: services.area_judge(
            user=request.user,
            area=area,
            verdict=data["verdict"],
            comment=data["comment"],
            expected_version=data["version"],
        ),
        done=_("Your verdict on “%(title)s” is recorded.") % {"title": area.title},  # a verdict keeps the title
        then=f"{reverse('areas:list', args=[area.assessment_id])}#area-{area.pk}",
        refused=lambda form: _render_list(
            request, area.assessment, verdict_forms={area.pk: form}, status=refused_status(form)
        ),
    )
