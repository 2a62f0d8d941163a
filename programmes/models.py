"""The funders' side: programmes, the clusters enrolled in them, their performance contracts and yearly reports.

A programme's indicators are not tables: they are the shipped JSON set named by ``Programme.indicator_set``
(``programmes/indicator_sets/``), read once per process (``programmes.indicator_sets``)."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusters.models import Cluster
from core.models import TimeStampedModel, private_storage
from core.uploads import RandomName


class FunderKind(models.TextChoices):
    STATE = "state", _("State")
    REGION = "region", _("Region")
    EUROPEAN = "european", _("European")
    OTHER = "other", _("Other")


class Programme(TimeStampedModel):
    """A funder's programme: the clusters it enrols, what it asks them to report every year, who follows it."""

    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    funder = models.CharField(_("funder"), max_length=200)
    funder_kind = models.CharField(_("kind of funder"), max_length=20, choices=FunderKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    indicator_set = models.CharField(
        _("indicator set"), max_length=40, help_text=_("The code of a shipped set (programmes/indicator_sets/).")
    )
    # [{"code": "…", "fr": "…", "en": "…"}]: the smart-specialisation domains of a region's programme.
    s3_domains = models.JSONField(_("smart-specialisation domains"), default=list, blank=True)
    report_due_month = models.PositiveSmallIntegerField(
        _("reports due: month of the next year"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    report_due_day = models.PositiveSmallIntegerField(
        _("reports due: day"), default=31, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="programmes_followed", blank=True, verbose_name=_("programme officers")
    )
    clusters = models.ManyToManyField(Cluster, through="Enrolment", related_name="programmes", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-starts_on", "name_fr"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="programme_period")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (translation.get_language() or "fr")[:2] == "en" and self.name_en else self.name_fr

    @property
    def description(self) -> str:
        english = (translation.get_language() or "fr")[:2] == "en"
        return self.description_en if english and self.description_en else self.description_fr

    @property
    def years(self) -> list[int]:
        """The years a cluster reports on: every calendar year of the period."""
        return list(range(self.starts_on.year, self.ends_on.year + 1))

    def due_date(self, year: int) -> datetime.date:
        """When the report on ``year`` is due (the programme's day of the next year; the 31st of a shorter month
        is its last day)."""
        month, day = self.report_due_month, self.report_due_day
        while True:
            try:
                return datetime.date(year + 1, month, day)
            except ValueError:
                day -= 1


class Enrolment(TimeStampedModel):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("programme")
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("cluster"))
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["programme", "cluster__name"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["programme", "cluster"], name="enrolment_once"),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("joined_on")),
                name="enrolment_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} · {self.programme}"


class Contract(TimeStampedModel):
    """The performance contract of an enrolled cluster: the signed document, its dates, yearly targets."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="contracts")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="contracts")
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    midterm_review_on = models.DateField(_("mid-term review"), null=True, blank=True)
    document = models.FileField(
        _("signed document"), storage=private_storage, upload_to=RandomName("contracts/%Y/"), blank=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["programme", "cluster__name"]
        verbose_name = _("performance contract")
        verbose_name_plural = _("performance contracts")
        constraints = [
            models.UniqueConstraint(fields=["programme", "cluster"], name="contract_once"),
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="contract_period"),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} · {self.programme}"


class Target(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["contract", "year", "indicator"]
        constraints = [models.UniqueConstraint(fields=["contract", "indicator", "year"], name="target_once")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Being filled")
    SUBMITTED = "submitted", pgettext_lazy("a yearly report", "Submitted")  # masculine in French: « soumis »
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class YearlyReport(TimeStampedModel):
    """What an enrolled cluster reports to the programme on one year."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reports")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="yearly_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("approved or returned at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["programme", "cluster__name", "-year"]
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")
        constraints = [models.UniqueConstraint(fields=["programme", "cluster", "year"], name="yearly_report_once")]
        indexes = [models.Index(fields=["programme", "year", "status"], name="yearly_report_state")]

    def __str__(self) -> str:
        return f"{self.cluster} · {self.programme} · {self.year}"


class ReportValue(models.Model):
    """One indicator's figure in a yearly report: the value kept, the value computed from the records (for a
    computed indicator), the manager's comment when they differ, the officer's comment when returned."""

    report = models.ForeignKey(YearlyReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.CharField(_("indicator"), max_length=40)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True, blank=True)
    computed = models.DecimalField(_("computed value"), max_digits=16, decimal_places=2, null=True, blank=True)
    explanation = models.JSONField(_("explanation"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    officer_comment = models.TextField(_("officer's comment"), blank=True)
    # Changed since the report was returned: the officer re-reviews only these.
    changed = models.BooleanField(default=False)

    class Meta:
        ordering = ["report", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="report_value_once")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class ReportProof(TimeStampedModel):
    report = models.ForeignKey(YearlyReport, on_delete=models.CASCADE, related_name="proofs")
    file = models.FileField(_("file"), storage=private_storage, upload_to=RandomName("programme-proofs/%Y/%m/"))
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["report", "id"]


class Reminder(models.Model):
    """An e-mail the beat tasks sent, by a key that says what it was for (``report:<programme>:<cluster>:<year>:30``,
    ``…:late:2027-W14``, ``digest:<officer>:2027-W14``): each is sent once, however often the task runs."""

    key = models.CharField(max_length=120, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key


class SharedReport(TimeStampedModel):
    """An assessment report (the PDF, which holds the assessors' comments and the evidence list) that a manager of
    the cluster shared with one programme: its officers may then read it, until the manager withdraws it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="shared_reports")
    report = models.ForeignKey("labelling.Report", on_delete=models.CASCADE, related_name="shared_with")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["programme", "report"], name="shared_report_once")]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.programme_id}"
