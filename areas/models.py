"""Silver's areas of improvement.

A cluster applying for Silver describes, before it submits its assessment, at least three areas in which it
improved: each tied to an indicator of the framework and to actions of its improvement plan, with what was done.
During the review the assessor marks each area demonstrated or not, with a comment; a Silver application is validated
once every area has its verdict. The areas and the verdicts never change a score."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from improvement.models import Action
from indicators.models import Indicator
from labelling.models import TEXT_MAX_LENGTH, Level

# The level whose applications describe their areas of improvement, and how many they describe at least.
AREAS_LEVEL = Level.SILVER.value
AREAS_MINIMUM = 3
TITLE_MAX_LENGTH = 200


class Verdict(models.TextChoices):
    DEMONSTRATED = "demonstrated", _("Demonstrated")
    NOT_DEMONSTRATED = "not_demonstrated", _("Not demonstrated")


class ImprovementArea(TimeStampedModel):
    """One area of improvement of an assessment: its indicator, the plan's actions it rests on, what was done, and the
    assessor's verdict (empty until judged)."""

    assessment = models.ForeignKey(
        "labelling.Assessment",
        on_delete=models.CASCADE,
        related_name="improvement_areas",
        verbose_name=_("assessment"),
    )
    title = models.CharField(_("area"), max_length=TITLE_MAX_LENGTH)
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator"))
    actions = models.ManyToManyField(Action, related_name="improvement_areas", verbose_name=_("actions of the plan"))
    achievements = models.TextField(_("what was done"), max_length=TEXT_MAX_LENGTH)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    verdict_comment = models.TextField(_("assessor's comment"), max_length=TEXT_MAX_LENGTH, blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("judged by"),
    )
    judged_at = models.DateTimeField(_("judged at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["assessment", "pk"]
        verbose_name = _("area of improvement")
        verbose_name_plural = _("areas of improvement")
        constraints = [
            # Three areas are three different subjects: one area per indicator of an assessment.
            models.UniqueConstraint(fields=["assessment", "indicator"], name="area_one_per_indicator"),
            models.CheckConstraint(condition=~models.Q(title=""), name="area_has_title"),
            models.CheckConstraint(condition=~models.Q(achievements=""), name="area_says_what_was_done"),
            # A verdict comes with its comment.
            models.CheckConstraint(
                condition=models.Q(verdict="") | ~models.Q(verdict_comment=""), name="area_verdict_has_comment"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_judged(self) -> bool:
        return bool(self.verdict)

    @property
    def is_demonstrated(self) -> bool:
        return self.verdict == Verdict.DEMONSTRATED
