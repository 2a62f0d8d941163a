"""The improvement plan's page forms: they parse what was typed; the services decide the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import Form, NumberField
from improvement.models import OWNER_MAX_LENGTH, ActionStatus
from labelling.models import TEXT_MAX_LENGTH


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} — {obj.name}"


class ActionForm(Form):
    """An action added to the plan (``version``: the plan's) or changed (``version``: the action's)."""

    indicator = IndicatorChoiceField(
        label=_("Indicator"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=_("The indicator this action improves (an expert's recommendation may name none)."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.CharField(
        label=_("Owner"),
        max_length=OWNER_MAX_LENGTH,
        required=False,
        help_text=_("Who carries the action (a name)."),
    )
    due_on = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    progress_note = forms.CharField(
        label=_("Progress note"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done so far."),
    )
    version = NumberField(whole=True, widget=forms.HiddenInput)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators


class EvidenceForm(Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, image or office document."))
    version = NumberField(whole=True, widget=forms.HiddenInput)


class VersionForm(Form):
    version = NumberField(whole=True, widget=forms.HiddenInput)


class StatusFilterForm(Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *ActionStatus.choices], required=False
    )
