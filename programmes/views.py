"""The funders' pages: the programmes an officer follows, the clusters they enrol, what the officer may see of
each (its profile, labels and the programme's figures; never drafts, evidence, comments or members' lists).
Thin: selectors read, services write, domain errors go on the forms."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.pagination import page_of
from programmes import selectors

PER_PAGE = 50


def _year(request, programme) -> int:
    """The year asked for (``?year=``), else the last year of the programme that has ended, else its first."""
    years = programme.years
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    if year in years:
        return year
    last_ended = timezone.localdate().year - 1
    return last_ended if last_ended in years else (years[-1] if last_ended > years[-1] else years[0])


@require_GET
@login_required
def programme_list(request):
    page = page_of(request, selectors.programmes_for(user=request.user), PER_PAGE)
    return render(request, "programmes/list.html", {"programmes": page.object_list, "page": page})


@require_GET
@login_required
def programme_detail(request, pk: int):
    programme = selectors.programme_get(user=request.user, pk=pk)
    spec = selectors.set_of(programme)
    page = page_of(request, selectors.enrolments_of(programme=programme), PER_PAGE)
    return render(
        request,
        "programmes/detail.html",
        {"programme": programme, "spec": spec, "enrolments": page.object_list, "page": page},
    )


@require_GET
@login_required
def programme_cluster(request, pk: int, cluster_pk: int):
    enrolment = selectors.enrolment_get(user=request.user, programme_pk=pk, cluster_pk=cluster_pk)
    programme = enrolment.programme
    spec = selectors.set_of(programme)
    year = _year(request, programme)
    return render(
        request,
        "programmes/cluster.html",
        {
            "programme": programme,
            "enrolment": enrolment,
            "cluster": enrolment.cluster,
            "year": year,
            "years": programme.years,
            "figures": selectors.computed_figures(enrolment=enrolment, spec=spec, year=year),
            "labels": selectors.label_rows(cluster=enrolment.cluster),
            "reports": selectors.reports_of(enrolment=enrolment),
        },
    )
