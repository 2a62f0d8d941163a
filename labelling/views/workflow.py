"""Workflow pages: the assessment's detail page with each role's actions, and the dashboards.

Views parse input, call a service, and render. Each finds its assessment through the visibility selector with
the step's capability (``selectors.assessment_get``: 404 otherwise, before the input is read); a refused step
re-renders the page with the error and what was typed (``core.pages.submit``), a refused button goes back to the
assessment's page with its message (``core.pages.DomainErrorMiddleware``, ``@refused_to``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can, require
from core.pages import REFUSED, refused_to, submit
from core.pagination import page_of
from labelling import presenters, selectors
from labelling.answer_values import answer_validated
from labelling.forms.workflow import (
    AdminFilterForm,
    AssignForm,
    DecideForm,
    DeclareConflictForm,
    DisagreeForm,
    ReportRequestForm,
    RequestChangesForm,
    ReviewAnswerForm,
    RevokeForm,
    SecondAssessorForm,
    ValidateForm,
)
from labelling.models import Assessment, AssessmentStatus
from labelling.services import labels as label_services
from labelling.services import workflow as services


def _assessment_for(request, pk: int, capability: str = "assessment.view") -> Assessment:
    """The assessment if the user may see it and take this step (``capability``), else 404 before the input is
    read."""
    return selectors.assessment_get(user=request.user, pk=pk, capability=capability)


def _detail_context(request, assessment: Assessment, **forms) -> dict:
    user = request.user
    facts = selectors.detail_facts(user=user, assessment=assessment)
    answers, flags = selectors.review_answers(
        user=user, assessment=assessment, anomalies=presenters.shows_anomalies(assessment, facts)
    )
    actions = presenters.detail_actions(assessment, facts)
    changes_form = forms.get("changes_form") or RequestChangesForm(codes=[a.indicator.code for a in answers])
    rows = presenters.review_rows(answers, flags, changes_form=changes_form if actions["can_review"] else None)
    context = presenters.detail_context(assessment, facts, rows, actions)
    level = facts.result.level if facts.result is not None else ""
    context.update(
        {
            "assign_form": forms.get("assign_form")
            or AssignForm(
                initial={"assessor": assessment.assessor_id},
                cluster=assessment.cluster,
                exclude=[assessment.second_assessor_id],
            ),
            "second_form": forms.get("second_form")
            or SecondAssessorForm(
                initial={"assessor": assessment.second_assessor_id},
                cluster=assessment.cluster,
                exclude=[assessment.assessor_id],
            ),
            "conflict_form": forms.get("conflict_form") or DeclareConflictForm(),
            "disagree_form": forms.get("disagree_form") or DisagreeForm(),
            "changes_form": changes_form,
            "validate_form": forms.get("validate_form") or ValidateForm(initial={"recommended_level": level}),
            "decide_form": forms.get("decide_form") or DecideForm(initial={"level": level}),
            "revoke_form": forms.get("revoke_form") or RevokeForm(),
            "report_form": forms.get("report_form")
            or ReportRequestForm(initial={"language": getattr(user, "language", "") or "fr"}),
        }
    )
    return context


# The flag under which the detail page shows each step's form.
FORM_SHOWN_BY = {
    "assign_form": "can_assign",
    "second_form": "can_assign_second",
    "disagree_form": "can_countersign",
    "validate_form": "can_review",
    "changes_form": "can_review",
    "decide_form": "can_decide",
    "revoke_form": "can_revoke",
}


def render_assessment_detail(request, assessment: Assessment, *, status: int = 200, **forms):
    """The assessment's page, with the forms given (bound: a refused step re-renders it; views/reports.py too)."""
    context = _detail_context(request, assessment, **forms)
    for name, form in forms.items():  # a refused step whose form the page does not show: say why all the same
        if name in FORM_SHOWN_BY and not context[FORM_SHOWN_BY[name]]:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
    return render(request, "labelling/assessment_detail.html", context, status=status)


@login_required
@require_GET
def assessment_detail(request, pk: int):
    return render_assessment_detail(request, _assessment_for(request, pk))


def _done(request, assessment: Assessment, message: str, anchor: str = ""):
    messages.success(request, message)
    return redirect(reverse("labelling:assessment_detail", args=[assessment.pk]) + anchor)


def _form_step(request, assessment: Assessment, form_name: str, form, take, done, *, whole: bool = False):
    """A step posted with a form: ``take(cleaned_data)`` calls the service, ``done(its result)`` answers the
    success; a refusal re-renders the page with the form and the errors (400; ``whole``: the error's message on
    the form as a whole)."""
    result = submit(form, take, whole=whole)
    if result is REFUSED:
        return render_assessment_detail(request, assessment, status=400, **{form_name: form})
    return done(result)


@login_required
@require_POST
def assessment_assign(request, pk: int):
    assessment = _assessment_for(request, pk, "assessment.assign")

    def done(_assessment):
        if request.POST.get("next") == "dashboard":
            messages.success(request, _("The assessment is assigned."))
            return redirect("labelling:admin_dashboard")
        return _done(request, assessment, _("The assessment is assigned."))

    return _form_step(
        request,
        assessment,
        "assign_form",
        AssignForm(request.POST),
        lambda data: services.assessment_assign(user=request.user, assessment=assessment, assessor=data["assessor"]),
        done,
    )


