"""The committee's pages: the sessions a user may see, a new session, a session with its agenda (the administrators'
agenda form, the chair's attendance and decision forms, the members' declarations of a conflict of interest), the
closing of a session, and a case's file (read-only: the assessment, its scores, the expert's findings, the report).
Only HTTP here: selectors read, services write. With the committee switched off, every page answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can, require
from accounts.selectors import administrators
from committee import presenters, selectors, services
from committee.forms import (
    AgendaForm,
    AttendanceForm,
    ConditionsMetForm,
    ConflictForm,
    DecideForm,
    RevokeForm,
    SessionForm,
    VersionForm,
)
from core.downloads import private_file
from core.pages import REFUSED, step, submit
from core.pagination import page_of
from labelling.models import Level
from labelling.selectors import report_download_name


@require_GET
@login_required
def session_list(request):
    page = page_of(request, selectors.session_list_for(request.user))
    assessment = request.GET.get("assessment", "")
    context = {
        "sessions": page.object_list,
        "page": page,
        "may_manage": can(request.user, "committee.manage"),
        "assessment": assessment if assessment.isdigit() else "",
    }
    return render(request, "committee/list.html", context)


# The session page carries the agenda, attendance and closing forms, each with a hidden ``version``: distinct ids.
ATTENDANCE_IDS = "id_attendance_%s"
CLOSE_IDS = "id_close_%s"


def _session_form(data=None, **kwargs):
    return SessionForm(data, chairs=administrators(), members=selectors.seatable_members(), **kwargs)


@require_http_methods(["GET", "POST"])
@login_required
def session_create(request):
    require(request.user, "committee.manage")
    if request.method == "GET":
        form = _session_form(initial={"chair": request.user.pk})
        return render(request, "committee/create.html", {"form": form})
    form = _session_form(request.POST)
    session = submit(form, lambda data: services.session_create(user=request.user, **data))
    if session is REFUSED:
        return render(request, "committee/create.html", {"form": form}, status=400)
    messages.success(request, _("The session is open: put validated assessments on its agenda."))
    return redirect("committee:detail", pk=session.pk)


def _detail(request, session, *, forms=None, follow_up_forms=None, status=200):
    user = request.user
    forms = forms or {}
    cases = selectors.session_agenda(session=session)
    open_ = session.is_open
    may_manage = open_ and can(user, "committee.manage")
    may_preside = open_ and can(user, "committee_session.preside", session)
    members = selectors.session_members(session=session)
    present = selectors.session_present(session=session)
    rows = presenters.agenda_rows(
        session=session,
        cases=cases,
        user=user,
        may_decide=can(user, "committee_case.decide", session),
        may_declare=can(user, "committee_case.declare_conflict", session),
        present=present,
        forms=forms.get("decide"),
        labels=selectors.session_labels(cases=cases),
        may_follow_up=can(user, "committee_case.follow_up"),
        follow_up_forms=follow_up_forms,
    )
    agenda_form, agenda_has_candidates = None, False
    if may_manage:
        chosen = request.GET.get("assessment", "")
        candidates = selectors.agenda_candidates()
        agenda_has_candidates = candidates.exists()
        agenda_form = forms.get("agenda") or AgendaForm(
            initial={"version": session.version, "assessment": chosen if chosen.isdigit() else None},
            candidates=candidates,
            levels=Level.choices,
        )
    attendance_form = None
    if may_preside:
        attendance_form = forms.get("attendance") or AttendanceForm(
            initial={"version": session.version, "present": [m.pk for m in present]},
            members=session.members.all(),
            auto_id=ATTENDANCE_IDS,
        )
    context = {
        "session": session,
        "members": members,
        "present": present,
        "rows": rows,
        "agenda_form": agenda_form,
        "agenda_has_candidates": agenda_has_candidates,
        "attendance_form": attendance_form,
        "close_form": forms.get("close")
        or (VersionForm(initial={"version": session.version}, auto_id=CLOSE_IDS) if may_manage else None),
        "minutes": presenters.minutes_flags(
            selectors.minutes_of(session=session) if can(user, "committee_session.minutes", session) else None
        ),
    }
    return render(request, "committee/detail.html", context, status=status)


@require_GET
@login_required
def session_detail(request, pk: int):
    return _detail(request, selectors.session_get(user=request.user, pk=pk))


def _detail_url(session_pk: int) -> str:
    return reverse("committee:detail", args=[session_pk])


@require_POST
@login_required
def session_case_add(request, pk: int):
    session = selectors.session_get(user=request.user, pk=pk, capability="committee.manage")
    return step(
        request,
        AgendaForm(request.POST, candidates=selectors.agenda_candidates(), levels=Level.choices),
        lambda data: services.case_add(
            user=request.user,
            session=session,
            assessment=data["assessment"],
            proposed_level=data["proposed_level"],
            expected_version=data["version"],
        ),
        done=_("The assessment is on the agenda."),
        then=_detail_url(session.pk),
        refused=lambda form: _detail(request, session, forms={"agenda": form}, status=400),
    )


@require_POST
@login_required
def session_attendance(request, pk: int):
    session = selectors.session_get(user=request.user, pk=pk, capability="committee_session.preside")
    return step(
        request,
        AttendanceForm(request.POST, members=session.members.all(), auto_id=ATTENDANCE_IDS),
        lambda data: services.attendance_record(
            user=request.user, session=session, present=data["present"], expected_version=data["version"]
        ),
        done=_("The members present are recorded."),
        then=_detail_url(session.pk),
        refused=lambda form: _detail(request, session, forms={"attendance": form}, status=400),
    )


@require_POST
@login_required
def session_close(request, pk: int):
    session = selectors.session_get(user=request.user, pk=pk, capability="committee.manage")
    return step(
        request,
        VersionForm(request.POST, auto_id=CLOSE_IDS),
        lambda data: services.session_close(user=request.user, session=session, expected_version=data["version"]),
        whole=True,
        done=_("The session is closed."),
        then=_detail_url(session.pk),
        refused=lambda form: _detail(request, session, forms={"close": form}, status=400),
    )


@require_POST
@login_required
def case_decide(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk, capability="committee_case.decide")
    return step(
        request,
        DecideForm(request.POST, auto_id=f"id_case{case.pk}_%s"),
        lambda data: services.case_decide(
            user=request.user,
            case=case,
            outcome=data["outcome"],
            conditions=data["conditions"],
            review_on=data["review_on"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        done=_("The committee's decision is recorded."),
        then=_detail_url(case.session_id),
        refused=lambda form: _detail(request, case.session, forms={"decide": {case.pk: form}}, status=400),
    )


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
    return step(
        request,
        form_class(request.POST, auto_id=f"id_{key}{case.pk}_%s"),
        lambda data: call(case, data),
        whole=key == "met",
        done=message,
        then=f"{_detail_url(case.session_id)}#case-{case.pk}",
        refused=lambda form: _detail(request, case.session, follow_up_forms={case.pk: {key: form}}, status=400),
    )


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


@require_GET
@login_required
def case_detail(request, pk: int):
    facts = selectors.case_facts(user=request.user, pk=pk, language=get_language() or "")
    return render(request, "committee/case.html", presenters.case_context(facts))


@require_GET
@login_required
def case_report(request, pk: int, report_pk: int):
    report = selectors.case_report(user=request.user, pk=pk, report_pk=report_pk)
    return private_file(report.file, report_download_name(report), "application/pdf")


@require_GET
@login_required
def minutes_download(request, pk: int):
    """A closed session's signed minutes (administrators and the session's members; 404 until they are ready)."""
    minutes = selectors.minutes_get(user=request.user, pk=pk)
    return private_file(minutes.file, selectors.minutes_download_name(minutes), "application/pdf")
