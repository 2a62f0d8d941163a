from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MANAGER = "manager", _("Cluster manager")
    ASSESSOR = "assessor", _("Assessor")
    ADMINISTRATOR = "administrator", _("Administrator")
    OFFICER = "officer", _("Programme officer")
    COMMITTEE = "committee", _("Committee member")


class User(AbstractUser):
    """A person using Grappe. The role decides what they may do (see accounts.permissions).

    A cluster manager is linked to the clusters they manage through ``Cluster.managers``; a programme officer to
    the funders' programmes they follow through ``Programme.officers`` (``programmes`` app); a committee member to the
    awarding-committee sessions they sit on through ``CommitteeSession.members`` (``committee`` app).
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MANAGER)
    language = models.CharField(
        _("preferred language"), max_length=5, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )

    # An assessor's country (ISO 3166 code): a Gold visit needs an expert of another country than the cluster's.
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code, e.g. FR"))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_manager(self) -> bool:
        return self.is_authenticated and self.role == Role.MANAGER

    @property
    def is_assessor(self) -> bool:
        return self.is_authenticated and self.role == Role.ASSESSOR

    @property
    def is_administrator(self) -> bool:
        return self.is_authenticated and (self.role == Role.ADMINISTRATOR or self.is_superuser)

    def save(self, *args, **kwargs):
        # Administrators use the Django admin; nobody else does.
        self.is_staff = self.role == Role.ADMINISTRATOR or self.is_superuser
        super().save(*args, **kwargs)
