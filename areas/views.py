"""The areas' pages: they translate HTTP only (a form, one selector or service, the domain error mapped onto the
form). The list page shows an assessment's areas to whoever may see them; there the managers add areas and the
assessor gives the verdicts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from areas import presenters, selectors, services
from areas.forms import AreaForm, VerdictForm, VersionForm, area_values
from core.exceptions import DomainError
from core.pages import REFUSED, submit


class _Refusal:
    """The status a refused form answers: 400 for bad values, the domain error's own (409 for a stale version or a
    step the assessment no longer allows)."""

    status = 400

    def of(self, call):
        def wrapped(data):
            try:
                return call(data)
            except DomainError as exc:
                self.status = exc.status_code
                raise

        return wrapped


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
    assessment = selectors.assessment_for_areas(user=request.user, pk=pk)
    if request.method == "GET":
        return _render_list(request, assessment)
    facts = selectors.areas_page(user=request.user, assessment=assessment)
    if not facts.may_edit:
        raise Http404
    form = _area_form(facts, request.POST, auto_id="id_add_%s")
    refusal = _Refusal()
    added = submit(
        form,
        refusal.of(
            lambda data: services.area_add(
                user=request.user,
                assessment=assessment,
                **area_values(data),
            )
        ),
    )
    if added is REFUSED:
        assessment.refresh_from_db()
        return _render_list(request, assessment, add_form=form, status=refusal.status)
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
        refusal = _Refusal()
        saved = submit(
            form,
            refusal.of(
                lambda data: services.area_update(
                    user=request.user,
                    area=area,
                    **area_values(data),
                )
            ),
        )
        if saved is not REFUSED:
            messages.success(request, _("The area of improvement has been saved."))
            return redirect("areas:list", pk=assessment.pk)
        status = refusal.status
    else:
        form = _area_form(facts, initial=AreaForm.initial_from(area))
    context = {"assessment": assessment, "area": area, "form": form, "editable": True, "categories": facts.categories}
    return render(request, "areas/edit.html", context, status=status)


@login_required
@require_POST
def area_delete(request: HttpRequest, pk: int) -> HttpResponse:
    area = selectors.area_get(user=request.user, pk=pk, capability="areas.edit")
    form = VersionForm(request.POST)
    if not form.is_valid():  # no version (or not a number): the lock cannot be checked, so nothing is removed
        messages.error(request, _("The page is out of date: reload it."))
        return _render_list(request, area.assessment, status=409)
    try:
        services.area_delete(user=request.user, area=area, expected_version=form.cleaned_data["version"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _render_list(request, area.assessment, status=exc.status_code)
    messages.success(request, _("The area of improvement has been removed."))
    return redirect("areas:list", pk=area.assessment_id)


@login_required
@require_POST
def area_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    area = selectors.area_get(user=request.user, pk=pk, capability="areas.judge")
    form = VerdictForm(request.POST, auto_id=f"id_area{area.pk}_%s")
    refusal = _Refusal()
    judged = submit(
        form,
        refusal.of(
            lambda data: services.area_judge(
                user=request.user,
                area=area,
                verdict=data["verdict"],
                comment=data["comment"],
                expected_version=data["version"],
            )
        ),
    )
    if judged is REFUSED:
        return _render_list(request, area.assessment, verdict_forms={area.pk: form}, status=refusal.status)
    messages.success(request, _("Your verdict on “%(title)s” is recorded.") % {"title": judged.title})
    return redirect(f"{reverse('areas:list', args=[area.assessment_id])}#area-{area.pk}")
