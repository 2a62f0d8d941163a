import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from core.models import StoredDocument, TimeStampedModel, document_file, private_storage
from core.uploads import RandomName
from indicators.models import Framework, Indicator
from indicators.proposals import Explanation


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    VALIDATED = "validated", _("Validated")
    DECIDED = "decided", _("Decided")


# The longest free text a person may write (a comment, a justification, a reason): declared on the models' text
# fields, and taken from here by the forms, the serializers and the services' checks.
TEXT_MAX_LENGTH = 4000

EDITABLE_STATUSES = (AssessmentStatus.DRAFT, AssessmentStatus.CHANGES_REQUESTED)
# The statuses whose validated values are the assessment's score and its place among its peers (the benchmark's
# population); before, the score is a preview of the declared values, compared with nobody.
SCORED_STATUSES = (AssessmentStatus.VALIDATED, AssessmentStatus.DECIDED)


class Level(models.TextChoices):
    NONE = "none", _("No label")
    BRONZE = "bronze", _("Bronze")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")


# The levels a label can carry (every level but "none"), lowest first: the one declaration forms, API, exports and
# statistics use.
LABEL_LEVELS: tuple[str, ...] = (Level.BRONZE.value, Level.SILVER.value, Level.GOLD.value)
LABEL_LEVEL_CHOICES = [(value, Level(value).label) for value in LABEL_LEVELS]  # for forms and the API schema

# The statuses in which a second assessor (Gold) follows the assessment: may be assigned, and declares a conflict
# of interest or none.
SECOND_ASSESSOR_STATUSES = (
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.IN_REVIEW,
    AssessmentStatus.CHANGES_REQUESTED,
    AssessmentStatus.VALIDATED,
)

# The workflow's steps: the statuses each step may be taken from, and the status it leads to (None: the status
# stays). Every service consults this table through ``labelling.services.steps.require_step`` before a step, and the
# pages through ``step_allowed`` before they offer it: no other code compares an assessment's status to decide.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    # the manager's side
    "edit": (EDITABLE_STATUSES, None),  # answers, eligibility, evidence, the offline file
    "submit": (EDITABLE_STATUSES, AssessmentStatus.SUBMITTED),
    "resubmit": ((AssessmentStatus.CHANGES_REQUESTED,), AssessmentStatus.IN_REVIEW),  # back to the same assessor
    "withdraw": ((AssessmentStatus.DRAFT,), None),  # the draft is deleted (the audit trail keeps the withdrawal)
    # the level applied for (it sets the expert's interview or visit) changes until the first submission
    "choose_level": ((AssessmentStatus.DRAFT,), None),
    # assignment and conflicts of interest
    "assign": ((AssessmentStatus.SUBMITTED, AssessmentStatus.IN_REVIEW), AssessmentStatus.IN_REVIEW),
    "declare_no_conflict": ((AssessmentStatus.IN_REVIEW,), None),
    "declare_conflict": ((AssessmentStatus.IN_REVIEW,), AssessmentStatus.SUBMITTED),  # the assessor is unassigned
    "assign_second": (SECOND_ASSESSOR_STATUSES, None),
    "second_declare_no_conflict": (SECOND_ASSESSOR_STATUSES, None),
    "second_declare_conflict": (SECOND_ASSESSOR_STATUSES, None),  # the second assessor is unassigned
    # the review
    "review_answer": ((AssessmentStatus.IN_REVIEW,), None),  # one answer, or a category's remaining ones
    "request_changes": ((AssessmentStatus.IN_REVIEW,), AssessmentStatus.CHANGES_REQUESTED),
    "validate": ((AssessmentStatus.IN_REVIEW,), AssessmentStatus.VALIDATED),
    "countersign": ((AssessmentStatus.VALIDATED,), None),  # the second assessor countersigns or disagrees
    # the expert's process (the ``expertise`` app): the interview or visit is planned while the assessor has the
    # assessment
    "plan_visit": ((AssessmentStatus.IN_REVIEW, AssessmentStatus.CHANGES_REQUESTED), None),
    # and writes the findings until the validation (the second expert's countersignature then covers them)
    "write_findings": ((AssessmentStatus.IN_REVIEW, AssessmentStatus.CHANGES_REQUESTED), None),
    "decide": ((AssessmentStatus.VALIDATED,), AssessmentStatus.DECIDED),
    # a decided assessment's decision revised on appeal (the ``appeals`` app): a label issued or raised
    "revise": ((AssessmentStatus.DECIDED,), None),
}


