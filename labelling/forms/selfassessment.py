"""Forms of the manager's self-assessment pages. They parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from core.forms import Form, NumberField, YearField
from indicators import values
from labelling.answer_values import answer_proposed
from labelling.models import LABEL_LEVEL_CHOICES, TEXT_MAX_LENGTH, Assessment
from labelling.services.answers import value_parse

APPLIED_LEVEL_HELP = _(
    "It sets the expert's interview or visit: Bronze, a three-hour interview (by video or on site); Silver, a "
    "five-hour visit; Gold, a visit of two days by two experts (one day for a renewal). You can change it until "
    "the submission."
)


def applied_level_field(*, required: bool = True):
    return forms.ChoiceField(
        label=_("Level applied for"), choices=LABEL_LEVEL_CHOICES, help_text=APPLIED_LEVEL_HELP, required=required
    )


class AssessmentCreateForm(Form):
    reference_year = YearField(
        label=_("Reference year"),
        help_text=_("The year whose activity the answers describe (usually last year)."),
    )
    applied_level = applied_level_field(required=False)  # left out: Bronze
    legal_entity = forms.BooleanField(
        label=_("The organisation is a legal entity or a clearly identified unit of one"), required=False
    )
    public_profile = forms.BooleanField(
        label=_("The organisation accepts to be listed in the public registry of labels"), required=False
    )
    previous = forms.ModelChoiceField(
        label=_("Start from a previous assessment"),
        queryset=Assessment.objects.none(),
        required=False,
        empty_label=_("No: start from empty answers"),
        help_text=_("A renewal copies the answers and evidence files of that assessment (not its review)."),
    )

    def __init__(self, *args, cluster, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("reference_year", timezone.localdate().year - 1)
        initial.setdefault("applied_level", "bronze")
        initial.setdefault("legal_entity", cluster.legal_entity)
        initial.setdefault("public_profile", cluster.public_profile)
        super().__init__(*args, **kwargs)
        self.cluster = cluster
        previous = cluster.assessments.order_by("-reference_year", "-created_at")
        self.fields["previous"].queryset = previous
        self.fields["previous"].label_from_instance = lambda a: f"{a.reference_year} — {a.get_status_display()}"


class EligibilityForm(Form):
    applied_level = applied_level_field(required=False)  # left out: unchanged
    legal_entity = forms.BooleanField(
        label=_("The organisation is a legal entity or a clearly identified unit of one"), required=False
    )
    public_profile = forms.BooleanField(
        label=_("The organisation accepts to be listed in the public registry of labels"), required=False
    )
    version = NumberField(whole=True, widget=forms.HiddenInput)

    def __init__(self, *args, level_open: bool = True, **kwargs):
        """``level_open``: whether the level applied for may still change (until the first submission); otherwise
        its field is shown disabled, and what is posted for it is ignored."""
        super().__init__(*args, **kwargs)
        if not level_open:
            field = self.fields["applied_level"]
            field.disabled = True
            field.help_text = _(
                "Chosen until the first submission: the expert's interview or visit is planned for this level."
            )


class SubmitForm(Form):
    version = NumberField(whole=True, widget=forms.HiddenInput)


def value_field_name(code: str) -> str:
    return f"{code}-value"


def comment_field_name(code: str) -> str:
    return f"{code}-comment"


def version_field_name(code: str) -> str:
    return f"{code}-version"


class CategoryAnswersForm(Form):
    """The answers of one category: a value, a comment and the loaded version for each indicator."""

    def __init__(self, *args, answers, editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = list(answers)
        for answer in self.answers:
            indicator = answer.indicator
            code = indicator.code
            described_by = f"{code}-help {code}-thresholds"
            if indicator.value_type == "level":
                field = forms.ChoiceField(
                    choices=[("", _("— not answered —"))]
                    + [(option["code"], indicator.option_label(option["code"])) for option in indicator.options],
                    required=False,
                )
            else:
                field = forms.CharField(
                    required=False,
                    max_length=30,
                    widget=forms.TextInput(
                        attrs={"inputmode": "decimal" if indicator.value_type != "int" else "numeric"}
                    ),
                )
            field.label = f"{code} — {indicator.name}"
            if indicator.value_type == "level":
                field.initial = answer.declared_option
            else:
                field.initial = values.input_number(answer.declared_number)
            field.widget.attrs.update(
                {"aria-describedby": described_by, "data-autosave": "value", "data-code": code, "autocomplete": "off"}
            )
            comment = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=TEXT_MAX_LENGTH,
                initial=answer.comment,
                widget=forms.Textarea(attrs={"rows": 2, "data-autosave": "comment", "data-code": code}),
            )
            version = NumberField(
                whole=True,
                initial=answer.version,
                widget=forms.HiddenInput(attrs={"data-version": code}),
            )
            if not editable:
                field.disabled = comment.disabled = version.disabled = True
            self.fields[value_field_name(code)] = field
            self.fields[comment_field_name(code)] = comment
            self.fields[version_field_name(code)] = version

    def clean(self):
        cleaned = super().clean()
        self.parsed = {}
        for answer in self.answers:
            code = answer.indicator.code
            name = value_field_name(code)
            if name not in cleaned:
                continue
            try:
                value = value_parse(indicator=answer.indicator, raw=cleaned[name])
            except DomainError as exc:
                for message in exc.errors["value"]:
                    self.add_error(name, message)
                continue
            self.parsed[code] = value
            proposed = answer_proposed(answer)
            comment = (cleaned.get(comment_field_name(code)) or "").strip()
            if value is not None and proposed is not None and not comment and _differs(answer, value, proposed):
                self.add_error(
                    comment_field_name(code),
                    _("The value differs from the one proposed from your records: explain why in a comment."),
                )
        return cleaned


def _differs(answer, value, proposed) -> bool:
    if answer.indicator.value_type == "level":
        return value != proposed
    return Decimal(value) != Decimal(proposed)


class EvidenceForm(Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, office document (docx, xlsx, pptx, odt, ods, odp, doc, xls) or image (PNG, JPEG, WebP)."),
    )
    document_date = forms.DateField(
        label=_("Date of the document"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The date written on the document (adoption, signature, publication…)."),
    )


class QuestionnaireUploadForm(Form):
    file = forms.FileField(
        label=_("Filled questionnaire"),
        help_text=_("The XLSX or JSON file downloaded from this page, filled in."),
    )
