"""The indicator framework as data. The scoring maths lives in indicators.computations (no ORM)."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


def _localised(obj, field: str) -> str:
    lang = (get_language() or "fr")[:2]
    value = getattr(obj, f"{field}_{lang}", "") if lang in ("fr", "en") else ""
    return value or getattr(obj, f"{field}_fr", "") or getattr(obj, f"{field}_en", "")


class Framework(TimeStampedModel):
    """A version of the indicator framework. A version in use is never changed: a new one gets a new code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_default = models.BooleanField(_("default for new assessments"), default=False)
    # ESCA's practice: a Gold decision needs a second assessor's countersignature (the file's
    # "gold_countersignature"; on for ecei-31).
    gold_countersignature = models.BooleanField(_("Gold needs a second assessor's countersignature"), default=False)
    # ESCA's Gold process: the questionnaire is frozen for the manager this many days before the visit, and a visit
    # is accepted no sooner than this many days after the submission (the file's "gold_visit_freeze_days"; 14 for
    # ecei-31; 0: no freeze).
    gold_visit_freeze_days = models.PositiveSmallIntegerField(
        _("days before a Gold visit when the questionnaire is frozen"), default=0
    )
    # The file the framework was loaded from, kept as it was (for audit and export).
    source = models.JSONField(_("source"), default=dict, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="framework_single_default"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return _localised(self, "name")


class Category(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(_("code"), max_length=10)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["framework", "position"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="category_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def name(self) -> str:
        return _localised(self, "name")


class ValueType(models.TextChoices):
    INT = "int", _("Whole number")
    DEC = "dec", _("Decimal number")
    PCT = "pct", _("Percentage")
    LEVEL = "level", _("Level")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Indicator(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=10)
    ecei_ref = models.CharField(_("ECEI number"), max_length=20, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    help_fr = models.TextField(_("help (French)"), blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)
    value_type = models.CharField(_("type"), max_length=10, choices=ValueType.choices)
    unit_fr = models.CharField(_("unit (French)"), max_length=60, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=60, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    full_threshold = models.DecimalField(_("full threshold"), max_digits=12, decimal_places=3, null=True, blank=True)
    partial_threshold = models.DecimalField(
        _("partial threshold"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    max_value = models.DecimalField(_("maximum value"), max_digits=12, decimal_places=3, null=True, blank=True)
    baseline = models.BooleanField(_("baseline (minimum requirement)"), default=False)
    # The key of the rule that proposes a value from the cluster's records (see indicators.proposals), or "".
    from_data = models.CharField(_("computed from data"), max_length=40, blank=True)
    # For `level` indicators: [{"code": ..., "label": {"fr": ..., "en": ...}, "result": "full|partial|none"}]
    options = models.JSONField(_("level options"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["framework", "position"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="indicator_unique_code"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="indicator_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def help(self) -> str:
        return _localised(self, "help")

    @property
    def unit(self) -> str:
        return _localised(self, "unit")

    def option_label(self, code: str) -> str:
        lang = (get_language() or "fr")[:2]
        for option in self.options:
            if option["code"] == code:
                labels = option.get("label", {})
                return labels.get(lang) or labels.get("fr") or code
        return code
