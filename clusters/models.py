from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.uploads import RandomName

ECCP_HOST = "clustercollaboration.eu"


def validate_eccp_url(value: str) -> None:
    """An ECCP profile address: ``https`` on the European Cluster Collaboration Platform's site."""
    parts = urlsplit(value or "")
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not (host == ECCP_HOST or host.endswith("." + ECCP_HOST)):
        raise ValidationError(
            _("Enter the address of the cluster's profile on the ECCP: https://clustercollaboration.eu/…"),
            code="eccp_host",
        )


class ClusterKind(models.TextChoices):
    # English readers say "competitiveness cluster"; the French names are the catalogue's (issue 22, item 14).
    POLE = "pole", _("Competitiveness cluster")
    GRAPPE = "grappe", _("Business cluster")
    CLUSTER = "cluster", _("Cluster")
    OTHER = "other", _("Other")


class Cluster(TimeStampedModel):
    """A cluster management organisation."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ClusterKind.choices, default=ClusterKind.CLUSTER)
    legal_form = models.CharField(_("legal form"), max_length=120, blank=True)
    legal_entity = models.BooleanField(
        _("legal entity"),
        default=True,
        help_text=_("The organisation is a legal entity or a clearly identified unit of one."),
    )
    public_profile = models.BooleanField(
        _("listed in the public registry"),
        default=True,
        help_text=_("The organisation accepts to be listed in the public registry of labels."),
    )
    country = models.CharField(_("country"), max_length=2, default="FR", help_text=_("ISO 3166 code, e.g. FR"))
    region = models.CharField(
        _("region"), max_length=10, blank=True, help_text=_("INSEE code in France (e.g. 24), NUTS-2 elsewhere")
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    # The cluster's profile on the European Cluster Collaboration Platform (a prerequisite to apply for a label).
    eccp_url = models.URLField(
        _("ECCP profile address"),
        blank=True,
        validators=[validate_eccp_url],
        help_text=_("The cluster's profile on the European Cluster Collaboration Platform (clustercollaboration.eu)."),
    )
    sectors = models.JSONField(_("sectors / filières"), default=list, blank=True)
    s3_domains = models.JSONField(_("smart-specialisation domains"), default=list, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    logo = models.ImageField(_("logo"), upload_to=RandomName("logos/"), blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="managed_clusters", blank=True, verbose_name=_("managers")
    )
    # Optimistic locking: a save that does not carry the current version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return self.name


class MemberType(models.TextChoices):
    SME = "sme", _("SME")
    LARGE = "large", _("Large company")
    RESEARCH = "research", _("Research or technology organisation")
    UNIVERSITY = "university", _("University or training body")
    PUBLIC = "public", _("Public body")
    OTHER = "other", _("Other")


COMPANY_TYPES = (MemberType.SME, MemberType.LARGE)


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro (< 10)")
    SMALL = "small", _("Small (10–49)")
    MEDIUM = "medium", _("Medium (50–249)")
    LARGE = "large", _("Large (250+)")
    UNKNOWN = "", _("Unknown")


class Member(TimeStampedModel):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members", verbose_name=_("cluster"))
    name = models.CharField(_("organisation name"), max_length=200)
    member_type = models.CharField(_("type"), max_length=20, choices=MemberType.choices)
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices, blank=True)
    region = models.CharField(_("region"), max_length=10, blank=True)
    member_since = models.DateField(_("member since"), null=True, blank=True)
    fee_paying = models.BooleanField(_("fee-paying"), default=True)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            # A re-import matches members by name, whatever the case.
            models.UniqueConstraint(Lower("name"), "cluster", name="member_unique_name_per_cluster"),
        ]
        indexes = [models.Index(fields=["cluster", "name"], name="member_cluster_name")]  # the members list

    def __str__(self) -> str:
        return self.name

    @property
    def is_company(self) -> bool:
        return self.member_type in COMPANY_TYPES


class ActionPlan(models.TextChoices):
    NONE = "none", _("None")
    PARTIAL = "partial", _("Partial")
    COMPLETE = "complete", _("Complete, with measurable objectives")


class TeamYear(TimeStampedModel):
    """Team and governance facts for one year."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="team_years", verbose_name=_("cluster"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    staff_fte = models.DecimalField(
        _("management staff (FTE)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    staff_headcount = models.PositiveIntegerField(_("staff (headcount)"), null=True, blank=True)
    staff_with_degree = models.PositiveIntegerField(_("staff with a higher-education degree"), null=True, blank=True)
    board_seats = models.PositiveIntegerField(_("board seats"), null=True, blank=True)
    board_company_seats = models.PositiveIntegerField(_("board seats held by member companies"), null=True, blank=True)
    strategy_document = models.BooleanField(_("documented strategy"), default=False)
    strategy_adopted_on = models.DateField(_("strategy adopted on"), null=True, blank=True)
    action_plan = models.CharField(_("action plan"), max_length=10, choices=ActionPlan.choices, default=ActionPlan.NONE)
    performance_contract = models.BooleanField(_("performance contract"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["cluster", "-year"]
        verbose_name = _("team and governance year")
        verbose_name_plural = _("team and governance years")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year"], name="teamyear_unique_year"),
            models.CheckConstraint(
                condition=models.Q(staff_with_degree__isnull=True)
                | models.Q(staff_headcount__isnull=True)
                | models.Q(staff_with_degree__lte=models.F("staff_headcount")),
                name="teamyear_degree_within_headcount",
            ),
            models.CheckConstraint(
                condition=models.Q(board_company_seats__isnull=True)
                | models.Q(board_seats__isnull=True)
                | models.Q(board_company_seats__lte=models.F("board_seats")),
                name="teamyear_company_seats_within_board",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} {self.year}"


class FinancingYear(TimeStampedModel):
    """Budget for one year, by source, in euros."""

    SOURCES = ("state", "regional", "eu", "member_fees", "paid_services", "other_private")
    PRIVATE_SOURCES = ("member_fees", "paid_services", "other_private")

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="financing_years", verbose_name=_("cluster")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    state = models.DecimalField(
        _("State"), max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(Decimal(0))]
    )
    regional = models.DecimalField(
        _("region and local authorities"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(Decimal(0))],
    )
    eu = models.DecimalField(
        _("EU programmes"), max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(Decimal(0))]
    )
    member_fees = models.DecimalField(
        _("member fees"), max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(Decimal(0))]
    )
    paid_services = models.DecimalField(
        _("paid services"), max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(Decimal(0))]
    )
    other_private = models.DecimalField(
        _("other private"), max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(Decimal(0))]
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["cluster", "-year"]
        verbose_name = _("financing year")
        verbose_name_plural = _("financing years")
        constraints = [models.UniqueConstraint(fields=["cluster", "year"], name="financingyear_unique_year")]

    def __str__(self) -> str:
        return f"{self.cluster} {self.year}"

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, s) for s in self.SOURCES), Decimal(0))

    @property
    def private_total(self) -> Decimal:
        return sum((getattr(self, s) for s in self.PRIVATE_SOURCES), Decimal(0))
