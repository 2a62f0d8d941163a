"""A cluster's improvement plan: what it does between two assessments on the criteria it did not fully meet and on
the expert's recommendations.

One plan per cluster, created when one of its assessments is decided and seeded from that assessment (the
indicators not fully met, the expert's recommendations of each category); a later decision adds what is new and
never duplicates an action (``source`` and ``source_key``: one seeded action per indicator, one per
recommendation's text). Managers add and edit actions: an indicator (optional for a recommendation, which is per
category), a description, an owner (a name), a due date, a status, a progress note and evidence files. The plan
never changes a score: nothing in the scoring reads it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from core.models import StoredDocument, TimeStampedModel, document_file
from indicators.models import Category, Indicator
from labelling.models import TEXT_MAX_LENGTH

OWNER_MAX_LENGTH = 200


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ActionSource(models.TextChoices):
    """Where an action comes from: seeded from a decided assessment, or added by a manager."""

    CRITERION = "criterion", _("Criterion not fully met")
    RECOMMENDATION = "recommendation", _("Expert's recommendation")
    MANAGER = "manager", _("Added by a manager")


# The sources the seeding writes (one action per source and key in a plan).
SEEDED_SOURCES = (ActionSource.CRITERION, ActionSource.RECOMMENDATION)


class ImprovementPlan(TimeStampedModel):
    """The cluster's one improvement plan. ``version`` grows with every change of the plan or of one of its actions
    (an action has its own version too): the plan's page shows the version it was read at."""

    cluster = models.OneToOneField(
        Cluster, on_delete=models.CASCADE, related_name="improvement_plan", verbose_name=_("cluster")
    )
    # The decided assessment the plan was first seeded from.
    assessment = models.ForeignKey(
        "labelling.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seeded from the assessment"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")

    def __str__(self) -> str:
        return f"{self.cluster}"


class Action(TimeStampedModel):
    """One action of the plan."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan"))
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("indicator")
    )
    # The category of the indicator, or of the expert's recommendation (which is per category).
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    description = models.TextField(_("description"), max_length=TEXT_MAX_LENGTH)
    owner = models.CharField(_("owner"), max_length=OWNER_MAX_LENGTH, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    progress_note = models.TextField(_("progress note"), max_length=TEXT_MAX_LENGTH, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=ActionSource.choices, default=ActionSource.MANAGER)
    # What a seeded action stands for in its plan: the indicator's code, or the category's code and a digest of the
    # recommendation's text. Empty for a manager's action.
    source_key = models.CharField(max_length=80, blank=True, editable=False)
    # The decided assessment a seeded action comes from.
    source_assessment = models.ForeignKey(
        "labelling.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the assessment"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["plan", "due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            # The seeding never duplicates an action, whatever the number of decisions.
            models.UniqueConstraint(
                fields=["plan", "source", "source_key"],
                condition=~models.Q(source="manager"),
                name="action_seeded_once",
            ),
            models.CheckConstraint(condition=~models.Q(description=""), name="action_has_description"),
        ]
        indexes = [models.Index(fields=["plan", "status"], name="action_plan_status")]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_done(self) -> bool:
        return self.status == ActionStatus.DONE


class ActionEvidence(StoredDocument):
    """A file that shows what was done."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("action"))
    file = document_file("improvement/%Y/%m/")

    class Meta(StoredDocument.Meta):
        verbose_name = _("evidence of an action")
        verbose_name_plural = _("evidence of the actions")
