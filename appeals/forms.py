"""The appeals' page forms: they parse what was typed; the services decide the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from appeals.models import Outcome
from core.files import EVIDENCE_EXTENSIONS
from core.forms import Form, NumberField
from labelling.models import LABEL_LEVEL_CHOICES, TEXT_MAX_LENGTH


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way): the list of the files chosen, maybe empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ",".join(f".{ext}" for ext in EVIDENCE_EXTENSIONS)})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


FILES_HELP = _("PDF, office documents or images, 10 MB each at most, checked by their content.")


class LodgeForm(Form):
    reasons = forms.CharField(
        label=_("Reasons of your appeal"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the decision overlooked or got wrong, and what you ask for."),
    )
    files = MultipleFileField(label=_("Supporting files"), help_text=FILES_HELP)


class AskForm(Form):
    question = forms.CharField(
        label=_("Your question to the cluster"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = NumberField(whole=True, widget=forms.HiddenInput)


class AnswerForm(Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = MultipleFileField(label=_("Supporting files"), help_text=FILES_HELP)
    version = NumberField(whole=True, widget=forms.HiddenInput)


class DecideForm(Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    level = forms.ChoiceField(
        label=_("Level of the new decision"),
        choices=[("", "—"), *LABEL_LEVEL_CHOICES],
        required=False,
        help_text=_("Overturning a refusal or a lower level: the level of the label issued."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}))
    version = NumberField(whole=True, widget=forms.HiddenInput)

    def __init__(self, *args, needs_level: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_level:
            del self.fields["level"]
