"""The improvement plan's pages: the plan with its actions (filtered by status), an action's page (its form for the
cluster's managers, read-only for the others who may see it), its evidence files. Only HTTP here: selectors read,
services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can
from clusters.views import assessments_url
from core.downloads import private_file
from core.pages import REFUSED, step, submit
from core.pagination import page_of
from improvement import presenters, selectors, services
from improvement.forms import ActionForm, EvidenceForm, StatusFilterForm, VersionForm
from improvement.services import ACTION_FIELDS

EDIT = "improvement_plan.edit"


@require_GET
@login_required
def plan(request, pk: int):
    cluster = selectors.cluster_for_plan(user=request.user, pk=pk)
    the_plan = selectors.plan_of(cluster=cluster)
    status_filter = StatusFilterForm(request.GET or None)
    status = status_filter.cleaned_data["status"] if status_filter.is_valid() else ""
    context = {
        "cluster": cluster,
        "plan": the_plan,
        "filter": status_filter,
        "may_edit": can(request.user, "improvement_plan.edit", cluster),
        "may_see_records": can(request.user, "cluster.view", cluster),
        "section": "improvement",
        "assessments_url": assessments_url(cluster.pk),
    }
    if the_plan is not None:
        page = page_of(request, selectors.actions_of(plan=the_plan, status=status))
        context.update(
            page=page,
            rows=presenters.action_rows(page.object_list, today=timezone.localdate()),
            counts=selectors.status_counts(plan=the_plan),
        )
    return render(request, "improvement/plan.html", context)


# The evidence form shares the action page with the action form: its own ids (both carry a hidden ``version``).
EVIDENCE_IDS = "id_evidence_%s"


def _action_form(plan, data=None, *, action=None) -> ActionForm:
    if action is None:
        initial = {"version": plan.version}
    else:
        initial = {name: getattr(action, name) for name in ACTION_FIELDS} | {"version": action.version}
    return ActionForm(data, initial=initial, indicators=selectors.indicators_for(plan=plan))


@require_http_methods(["GET", "POST"])
@login_required
def action_add(request, pk: int):
    the_plan = selectors.plan_get(user=request.user, pk=pk, capability="improvement_plan.edit")
    form = _action_form(the_plan, request.POST or None)
    if request.method == "POST":
        done = submit(
            form,
            lambda data: services.action_create(
                user=request.user,
                plan=the_plan,
                data={name: data[name] for name in ACTION_FIELDS},
                expected_version=data["version"],
            ),
        )
        if done is not REFUSED:
            messages.success(request, _("The action is added to the improvement plan."))
            return redirect("improvement:plan", pk=pk)
    context = {"cluster": the_plan.cluster, "plan": the_plan, "form": form, "adding": True}
    return render(request, "improvement/action.html", context, status=400 if form.is_bound else 200)


def _action_page(request, action, *, form=None, evidence_form=None, status=200):
    may_edit = can(request.user, "improvement_plan.edit", action.plan.cluster)
    context = {
        "cluster": action.plan.cluster,
        "plan": action.plan,
        "action": action,
        "row": presenters.action_row(action, today=timezone.localdate()),
        "may_edit": may_edit,
    }
    if may_edit:
        context["form"] = form or _action_form(action.plan, action=action)
        context["evidence_form"] = evidence_form or EvidenceForm(
            initial={"version": action.version}, auto_id=EVIDENCE_IDS
        )
    return render(request, "improvement/action.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def action(request, pk: int, action_pk: int):
    if request.method == "GET":
        return _action_page(request, selectors.action_get(user=request.user, cluster_pk=pk, pk=action_pk))
    the_action = selectors.action_get(
        user=request.user, cluster_pk=pk, pk=action_pk, capability="improvement_plan.edit"
    )
    return step(
        request,
        _action_form(the_action.plan, request.POST, action=the_action),
        lambda data: services.action_update(
            user=request.user,
            action=the_action,
            data={name: data[name] for name in ACTION_FIELDS},
            expected_version=data["version"],
        ),
        done=_("The action is saved."),
        then=reverse("improvement:plan", args=[pk]),
        refused=lambda form: _action_page(request, the_action, form=form, status=400),
    )


@require_POST
@login_required
def evidence_add(request, pk: int, action_pk: int):
    the_action = selectors.action_get(
        user=request.user, cluster_pk=pk, pk=action_pk, capability="improvement_plan.edit"
    )
    return step(
        request,
        EvidenceForm(request.POST, request.FILES, auto_id=EVIDENCE_IDS),
        lambda data: services.evidence_add(
            user=request.user, action=the_action, upload=data["file"], expected_version=data["version"]
        ),
        done=_("The file is attached to the action."),
        then=reverse("improvement:action", args=[pk, action_pk]),
        refused=lambda form: _action_page(request, the_action, evidence_form=form, status=400),
    )


@require_GET
@login_required
def evidence_download(request, pk: int, action_pk: int, evidence_pk: int):
    evidence = selectors.evidence_get(user=request.user, cluster_pk=pk, action_pk=action_pk, pk=evidence_pk)
    return private_file(evidence.file, evidence.original_name, evidence.content_type)


@require_POST
@login_required
def evidence_delete(request, pk: int, action_pk: int, evidence_pk: int):
    evidence = selectors.evidence_get(
        user=request.user, cluster_pk=pk, action_pk=action_pk, pk=evidence_pk, capability="improvement_plan.edit"
    )
    form = VersionForm(request.POST)
    done = submit(
        form,
        lambda data: services.evidence_delete(user=request.user, evidence=evidence, expected_version=data["version"]),
        whole=True,
    )
    if done is REFUSED:
        refusal = " ".join(str(e) for e in form.non_field_errors())
        messages.error(request, refusal or _("Reload the page and try again."))
        return _action_page(request, evidence.action, status=409 if refusal else 400)
    messages.success(request, _("The file is removed."))
    return redirect("improvement:action", pk=pk, action_pk=action_pk)
