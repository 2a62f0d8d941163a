"""Pages of a cluster's records for its managers (and administrators). Thin: forms check, services write."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import can
from clusters import selectors, services
from clusters.forms import ClusterForm, FinancingYearForm, MemberFilter, MemberForm, MemberImportForm, TeamYearForm
from clusters.importers import column_guide, member_template
from clusters.models import FinancingYear, TeamYear
from core.pages import REFUSED, submit
from core.pagination import page_of
from indicators.proposals import percentage

MEMBERS_PER_PAGE = 50


def assessments_url(cluster_pk: int) -> str:
    """The self-assessment list of a cluster (its url belongs to labelling and may not exist yet)."""
    try:
        return reverse("labelling:cluster_assessments", kwargs={"cluster_pk": cluster_pk})
    except NoReverseMatch:
        return f"/clusters/{cluster_pk}/assessments/"


def _context(cluster, section: str, **extra) -> dict:
    return {"cluster": cluster, "section": section, "assessments_url": assessments_url(cluster.pk), **extra}


# --- dashboard and profile ---------------------------------------------------------------------------


CLUSTERS_PER_PAGE = 50


@login_required
def dashboard(request):
    page = page_of(request, selectors.clusters_for(user=request.user), CLUSTERS_PER_PAGE)
    for cluster in page:
        cluster.assessments_url = assessments_url(cluster.pk)
    return render(request, "clusters/dashboard.html", {"clusters": page.object_list, "page": page})


@login_required
def profile(request, pk: int):
    cluster = selectors.cluster_get(user=request.user, pk=pk)
    reference_year = timezone.localdate().year - 1
    proposals = selectors.proposal_rows(cluster=cluster, reference_year=reference_year)
    return render(
        request,
        "clusters/profile.html",
        _context(
            cluster,
            "profile",
            counts=selectors.member_counts(cluster=cluster),
            reference_year=reference_year,
            proposals=proposals,  # in the framework's order
        ),
    )


@login_required
def profile_edit(request, pk: int):
    cluster = selectors.cluster_get(user=request.user, pk=pk, capability="cluster.edit")
    # The form works on its own copy: a model form changes its instance while it validates.
    form = ClusterForm(request.POST or None, request.FILES or None, instance=copy.copy(cluster))
    if request.method == "POST":
        saved = submit(
            form,
            lambda data: services.cluster_update(
                user=request.user,
                cluster=cluster,
                data=form.data_for_service(),
                expected_version=data["version"],
                logo=data.get("logo") or None,
                remove_logo=data.get("logo") is False,
            ),
        )
        if saved is not REFUSED:
            messages.success(request, _("The profile has been saved."))
            return redirect("clusters:profile", pk=pk)
    return render(request, "clusters/profile_form.html", _context(cluster, "profile", form=form))


# --- members -----------------------------------------------------------------------------------------


@login_required
def members(request, pk: int):
    cluster = selectors.cluster_get(user=request.user, pk=pk)
    member_filter = MemberFilter(request.GET or None, queryset=selectors.members_of(cluster=cluster))
    queryset = member_filter.qs if member_filter.is_bound else selectors.members_of(cluster=cluster)
    page = page_of(request, queryset, MEMBERS_PER_PAGE)
    return render(
        request,
        "clusters/members.html",
        _context(
            cluster,
            "members",
            filter=member_filter,
            page=page,
            counts=selectors.member_counts(cluster=cluster),
            can_edit=can(request.user, "cluster.edit", cluster),
        ),
    )


@login_required
def member_add(request, pk: int):
    cluster = selectors.cluster_get(user=request.user, pk=pk, capability="cluster.edit")
    form = MemberForm(request.POST or None, cluster=cluster)
    if request.method == "POST":
        saved = submit(
            form, lambda _data: services.member_create(user=request.user, cluster=cluster, data=form.data_for_service())
        )
        if saved is not REFUSED:
            messages.success(request, _("%(name)s has been added.") % {"name": saved.name})
            return redirect("clusters:members", pk=pk)
    return render(request, "clusters/member_form.html", _context(cluster, "members", form=form, member=None))


@login_required
def member_edit(request, pk: int, member_pk: int):
    cluster = selectors.cluster_get(user=request.user, pk=pk, capability="cluster.edit")
    member = selectors.member_get(cluster=cluster, pk=member_pk)
    form = MemberForm(request.POST or None, instance=copy.copy(member), cluster=cluster)
    if request.method == "POST":
        saved = submit(
            form,
            lambda data: services.member_update(
                user=request.user, member=member, data=form.data_for_service(), expected_version=data["version"]
            ),
        )
        if saved is not REFUSED:
            messages.success(request, _("%(name)s has been saved.") % {"name": saved.name})
            return redirect("clusters:members", pk=pk)
    return render(request, "clusters/member_form.html", _context(cluster, "members", form=form, member=member))


@login_required
@require_POST
def member_set_active(request, pk: int, member_pk: int):
    cluster = selectors.cluster_get(user=request.user, pk=pk, capability="cluster.edit")
    member = selectors.member_get(cluster=cluster, pk=member_pk)
    active = request.POST.get("active") == "1"
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    next_url = request.POST.get("next", "")
    if not next_url.startswith(reverse("clusters:members", kwargs={"pk": pk})):
        next_url = reverse("clusters:members", kwargs={"pk": pk})
    request.refused_to = next_url  # a refusal goes back there with its message (core.pages)
    services.member_set_active(user=request.user, member=member, active=active, expected_version=version)
    if active:
        messages.success(request, _("%(name)s is active again.") % {"name": member.name})
    else:
        messages.success(request, _("%(name)s has been deactivated.") % {"name": member.name})
    return redirect(next_url)


# --- import ------------------------------------------------------------------------------------------


@login_required
def member_import(request, pk: int):
    cluster = selectors.cluster_get(user=request.user, pk=pk, capability="cluster.edit")
    problems, result, filename = None, None, ""
    if request.method == "POST":
        form = MemberImportForm(request.POST, request.FILES)
        filename = getattr(form.files.get("file"), "name", "")
        result = submit(
            form,
            lambda data: services.members_import(user=request.user, cluster=cluster, rows=form.rows, source=filename),
        )
        if result is REFUSED:  # the file's problems, or the service's refusal
            problems, result = [*form.errors.get("file", ()), *form.non_field_errors()], None
    status = 400 if problems else 200
    return render(
        request,
        "clusters/member_import.html",
        _context(
            cluster,
            "members",
            problems=problems,
            result=result,
            filename=filename,
            columns=column_guide(translation.get_language() or "fr"),
        ),
        status=status,
    )


@login_required
def member_import_template(request, pk: int, fmt: str):
    selectors.cluster_get(user=request.user, pk=pk, capability="cluster.edit")
    language = translation.get_language() or "fr"
    basename = _("members") if language.startswith("fr") else "members"
    content, content_type = member_template(fmt, language)  # NotFound for another format
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{basename}.{fmt}"'
    return response


# --- team and governance, financing ---------------------------------------------------------------------


@login_required
def team(request, pk: int):
    cluster = selectors.cluster_get(user=request.user, pk=pk)
    years = selectors.team_years(cluster=cluster)
    return render(request, "clusters/team.html", _context(cluster, "team", years=years))


def _year_form_view(request, pk: int, year: int | None, *, model, form_class, save, section: str, template: str):
    cluster = selectors.cluster_get(user=request.user, pk=pk, capability="cluster.edit")
    instance = None if year is None else selectors.year_get(cluster=cluster, model=model, year=year)
    initial = {} if instance else {"year": timezone.localdate().year - 1}
    form = form_class(request.POST or None, instance=instance, cluster=cluster, initial=initial)
    if request.method == "POST":
        saved = submit(
            form,
            lambda cleaned: save(
                user=request.user,
                cluster=cluster,
                year=instance.year if instance else cleaned["year"],
                data={k: v for k, v in form.data_for_service().items() if k != "year"},
                expected_version=cleaned["version"] if instance else None,
            ),
        )
        if saved is not REFUSED:
            messages.success(request, _("The facts of %(year)s have been saved.") % {"year": saved.year})
            return redirect(f"clusters:{section}", pk=pk)
    return render(request, template, _context(cluster, section, form=form, year=year))


@login_required
def team_add(request, pk: int):
    return _year_form_view(
        request,
        pk,
        None,
        model=TeamYear,
        form_class=TeamYearForm,
        save=services.team_year_save,
        section="team",
        template="clusters/team_form.html",
    )


@login_required
def team_edit(request, pk: int, year: int):
    return _year_form_view(
        request,
        pk,
        year,
        model=TeamYear,
        form_class=TeamYearForm,
        save=services.team_year_save,
        section="team",
        template="clusters/team_form.html",
    )


@login_required
def financing(request, pk: int):
    cluster = selectors.cluster_get(user=request.user, pk=pk)
    years = list(selectors.financing_years(cluster=cluster))
    for row in years:
        total = row.total
        row.private_share = percentage(row.private_total, total) if total > 0 else None
    return render(request, "clusters/financing.html", _context(cluster, "financing", years=years))


@login_required
def financing_add(request, pk: int):
    return _year_form_view(
        request,
        pk,
        None,
        model=FinancingYear,
        form_class=FinancingYearForm,
        save=services.financing_year_save,
        section="financing",
        template="clusters/financing_form.html",
    )


@login_required
def financing_edit(request, pk: int, year: int):
    return _year_form_view(
        request,
        pk,
        year,
        model=FinancingYear,
        form_class=FinancingYearForm,
        save=services.financing_year_save,
        section="financing",
        template="clusters/financing_form.html",
    )
