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


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class _PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class SessionForm(Form):
    """A new session. The choices come from the view (the administrators, the committee members); whether a session
    without members, a chair or a place is acceptable is the service's to say."""

    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    place = forms.CharField(
        label=_("Place"), required=False, max_length=200, help_text=_("A place, or a video link below, or both.")
    )
    video_link = forms.CharField(
        label=_("Video link"),
        required=False,
        max_length=200,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("An https:// address."),
    )
    chair = _PersonChoice(label=_("Chair"), queryset=None, empty_label="—")
    members = _PeopleChoice(label=_("Members"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, chairs, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs
        self.fields["members"].queryset = members


class _AssessmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.cluster.name} · {obj.reference_year}"


class AgendaForm(Form):
    """An administrator puts a validated assessment on the session's agenda, with their proposal."""

    assessment = _AssessmentChoice(label=_("Validated assessment"), queryset=None, empty_label="—")
    proposed_level = forms.ChoiceField(
        label=_("Your proposal"),
        required=False,
        help_text=_("By default, the level the scoring gives."),
    )
    version = NumberField(whole=True, widget=forms.HiddenInput)

    def __init__(self, *args, candidates, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = candidates
        self.fields["proposed_level"].choices = [("", _("The computed level")), *levels]


class AttendanceForm(Form):
    """The chair ticks the members present."""

    present = _PeopleChoice(
        label=_("Members present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = NumberField(whole=True, widget=forms.HiddenInput)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = members


class VersionForm(Form):
    version = NumberField(whole=True, widget=forms.HiddenInput)
