"""The expert's process around an assessment: the exemption from the prerequisites to apply, the interview or visit
and its proposed slots, the expert's written findings by category."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from core.models import TimeStampedModel

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
