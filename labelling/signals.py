"""Cache invalidation: the benchmark, the statistics and the registry's filters are cached under versions
(``core.caching``); a change of the rows they are computed from gives those versions a new value.

- a label is awarded, superseded, expired, revoked or deleted → the registry and the population (the
  statistics count the active labels);
- an assessment is saved or deleted → the assessments (the counts by status), and the work of its assessors, those
  assigned now and those it was read with (an unassigned one's figures change too); as validated or decided
  (validation, decision) → the population too;
- an answer or a review is saved or deleted → the work of its assessment's assessors only (the figures at the top
  of their dashboards): a manager's autosave leaves every other assessor's cached figures alone;
- a cluster is saved (the Django admin, ``cluster_update``, which also bumps both itself: clusters does not rely
  on labelling's signals).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from clusters.models import Cluster
from core import caching
from labelling.models import SCORED_STATUSES, Answer, Assessment, Label, Review


def _assessors_work(user_ids) -> tuple[str, ...]:
    return tuple(caching.assessor_work(pk) for pk in sorted(user_ids))


@receiver([post_save, post_delete], sender=Label, dispatch_uid="labelling.label_changed")
def label_changed(sender, instance, **kwargs):
    caching.bump(caching.REGISTRY, caching.POPULATION)


@receiver([post_save, post_delete], sender=Assessment, dispatch_uid="labelling.assessment_changed")
def assessment_changed(sender, instance, **kwargs):
    names = (caching.ASSESSMENTS, *_assessors_work(instance.assessor_ids()))
    if instance.status in SCORED_STATUSES or kwargs.get("signal") is post_delete:
        names = (caching.POPULATION, *names)
    caching.bump(*names)


def _assessors_of(instance) -> set[int]:
    """The assessors of an answer's or a review's assessment: from the assessment read with it, else one query."""
    assessment = instance._state.fields_cache.get("assessment")
    if assessment is not None:
        return assessment.assessor_ids()
    row = Assessment.objects.filter(pk=instance.assessment_id).values_list("assessor_id", "second_assessor_id")
    return {pk for pk in (row.first() or ()) if pk}


@receiver([post_save, post_delete], sender=Answer, dispatch_uid="labelling.answer_changed")
@receiver([post_save, post_delete], sender=Review, dispatch_uid="labelling.review_changed")
def review_work_changed(sender, instance, **kwargs):
    """Answers changed with ``QuerySet.update`` (a change request, a resubmission, a withdrawn assessor) change
    their assessment in the same transaction, whose save renews its assessors' versions too."""
    assessors = _assessors_of(instance)
    if isinstance(instance, Review) and instance.assessor_id:
        assessors.add(instance.assessor_id)
    if assessors:
        caching.bump(*_assessors_work(assessors))


@receiver([post_save, post_delete], sender=Cluster, dispatch_uid="labelling.cluster_changed")
def cluster_changed(sender, instance, **kwargs):
    caching.bump(caching.REGISTRY, caching.POPULATION)