class Assessment(TimeStampedModel):
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("cluster")
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments")
    reference_year = models.PositiveSmallIntegerField(_("reference year"))
    status = models.CharField(
        _("status"), max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("previous assessment"),
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_assessments",
        verbose_name=_("assessor"),
    )
    # The second expert who countersigns the review before a Gold decision (framework setting).
    second_assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="countersigned_assessments",
        verbose_name=_("second assessor"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Eligibility, confirmed by the manager (copied from the cluster when the assessment starts).
    # The level the cluster applies for (chosen when the assessment starts, editable until the submission): it sets
    # the format of the expert's interview or visit.
    applied_level = models.CharField(
        _("level applied for"), max_length=10, choices=LABEL_LEVEL_CHOICES, default=Level.BRONZE.value
    )
    legal_entity = models.BooleanField(_("legal entity"), default=True)
    public_profile = models.BooleanField(_("listed in the public registry"), default=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    validated_on = models.DateField(_("validated on"), null=True, blank=True)
    recommended_level = models.CharField(_("recommended level"), max_length=10, choices=Level.choices, blank=True)
    # Optimistic locking for the manager's and the assessor's edits.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            # One live assessment per cluster and reference year (a withdrawn draft is deleted).
            models.UniqueConstraint(fields=["cluster", "reference_year"], name="assessment_one_per_cluster_year")
        ]
        # The orders of the lists: the administrators' dashboard, the assessor's dashboard, and the
        # benchmark's "latest validated assessment of each cluster" (issue 12).
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="assessment_recent"),
            models.Index(fields=["assessor", "status", "-updated_at"], name="assessment_assessor_work"),
            models.Index(
                fields=["framework", "cluster", "-validated_on", "-reference_year", "-id"],
                condition=models.Q(status__in=[status.value for status in SCORED_STATUSES]),
                name="assessment_benchmarked_latest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} — {self.reference_year}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The assessors as read, so that a save that unassigns one also refreshes that one's cached figures
        # (labelling.signals); a deferred column is not read for it.
        instance.loaded_assessor_ids = (
            instance.__dict__.get("assessor_id"),
            instance.__dict__.get("second_assessor_id"),
        )
        return instance

    def assessor_ids(self) -> set[int]:
        """The assessors assigned now or when the row was read (first and second)."""
        ids = {self.assessor_id, self.second_assessor_id, *getattr(self, "loaded_assessor_ids", ())}
        return {pk for pk in ids if pk}

    @property
    def is_editable_by_manager(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def label(self):
        """The assessment's current label (the latest issued: a label raised on appeal replaces the first one), or
        ``None``."""
        return current_label_of(self)


class Answer(TimeStampedModel):
    """One indicator's answer. Declared (manager) and validated (assessor) values are separate fields."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="answers")
    declared_number = models.DecimalField(_("declared value"), max_digits=14, decimal_places=3, null=True, blank=True)
    declared_option = models.CharField(_("declared level"), max_length=40, blank=True)
    proposed_number = models.DecimalField(
        _("value proposed from the records"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    proposed_option = models.CharField(_("level proposed from the records"), max_length=40, blank=True)
    # Message keys and parameters (indicators.proposals.Explanation.to_json), written in the reader's language.
    proposal_explanation = models.JSONField(_("how the proposal was computed"), default=list, blank=True)
    comment = models.TextField(_("manager's comment"), blank=True, max_length=TEXT_MAX_LENGTH)
    validated_number = models.DecimalField(_("validated value"), max_digits=14, decimal_places=3, null=True, blank=True)
    validated_option = models.CharField(_("validated level"), max_length=40, blank=True)
    reviewed = models.BooleanField(_("reviewed"), default=False)
    justification = models.TextField(_("assessor's justification"), blank=True, max_length=TEXT_MAX_LENGTH)
    assessor_comment = models.TextField(_("assessor's comment"), blank=True, max_length=TEXT_MAX_LENGTH)
    # The assessor's request on this indicator with the last change request, and whether the manager changed
    # the answer since (then it needs a new review after the resubmission).
    change_request = models.TextField(_("change requested by the assessor"), blank=True, max_length=TEXT_MAX_LENGTH)
    changed_since_request = models.BooleanField(_("changed since the request"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    @property
    def proposal_explanation_text(self) -> str:
        """How the proposal was computed, in the active language."""
        return str(Explanation.from_json(self.proposal_explanation))

    class Meta:
        ordering = ["assessment", "indicator__position"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["assessment", "indicator"], name="answer_unique_indicator")]
        indexes = [
            # The assessor's dashboard asks, for each assessment in review, whether answers changed since the
            # change request still wait for a review: a probe of this index, which holds only those answers.
            models.Index(
                fields=["assessment"],
                name="answer_changed_pending",
                condition=models.Q(changed_since_request=True, reviewed=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.indicator.code}"

    @property
    def declared(self):
        """The declared value as the scoring engine takes it: a number, a level code, or None."""
        if self.indicator.value_type == "level":
            return self.declared_option or None
        return self.declared_number

    @property
    def validated(self):
        """The validated value: the assessor's correction if any, else the declared value once reviewed."""
        if self.indicator.value_type == "level":
            return self.validated_option or None
        return self.validated_number

    @property
    def is_answered(self) -> bool:
        return self.declared is not None


class Evidence(StoredDocument):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    file = document_file("evidence/%Y/%m/")
    document_date = models.DateField(_("date of the document"), null=True, blank=True)

    class Meta(StoredDocument.Meta):
        ordering = ["created_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class Review(TimeStampedModel):
    """The assessor's engagement with one assessment: conflict of interest, outcome."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reviews")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    no_conflict_declared_at = models.DateTimeField(_("no conflict of interest declared at"), null=True, blank=True)
    conflict_declared = models.BooleanField(_("conflict of interest declared"), default=False)
    conflict_details = models.TextField(_("conflict of interest details"), blank=True, max_length=TEXT_MAX_LENGTH)
    conflict_declared_at = models.DateTimeField(_("conflict of interest declared at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=TEXT_MAX_LENGTH)
    # The second assessor's answer to the review (Gold): a countersignature, or a disagreement with a reason.
    countersigned_at = models.DateTimeField(_("countersigned at"), null=True, blank=True)
    disagreed_at = models.DateTimeField(_("disagreement recorded at"), null=True, blank=True)
    disagreement = models.TextField(_("reason for the disagreement"), blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [models.UniqueConstraint(fields=["assessment", "assessor"], name="review_unique_assessor")]

    def __str__(self) -> str:
        return f"{self.assessment} / {self.assessor}"


class Decision(TimeStampedModel):
    """An administrator's decision on a validated assessment, with the scores as they stood."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="decision")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("decided on"))
    computed_level = models.CharField(_("level computed"), max_length=10, choices=Level.choices)
    level = models.CharField(_("level decided"), max_length=10, choices=Level.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=TEXT_MAX_LENGTH)
    scores = models.JSONField(_("scores at the time of the decision"), default=dict)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=models.F("computed_level")) | ~models.Q(reason=""),
                name="decision_reason_when_overriding",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.level}"


class LabelStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


# A certificate's number: ``GRP-<year>-<six-digit sequence>-<verification code>``. The code is eight characters of
# Crockford's base-32 alphabet (no I, L, O, U: nothing to misread on a printed certificate). One declaration: the
# numbers issued, the verification page's example and its check of what a visitor typed.
CERTIFICATE_PREFIX = "GRP"
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8
CERTIFICATE_NUMBER_RE = re.compile(
    rf"^{CERTIFICATE_PREFIX}-(?P<year>\d{{4}})-(?P<sequence>\d{{6,}})-(?P<code>[{CODE_ALPHABET}]{{{CODE_LENGTH}}})$"
)
# The same number without its code: what a visitor who copied only the printed sequence types.
CERTIFICATE_NUMBER_WITHOUT_CODE_RE = re.compile(rf"^{CERTIFICATE_PREFIX}-(?P<year>\d{{4}})-(?P<sequence>\d+)-?$")


def certificate_number_for(*, year: int, sequence: int, code: str) -> str:
    """``GRP-<year>-<sequence>-<code>``: the sequence keeps numbers unique and ordered, the random code makes them
    impossible to enumerate (``/verify/GRP-2026-000001-…`` answers 404 without the right code)."""
    return f"{CERTIFICATE_PREFIX}-{year}-{sequence:06d}-{code}"


def certificate_number_example(year: int) -> str:
    """The number a page shows as an example: the real shape, with ``X`` for each character of the code."""
    return certificate_number_for(year=year, sequence=1, code="X" * CODE_LENGTH)


class Label(TimeStampedModel):
    """A label issued by a decision. An assessment has one, or two when its decision is revised on appeal to a higher
    level: the raised label, numbered as every label, replaces the first one (``superseded_by``)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="labels", verbose_name=_("cluster"))
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="labels", related_query_name="label"
    )
    level = models.CharField(_("level"), max_length=10, choices=[c for c in Level.choices if c[0] != "none"])
    certificate_number = models.CharField(_("certificate number"), max_length=40, unique=True)
    awarded_on = models.DateField(_("awarded on"))
    expires_on = models.DateField(_("valid through"))
    status = models.CharField(_("status"), max_length=10, choices=LabelStatus.choices, default=LabelStatus.ACTIVE)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True, max_length=TEXT_MAX_LENGTH)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("replaced by"),
    )
    reminded_90 = models.BooleanField(default=False)
    reminded_30 = models.BooleanField(default=False)
    # A label granted with conditions (by the awarding committee): valid, with conditions until this review date,
    # until an administrator records the conditions met (then null: a plain label) or revokes it. The conditions'
    # text is not the label's: the verification page never shows it.
    conditions_until = models.DateField(_("with conditions until"), null=True, blank=True)

    class Meta:
        ordering = ["-awarded_on", "certificate_number"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("awarded_on")), name="label_expires_after"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | ~models.Q(revoked_reason=""),
                name="label_revocation_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(conditions_until__isnull=True)
                | models.Q(conditions_until__gt=models.F("awarded_on"), conditions_until__lte=models.F("expires_on")),
                name="label_conditions_within_validity",
            ),
        ]
        # The labels API's order, and the registry's filter on status per cluster.
        indexes = [
            models.Index(fields=["-awarded_on", "-id"], name="label_recent"),
            models.Index(fields=["status", "cluster"], name="label_status_cluster"),
        ]

    def __str__(self) -> str:
        return self.certificate_number


def current_label_of(assessment: Assessment) -> Label | None:
    """The latest label issued for the assessment (``None`` when it has none)."""
    return Label.objects.filter(assessment=assessment).order_by("-pk").first()


class ReportKind(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment report")
    CERTIFICATE = "certificate", _("Label certificate")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being produced")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Report(TimeStampedModel):
    """A PDF produced by a Celery task; the page polls its status."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reports")
    label = models.ForeignKey(Label, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    language = models.CharField(_("language"), max_length=5, default="fr")
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    file = models.FileField(_("file"), storage=private_storage, upload_to=RandomName("reports/%Y/%m/"), blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Who is producing it: the id of the task delivery that claimed it (a retry and a redelivery keep it).
    claim = models.CharField(max_length=64, blank=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.assessment_id} ({self.status})"
