"""The areas' page forms: they parse what was typed; the services decide the rules (one area per indicator, actions
of the cluster's own plan, the step of the assessment)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from areas.models import TITLE_MAX_LENGTH, Verdict
from core.forms import Form, NumberField
from labelling.models import TEXT_MAX_LENGTH


def area_values(data: dict) -> dict:
    """The services' keywords from an area's parsed values (a form's ``cleaned_data`` or a serializer's)."""
    return {
        "title": data["title"],
        "indicator": data["indicator"],
        "actions": data["actions"],
        "achievements": data["achievements"],
        "expected_version": data["version"],
    }


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} — {obj.name}"


class ActionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.indicator.code} — {obj.description}" if obj.indicator_id else obj.description


class AreaForm(Form):
    """An area of improvement as the manager writes it; ``indicators`` and ``actions`` are the querysets offered (the
    assessment's framework, the cluster's plan)."""

    title = forms.CharField(
        label=_("Area of improvement"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("A short name, e.g. “Members' access to international markets”."),
    )
    indicator = IndicatorChoiceField(label=_("Indicator"), queryset=None, empty_label="—")
    actions = ActionChoiceField(
        label=_("Actions of the improvement plan"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The actions of your plan that this area rests on (at least one)."),
    )
    achievements = forms.CharField(
        label=_("What was done"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the cluster did in this area and what came of it; the assessor checks it during the visit."),
    )
    version = NumberField(whole=True, widget=forms.HiddenInput)

    def __init__(self, *args, indicators, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators
        self.fields["actions"].queryset = actions
        # an empty choice list still asks for an action: the service then says the plan has none
        self.fields["actions"].required = False
        self.fields["actions"].error_messages["invalid_choice"] = _("Choose actions of the cluster's own plan.")

    @classmethod
    def initial_from(cls, area) -> dict:
        return {
            "title": area.title,
            "indicator": area.indicator_id,
            "actions": [action.pk for action in area.actions.all()],
            "achievements": area.achievements,
            "version": area.version,
        }


class VerdictForm(Form):
    """The assessor's verdict on one area (its ids carry the area's id: one form per area on the page)."""

    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you saw or read that shows the improvement, or what is missing."),
    )
    version = NumberField(whole=True, widget=forms.HiddenInput)


class VersionForm(Form):
    version = NumberField(whole=True, widget=forms.HiddenInput)
