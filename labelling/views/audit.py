"""The audit trail as pages: an assessment's trail (its managers, administrators), every event (administrators),
and the CSV export. Each event reads as a sentence in the reader's language (``audit_sentences``), paginated and
filterable by kind of event, person and date."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.permissions import require
from accounts.selectors import people_names
from audit import selectors as audit_selectors
from core.csv_dialect import spreadsheet_delimiter
from core.forms import Form
from core.pagination import page_of
from labelling import selectors
from labelling.audit_export import audit_csv_lines
from labelling.audit_sentences import ACTION_GROUPS, audit_rows, names_needed
from labelling.selectors import framework_specs_of


class AuditFilterForm(Form):
    kind = forms.ChoiceField(label=_("Kind of event"), required=False)
    who = forms.CharField(label=_("Who (name or user name)"), required=False, max_length=150)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("Cluster"), required=False, max_length=100)

    def __init__(self, *args, with_cluster: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *((key, label) for key, label in ACTION_GROUPS.items())]
        if not with_cluster:
            del self.fields["q"]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("since", _("This date is after the end date: choose a start date on or before it."))
        return data

    def filters(self) -> audit_selectors.AuditFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return audit_selectors.AuditFilters(
            kind=data.get("kind") or "",
            who=(data.get("who") or "").strip(),
            since=data.get("since"),
            until=data.get("until"),
            q=(data.get("q") or "").strip(),
        )


def _rows(page) -> list[dict]:
    events = list(page)
    specs = framework_specs_of(assessment_ids={event.assessment_id for event in events})
    return audit_rows(events, specs, people_names(usernames=names_needed(events)))


@login_required
@require_GET
def assessment_audit(request, pk: int):
    """One assessment's trail: its cluster's managers and administrators (404 for anybody else)."""
    assessment = selectors.assessment_get(user=request.user, pk=pk, capability="assessment.audit")
    form = AuditFilterForm(request.GET or None)
    events = audit_selectors.audit_events(user=request.user, assessment=assessment, filters=form.filters())
    page = page_of(request, events)
    context = {"assessment": assessment, "form": form, "page": page, "rows": _rows(page)}
    return render(request, "labelling/audit_trail.html", context)


@login_required
@require_GET
def audit_all(request):
    """Every event (administrators), filterable by cluster too, and exportable as CSV."""
    require(request.user, "audit.view_all")
    form = AuditFilterForm(request.GET or None, with_cluster=True)
    events = audit_selectors.audit_events(user=request.user, filters=form.filters())
    page = page_of(request, events)
    context = {"form": form, "page": page, "rows": _rows(page)}
    return render(request, "labelling/audit_all.html", context)


@login_required
@require_GET
def audit_export(request):
    """The filtered trail as CSV, streamed (administrators)."""
    require(request.user, "audit.view_all")
    form = AuditFilterForm(request.GET or None, with_cluster=True)
    events = audit_selectors.audit_events(user=request.user, filters=form.filters())
    response = StreamingHttpResponse(
        audit_csv_lines(events, delimiter=spreadsheet_delimiter()), content_type="text/csv; charset=utf-8"
    )
    filename = f"grappe-audit-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
