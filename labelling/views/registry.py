"""The public registry of labels, certificate verification, and the administrators' export."""

from __future__ import annotations

import html
from functools import cache, lru_cache

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import dateformat, formats, timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from accounts.permissions import can, require
from clusters.models import ClusterKind
from core.csv_dialect import spreadsheet_delimiter
from core.pagination import page_of
from core.places import place_label
from core.public_cache import public_cache
from core.throttles import public_lookup, public_page
from labelling import exporters, opendata, presenters, selectors
from labelling.forms.workflow import RegistryFilterForm, VerifyForm
from labelling.models import Level, certificate_number_example


@lru_cache(maxsize=16)
def _url_prefix(name: str, script_prefix: str) -> str:
    """The address of a route with one trailing argument, without that argument (joined per row); reversed once
    per process and script prefix."""
    return reverse(name, args=["0"])[: -len("0/")]


# What a row shows that depends on the language only (the names of the kinds, levels and places, the dates),
# computed and escaped once per language in each process, not on every page.
@lru_cache(maxsize=8)
def _names(language: str | None) -> tuple[dict[str, str], dict[str, str]]:
    escape = html.escape
    return (
        {code: escape(str(name)) for code, name in ClusterKind.choices},
        {code: escape(str(name)) for code, name in Level.choices},
    )


@lru_cache(maxsize=2048)
def _place(language: str | None, country: str, region: str) -> str:
    return html.escape(place_label(country, region))


@lru_cache(maxsize=4096)
def _date_text(language: str | None, day) -> str:
    return dateformat.format(day, formats.get_format("SHORT_DATE_FORMAT"))


@lru_cache(maxsize=4096)
def _date(language: str | None, day) -> str:
    return html.escape(_date_text(language, day))


# One row of the registry's table. The 50 rows of a page are built here, each value escaped once, rather than by
# ~15 template nodes each (a quarter of the page's time); the labels of the kinds and levels, the places and the
# dates are translated and escaped once per language in each process (above), not once per row or page.
ROW_HTML = (
    '<tr><th scope="row"><a href="{}">{}</a>{}</th><td>{}</td><td>{}</td><td>{}</td>'
    '<td><span class="badge {}">{}</span></td><td>{}{}</td><td><a href="{}">{}</a></td></tr>'
)
# A label granted with conditions says so beside its last valid day (the conditions themselves are not public).
CONDITIONS_HTML = '<br><small class="conditions">{}</small>'


def _registry_rows(labels) -> list[dict]:
    """The page's rows, each as its table row (``html``, every value escaped): the template computes nothing per
    row."""
    escape = html.escape  # what django.utils.html.escape does to a str, without its lazy and safe-string wrapping
    script_prefix = get_script_prefix()
    cluster_url = _url_prefix("labelling:registry_cluster", script_prefix)
    certificate_url = _url_prefix("labelling:certificate", script_prefix)
    language = get_language()
    kinds, levels = _names(language)
    rows = []
    for label in labels:  # dicts of selectors.REGISTRY_PAGE_COLUMNS
        name, acronym, kind, level = (
            label["cluster__name"],
            label["cluster__acronym"],
            label["cluster__kind"],
            label["level"],
        )
        number = escape(label["certificate_number"])
        row = ROW_HTML.format(
            f"{cluster_url}{label['cluster_id']}/",
            escape(name),
            f" ({escape(acronym)})" if acronym and acronym != name else "",
            kinds.get(kind) or escape(kind),
            _place(language, label["cluster__country"], label["cluster__region"]),
            escape(", ".join(str(s) for s in label["cluster__sectors"] or [])),
            escape(level),
            levels.get(level) or escape(level),
            _date(language, label["expires_on"]),
            CONDITIONS_HTML.format(
                escape(_("with conditions until %(date)s") % {"date": _date_text(language, label["conditions_until"])})
            )
            if label["conditions_until"]
            else "",
            f"{certificate_url}{number}/",
            number,
        )
        rows.append({"html": mark_safe(row)})  # noqa: S308 - every value above is escaped
    return rows


@cache
def _unfiltered() -> selectors.RegistryFilters:
    """The filters of a page that asks for none (its form would find every field empty)."""
    return RegistryFilterForm(choices=None).filters()


