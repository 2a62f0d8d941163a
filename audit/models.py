"""The audit trail: one append-only table of who did what, when, with the values before and after."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Append-only trail of transitions, corrections and decisions: who, when, before, after.

    Written only through ``audit.services.audit_log``; the models it points to are named by string, so the apps
    that record events (clusters, labelling, core) never import each other through it.
    """

    assessment = models.ForeignKey(
        "labelling.Assessment", on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    cluster = models.ForeignKey(
        "clusters.Cluster", on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=60)
    # 255: the longest name audited (clusters and members: 200; file names: 255) is kept whole.
    target = models.CharField(_("target"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
