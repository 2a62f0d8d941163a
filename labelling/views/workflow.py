"""Workflow pages: the assessment's detail page with each role's actions, and the dashboards.

Views parse input, call a service, and render. A refused object answers 404 (``require``); a refused
step re-renders the page with the error and what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can, require
from audit.selectors import audit_trail
from core.exceptions import DomainError, NotFound
from core.forms import apply_domain_errors
from core.pagination import page_of
from labelling import selectors
from labelling.anomalies import answer_anomalies
from labelling.audit_sentences import event_sentence
from labelling.forms_workflow import (
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
from labelling.models import Answer, Assessment, AssessmentStatus, Decision, Label, LabelStatus, Level
from labelling.services import labels as label_services
from labelling.services import workflow as services


def _assessment_for(request, pk: int) -> Assessment:
    assessment = get_object_or_404(Assessment.objects.select_related("cluster", "framework", "assessor"), pk=pk)
    require(request.user, "assessment.view", assessment)
    return assessment


def _assigned_assessment_for(request, pk: int) -> Assessment:
    """The assessment, for its assigned assessor only: anybody else gets 404 before their input is read."""
    assessment = _assessment_for(request, pk)
    require(request.user, "assessment.assessor", assessment)
    return assessment


def _evidence_url(evidence) -> str:
    try:
        return reverse("labelling:evidence_download", args=[evidence.pk])
    except NoReverseMatch:
        return ""


def _answer_rows(assessment: Assessment, *, anomalies: bool = False, changes_form=None) -> list[dict]:
    from labelling.services.answers import value_display

    rows = []
    answers = list(
        assessment.answers.select_related("indicator", "indicator__category")
        .prefetch_related("evidence")
        .order_by("indicator__position")
    )
    flags = answer_anomalies(assessment=assessment, answers=answers) if anomalies else {}
    for answer in answers:
        indicator = answer.indicator
        rows.append(
            {
                "answer": answer,
                "indicator": indicator,
                "category": indicator.category,
                "declared": value_display(indicator=indicator, value=services.answer_declared_value(answer)),
                "validated": value_display(indicator=indicator, value=services.answer_validated_value(answer)),
                "needs_review": services.answer_needs_review(answer),
                "changed": answer.changed_since_request,
                "anomalies": flags.get(indicator.code, []),
                "criterion": selectors.indicator_criterion(indicator),
                "evidence": [{"file": e, "url": _evidence_url(e)} for e in answer.evidence.all()],
                "request_field": changes_form[changes_form.field_name(indicator.code)] if changes_form else None,
            }
        )
    return rows


def _by_category(rows: list[dict]) -> list[dict]:
    """The answer rows grouped by category, with what is left to review in each."""
    groups: list[dict] = []
    for row in rows:
        if not groups or groups[-1]["category"].pk != row["category"].pk:
            groups.append({"category": row["category"], "rows": [], "remaining": 0})
        groups[-1]["rows"].append(row)
        if row["needs_review"] and row["answer"].is_answered:
            groups[-1]["remaining"] += 1
    return groups


def _detail_context(request, assessment: Assessment, **forms) -> dict:
    user = request.user
    is_admin = can(user, "assessment.assign", assessment)
    is_assessor = can(user, "assessment.assessor", assessment)
    is_second = can(user, "assessment.countersign", assessment)
    review = services.review_for(assessment=assessment, assessor=assessment.assessor)
    no_conflict = bool(review and review.no_conflict_declared_at)
    second = services.countersignature_state(assessment=assessment)
    second_review = second["review"]
    second_no_conflict = bool(second_review and second_review.no_conflict_declared_at)
    result = provisional = None
    if is_admin or is_assessor or is_second:
        try:
            result, provisional = selectors.assessment_result(assessment=assessment)
        except Exception:  # noqa: BLE001 - an answer the current framework refuses must not hide the page
            result = None
    decision = Decision.objects.filter(assessment=assessment).select_related("decided_by").first()
    label = Label.objects.filter(assessment=assessment).first()
    status = assessment.status
    can_review = is_assessor and status == AssessmentStatus.IN_REVIEW and no_conflict
    codes = list(assessment.answers.order_by("indicator__position").values_list("indicator__code", flat=True))
    changes_form = forms.get("changes_form") or RequestChangesForm(codes=codes)
    rows = _answer_rows(
        assessment,
        anomalies=(is_assessor or is_admin) and status != AssessmentStatus.DECIDED,
        changes_form=changes_form if can_review else None,
    )
    second_statuses = services.SECOND_ASSESSOR_STATUSES
    context = {
        "assessment": assessment,
        "cluster": assessment.cluster,
        "rows": rows,
        "categories": _by_category(rows),
        "requested_rows": [r for r in rows if r["answer"].change_request],
        "missing_review": [r["indicator"].code for r in rows if r["needs_review"]],
        "changed_to_review": [r["indicator"].code for r in rows if r["needs_review"] and r["changed"]],
        "flagged": [r["indicator"].code for r in rows if r["anomalies"]],
        "is_second": is_second,
        "second": second,
        "second_no_conflict": second_no_conflict,
        "can_declare_second": is_second and status in second_statuses and not second_no_conflict,
        "can_countersign": is_second and status == AssessmentStatus.VALIDATED and second_no_conflict,
        "can_assign_second": is_admin and status in second_statuses,
        "gold_blocked": status == AssessmentStatus.VALIDATED and not second["gold_allowed"],
        "is_admin": is_admin,
        "is_assessor": is_assessor,
        "review": review,
        "no_conflict": no_conflict,
        "result": result,
        "result_level": Level(result.level).label if result is not None else "",
        "provisional": provisional,
        "decision": decision,
        "label": label,
        "label_validity": selectors.label_validity(label=label) if label else None,
        "reports": selectors.reports_for(user=user, assessment=assessment),
        "audit_rows": [
            {"event": event, "sentence": event_sentence(event)}
            for event in audit_trail(user=user, assessment=assessment)[:AUDIT_ON_DETAIL]
        ],
        "can_audit": can(user, "assessment.audit", assessment),
        "can_benchmark": can(user, "assessment.benchmark", assessment),
        "can_assign": is_admin and status in (AssessmentStatus.SUBMITTED, AssessmentStatus.IN_REVIEW),
        "can_declare": is_assessor and status == AssessmentStatus.IN_REVIEW and not no_conflict,
        "can_review": can_review,
        "can_decide": is_admin and status == AssessmentStatus.VALIDATED,
        "can_revoke": is_admin and label is not None and label.status == LabelStatus.ACTIVE,
        "can_edit": can(user, "assessment.edit", assessment),
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
        "validate_form": forms.get("validate_form")
        or ValidateForm(initial={"recommended_level": result.level if result is not None else ""}),
        "decide_form": forms.get("decide_form")
        or DecideForm(initial={"level": result.level if result is not None else ""}),
        "revoke_form": forms.get("revoke_form") or RevokeForm(),
        "report_form": forms.get("report_form")
        or ReportRequestForm(initial={"language": getattr(user, "language", "") or "fr"}),
    }
    return context


# The latest events shown on the detail page (the whole trail has its own page).
AUDIT_ON_DETAIL = 10

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


@login_required
@require_POST
def assessment_assign(request, pk: int):
    assessment = _assessment_for(request, pk)
    require(request.user, "assessment.assign", assessment)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_assign(user=request.user, assessment=assessment, assessor=form.cleaned_data["assessor"])
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            if request.POST.get("next") == "dashboard":
                messages.success(request, _("The assessment is assigned."))
                return redirect("labelling:admin_dashboard")
            return _done(request, assessment, _("The assessment is assigned."))
    return render_assessment_detail(request, assessment, status=400, assign_form=form)


@login_required
@require_POST
def assessment_declare_no_conflict(request, pk: int):
    assessment = _assessment_for(request, pk)
    require(request.user, "assessment.declare_conflict", assessment)  # the first or the second assessor
    try:
        services.review_declare_no_conflict(user=request.user, assessment=assessment)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("labelling:assessment_detail", pk=assessment.pk)
    return _done(request, assessment, _("You declared that you have no conflict of interest."))


@login_required
def answer_review(request, pk: int, code: str):
    """The assessor's review of one answer: accept the declared value or correct it."""
    assessment = _assigned_assessment_for(request, pk)
    answer = get_object_or_404(
        Answer.objects.select_related("indicator", "assessment", "assessment__cluster"),
        assessment=assessment,
        indicator__code=code,
    )
    if request.method == "POST":
        form = ReviewAnswerForm(request.POST, indicator=answer.indicator)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.answer_review(
                    user=request.user,
                    answer=answer,
                    accept=data["decision"] == ReviewAnswerForm.ACCEPT,
                    value=data.get("value"),
                    justification=data.get("justification", ""),
                    comment=data.get("comment", ""),
                    expected_version=data.get("version"),
                )
            except NotFound as exc:
                raise Http404 from exc
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                return _done(request, assessment, _("Review of %(code)s saved.") % {"code": code}, f"#answer-{code}")
        status = 400
    else:
        initial = {"comment": answer.assessor_comment, "version": answer.version}
        if answer.reviewed and answer.justification:
            initial.update(
                decision=ReviewAnswerForm.CORRECT,
                value=services.answer_validated_value(answer),
                justification=answer.justification,
            )
        form = ReviewAnswerForm(initial=initial, indicator=answer.indicator)
        status = 200
    rows = [r for r in _answer_rows(assessment) if r["answer"].pk == answer.pk]
    context = {"assessment": assessment, "row": rows[0], "answer": answer, "form": form}
    return render(request, "labelling/answer_review.html", context, status=status)


