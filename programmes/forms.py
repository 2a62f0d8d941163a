"""The funders' forms: they parse what people typed (French number entry as everywhere) and never decide a rule
(the services do)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import Form, NumberField, YearField
from programmes.indicator_sets import IndicatorSet

YES_NO = [("", "—"), ("1", _("yes")), ("0", _("no"))]


def _value_field(indicator, *, required: bool = False) -> forms.Field:
    label = indicator.label()
    if indicator.kind == "yesno":
        return forms.TypedChoiceField(label=label, choices=YES_NO, coerce=Decimal, empty_value=None, required=required)
    unit = indicator.unit_label()
    return NumberField(label=f"{label} ({unit})" if unit else label, required=required)


class VersionForm(Form):
    """A step that only carries the version the user loaded (submit, approve)."""

    version = NumberField(whole=True, widget=forms.HiddenInput)


class StartReportForm(Form):
    year = YearField(label=_("Year"), min_value=1990, max_value=2100)


class ReportForm(VersionForm):
    """One value field per indicator of the set, and a comment (required by the service when a computed figure is
    changed)."""

    def __init__(self, *args, spec: IndicatorSet, rows: dict, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        for code, row in rows.items():
            initial.setdefault(
                f"value_{code}",
                None
                if row.value is None
                else (
                    str(int(row.value)) if spec.indicator(code) and spec.indicator(code).kind == "yesno" else row.value
                ),
            )
            initial.setdefault(f"comment_{code}", row.comment)
        super().__init__(*args, initial=initial, **kwargs)
        self.spec = spec
        for indicator in spec.indicators:
            self.fields[f"value_{indicator.code}"] = _value_field(indicator)
            self.fields[f"comment_{indicator.code}"] = forms.CharField(
                label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def entries(self) -> dict:
        return {
            indicator.code: {
                "value": self.cleaned_data.get(f"value_{indicator.code}"),
                "comment": self.cleaned_data.get(f"comment_{indicator.code}", ""),
            }
            for indicator in self.spec.indicators
        }


class ReturnForm(VersionForm):
    """The officer's comments, one per indicator they name."""

    def __init__(self, *args, spec: IndicatorSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        for indicator in spec.indicators:
            self.fields[f"comment_{indicator.code}"] = forms.CharField(
                label=indicator.label(), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def comments(self) -> dict[str, str]:
        return {i.code: self.cleaned_data.get(f"comment_{i.code}", "") for i in self.spec.indicators}


class ProofForm(Form):
    file = forms.FileField(label=_("Proof file"), required=False)


class ContractForm(Form):
    version = NumberField(whole=True, widget=forms.HiddenInput, required=False)
    signed_on = forms.DateField(
        label=_("Signed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    midterm_review_on = forms.DateField(
        label=_("Mid-term review"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    document = forms.FileField(label=_("Signed contract (PDF)"), required=False)


class TargetsForm(VersionForm):
    """One field per indicator and year of the programme: ``target_<code>_<year>``."""

    def __init__(self, *args, spec: IndicatorSet, years: list[int], current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec, self.years = spec, years
        for indicator in spec.indicators:
            for year in years:
                name = f"target_{indicator.code}_{year}"
                field = _value_field(indicator)
                field.label = f"{indicator.label()} {year}"
                self.fields[name] = field
                value = current.get((indicator.code, year))
                if value is not None:
                    self.initial[name] = str(int(value)) if indicator.kind == "yesno" else value

    def targets(self) -> dict[tuple[str, int], Decimal | None]:
        return {
            (i.code, year): self.cleaned_data.get(f"target_{i.code}_{year}")
            for i in self.spec.indicators
            for year in self.years
        }


class TargetsImportForm(Form):
    version = NumberField(whole=True, widget=forms.HiddenInput)
    file = forms.FileField(label=_("Targets sheet (XLSX)"))
