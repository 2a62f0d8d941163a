"""The seeding of the improvement plan when an assessment is decided: labelling never imports this app, so its
decision (a direct one or the committee's, both through ``labelling.services.workflow.assessment_decide``) is
followed here, in the decision's own transaction."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from improvement.services import plan_seed
from labelling.models import Decision


@receiver(post_save, sender=Decision, dispatch_uid="improvement.decision_recorded")
def decision_recorded(sender, instance: Decision, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        plan_seed(assessment=instance.assessment, scores=instance.scores, actor=instance.decided_by)