@login_required
@require_POST
def assessment_request_changes(request, pk: int):
    assessment = _assigned_assessment_for(request, pk)
    codes = list(assessment.answers.order_by("indicator__position").values_list("indicator__code", flat=True))
    form = RequestChangesForm(request.POST, codes=codes)
    if form.is_valid():
        try:
            services.assessment_request_changes(
                user=request.user,
                assessment=assessment,
                comment=form.cleaned_data["comment"],
                requests=form.requests(),
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            return _done(request, assessment, _("The manager has been asked to make changes."))
    return render_assessment_detail(request, assessment, status=400, changes_form=form)


@login_required
@require_POST
def assessment_declare_conflict(request, pk: int):
    """The assessor declares a conflict of interest: they are unassigned and lose access at once."""
    assessment = _assessment_for(request, pk)
    require(request.user, "assessment.declare_conflict", assessment)
    form = DeclareConflictForm(request.POST)
    if form.is_valid():
        try:
            services.review_declare_conflict(
                user=request.user, assessment=assessment, reason=form.cleaned_data["reason"]
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "You declared a conflict of interest: you are no longer assigned to this assessment, and the "
                    "administrators have been told."
                ),
            )
            return redirect("labelling:assessor_dashboard")
    return render_assessment_detail(request, assessment, status=400, conflict_form=form)


