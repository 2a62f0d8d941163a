"""The appeals' pages: the list (with the decisions a manager may still appeal), lodging an appeal, an appeal with
its questions and answers, the administrator's question and outcome, the files. Only HTTP here: selectors read,
services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can, require
from appeals import presenters, selectors, services
from appeals.forms import AnswerForm, AskForm, DecideForm, LodgeForm
from appeals.models import AppealStatus
from core.downloads import private_file
from core.pages import REFUSED, step, submit
from core.pagination import page_of


@require_GET
@login_required
def appeal_list(request):
    require(request.user, "appeal.list")
    status = request.GET.get("status", "")
    if status not in AppealStatus.values:
        status = ""
    page = page_of(request, selectors.appeal_list(request.user, status=status))
    context = {
        "appeals": page.object_list,
        "page": page,
        "status": status,
        "statuses": AppealStatus.choices,
        "appealable": presenters.appealable_rows(selectors.appealable_for(user=request.user)),
        "window": selectors.appeal_window_days(),
    }
    return render(request, "appeals/list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def appeal_lodge(request, assessment_pk: int, ground: str):
    appealable = selectors.appealable_get(user=request.user, assessment_pk=assessment_pk, ground=ground)
    if appealable.appealed:
        messages.info(request, _("This decision has already been appealed."))
        return redirect("appeals:list")
    form = LodgeForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        appeal = submit(
            form,
            lambda data: services.appeal_lodge(
                user=request.user,
                assessment=appealable.assessment,
                ground=ground,
                reasons=data["reasons"],
                uploads=data["files"],
            ),
        )
        if appeal is not REFUSED:
            messages.success(request, _("Your appeal is lodged. You will be told of each step by e-mail."))
            return redirect("appeals:detail", pk=appeal.pk)
        status = 400
    context = {
        "row": presenters.appealable_rows([appealable])[0],
        "form": form,
        "late": appealable.late(),
        "window": selectors.appeal_window_days(),
    }
    return render(request, "appeals/lodge.html", context, status=status)


def _detail(request, appeal, *, forms=None, status=200):
    user = request.user
    page = presenters.appeal_page(
        facts=selectors.appeal_facts(appeal=appeal),
        may_handle=can(user, "appeal.handle", appeal),
        may_answer=can(user, "appeal.answer", appeal),
        forms=forms,
    )
    return render(request, "appeals/detail.html", {"appeal": appeal, "page": page}, status=status)


@require_GET
@login_required
def appeal_detail(request, pk: int):
    return _detail(request, selectors.appeal_get(user=request.user, pk=pk))


def _detail_url(appeal) -> str:
    return reverse("appeals:detail", args=[appeal.pk])


@require_POST
@login_required
def appeal_ask(request, pk: int):
    appeal = selectors.appeal_get(user=request.user, pk=pk, capability="appeal.handle")
    return step(
        request,
        AskForm(request.POST),
        lambda data: services.appeal_ask(
            user=request.user, appeal=appeal, question=data["question"], expected_version=data["version"]
        ),
        done=_("Your question is sent to the cluster."),
        then=_detail_url(appeal),
        refused=lambda form: _detail(request, appeal, forms={"ask": form}, status=400),
    )


@require_POST
@login_required
def appeal_answer(request, pk: int):
    appeal = selectors.appeal_get(user=request.user, pk=pk, capability="appeal.answer")
    return step(
        request,
        AnswerForm(request.POST, request.FILES),
        lambda data: services.appeal_answer(
            user=request.user,
            appeal=appeal,
            answer=data["answer"],
            uploads=data["files"],
            expected_version=data["version"],
        ),
        done=_("Your answer is sent to the administrator."),
        then=_detail_url(appeal),
        refused=lambda form: _detail(request, appeal, forms={"answer": form}, status=400),
    )


@require_POST
@login_required
def appeal_decide(request, pk: int):
    appeal = selectors.appeal_get(user=request.user, pk=pk, capability="appeal.handle")
    return step(
        request,
        DecideForm(request.POST, needs_level=appeal.overturn_needs_level),
        lambda data: services.appeal_decide(
            user=request.user,
            appeal=appeal,
            outcome=data["outcome"],
            level=data.get("level", ""),
            reason=data["reason"],
            expected_version=data["version"],
        ),
        done=_("The outcome of the appeal is recorded."),
        then=_detail_url(appeal),
        refused=lambda form: _detail(request, appeal, forms={"decide": form}, status=400),
    )


@require_GET
@login_required
def file_download(request, pk: int):
    found = selectors.file_get(user=request.user, pk=pk)
    return private_file(found.file, found.original_name, found.content_type)
