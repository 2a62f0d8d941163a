"""The committee's pages: the sessions a user may see, a session with its agenda, the chair's decision form and the
members' declarations of a conflict of interest. Only HTTP here: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can
from committee import presenters, selectors, services
from committee.forms import ConflictForm, DecideForm
from core.pages import REFUSED, submit
from core.pagination import page_of


@require_GET
@login_required
def session_list(request):
    page = page_of(request, selectors.session_list(request.user))
    return render(request, "committee/list.html", {"sessions": page.object_list, "page": page})


def _detail(request, session, *, forms=None, status=200):
    user = request.user
    rows = presenters.agenda_rows(
        session=session,
        cases=selectors.session_agenda(session=session),
        user=user,
        may_decide=can(user, "committee_case.decide", session),
        may_declare=can(user, "committee_case.declare_conflict", session),
        forms=forms,
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