@login_required
@require_POST
@refused_to("labelling:assessment_detail")
def assessment_declare_no_conflict(request, pk: int):
    assessment = _assessment_for(request, pk, "assessment.declare_conflict")  # the first or the second assessor
    services.review_declare_no_conflict(user=request.user, assessment=assessment)
    return _done(request, assessment, _("You declared that you have no conflict of interest."))


@login_required
def answer_review(request, pk: int, code: str):
    """The assessor's review of one answer: accept the declared value or correct it."""
    assessment = _assessment_for(request, pk, "assessment.assessor")
    answer = selectors.answer_get(assessment=assessment, code=code)
    if request.method == "POST":
        form = ReviewAnswerForm(request.POST, indicator=answer.indicator)
        reviewed = submit(
            form,
            lambda data: services.answer_review(
                user=request.user,
                answer=answer,
                accept=data["decision"] == ReviewAnswerForm.ACCEPT,
                value=data.get("value"),
                justification=data.get("justification", ""),
                comment=data.get("comment", ""),
                expected_version=data.get("version"),
            ),
        )
        if reviewed is not REFUSED:
            return _done(request, assessment, _("Review of %(code)s saved.") % {"code": code}, f"#answer-{code}")
        status = 400
    else:
        initial = {"comment": answer.assessor_comment, "version": answer.version}
        if answer.reviewed and answer.justification:
            initial.update(
                decision=ReviewAnswerForm.CORRECT,
                value=answer_validated(answer),
                justification=answer.justification,
            )
        form = ReviewAnswerForm(initial=initial, indicator=answer.indicator)
        status = 200
    answers, _flags = selectors.review_answers(user=request.user, assessment=assessment)
    row = presenters.review_rows([a for a in answers if a.pk == answer.pk])[0]
    context = {"assessment": assessment, "row": row, "answer": answer, "form": form}
    return render(request, "labelling/answer_review.html", context, status=status)


@login_required
@require_POST
def assessment_request_changes(request, pk: int):
    assessment = _assessment_for(request, pk, "assessment.assessor")
    form = RequestChangesForm(request.POST, codes=selectors.answer_codes(assessment=assessment))
    return _form_step(
        request,
        assessment,
        "changes_form",
        form,
        lambda data: services.assessment_request_changes(
            user=request.user, assessment=assessment, comment=data["comment"], requests=form.requests()
        ),
        lambda _assessment: _done(request, assessment, _("The manager has been asked to make changes.")),
    )


@login_required
@require_POST
def assessment_declare_conflict(request, pk: int):
    """The assessor declares a conflict of interest: they are unassigned and lose access at once."""
    assessment = _assessment_for(request, pk, "assessment.declare_conflict")

    def done(_assessment):
        messages.success(
            request,
            _(
                "You declared a conflict of interest: you are no longer assigned to this assessment, and the "
                "administrators have been told."
            ),
        )
        return redirect("labelling:assessor_dashboard")

    return _form_step(
        request,
        assessment,
        "conflict_form",
        DeclareConflictForm(request.POST),
        lambda data: services.review_declare_conflict(user=request.user, assessment=assessment, reason=data["reason"]),
        done,
    )


@login_required
@require_POST
def assessment_assign_second(request, pk: int):
    assessment = _assessment_for(request, pk, "assessment.assign")
    return _form_step(
        request,
        assessment,
        "second_form",
        SecondAssessorForm(request.POST, cluster=assessment.cluster, exclude=[assessment.assessor_id]),
        lambda data: services.assessment_assign_second(
            user=request.user, assessment=assessment, assessor=data["assessor"]
        ),
        lambda _assessment: _done(request, assessment, _("The second assessor is assigned.")),
    )


@login_required
@require_POST
@refused_to("labelling:assessment_detail")
def assessment_countersign(request, pk: int):
    assessment = _assessment_for(request, pk, "assessment.countersign")
    services.review_countersign(user=request.user, assessment=assessment)
    return _done(request, assessment, _("You countersigned the review."))


@login_required
@require_POST
def assessment_disagree(request, pk: int):
    assessment = _assessment_for(request, pk, "assessment.countersign")
    return _form_step(
        request,
        assessment,
        "disagree_form",
        DisagreeForm(request.POST),
        lambda data: services.review_disagree(user=request.user, assessment=assessment, reason=data["reason"]),
        lambda _review: _done(
            request, assessment, _("Your disagreement is recorded; the administrators have been told.")
        ),
    )


@login_required
@require_POST
@refused_to("labelling:assessment_detail", "pk")
def answers_accept_category(request, pk: int, category_code: str):
    """Accept every remaining answer of one category (each acceptance is audited on its own)."""
    assessment = _assessment_for(request, pk, "assessment.assessor")
    accepted = services.answers_accept_remaining(user=request.user, assessment=assessment, category_code=category_code)
    message = ngettext(
        "%(count)d answer accepted in %(category)s.", "%(count)d answers accepted in %(category)s.", len(accepted)
    ) % {"count": len(accepted), "category": category_code}
    return _done(request, assessment, message, f"#category-{category_code}")


