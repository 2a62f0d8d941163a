"""The committee's pages: the sessions a user may see, a session with its agenda, the chair's decision form and the
members' declarations of a conflict of interest. Only HTTP here: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can
from committee import presenters, selectors, services
from committee.forms import ConditionsMetForm, ConflictForm, DecideForm, RevokeForm
from core.pages import REFUSED, submit
from core.pagination import page_of


@require_GET
@login_required
def session_list(request):
    page = page_of(request, selectors.session_list(request.user))
    return render(request, "committee/list.html", {"sessions": page.object_list, "page": page})


def _detail(request, session, *, forms=None, follow_up_forms=None, status=200):
    user = request.user
    cases = selectors.session_agenda(session=session)
    rows = presenters.agenda_rows(
        session=session,
        cases=cases,
        user=user,
        may_decide=can(user, "committee_case.decide", session),
        may_declare=can(user, "committee_case.declare_conflict", session),
        forms=forms,
        labels=selectors.session_labels(cases=cases),
        may_follow_up=can(user, "committee_case.follow_up"),
        follow_up_forms=follow_up_forms,
    )
    context = {
        "session": session,
        "members": selectors.session_members(session=session),
        "rows": rows,
    }
    return render(request, "committee/detail.html", context, status=status)


@require_GET
@login_required
def session_detail(request, pk: int):
    return _detail(request, selectors.session_get(user=request.user, pk=pk))


@require_POST
@login_required
def case_decide(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk, capability="committee_case.decide")
    form = DecideForm(request.POST, auto_id=f"id_case{case.pk}_%s")
    done = submit(
        form,
        lambda data: services.case_decide(
            user=request.user,
            case=case,
            outcome=data["outcome"],
            conditions=data["conditions"],
            review_on=data["review_on"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
    )
    if done is REFUSED:
        return _detail(request, case.session, forms={case.pk: form}, status=400)
    messages.success(request, _("The committee's decision is recorded."))
    return redirect("committee:detail", pk=case.session_id)


@require_POST
@login_required
def case_conflict(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk, capability="committee_case.declare_conflict")
    form = ConflictForm(request.POST, auto_id=f"id_conflict{case.pk}_%s")
    done = submit(
        form, lambda data: services.conflict_declare(user=request.user, case=case, reason=data["reason"]), whole=True
    )
    if done is REFUSED:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or _("Check the reason."))
    else:
        messages.success(request, _("Your conflict of interest is recorded: you do not vote on this case."))
    return redirect("committee:detail", pk=case.session_id)


def _follow_up(request, pk: int, form_class, key: str, call, message: str):
    """A conditional case's follow-up (``key``: ``met`` or ``revoke``): a refusal re-renders the session's page
    with the form and its error; otherwise back to the case."""
    case = selectors.case_get(user=request.user, pk=pk, capability="committee_case.follow_up")
    form = form_class(request.POST, auto_id=f"id_{key}{case.pk}_%s")
    if submit(form, lambda data: call(case, data), whole=key == "met") is REFUSED:
        return _detail(request, case.session, follow_up_forms={case.pk: {key: form}}, status=400)
    messages.success(request, message)
    return redirect(f"{reverse('committee:detail', args=[case.session_id])}#case-{case.pk}")


@require_POST
@login_required
def case_conditions_met(request, pk: int):
    return _follow_up(
        request,
        pk,
        ConditionsMetForm,
        "met",
        lambda case, data: services.conditions_met(user=request.user, case=case, expected_version=data["version"]),
        _("The conditions are recorded met: the label is no longer conditional."),
    )


@require_POST
@login_required
def case_revoke(request, pk: int):
    return _follow_up(
        request,
        pk,
        RevokeForm,
        "revoke",
        lambda case, data: services.conditional_revoke(
            user=request.user, case=case, reason=data["reason"], expected_version=data["version"]
        ),
        _("The label is revoked; the cluster's managers are told."),
    )