@login_required
@require_POST
def assessment_assign_second(request, pk: int):
    assessment = _assessment_for(request, pk)
    require(request.user, "assessment.assign", assessment)
    form = SecondAssessorForm(request.POST, cluster=assessment.cluster, exclude=[assessment.assessor_id])
    if form.is_valid():
        try:
            services.assessment_assign_second(
                user=request.user, assessment=assessment, assessor=form.cleaned_data["assessor"]
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            return _done(request, assessment, _("The second assessor is assigned."))
    return render_assessment_detail(request, assessment, status=400, second_form=form)


@login_required
@require_POST
def assessment_countersign(request, pk: int):
    assessment = _assessment_for(request, pk)
    require(request.user, "assessment.countersign", assessment)
    try:
        services.review_countersign(user=request.user, assessment=assessment)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("labelling:assessment_detail", pk=assessment.pk)
    return _done(request, assessment, _("You countersigned the review."))


@login_required
@require_POST
def assessment_disagree(request, pk: int):
    assessment = _assessment_for(request, pk)
    require(request.user, "assessment.countersign", assessment)
    form = DisagreeForm(request.POST)
    if form.is_valid():
        try:
            services.review_disagree(user=request.user, assessment=assessment, reason=form.cleaned_data["reason"])
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            return _done(request, assessment, _("Your disagreement is recorded; the administrators have been told."))
    return render_assessment_detail(request, assessment, status=400, disagree_form=form)


@login_required
@require_POST
def answers_accept_category(request, pk: int, category_code: str):
    """Accept every remaining answer of one category (each acceptance is audited on its own)."""
    assessment = _assigned_assessment_for(request, pk)
    try:
        accepted = services.answers_accept_remaining(
            user=request.user, assessment=assessment, category_code=category_code
        )
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("labelling:assessment_detail", pk=assessment.pk)
    message = ngettext(
        "%(count)d answer accepted in %(category)s.", "%(count)d answers accepted in %(category)s.", len(accepted)
    ) % {"count": len(accepted), "category": category_code}
    return _done(request, assessment, message, f"#category-{category_code}")


@login_required
@require_POST
def assessment_validate(request, pk: int):
    assessment = _assigned_assessment_for(request, pk)
    form = ValidateForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_validate(
                user=request.user,
                assessment=assessment,
                recommended_level=form.cleaned_data.get("recommended_level", ""),
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            return _done(request, assessment, _("The assessment is validated."))
    return render_assessment_detail(request, assessment, status=400, validate_form=form)


@login_required
@require_POST
def assessment_decide(request, pk: int):
    assessment = _assessment_for(request, pk)
    require(request.user, "assessment.decide", assessment)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            decision = services.assessment_decide(
                user=request.user,
                assessment=assessment,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            return _done(
                request, assessment, _("Decision recorded: %(level)s.") % {"level": decision.get_level_display()}
            )
    return render_assessment_detail(request, assessment, status=400, decide_form=form)


@login_required
@require_POST
def label_revoke(request, pk: int):
    label = get_object_or_404(Label.objects.select_related("assessment", "cluster"), pk=pk)
    require(request.user, "label.revoke", label)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            label_services.label_revoke(user=request.user, label=label, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            return _done(request, label.assessment, _("The label is revoked."))
    return render_assessment_detail(
        request, _assessment_for(request, label.assessment_id), status=400, revoke_form=form
    )


# --- dashboards ------------------------------------------------------------------------------------------


@login_required
@require_GET
def admin_dashboard(request):
    require(request.user, "assessment.oversee")
    form = AdminFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    status, q = filters.get("status", ""), (filters.get("q") or "").strip()
    qs = selectors.assessments_for_admin(user=request.user, status=status, q=q)
    counts = selectors.assessment_counts_by_status(user=request.user)
    # Without a search, the list's length is one of the (cached) counts by status: no count of every row.
    page = page_of(request, qs, count=None if q else lambda: counts[status] if status else sum(counts.values()))
    # Evaluated once: iterating the field's choices in the template would query once per row.
    choices = list(AssignForm().fields["assessor"].choices)
    conflicts = selectors.conflicted_assessors_by_cluster(cluster_ids={a.cluster_id for a in page})
    for assessment in page:  # an assessor who declared a conflict with the cluster is not offered
        excluded = conflicts.get(assessment.cluster_id, set())
        assessment.offered_choices = [(v, label) for v, label in choices if not v or int(str(v)) not in excluded]
    context = {
        "form": form,
        "page": page,
        "counts": [(value, label, counts.get(value, 0)) for value, label in AssessmentStatus.choices],
        "assign_form": AssignForm(),
    }
    return render(request, "labelling/admin_dashboard.html", context)


@login_required
@require_GET
def assessor_dashboard(request):
    require(request.user, "review.take")
    page = page_of(request, selectors.assessments_for_assessor(user=request.user), ASSESSOR_PAGE_SIZE)
    page.object_list = selectors.with_review_figures(page.object_list)
    context = {"page": page, "counts": selectors.assessor_counts(user=request.user)}
    return render(request, "labelling/assessor_dashboard.html", context)


ASSESSOR_PAGE_SIZE = 25
