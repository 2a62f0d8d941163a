"""The forms of the expert's process (they parse input; the rules are the services')."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import Form, NumberField
from expertise.models import PEOPLE_MET_MAX_LENGTH, REASON_MAX_LENGTH, VisitMode
from expertise.presenters import slot_label
from expertise.services import MAX_SLOTS, Slot
from labelling.models import TEXT_MAX_LENGTH


class ExemptionForm(Form):
    reason = forms.CharField(
        label=_("Reason for the exemption"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("ECCP waives its checks for the clusters of a recognised national or regional programme."),
    )


def _when(label):
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class VersionForm(Form):
    version = NumberField(whole=True, widget=forms.HiddenInput)


class ProposeForm(Form):
    """The assessor's one to three slots (the services check them)."""

    mode = forms.ChoiceField(label=_("Where"), choices=VisitMode.choices)
    meeting_url = forms.CharField(
        label=_("Meeting link (video)"), required=False, max_length=200, help_text=_("An https:// address.")
    )
    address = forms.CharField(
        label=_("Address of the visit (on site)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    slot_1_starts_at = _when(_("Slot 1: start"))
    slot_1_ends_at = _when(_("Slot 1: end"))
    slot_2_starts_at = _when(_("Slot 2: start"))
    slot_2_ends_at = _when(_("Slot 2: end"))
    slot_3_starts_at = _when(_("Slot 3: start"))
    slot_3_ends_at = _when(_("Slot 3: end"))

    def __init__(self, *args, modes=tuple(VisitMode.values), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = [(value, VisitMode(value).label) for value in modes]

    def slots(self) -> list:
        data = self.cleaned_data
        return [Slot(data.get(f"slot_{n}_starts_at"), data.get(f"slot_{n}_ends_at")) for n in range(1, MAX_SLOTS + 1)]


class AcceptForm(VersionForm):
    slot = forms.TypedChoiceField(label=_("The slot that suits you"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(slot.pk, slot_label(slot)) for slot in visit.slots.all()]


class DeclineForm(VersionForm):
    comment = forms.CharField(
        label=_("Which dates would suit you?"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class MoveForm(VersionForm):
    starts_at = _when(_("New start"))
    ends_at = _when(_("New end"))
    reason = forms.CharField(
        label=_("Reason for the move"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for the cancellation"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class FindingsForm(VersionForm):
    """The findings: the date, the people met, three texts per category of the framework (named ``<code>_<part>``)."""

    visited_on = forms.DateField(
        label=_("Date of the interview or visit"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    people_met = forms.CharField(
        label=_("People met"),
        required=False,
        max_length=PEOPLE_MET_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Names and roles: the management team, board members, member companies…"),
    )

    PART_LABELS = {
        "strengths": _("Strengths"),
        "improvements": _("Areas for improvement"),
        "recommendations": _("Recommendations"),
    }

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        for category in self.categories:
            for part, label in self.PART_LABELS.items():
                self.fields[f"{category.code}_{part}"] = forms.CharField(
                    label=f"{category.code} — {category.name}: {label}",
                    required=False,
                    max_length=TEXT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )

    def categories_data(self) -> dict:
        return {
            category.code: {part: self.cleaned_data.get(f"{category.code}_{part}", "") for part in self.PART_LABELS}
            for category in self.categories
        }

    @staticmethod
    def initial_from(facts) -> dict:
        initial = {"version": facts.version, "visited_on": facts.visited_on, "people_met": facts.people_met}
        for row in facts.categories:
            for part in FindingsForm.PART_LABELS:
                initial[f"{row.code}_{part}"] = getattr(row, part)
        return initial
