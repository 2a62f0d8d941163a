"""The public registry of labels, certificate verification, and the administrators' export."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.permissions import can
from clusters.models import Cluster
from core.throttles import public_page
from labelling import selectors
from labelling.exporters import csv_lines, registry_rows
from labelling.forms_workflow import RegistryFilterForm, VerifyForm


def _querystring(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@public_page
def registry(request):
    form = RegistryFilterForm(request.GET or None, choices=selectors.registry_choices())
    labels = selectors.registry_labels(filters=form.filters())
    page = Paginator(labels, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "querystring": _querystring(request),
        "can_export": can(request.user, "registry.export"),
        "today": timezone.localdate(),
    }
    return render(request, "labelling/registry.html", context)


@require_GET
@public_page
def registry_cluster(request, pk: int):
    """A cluster's label history (public: only clusters that hold or held a label and stay in the registry)."""
    cluster = get_object_or_404(Cluster, pk=pk, public_profile=True)
    history = list(selectors.cluster_label_history(cluster=cluster))
    if not history:
        raise Http404
    rows = [{"label": label, "validity": selectors.label_validity(label=label)} for label in history]
    return render(request, "labelling/registry_cluster.html", {"cluster": cluster, "rows": rows})


@require_GET
@public_page
def verify(request):
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        label = selectors.label_by_number(number=form.cleaned_data["number"])
        if label is not None:
            return redirect("labelling:certificate", number=label.certificate_number)
        form.add_error("number", _("No certificate has this number. Check it against the certificate."))
    return render(request, "labelling/verify.html", {"form": form})


@require_GET
@public_page
def certificate(request, number: str):
    label = selectors.label_by_number(number=number)
    if label is None:
        raise Http404
    context = {
        "label": label,
        # A cluster that is not (or no longer) listed is not identified: see README, "Privacy".
        "cluster": label.cluster if label.cluster.public_profile else None,
        "validity": selectors.label_validity(label=label),
        "verify_url": selectors.verification_url(label),
        "badge": selectors.badge_for(label=label),
        "signer": selectors.signer_facts(),
        "labelling_body": settings.LABELLING_BODY,
    }
    return render(request, "labelling/certificate.html", context)


BADGE_MAX_AGE = 60 * 60  # an hour: a revocation shows on the cluster's site within the hour


@public_page
@require_GET
def certificate_badge(request, number: str):
    """An SVG badge of the label for the cluster's own website: level and "valid until", grey once it no
    longer holds. Public, cached an hour by browsers and proxies, in the visitor's language."""
    label = selectors.label_by_number(number=number)
    if label is None:
        raise Http404
    svg = render_to_string("labelling/badge.svg", {"badge": selectors.badge_for(label=label)})
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    patch_cache_control(response, public=True, max_age=BADGE_MAX_AGE)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Last-Modified"] = http_date(label.updated_at.timestamp())
    return response


@require_GET
def registry_export(request):
    """The registry as CSV, streamed (administrators; filters as on the registry page plus status)."""
    if not can(request.user, "registry.export"):
        raise Http404
    form = RegistryFilterForm(request.GET or None, choices=None, with_status=True)
    filters = form.filters()  # no status asked: every label (active, expired, revoked)
    rows = registry_rows(selectors.registry_labels(filters=filters))
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    filename = f"grappe-registry-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