@cache
def _unfiltered_count_key() -> str:
    return selectors.registry_count_key(_unfiltered())


def _registry_prefetch(request) -> list[str]:
    """What a rendered registry page reads from the cache, read with the public cache's lookup (one round trip):
    the filter choices, and the count when the page has no filter."""
    if request.GET.keys().isdisjoint(RegistryFilterForm.base_fields):
        return [selectors.REGISTRY_CHOICES_KEY, _unfiltered_count_key()]
    return [selectors.REGISTRY_CHOICES_KEY]


# The filter form's HTML by language, offered choices and submitted values (a third of a rendered page's template
# work, the same on every page of the registry between two changes of its choices); bounded, emptied when full.
_FORM_HTML: dict[tuple, str] = {}
_FORM_HTML_MAX = 256


def _form_html(request, form: RegistryFilterForm, choices: dict[str, list[str]], *, filtered: bool) -> str:
    """``filtered``: the request gives a value to one of the form's fields (else the form is not even built when its
    HTML is kept)."""
    if filtered and form.errors:  # a refused value is shown with its message: rendered each time
        return render_to_string("includes/form.html", {"form": form})
    fields = RegistryFilterForm.base_fields  # the form's fields, in their order
    submitted = tuple((name, tuple(request.GET.getlist(name))) for name in fields) if request.GET else ()
    key = (get_language(), tuple((name, tuple(values)) for name, values in choices.items()), submitted)
    rendered = _FORM_HTML.get(key)
    if rendered is None:
        if len(_FORM_HTML) >= _FORM_HTML_MAX:
            _FORM_HTML.clear()
        rendered = _FORM_HTML[key] = render_to_string("includes/form.html", {"form": form})
    return rendered


# A browser asks again each time it shows a verification (a 304 when nothing changed: a revoked label is never shown
# valid from a visitor's own cache); a CDN may keep it five minutes.
VERIFICATION_SHARED_MAX_AGE = 5 * 60


@public_cache(max_age=60, prefetch=_registry_prefetch)
@require_safe
@public_page
def registry(request):
    choices = selectors.registry_choices()
    filtered = not request.GET.keys().isdisjoint(RegistryFilterForm.base_fields)
    if filtered:
        form = RegistryFilterForm(request.GET or None, choices=choices)
        filters = form.filters()
    else:  # no filter: the form is built only if its HTML must be rendered (or a test reads it)
        form = SimpleLazyObject(lambda: RegistryFilterForm(request.GET or None, choices=choices))
        filters = _unfiltered()
    page = page_of(
        request,
        selectors.RegistryPageRows(filters),
        count=lambda: selectors.registry_count(filters=filters),
    )
    rows = _registry_rows(page)
    context = {
        "form": form,
        "form_html": _form_html(request, form, choices, filtered=filtered),
        "page": page,
        "rows": rows,
        # One string rather than a template loop over 50 rows (the same bytes as ``{% for %}`` wrote them).
        "rows_html": mark_safe("\n        \n          ".join(row["html"] for row in rows)),  # noqa: S308 - escaped rows
        "can_export": can(request.user, "registry.export"),
        "today": timezone.localdate(),
    }
    return render(request, "labelling/registry.html", context)


@public_cache(max_age=60)
@require_safe
@public_page
def registry_cluster(request, pk: int):
    """A cluster's label history (public: only clusters that hold or held a label and stay in the registry)."""
    cluster, history = selectors.public_cluster_history(pk=pk)
    rows = [{"label": label, "validity": selectors.label_validity(label=label)} for label in history]
    return render(request, "labelling/registry_cluster.html", {"cluster": cluster, "rows": rows})


@public_cache(max_age=0, s_maxage=VERIFICATION_SHARED_MAX_AGE, daily=True)
@require_safe
@public_page
def verify(request):
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        label = selectors.label_by_number(number=form.cleaned_data["number"])
        if label is not None:
            return redirect("labelling:certificate", number=label.certificate_number)
        form.add_error(
            "number",
            _("No certificate has this number. Check it against the certificate: it reads like %(example)s.")
            % {"example": certificate_number_example(timezone.localdate().year)},
        )
    return render(request, "labelling/verify.html", {"form": form})


