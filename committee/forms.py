"""The committee's page forms: they parse what was typed; the services decide the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from committee.models import Outcome
from core.forms import Form, NumberField
from labelling.models import TEXT_MAX_LENGTH


class DecideForm(Form):
    """The chair's decision on one case (its ids carry the case's id: one form per case on the session's page)."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices])
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Granted with conditions: what the cluster must do, reviewed on the date below."),
    )
    review_on = forms.DateField(
        label=_("Review date of the conditions"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a refusal, and for a level other than the computed one."),
    )
    version = NumberField(whole=True, widget=forms.HiddenInput)


class ConflictForm(Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConditionsMetForm(Form):
    """An administrator records a conditional label's conditions met (the case's version as read)."""

    version = NumberField(whole=True, widget=forms.HiddenInput)


class RevokeForm(Form):
    """An administrator revokes a conditional label whose conditions are not met, with the reason."""

    reason = forms.CharField(
        label=_("Reason for the revocation"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent to the cluster's managers and shown on the label's verification page."),
    )
    version = NumberField(whole=True, widget=forms.HiddenInput)
