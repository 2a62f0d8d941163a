"""Forms of the workflow pages. They parse input only; the rules are in the services."""

from __future__ import annotations

from functools import lru_cache

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from accounts.selectors import assessors_offered_for
from clusters.models import ClusterKind
from core.forms import Form, NumberField
from core.places import country_name, region_name
from core.widgets import FastSelect
from labelling.models import (
    CERTIFICATE_NUMBER_WITHOUT_CODE_RE,
    CODE_LENGTH,
    LABEL_LEVEL_CHOICES,
    TEXT_MAX_LENGTH,
    AssessmentStatus,
    LabelStatus,
    Level,
    ReportKind,
    certificate_number_example,
)
from labelling.selectors import RegistryFilters


class AssignForm(Form):
    """Choose an assessor; with ``cluster``, those who declared a conflict of interest with it are not offered
    (and ``exclude`` leaves out, e.g., the first assessor when choosing the second)."""

    assessor = forms.ModelChoiceField(label=_("Assessor"), queryset=None, empty_label=_("Choose an assessor"))

    def __init__(self, *args, cluster=None, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = assessors_offered_for(cluster)
        if exclude:
            queryset = queryset.exclude(pk__in=[pk for pk in exclude if pk])
        self.fields["assessor"].queryset = queryset
        self.fields["assessor"].label_from_instance = lambda u: u.get_full_name() or u.username


class SecondAssessorForm(AssignForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].label = _("Second assessor")


class DeclareConflictForm(Form):
    reason = forms.CharField(
        label=_("Your conflict of interest"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
        help_text=_(
            "E.g. a mandate, an employment, a consultancy or a family tie with the cluster in the last three years."
        ),
    )


class DisagreeForm(Form):
    reason = forms.CharField(
        label=_("Why do you disagree with the review?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )


class ReviewAnswerForm(Form):
    ACCEPT, CORRECT = "accept", "correct"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept the declared value")), (CORRECT, _("Enter a corrected value"))],
        widget=forms.RadioSelect,
        initial=ACCEPT,
    )
    value = forms.CharField(
        label=_("Corrected value"),
        required=False,
        max_length=60,
        help_text=_("Only when you correct the declared value: a number, or the code of a level."),
    )
    justification = forms.CharField(
        label=_("Justification of the correction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = NumberField(whole=True, widget=forms.HiddenInput)  # mandatory: a review never skips the version check

    def __init__(self, *args, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        if indicator is not None and indicator.value_type == "level":
            self.fields["value"] = forms.ChoiceField(
                label=_("Corrected level"),
                required=False,
                choices=[("", "—")] + [(o["code"], indicator.option_label(o["code"])) for o in indicator.options],
            )


class RequestChangesForm(Form):
    """A general comment and, for named indicators, a request shown to the manager beside the answer
    (fields ``request_<code>``, one per indicator given in ``codes``)."""

    comment = forms.CharField(
        label=_("General comment to the manager"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        help_text=_("Required unless you ask for changes on named indicators in the table below."),
    )

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = list(codes)
        for code in self.codes:
            self.fields[self.field_name(code)] = forms.CharField(
                label=_("Change requested on %(code)s") % {"code": code},
                required=False,
                max_length=TEXT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2, "form": "changes-form"}),
            )

    @staticmethod
    def field_name(code: str) -> str:
        return f"request_{code}"

    def requests(self) -> dict[str, str]:
        data = self.cleaned_data
        return {code: data.get(self.field_name(code), "") for code in self.codes if data.get(self.field_name(code))}

    def visible_fields(self):  # the per-indicator fields are shown in the answers table, not in the form
        return [self["comment"]]


class ValidateForm(Form):
    recommended_level = forms.ChoiceField(
        label=_("Recommended level (optional)"), required=False, choices=[("", "—"), *Level.choices]
    )


class DecideForm(Form):
    level = forms.ChoiceField(label=_("Level decided"), choices=Level.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the level decided differs from the computed one."),
    )


class RevokeForm(Form):
    reason = forms.CharField(label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 3}))


class ReportRequestForm(Form):
    kind = forms.ChoiceField(label=_("Document"), choices=ReportKind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class AdminFilterForm(Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *AssessmentStatus.choices])
    q = forms.CharField(label=_("Cluster"), required=False, max_length=100)


@lru_cache(maxsize=64)
def _labelled_options(name: str, values: tuple[str, ...], language: str | None) -> tuple[tuple[str, str], ...]:
    """A registry filter's options named in ``language`` and sorted by name: named once per set of values and
    language in each process, not on every page (a country's or a region's name is a translation lookup)."""
    label = {"country": country_name, "region": region_name}.get(name, str)
    with override(language):
        return tuple(sorted(((v, label(v)) for v in values), key=lambda pair: pair[1].lower()))


class RegistryFilterForm(Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    # FastSelect: the choice lists grow with the registry; Django's template per option would dominate the page.
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All")), *LABEL_LEVEL_CHOICES], widget=FastSelect
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *ClusterKind.choices], widget=FastSelect
    )
    country = forms.ChoiceField(label=_("Country"), required=False, choices=[("", _("All"))], widget=FastSelect)
    region = forms.ChoiceField(label=_("Region"), required=False, choices=[("", _("All"))], widget=FastSelect)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All"))], widget=FastSelect)

    def __init__(self, *args, choices: dict[str, list[str]] | None = None, with_status: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is None:  # free text (exports, the API): any value filters, none is refused
            for name in ("country", "region", "sector"):
                self.fields[name] = forms.CharField(label=self.fields[name].label, required=False, max_length=100)
        language = get_language()
        for name, values in (choices or {}).items():
            self.fields[name].choices = [("", _("All")), *_labelled_options(name, tuple(values), language)]
        if with_status:
            self.fields["status"] = forms.ChoiceField(
                label=_("Status"),
                required=False,
                choices=[("", _("All")), *LabelStatus.choices],
            )

    def filters(self):
        """The valid filters (an invalid one is ignored, and shown as an error on the form)."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = {k: v for k, v in self.cleaned_data.items() if v}
        if "status" in self.fields:  # the administrators' export: every status, every cluster
            return RegistryFilters(status=data.pop("status", ""), **{k: v.strip() for k, v in data.items()})
        return RegistryFilters(status=LabelStatus.ACTIVE, public_only=True, **{k: v.strip() for k, v in data.items()})


class VerifyForm(Form):
    """A certificate's number as a visitor types it: spaces dropped, upper case; a number that lacks its code is
    refused with what is missing (a lookup would only say « no certificate »)."""

    number = forms.CharField(label=_("Certificate number"), max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        example = certificate_number_example(timezone.localdate().year)
        field = self.fields["number"]
        field.help_text = _(
            "As printed on the certificate, code included, e.g. %(example)s (the last eight characters are its "
            "verification code)."
        ) % {"example": example}
        field.widget.attrs.update({"placeholder": example, "autocapitalize": "characters", "spellcheck": "false"})

    def clean_number(self):
        number = "".join(self.cleaned_data["number"].split()).upper()
        if without_code := CERTIFICATE_NUMBER_WITHOUT_CODE_RE.match(number):
            raise forms.ValidationError(
                _(
                    "This number lacks its verification code: the %(length)s characters after the last hyphen, as "
                    "in %(example)s. Copy the whole number from the certificate, or scan its QR code."
                ),
                code="code_missing",
                params={
                    "length": CODE_LENGTH,
                    "example": certificate_number_example(int(without_code["year"])),
                },
            )
        return number
