"""The expert's process around an assessment: the exemption from the prerequisites to apply, the interview or visit
and its proposed slots, the expert's written findings by category."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from core.models import TimeStampedModel
from labelling.models import TEXT_MAX_LENGTH

REASON_MAX_LENGTH = 2000


class PrerequisiteExemption(TimeStampedModel):
    """An administrator waives the prerequisites to apply for one cluster (ECCP waives its checks for the clusters
    of a recognised national or regional programme), with the reason."""

    cluster = models.OneToOneField(
        Cluster, on_delete=models.CASCADE, related_name="prerequisite_exemption", verbose_name=_("cluster")
    )
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("exemption from the prerequisites")
        verbose_name_plural = _("exemptions from the prerequisites")
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="exemption_has_reason")]

    def __str__(self) -> str:
        return f"{self.cluster}: {self.reason[:40]}"


class VisitKind(models.TextChoices):
    """The format of the expert's meeting with the cluster, from the level applied for (ESCA's published process)."""

    INTERVIEW = "interview", _("Interview of about three hours (Bronze)")
    HALF_DAY = "half_day", _("Visit of about five hours (Silver)")
    TWO_DAYS = "two_days", _("Visit of two days by two experts (Gold)")
    ONE_DAY = "one_day", _("Visit of one day by two experts (Gold renewal)")


class VisitMode(models.TextChoices):
    VIDEO = "video", _("By video")
    ON_SITE = "on_site", _("On site")


class VisitStatus(models.TextChoices):
    PROPOSED = "proposed", _("Slots proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Other slots asked for")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_VISIT_STATUSES = (VisitStatus.PROPOSED, VisitStatus.ACCEPTED)


class Visit(TimeStampedModel):
    """The expert's interview or visit of one assessment: proposed as one to three slots by the assessor, accepted
    (one slot) or declined (other slots asked for, with a comment) by a manager of the cluster; an accepted visit can
    be moved or cancelled, with a reason. ``uid`` and ``sequence`` are those of its calendar invitation (RFC 5545):
    the UID never changes, the sequence grows on every move and on the cancellation."""

    assessment = models.ForeignKey(
        "labelling.Assessment", on_delete=models.CASCADE, related_name="visits", verbose_name=_("assessment")
    )
    uid = models.CharField(_("calendar UID"), max_length=120, unique=True, editable=False)
    kind = models.CharField(_("format"), max_length=20, choices=VisitKind.choices)
    mode = models.CharField(_("where"), max_length=10, choices=VisitMode.choices)
    meeting_url = models.URLField(_("meeting link"), blank=True)
    address = models.TextField(_("address of the visit"), blank=True, max_length=500)
    status = models.CharField(_("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.PROPOSED)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("invitation sequence"), default=0, editable=False)
    comment = models.TextField(_("manager's comment"), blank=True, max_length=REASON_MAX_LENGTH)
    reason = models.TextField(
        _("reason for the last move or the cancellation"), blank=True, max_length=REASON_MAX_LENGTH
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reminded_7 = models.BooleanField(default=False, editable=False)
    reminded_1 = models.BooleanField(default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            # One open visit (proposed or accepted) per assessment.
            models.UniqueConstraint(
                fields=["assessment"],
                condition=models.Q(status__in=["proposed", "accepted"]),
                name="visit_one_open_per_assessment",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_at__isnull=True) | models.Q(ends_at__gt=models.F("starts_at")),
                name="visit_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="visit_upcoming")]  # dashboards, reminders

    def __str__(self) -> str:
        return f"{self.assessment} — {self.get_kind_display()}"


class VisitSlot(models.Model):
    """One of the one to three slots the assessor proposes."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("proposed slot")
        verbose_name_plural = _("proposed slots")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


PEOPLE_MET_MAX_LENGTH = 2000


class Findings(TimeStampedModel):
    """The expert's written findings after the interview or visit: the date, the people met, and per category the
    strengths, the areas for improvement and the recommendations (in the language the assessor writes them). Frozen
    once the assessment is validated: the second expert's countersignature (Gold) covers them as they stand."""

    assessment = models.OneToOneField(
        "labelling.Assessment", on_delete=models.CASCADE, related_name="findings", verbose_name=_("assessment")
    )
    visited_on = models.DateField(_("date of the interview or visit"), null=True, blank=True)
    people_met = models.TextField(_("people met"), blank=True, max_length=PEOPLE_MET_MAX_LENGTH)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("expert's findings")
        verbose_name_plural = _("expert's findings")

    def __str__(self) -> str:
        return f"{self.assessment}"


class CategoryFindings(models.Model):
    """The findings on one category of the framework."""

    findings = models.ForeignKey(Findings, on_delete=models.CASCADE, related_name="categories")
    category = models.ForeignKey("indicators.Category", on_delete=models.PROTECT, related_name="+")
    strengths = models.TextField(_("strengths"), blank=True, max_length=TEXT_MAX_LENGTH)
    improvements = models.TextField(_("areas for improvement"), blank=True, max_length=TEXT_MAX_LENGTH)
    recommendations = models.TextField(_("recommendations"), blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["category__position"]
        verbose_name = _("findings on a category")
        verbose_name_plural = _("findings on the categories")
        constraints = [
            models.UniqueConstraint(fields=["findings", "category"], name="category_findings_unique_category")
        ]

    def __str__(self) -> str:
        return f"{self.findings} {self.category.code}"

    @property
    def is_written(self) -> bool:
        return bool(self.strengths.strip() or self.improvements.strip() or self.recommendations.strip())
