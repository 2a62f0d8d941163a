"""The manager's self-assessment pages: list and create, fill one category, autosave, summary, submit.

Thin: each page finds its assessment through the visibility selector with the capability it needs
(``selectors.assessment_get``: 404 otherwise), a form parses, one service writes, and a refusal re-renders the
form with what was typed (``core.pages.submit``) or goes back with its message (``core.pages``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import can
from clusters.selectors import cluster_get
from core.exceptions import ConflictError, DomainError, InvalidTransition
from core.pages import REFUSED, json_refusals, refused_status, refused_to, submit
from indicators import values
from indicators.spec import guidance_from_source
from labelling import presenters, selectors
from labelling.answer_values import answer_declared, answer_needs_comment, answer_proposed, value_display
from labelling.forms.selfassessment import (
    AssessmentCreateForm,
    CategoryAnswersForm,
    EligibilityForm,
    SubmitForm,
    comment_field_name,
    value_field_name,
    version_field_name,
)
from labelling.models import Assessment
from labelling.selectors import assessment_get, assessment_progress
from labelling.services.answers import (
    answer_save,
    answers_save,
    assessment_create,
    assessment_eligibility_save,
    assessment_submit,
)
from labelling.services.answers import assessment_withdraw as assessment_withdraw_service
from labelling.services.steps import step_allowed, step_refusal

# --- lookups ------------------------------------------------------------------------------------


def manager_assessment_for(user, pk: int) -> Assessment:
    """The assessment if the user manages its cluster, else 404 (assessors and others never edit)."""
    return assessment_get(user=user, pk=pk, capability="assessment.manage")


def _frozen_words(refusal: DomainError | None) -> str:
    """Why the manager can no longer change the assessment, in words: the refusal's (a guard's reason: for Gold, the
    questionnaire frozen before the visit, with its date) or, by default, the submission."""
    if refusal is not None and refusal.message is not type(refusal).default_message:  # a guard's own words
        return str(refusal.message)
    return _("This assessment has been submitted: it can no longer be changed unless the assessor requests changes.")


def edit_refusal(assessment: Assessment) -> InvalidTransition | None:
    """Why the manager cannot change the assessment now, else ``None``: the step ``edit`` asked once. The manager's
    pages found the assessment with ``manager_assessment_for`` (they manage its cluster: the rest of
    ``assessment.edit``). Raised, ``core.pages`` takes it back to the page of the view's ``@refused_to`` (the
    summary) with its words; a page that stays shows them (``frozen_message``)."""
    refusal = step_refusal(assessment, "edit")
    if refusal is None:
        return None
    return InvalidTransition(_frozen_words(refusal))


def frozen_message(refusal: DomainError | None) -> str:
    """What a page says of an assessment the manager cannot change (``edit_refusal``), "" when they can."""
    return "" if refusal is None else str(refusal.message)


# --- list and create -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cluster_assessments(request: HttpRequest, cluster_pk: int) -> HttpResponse:
    posting = request.method == "POST"  # only a manager of the cluster creates one (404 otherwise)
    cluster = cluster_get(
        user=request.user, pk=cluster_pk, capability="assessment.create" if posting else "cluster.view"
    )
    may_create = posting or can(request.user, "assessment.create", cluster)
    initial = _renewal_initial(cluster, request.GET.get("renew", "")) if request.method == "GET" else {}
    form = AssessmentCreateForm(request.POST or None, cluster=cluster, initial=initial) if may_create else None
    if posting:
        assessment = submit(
            form,
            lambda data: assessment_create(
                user=request.user,
                cluster=cluster,
                reference_year=data["reference_year"],
                previous=data["previous"],
                legal_entity=data["legal_entity"],
                public_profile=data["public_profile"],
                applied_level=data["applied_level"] or None,
            ),
        )
        if assessment is not REFUSED:
            messages.success(request, _("The assessment has been created. Answer the indicators category by category."))
            return redirect("labelling:assessment_fill_first", pk=assessment.pk)
    assessments = presenters.with_status_flags(selectors.cluster_assessments_of(user=request.user, cluster=cluster))
    return render(
        request,
        "labelling/selfassessment/cluster_assessments.html",
        {"cluster": cluster, "assessments": assessments, "form": form, "may_create": may_create},
        status=400 if form is not None and form.errors else 200,
    )


def _renewal_initial(cluster, renew: str) -> dict:
    """``?renew=<assessment id>`` (the link of the expiry reminders): the form starts from that assessment,
    for the year after its reference year (at most the current year)."""
    if not renew.isdigit():
        return {}
    previous = selectors.renewal_source(cluster=cluster, pk=int(renew))
    if previous is None:
        return {}
    this_year = timezone.localdate().year
    year = min(max(previous.reference_year + 1, this_year - 1), this_year)
    return {"previous": previous.pk, "reference_year": year}


@login_required
@require_http_methods(["GET", "POST"])
def assessment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw (delete) a draft, after a confirmation page; a refusal goes back to the cluster's assessments."""
    assessment = manager_assessment_for(request.user, pk)
    back = reverse("labelling:cluster_assessments", kwargs={"cluster_pk": assessment.cluster_id})
    request.refused_to = back
    if not can(request.user, "assessment.withdraw", assessment):
        messages.error(request, _("Only a draft can be withdrawn; a submitted assessment follows its review."))
        return redirect(back)
    if request.method == "POST":
        assessment_withdraw_service(user=request.user, assessment=assessment)
        messages.success(
            request, _("The draft assessment for %(year)s has been withdrawn.") % {"year": assessment.reference_year}
        )
        return redirect(back)
    return render(
        request,
        "labelling/selfassessment/withdraw.html",
        {"assessment": assessment, "progress": assessment_progress(assessment=assessment)},
    )


