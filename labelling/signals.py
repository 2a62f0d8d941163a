"""Cache invalidation: the benchmark, the statistics and the registry's filters are cached under versions
(``core.caching``); a change of the rows they are computed from gives those versions a new value.

- a label is awarded, superseded, expired, revoked or deleted → the registry and the population (the
  statistics count the active labels);
- an assessment is saved as validated or decided (validation, decision) → the population;
- an assessment, an answer or a review is saved or deleted → the review work (the assessor's dashboard
  figures);
- a cluster is saved (the Django admin, ``cluster_update``, which also bumps both itself: clusters does not rely
  on labelling's signals).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from clusters.models import Cluster
from core import caching
from labelling.models import Answer, Assessment, AssessmentStatus, Label, Review

BENCHMARKED = (AssessmentStatus.VALIDATED, AssessmentStatus.DECIDED)


@receiver([post_save, post_delete], sender=Label, dispatch_uid="labelling.label_changed")
def label_changed(sender, instance, **kwargs):
    caching.bump(caching.REGISTRY, caching.POPULATION)


@receiver([post_save, post_delete], sender=Assessment, dispatch_uid="labelling.assessment_changed")
def assessment_changed(sender, instance, **kwargs):
    if instance.status in BENCHMARKED or kwargs.get("signal") is post_delete:
        caching.bump(caching.POPULATION, caching.REVIEW_WORK)
    else:
        caching.bump(caching.REVIEW_WORK)


@receiver([post_save, post_delete], sender=Answer, dispatch_uid="labelling.answer_changed")
@receiver([post_save, post_delete], sender=Review, dispatch_uid="labelling.review_changed")
def review_work_changed(sender, instance, **kwargs):
    """Answers changed with ``QuerySet.update`` (a change request, a resubmission) change their assessment's
    status in the same transaction, whose save bumps the version too."""
    caching.bump(caching.REVIEW_WORK)


@receiver([post_save, post_delete], sender=Cluster, dispatch_uid="labelling.cluster_changed")
def cluster_changed(sender, instance, **kwargs):
    caching.bump(caching.REGISTRY, caching.POPULATION)