@public_cache(max_age=0, s_maxage=VERIFICATION_SHARED_MAX_AGE, daily=True)
@require_safe
@public_lookup
def certificate(request, number: str):
    label = selectors.certificate_get(number=number)
    validity = selectors.label_validity(label=label)
    verify_url = selectors.verification_url(label)
    json_ld = opendata.certificate_json_ld(label=label, verify_url=verify_url, valid=validity["valid"])
    context = {
        "label": label,
        # A cluster that is not (or no longer) listed is not identified: see docs/operations/security.md, "Privacy".
        "cluster": label.cluster if label.cluster.public_profile else None,
        "validity": validity,
        "verify_url": verify_url,
        "badge": presenters.badge_for(label=label),
        "signer": selectors.signer_facts(),
        "labelling_body": settings.LABELLING_BODY,
        "json_ld": opendata.json_ld_script_body(json_ld) if json_ld else "",
    }
    return render(request, "labelling/certificate.html", context)


# The badge is fetched on each page view of the cluster's site: a browser keeps it five minutes, a CDN an hour, so a
# revocation shows there within the hour (at once without a CDN, once the visitor's five minutes are over).
BADGE_MAX_AGE = 5 * 60
BADGE_SHARED_MAX_AGE = 60 * 60


@public_cache(max_age=BADGE_MAX_AGE, s_maxage=BADGE_SHARED_MAX_AGE, daily=True)
@public_page
@require_safe
def certificate_badge(request, number: str):
    """An SVG badge of the label for the cluster's own website: level and "valid until" (or "valid, with conditions
    until" the review date of a label granted with conditions), grey once it no
    longer holds. Public, cached an hour by browsers and proxies, in the visitor's language."""
    label = selectors.certificate_get(number=number)
    svg = render_to_string("labelling/badge.svg", {"badge": presenters.badge_for(label=label)})
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
def registry_export(request, fmt: str = "csv"):
    """The registry as CSV, JSON or XLSX (administrators; filters as on the registry page plus status),
    streamed, with the readable labels in the user's language beside the codes. ``fmt`` is one of
    ``EXPORT_TYPES``, set by the URLconf."""
    require(request.user, "registry.export")
    form = RegistryFilterForm(request.GET or None, choices=None, with_status=True)
    filters = form.filters()  # no status asked: every label (active, expired, revoked)
    # Everything that depends on the language is computed now, while the user's language is active.
    titles = exporters.headers()
    labels, names = selectors.registry_filtered(filters=filters), exporters.readable_labels()
    filename = f"grappe-registry-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "xlsx":
        xlsx = exporters.xlsx_file(exporters.registry_tuples(labels, labels_for=names), titles=titles)
        response = FileResponse(xlsx.file, as_attachment=True, filename=filename, content_type=EXPORT_TYPES[fmt])
    else:
        if fmt == "csv":
            # A person opens it in a spreadsheet: the reader's separator, as the member-import template.
            body = exporters.csv_lines(
                exporters.registry_tuples(labels, labels_for=names), titles=titles, delimiter=spreadsheet_delimiter()
            )
        else:
            body = exporters.json_chunks(exporters.registry_rows(labels, labels_for=names))
        response = StreamingHttpResponse(body, content_type=EXPORT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- open data --------------------------------------------------------------------------------------


@public_cache(max_age=3600)
@require_safe
@public_page
def open_data(request):
    """What the open data holds, its licence and the dictionary of its columns."""
    return render(
        request,
        "labelling/open_data.html",
        {"columns": opendata.COLUMNS, "licence_url": opendata.LICENCE["url"], "format": opendata.FORMAT},
    )


@public_cache(max_age=3600)
@require_safe
@public_page
def open_data_file(request, fmt: str):
    """The open data as CSV or JSON (``fmt``, set by the URLconf)."""
    body = opendata.csv_lines() if fmt == "csv" else opendata.json_chunks()
    response = StreamingHttpResponse(body, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="grappe-labels.{fmt}"'
    response["Link"] = '<{}>; rel="license"'.format(opendata.LICENCE["url"])
    response["Access-Control-Allow-Origin"] = "*"
    return response