# --- fill -----------------------------------------------------------------------------------------


@login_required
def assessment_fill_first(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = manager_assessment_for(request.user, pk)
    _categories, first = selectors.fill_categories(assessment=assessment)
    return redirect("labelling:assessment_fill", pk=assessment.pk, category_code=first.code)


def _show_current_value(form, assessment: Assessment, code: str) -> None:
    """After a conflict, the value someone else saved meanwhile, on the answer's field."""
    conflicted = selectors.answer_get(assessment=assessment, code=code)
    now = value_display(indicator=conflicted.indicator, value=answer_declared(conflicted)) or "—"
    form.add_error(
        value_field_name(code), _("Someone else saved this answer meanwhile; it is now: %(value)s.") % {"value": now}
    )


@login_required
@require_http_methods(["GET", "POST"])
@refused_to("labelling:assessment_summary", "pk")
def assessment_fill(request: HttpRequest, pk: int, category_code: str) -> HttpResponse:
    assessment = manager_assessment_for(request.user, pk)
    categories, category = selectors.fill_categories(assessment=assessment, code=category_code)
    refusal = edit_refusal(assessment)
    editable = refusal is None
    # with the proposals of the current records (the records may have changed since the assessment was created)
    answers = selectors.category_answers(user=request.user, assessment=assessment, category=category)
    status = 200
    if request.method == "POST":
        if refusal is not None:
            raise refusal  # back to the summary with why (@refused_to)
        data = request.POST.copy()
        use = data.get("use_proposal", "")
        target = next((a for a in answers if a.indicator.code == use), None)
        if target is not None and answer_proposed(target) is not None:
            proposed = answer_proposed(target)
            data[value_field_name(use)] = (
                proposed if target.indicator.value_type == "level" else values.input_number(proposed)
            )
        form = CategoryAnswersForm(data, answers=answers)
        changed = submit(
            form,
            lambda data: answers_save(
                user=request.user,
                assessment=assessment,
                answers=answers,
                values=form.parsed,
                comments={code: data.get(comment_field_name(code)) for code in form.parsed},
                versions={code: data.get(version_field_name(code)) for code in form.parsed},
            ),
            field_map=lambda exc: {"value": value_field_name(exc.code), "comment": comment_field_name(exc.code)},
            through=(InvalidTransition,),  # back to the summary with why (@refused_to)
        )
        if changed is not REFUSED:
            if changed:
                messages.success(request, _("Your answers have been saved."))
            nxt = request.POST.get("next_category", "")
            code = nxt if any(c.code == nxt for c in categories) else category.code
            url = reverse("labelling:assessment_fill", args=[assessment.pk, code])
            if target is not None:
                url += f"#answer-{target.indicator.code}"
            return redirect(url)
        if isinstance(form.refusal, ConflictError):
            _show_current_value(form, assessment, form.refusal.code)
        status = refused_status(form)
    else:
        form = CategoryAnswersForm(answers=answers, editable=editable)
    index = categories.index(category)
    return render(
        request,
        "labelling/selfassessment/fill.html",
        {
            "assessment": assessment,
            "category": category,
            "categories": categories,
            "previous_category": categories[index - 1] if index > 0 else None,
            "next_category": categories[index + 1] if index + 1 < len(categories) else None,
            "form": form,
            "rows": presenters.fill_rows(
                assessment,
                answers,
                form,
                selectors.previous_answers(user=request.user, assessment=assessment),
                guidance_from_source(assessment.framework.source),
            ),
            "editable": editable,
            "frozen_message": frozen_message(refusal),
            "status": presenters.status_flags(assessment),
            "progress": assessment_progress(assessment=assessment),
        },
        status=status,
    )


@login_required
@require_POST
@json_refusals  # a refusal answers JSON for the page's script (core.pages)
def assessment_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """Save one answer (value and comment) for the page's script; answers JSON, never a page."""
    assessment = manager_assessment_for(request.user, pk)
    code = request.POST.get("code", "")
    answer = selectors.answer_get(assessment=assessment, code=code)  # NotFound: "Unknown indicator."
    version = request.POST.get("version", "")
    try:
        expected = int(version)
    except ValueError:
        raise DomainError(_("The page is out of date: reload it.")) from None
    saved = answer_save(
        user=request.user,
        answer=answer,
        value=request.POST.get("value", ""),
        comment=request.POST.get("comment", ""),
        expected_version=expected,
    )
    progress = assessment_progress(assessment=assessment)
    return JsonResponse(
        {
            "ok": True,
            "code": code,
            "version": saved.version,
            "message": _("Saved"),
            "warning": _("The value differs from the one proposed from your records: explain why in a comment.")
            if answer_needs_comment(saved)
            else "",
            "progress": progress,
            "progress_text": _("%(answered)s / %(total)s indicators")
            % {"answered": progress["answered"], "total": progress["total"]},
        }
    )


# --- summary and submission ---------------------------------------------------------------------


@login_required
def assessment_summary(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = manager_assessment_for(request.user, pk)
    return _render_summary(request, assessment)


def _render_summary(request, assessment, *, eligibility_form=None, submit_errors=None, status=200):
    facts = selectors.summary_facts(user=request.user, assessment=assessment)
    missing_items = selectors.assessment_missing_items(assessment=assessment) if submit_errors else ()
    context = presenters.summary_context(assessment, facts, missing_items)
    level_open = step_allowed(assessment, "choose_level")
    if eligibility_form is None:
        eligibility_form = EligibilityForm(
            initial={
                "applied_level": assessment.applied_level,
                "legal_entity": assessment.legal_entity,
                "public_profile": assessment.public_profile,
                "version": assessment.version,
            },
            level_open=level_open,
        )
    refusal = edit_refusal(assessment)
    context.update(
        {
            "editable": refusal is None,
            "frozen_message": frozen_message(refusal),
            "may_submit": can(request.user, "assessment.submit", assessment),
            "eligibility_form": eligibility_form,
            "submit_form": SubmitForm(initial={"version": assessment.version}, auto_id="submit_%s"),
            "submit_errors": submit_errors,
            "path": presenters.level_path_for(facts.level_path),
        }
    )
    return render(request, "labelling/selfassessment/summary.html", context, status=status)


@login_required
@require_POST
@refused_to("labelling:assessment_summary", "pk")
def assessment_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = manager_assessment_for(request.user, pk)
    refusal = edit_refusal(assessment)
    if refusal is not None:
        raise refusal  # back to the summary with why (@refused_to)
    form = EligibilityForm(request.POST, level_open=step_allowed(assessment, "choose_level"))
    saved = submit(
        form,
        lambda data: assessment_eligibility_save(
            user=request.user,
            assessment=assessment,
            legal_entity=data["legal_entity"],
            public_profile=data["public_profile"],
            applied_level=data["applied_level"] or None,
            expected_version=data["version"],
        ),
        through=(InvalidTransition,),  # back to the summary with why (@refused_to)
    )
    if saved is not REFUSED:
        messages.success(request, _("The eligibility criteria have been saved."))
        return redirect("labelling:assessment_summary", pk=assessment.pk)
    assessment.refresh_from_db()
    return _render_summary(request, assessment, eligibility_form=form, status=400)


@login_required
@require_POST
@refused_to("labelling:assessment_summary", "pk")
def assessment_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = manager_assessment_for(request.user, pk)
    if not can(request.user, "assessment.submit", assessment):  # back to the summary with why (@refused_to)
        raise InvalidTransition(_frozen_words(step_refusal(assessment, "edit")))
    form = SubmitForm(request.POST)
    if not form.is_valid():  # no version (or not a number): the lock cannot be checked, so nothing is submitted
        return _render_summary(
            request, assessment, submit_errors=[_("The page is out of date: reload it.")], status=409
        )
    submitted = submit(
        form,
        lambda data: assessment_submit(user=request.user, assessment=assessment, expected_version=data["version"]),
        whole=True,  # the missing answers are listed under the message
        through=(InvalidTransition,),  # back to the summary with why (@refused_to)
    )
    if submitted is REFUSED:
        if isinstance(form.refusal, ConflictError):
            assessment.refresh_from_db()
        errors = [str(error) for error in form.non_field_errors()]
        return _render_summary(request, assessment, submit_errors=errors, status=refused_status(form))
    messages.success(request, _("The assessment has been submitted. An assessor will review it."))
    return redirect("labelling:assessment_summary", pk=assessment.pk)
