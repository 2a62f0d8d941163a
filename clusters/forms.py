"""Forms for a cluster's records. They check the input; the services in clusters.services write it."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import django_filters
import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile

from clusters.importers import MemberImportError, read_members
from clusters.models import Cluster, FinancingYear, Member, MemberType, SizeClass, TeamYear, validate_eccp_url
from clusters.services import CLUSTER_FIELDS, TEAM_FIELDS
from core.forms import Form, ModelForm, NumberField, YearField

YEAR_TAKEN = _("Facts for %(year)s are already recorded: edit them instead.")
LOGO_MIME_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
LOGO_PILLOW_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


_DECODING = threading.Lock()


@contextmanager
def strict_decoding():
    """Pillow decodes a truncated file only when its global ``ImageFile.LOAD_TRUNCATED_IMAGES`` says so, and
    WeasyPrint sets it to True when it is imported (the report worker; ``make run``'s single process; a test run),
    after which a forged logo would decode with its missing pixels made up. The check decodes with it off."""
    with _DECODING:
        previous, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def validate_logo(upload) -> str:
    """Refuse anything that is not a PNG, JPEG, GIF or WebP image by its content, is too large in bytes or in
    pixels, or does not decode. Returns the file extension matching the content.

    Pillow reads the dimensions from the header first, so a small file that declares a huge picture (a
    "decompression bomb", e.g. 60,000 × 60,000 pixels in 2 MB) is refused before anything is decoded; the rest
    is then decoded in full, so a file that only starts like an image is refused too."""
    if upload.size > settings.LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is too large: %(max)s KB at most."),
            code="too_large",
            params={"max": settings.LOGO_MAX_BYTES // 1024},
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    kind = filetype.guess(head)
    not_an_image = ValidationError(_("The logo must be a PNG, JPEG, GIF or WebP image."), code="not_an_image")
    if kind is None or kind.mime not in LOGO_MIME_TYPES:
        raise not_an_image
    side = settings.LOGO_MAX_PIXELS
    too_many_pixels = ValidationError(
        _("The logo is too large: %(side)s × %(side)s pixels at most."), code="too_many_pixels", params={"side": side}
    )
    try:
        with Image.open(upload) as image:
            if image.format not in LOGO_PILLOW_FORMATS:
                raise not_an_image
            if max(image.size) > side:
                raise too_many_pixels
            with strict_decoding():
                image.load()  # decode every pixel: a truncated or forged file fails here
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own guard, far above ours: refused at the header
        raise too_many_pixels from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise not_an_image from exc
    finally:
        upload.seek(0)
    return LOGO_MIME_TYPES[kind.mime]


class ListField(forms.CharField):
    """A list of short texts typed as one comma-separated line."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        items: list[str] = []
        for item in text.split(","):
            item = " ".join(item.split())
            if item and item.lower() not in {i.lower() for i in items}:
                items.append(item)
        return items

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        for item in value:
            if "\x00" in item:  # PostgreSQL cannot store it
                raise ValidationError(_("Null characters are not allowed."), code="null_characters_not_allowed")
            if len(item) > 100:
                raise ValidationError(
                    _("“%(item)s…” is too long: 100 characters at most per item."), params={"item": item[:30]}
                )


class VersionedForm(ModelForm):
    """Carries the row's version, so that saving over someone else's change is refused. Its numbers (years,
    amounts, counts) are ``core.forms.NumberField``\\ s: « 12 000,50 » is 12000.5 in French and English."""

    version = NumberField(whole=True, widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        if not self.instance.pk:
            self.fields["version"].required = False

    def data_for_service(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name in self.Meta.fields}


class ClusterForm(VersionedForm):
    sectors = ListField(
        label=_("sectors / filières"), required=False, help_text=_("Separate them with commas."), max_length=2000
    )
    s3_domains = ListField(
        label=_("smart-specialisation (S3) domains"),
        required=False,
        help_text=_("Separate them with commas."),
        max_length=2000,
    )
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https", max_length=200)
    eccp_url = forms.URLField(
        label=_("ECCP profile address"),
        required=False,
        assume_scheme="https",
        max_length=200,
        validators=[validate_eccp_url],
        help_text=Cluster._meta.get_field("eccp_url").help_text,
    )
    logo = forms.FileField(
        label=_("logo"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP image."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )

    class Meta:
        model = Cluster
        fields = list(CLUSTER_FIELDS)
        field_classes = {"year_founded": YearField}
        widgets = {
            "description_fr": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logo"].initial = self.instance.logo or None

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise ValidationError(_("Use the two-letter ISO code of the country, e.g. FR."))
        return country

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if Cluster.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Another cluster already has this name."))
        return name

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo is False:  # the "clear" box was ticked
            return False
        if not isinstance(logo, UploadedFile):  # nothing new uploaded
            return None
        extension = validate_logo(logo)
        base = (logo.name.rsplit(".", 1)[0] or "logo")[:60]
        logo.name = f"{base}.{extension}"
        return logo


class MemberForm(VersionedForm):
    class Meta:
        model = Member
        fields = ["name", "member_type", "size_class", "region", "member_since", "fee_paying"]
        widgets = {"member_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, cluster: Cluster, **kwargs):
        self.cluster = cluster
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = Member.objects.filter(cluster=self.cluster, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("A member with this name already exists in this cluster."))
        return name

    def clean_member_since(self):
        since = self.cleaned_data.get("member_since")
        if since and since > timezone.localdate():
            raise ValidationError(_("The membership date cannot be in the future."))
        return since


class TeamYearForm(VersionedForm):
    class Meta:
        model = TeamYear
        fields = ["year", *TEAM_FIELDS]
        field_classes = {"year": YearField}
        widgets = {"strategy_adopted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, cluster: Cluster, **kwargs):
        self.cluster = cluster
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["year"].disabled = True

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not self.instance.pk and TeamYear.objects.filter(cluster=self.cluster, year=year).exists():
            raise ValidationError(YEAR_TAKEN, params={"year": year})
        return year

    def clean(self):
        data = super().clean()
        headcount, degree = data.get("staff_headcount"), data.get("staff_with_degree")
        if headcount is not None and degree is not None and degree > headcount:
            self.add_error("staff_with_degree", _("Cannot be more than the headcount (%(n)s).") % {"n": headcount})
        seats, company = data.get("board_seats"), data.get("board_company_seats")
        if seats is not None and company is not None and company > seats:
            self.add_error("board_company_seats", _("Cannot be more than the board seats (%(n)s).") % {"n": seats})
        if data.get("strategy_document") and not data.get("strategy_adopted_on"):
            self.add_error("strategy_adopted_on", _("Give the date the documented strategy was adopted."))
        if data.get("strategy_adopted_on") and not data.get("strategy_document"):
            self.add_error(
                "strategy_document", _("Tick this box if there is a documented strategy, or clear the date.")
            )
        return data


class FinancingYearForm(VersionedForm):
    class Meta:
        model = FinancingYear
        fields = ["year", *FinancingYear.SOURCES]
        field_classes = {"year": YearField}

    def __init__(self, *args, cluster: Cluster, **kwargs):
        self.cluster = cluster
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["year"].disabled = True
        for source in FinancingYear.SOURCES:
            self.fields[source].help_text = _("in euros")

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not self.instance.pk and FinancingYear.objects.filter(cluster=self.cluster, year=year).exists():
            raise ValidationError(YEAR_TAKEN, params={"year": year})
        return year


class MemberImportForm(Form):
    """A CSV or XLSX file of members, checked whole (``clusters.importers.read_members``): every problem is listed
    on the file, and ``rows`` are the members to import."""

    file = forms.FileField(
        allow_empty_file=True, error_messages={"required": _("Choose a CSV or XLSX file to import.")}
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:  # refused before it is read into memory
            size = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            raise ValidationError(gettext("The file is too large (%(size)d MB at most).") % {"size": size})
        try:
            self.rows = read_members(upload.read(), filename=upload.name)
        except MemberImportError as exc:
            raise ValidationError([str(problem) for problem in exc.errors]) from exc
        return upload


class MemberFilter(django_filters.FilterSet):
    """Search and filters of the member list, shared by the page and the API."""

    q = django_filters.CharFilter(label=_("Search by name"), method="search")
    member_type = django_filters.ChoiceFilter(label=_("type"), choices=MemberType.choices, empty_label=_("All"))
    size_class = django_filters.ChoiceFilter(
        label=_("size class"),
        choices=[(v, label) for v, label in SizeClass.choices if v],
        method="by_size",
        empty_label=_("All"),
    )
    region = django_filters.CharFilter(label=_("region"), lookup_expr="iexact")
    active = django_filters.BooleanFilter(
        label=_("active"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Active")), ("false", _("Inactive"))]),
    )

    class Meta:
        model = Member
        fields = ["q", "member_type", "size_class", "region", "active"]

    def search(self, queryset, name, value):
        words = value.split()
        condition = Q()
        for word in words:
            condition &= Q(name__icontains=word)
        return queryset.filter(condition)

    def by_size(self, queryset, name, value):
        return queryset.filter(size_class=value)