@login_required
@require_POST
def assessment_validate(request, pk: int):
    assessment = _assessment_for(request, pk, "assessment.assessor")
    return _form_step(
        request,
        assessment,
        "validate_form",
        ValidateForm(request.POST),
        lambda data: services.assessment_validate(
            user=request.user, assessment=assessment, recommended_level=data.get("recommended_level", "")
        ),
        lambda _assessment: _done(request, assessment, _("The assessment is validated.")),
        whole=True,  # the answers not reviewed yet are named in the message
    )


@login_required
@require_POST
def assessment_decide(request, pk: int):
    assessment = _assessment_for(request, pk, "assessment.decide_directly")
    return _form_step(
        request,
        assessment,
        "decide_form",
        DecideForm(request.POST),
        lambda data: services.assessment_decide(
            user=request.user, assessment=assessment, level=data["level"], reason=data.get("reason", "")
        ),
        lambda decision: _done(
            request, assessment, _("Decision recorded: %(level)s.") % {"level": decision.get_level_display()}
        ),
    )


@login_required
@require_POST
def label_revoke(request, pk: int):
    label = selectors.label_get(user=request.user, pk=pk, capability="label.revoke")
    return _form_step(
        request,
        _assessment_for(request, label.assessment_id),
        "revoke_form",
        RevokeForm(request.POST),
        lambda data: label_services.label_revoke(user=request.user, label=label, reason=data["reason"]),
        lambda _label: _done(request, label.assessment, _("The label is revoked.")),
    )


# --- dashboards ------------------------------------------------------------------------------------------


@login_required
@require_GET
def admin_dashboard(request):
    """The work first: without a filter, the assessments waiting for an administrator (to assign, to decide…),
    most urgent first; the others are one filter away (a status, a cluster, or every assessment)."""
    require(request.user, "assessment.oversee")
    form = AdminFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    status, q = filters.get("status", ""), (filters.get("q") or "").strip()
    show_all = request.GET.get("show") == "all"
    counts = selectors.assessment_counts_by_status(user=request.user)
    work_count = sum(counts[s] for s in selectors.ADMIN_WORK_STATUSES)
    working = not (status or q or show_all)
    if working:
        page = page_of(request, selectors.admin_work(user=request.user), ADMIN_PAGE_SIZE, count=lambda: work_count)
    else:
        qs = selectors.assessments_for_admin(user=request.user, status=status, q=q)
        # Without a search, the list's length is one of the (cached) counts by status: no count of every row.
        page = page_of(
            request,
            qs,
            ADMIN_PAGE_SIZE,
            count=None if q else lambda: counts[status] if status else sum(counts.values()),
        )
    # Evaluated once: iterating the field's choices in the template would query once per row.
    choices = list(AssignForm().fields["assessor"].choices)
    conflicts = selectors.conflicted_assessors_by_cluster(cluster_ids={a.cluster_id for a in page})
    presenters.with_status_flags(page)
    for assessment in page:  # an assessor who declared a conflict with the cluster is not offered
        excluded = conflicts.get(assessment.cluster_id, set())
        assessment.offered_choices = [(v, label) for v, label in choices if not v or int(str(v)) not in excluded]
    context = {
        "form": form,
        "page": page,
        "working": working,
        "work_count": work_count,
        "total": sum(counts.values()),
        "status": status,
        "counts": [(value, label, counts.get(value, 0)) for value, label in AssessmentStatus.choices],
        "assign_form": AssignForm(),
        # the awarding committee decides: "decide" reads "put on a committee's agenda"
        "refer": can(request.user, "assessment.refer"),
        "work": {
            "assign": selectors.WORK_ASSIGN,
            "assign_second": selectors.WORK_ASSIGN_SECOND,
            "settle": selectors.WORK_SETTLE,
            "decide": selectors.WORK_DECIDE,
            "countersignature": selectors.WORK_COUNTERSIGNATURE,
        },
    }
    return render(request, "labelling/admin_dashboard.html", context)


ADMIN_PAGE_SIZE = 25


@login_required
@require_GET
def assessor_dashboard(request):
    """The work first: without ``?show=all``, only what waits for the assessor (to review, changed since a
    request, to countersign), most urgent first; the other assignments are one link away."""
    require(request.user, "review.take")
    counts = selectors.assessor_counts(user=request.user)
    show_all = request.GET.get("show") == "all"
    qs = selectors.assessments_for_assessor(user=request.user)
    if show_all:
        page = page_of(request, qs, ASSESSOR_PAGE_SIZE)
    else:
        work_count = counts["in_review"] + counts["to_countersign"]
        page = page_of(request, qs.filter(outstanding=1), ASSESSOR_PAGE_SIZE, count=lambda: work_count)
    page.object_list = presenters.with_status_flags(selectors.with_review_figures(page.object_list))
    context = {"page": page, "counts": counts, "show_all": show_all}
    return render(request, "labelling/assessor_dashboard.html", context)


ASSESSOR_PAGE_SIZE = 25
