"""The administrators' pages to create programmes, enrol clusters and name the officers who follow them."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.selectors import programme_officers
from core.admin import ModelAdmin, TabularInline
from core.forms import ModelForm
from programmes.indicator_sets import set_choices
from programmes.models import Enrolment, Programme


class ProgrammeAdminForm(ModelForm):
    indicator_set = forms.ChoiceField(label=_("indicator set"), choices=set_choices)

    class Meta:
        model = Programme
        fields = (
            "name_fr",
            "name_en",
            "funder",
            "funder_kind",
            "starts_on",
            "ends_on",
            "description_fr",
            "description_en",
            "indicator_set",
            "report_due_month",
            "report_due_day",
            "s3_domains",
            "officers",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = programme_officers()

    def clean_s3_domains(self):
        domains = self.cleaned_data.get("s3_domains") or []
        if not isinstance(domains, list) or not all(
            isinstance(d, dict) and d.get("code") and d.get("fr") and d.get("en") for d in domains
        ):
            raise forms.ValidationError(
                _(
                    "A list of domains, each with a code and its French and English names: "
                    '[{"code": …, "fr": …, "en": …}].'
                )
            )
        codes = [d["code"] for d in domains]
        if len(set(codes)) != len(codes):
            raise forms.ValidationError(_("Two domains have the same code."))
        return domains


class EnrolmentInline(TabularInline):
    model = Enrolment
    extra = 1
    autocomplete_fields = ("cluster",)
    fields = ("cluster", "joined_on", "left_on")


@admin.register(Programme)
class ProgrammeAdmin(ModelAdmin):
    form = ProgrammeAdminForm
    list_display = ("name_fr", "funder", "funder_kind", "starts_on", "ends_on", "indicator_set")
    list_filter = ("funder_kind",)
    search_fields = ("name_fr", "name_en", "funder")
    filter_horizontal = ("officers",)
    inlines = (EnrolmentInline,)
    fieldsets = (
        (None, {"fields": ("name_fr", "name_en", "funder", "funder_kind", "starts_on", "ends_on")}),
        (_("Description"), {"fields": ("description_fr", "description_en")}),
        (
            _("Indicators and reports"),
            {"fields": ("indicator_set", "report_due_month", "report_due_day", "s3_domains")},
        ),
        (_("Programme officers"), {"fields": ("officers",)}),
    )
