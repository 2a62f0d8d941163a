"""Appeals against a decision: a refusal, a conditional grant, a level lower than the one applied for, or a
revocation. A manager of the cluster lodges one, with reasons and files, within ``APPEAL_WINDOW_DAYS`` of the decision;
an administrator who took no part in the decision (not on the committee's session that decided it, not its decider,
not the one who revoked) handles it: they may ask the cluster questions, then uphold the decision or overturn it with a
new one (a label issued, raised or restored through labelling's own services)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import StoredDocument, TimeStampedModel, document_file
from labelling.models import LABEL_LEVEL_CHOICES, TEXT_MAX_LENGTH


class Ground(models.TextChoices):
    """What is appealed."""

    REFUSED = "refused", _("Refusal")
    CONDITIONAL = "conditional", _("Label granted with conditions")
    LOWER_LEVEL = "lower_level", _("Level lower than the one applied for")
    REVOKED = "revoked", _("Revocation of the label")


class AppealStatus(models.TextChoices):
    LODGED = "lodged", _("Waiting for the administrator")
    QUESTION = "question", _("Question to the cluster")
    UPHELD = "upheld", _("Decision upheld")
    OVERTURNED = "overturned", _("Decision overturned")


# The statuses of an appeal being handled (a question may be asked; the outcome recorded).
OPEN_STATUSES = (AppealStatus.LODGED, AppealStatus.QUESTION)


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld: the decision stands")
    OVERTURNED = "overturned", _("Overturned: a new decision")


class Appeal(TimeStampedModel):
    """One appeal against one decision of one assessment (the decision is named by its ground and its date)."""

    cluster = models.ForeignKey(
        "clusters.Cluster", on_delete=models.PROTECT, related_name="appeals", verbose_name=_("cluster")
    )
    assessment = models.ForeignKey(
        "labelling.Assessment", on_delete=models.PROTECT, related_name="appeals", verbose_name=_("assessment")
    )
    # The label concerned: revoked, conditional or of a lower level (none for a refusal).
    label = models.ForeignKey(
        "labelling.Label",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("label"),
    )
    ground = models.CharField(_("decision appealed"), max_length=20, choices=Ground.choices)
    decided_on = models.DateField(_("date of the decision appealed"))
    deadline = models.DateField(_("last day to appeal"))
    # The reason the decision appealed gave (a refusal's, a decision's other level, a revocation's), as it stood.
    decision_reason = models.TextField(_("reason of the decision appealed"), max_length=TEXT_MAX_LENGTH, blank=True)
    reasons = models.TextField(_("reasons"), max_length=TEXT_MAX_LENGTH)
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("lodged by")
    )
    # Who took part in the decision appealed: they never handle the appeal.
    recused = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    status = models.CharField(_("status"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.LODGED)
    outcome_reason = models.TextField(_("reason of the outcome"), max_length=TEXT_MAX_LENGTH, blank=True)
    new_level = models.CharField(_("level decided on appeal"), max_length=10, choices=LABEL_LEVEL_CHOICES, blank=True)
    new_label = models.ForeignKey(
        "labelling.Label",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("label after the appeal"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            # A decision is appealed once.
            models.UniqueConstraint(fields=["assessment", "ground", "decided_on"], name="appeal_once_per_decision"),
            models.CheckConstraint(
                condition=~Q(status="overturned") | ~Q(outcome_reason=""), name="appeal_overturn_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="appeal_status_recent")]

    def __str__(self) -> str:
        return f"{self.cluster} — {self.get_ground_display()} ({self.decided_on.isoformat()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def overturn_needs_level(self) -> bool:
        """Overturning issues a label (after a refusal) or raises it (after a lower level): at which level."""
        return self.ground in (Ground.REFUSED, Ground.LOWER_LEVEL)

    def recused_ids(self) -> set[int]:
        """The ids of the people who took part in the decision appealed (read once per object)."""
        cache = getattr(self, "_recused_ids", None)
        if cache is None:
            cache = set(self.recused.values_list("pk", flat=True))
            self._recused_ids = cache
        return cache


class Question(TimeStampedModel):
    """A question the administrator asks the cluster about the appeal, and the manager's answer."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="questions", verbose_name=_("appeal"))
    text = models.TextField(_("question"), max_length=TEXT_MAX_LENGTH)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    answer = models.TextField(_("answer"), max_length=TEXT_MAX_LENGTH, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")


class AppealFile(StoredDocument):
    """A document the cluster sends with its appeal or with an answer."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="files", verbose_name=_("appeal"))
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="files", verbose_name=_("question")
    )
    file = document_file("appeals/%Y/%m/")

    class Meta(StoredDocument.Meta):
        verbose_name = _("appeal file")
        verbose_name_plural = _("appeal files")
