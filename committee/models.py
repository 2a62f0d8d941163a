"""The awarding committee: sessions, the cases on their agenda (one validated assessment each) and the conflicts of
interest its members declare on a case.

The decision of a case is the committee's, recorded by the session's chair (an administrator): granted (the label
is issued as a direct decision issues it), granted with conditions (the same label; the conditions and their review
date are kept on the case), refused (no label) or deferred (nothing happens to the assessment: it goes on a later
session's agenda)."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel, private_storage
from core.uploads import RandomName
from labelling.models import TEXT_MAX_LENGTH, Level


class SessionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("committee session", "Open")
    CLOSED = "closed", pgettext_lazy("committee session", "Closed")


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    CONDITIONAL = "conditional", _("Granted with conditions")
    REFUSED = "refused", _("Refused")
    DEFERRED = "deferred", _("Deferred")


# The outcomes that issue a label (through labelling's decision, as a direct decision does).
LABEL_OUTCOMES = (Outcome.GRANTED, Outcome.CONDITIONAL)


class FollowUp(models.TextChoices):
    """What became of a conditional label's conditions ("" while they are pending)."""

    MET = "met", _("Conditions met")
    REVOKED = "revoked", _("Label revoked")


class CommitteeSession(TimeStampedModel):
    """A sitting of the awarding committee: when, where (a place or an https video link), who chairs it (an
    administrator) and who sits on it (committee members)."""

    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True, validators=[URLValidator(schemes=["https"])])
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_committee_sessions",
        verbose_name=_("chair"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="committee_sessions", verbose_name=_("members")
    )
    # Who attends, recorded by the chair (members of the session only); each decision keeps those who voted on it.
    present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("members present")
    )
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("committee session")
        verbose_name_plural = _("committee sessions")

    def __str__(self) -> str:
        return f"{self.held_on.isoformat()} — {self.place or self.video_link}"

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.OPEN


class Case(TimeStampedModel):
    """One validated assessment on a session's agenda, with the level the scoring module gives (read when it was put
    on the agenda), the administrator's proposal and, once decided, the committee's outcome."""

    session = models.ForeignKey(
        CommitteeSession, on_delete=models.CASCADE, related_name="cases", verbose_name=_("session")
    )
    assessment = models.ForeignKey(
        "labelling.Assessment", on_delete=models.PROTECT, related_name="committee_cases", verbose_name=_("assessment")
    )
    computed_level = models.CharField(_("computed level"), max_length=10, choices=Level.choices)
    proposed_level = models.CharField(_("proposed level"), max_length=10, choices=Level.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    conditions = models.TextField(_("conditions"), max_length=TEXT_MAX_LENGTH, blank=True)
    review_on = models.DateField(_("review date of the conditions"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=TEXT_MAX_LENGTH, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    # A conditional case's follow-up: the reminder sent on the review date (Celery beat), then the administrator's
    # record: the conditions met (the label becomes plain) or the label revoked (labelling keeps the reason).
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=10, choices=FollowUp.choices, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("followed up by"),
    )
    # The members present when the case was decided, without those who declared a conflict of interest on it.
    voters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("members who voted")
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            # An assessment is on one agenda at a time: a deferred case lets it go on a later session's agenda.
            models.UniqueConstraint(
                fields=["assessment"], condition=~Q(outcome="deferred"), name="committee_case_one_live_per_assessment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} — {self.assessment_id}"


class ConflictDeclaration(TimeStampedModel):
    """A member (or the chair) of the session declares a conflict of interest on a case: they do not vote on it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("case"))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("member")
    )
    reason = models.TextField(_("reason"), max_length=TEXT_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["case", "member"], name="committee_conflict_once_per_member")]


class MinutesStatus(models.TextChoices):
    PENDING = "pending", _("Being produced")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Minutes(TimeStampedModel):
    """A closed session's minutes: a signed PDF produced by a Celery task when the session closes, kept in the
    private storage (as the reports) and downloadable by the administrators and the session's members."""

    session = models.OneToOneField(
        CommitteeSession, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("session")
    )
    language = models.CharField(_("language"), max_length=5)
    status = models.CharField(_("status"), max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.PENDING)
    file = models.FileField(_("file"), storage=private_storage, upload_to=RandomName("minutes/%Y/%m/"), blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{self.session} ({self.status})"
