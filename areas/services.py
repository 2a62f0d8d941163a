"""Writes of Silver's areas of improvement. Every service is one transaction: the capability first (``NotFound`` for
what the user may not see or do), the assessment row locked (``select_for_update``: a submission or a validation
waits for the write, and the write for them) and the step checked against labelling's steps table (``edit`` for the
manager, ``review_answer`` for the assessor), the version compared (``core.locking.version_check``), then the write
and its audit event. Bad values are refused field by field (``InvalidFields``), nothing half-saved."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can
from areas.models import TITLE_MAX_LENGTH, ImprovementArea, Verdict
from areas.selectors import areas_asked, plan_actions_for
from audit.services import audit_log
from core.exceptions import InvalidFields, InvalidTransition, NotFound
from core.locking import version_check
from labelling.models import TEXT_MAX_LENGTH, Assessment, Level
from labelling.selectors import review_for
from labelling.services.steps import require_step

# The refusal of a manager's change once the assessment is submitted.
EDIT_CLOSED = gettext_lazy("The areas of improvement can no longer change: the assessment is submitted.")


def _require(user, capability: str, assessment: Assessment) -> None:
    if not can(user, capability, assessment):
        raise NotFound()


def _lock(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",)).select_related("cluster", "framework").get(pk=assessment.pk)
    )


def _length(errors: dict, field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors[field] = [
            _("At most %(limit)s characters (you wrote %(count)s).") % {"limit": limit, "count": len(value)}
        ]


def _clean(*, assessment: Assessment, title, indicator, actions, achievements, area=None) -> dict:
    """The area's values checked against the assessment (its framework's indicators, its cluster's plan, one area per
    indicator): ``InvalidFields`` with every refusal at once."""
    title = (title or "").strip()
    achievements = (achievements or "").strip()
    actions = list(actions or [])
    errors: dict[str, list] = {}
    if not title:
        errors["title"] = [_("Name the area of improvement.")]
    _length(errors, "title", title, TITLE_MAX_LENGTH)
    if indicator is None:
        errors["indicator"] = [_("Choose the indicator the area improves.")]
    elif indicator.category.framework_id != assessment.framework_id:
        errors["indicator"] = [_("Choose an indicator of the assessment's framework.")]
    else:
        taken = ImprovementArea.objects.filter(assessment=assessment, indicator=indicator)
        if area is not None:
            taken = taken.exclude(pk=area.pk)
        if taken.exists():
            errors["indicator"] = [
                _("%(code)s already has an area of improvement: choose another indicator or change that area.")
                % {"code": indicator.code}
            ]
    plan = set(plan_actions_for(assessment=assessment).values_list("pk", flat=True))
    if not actions:
        errors["actions"] = [
            _("Choose at least one action of the improvement plan that this area rests on.")
            if plan
            else _("The cluster's improvement plan has no action yet: add the actions that this area rests on first.")
        ]
    elif any(action.pk not in plan for action in actions):
        errors["actions"] = [_("Choose actions of the cluster's own improvement plan.")]
    if not achievements:
        errors["achievements"] = [_("Say what was done in this area.")]
    _length(errors, "achievements", achievements, TEXT_MAX_LENGTH)
    if errors:
        raise InvalidFields(errors)
    return {"title": title, "indicator": indicator, "actions": actions, "achievements": achievements}


def _state(area: ImprovementArea, actions=None) -> dict:
    """An area as the audit trail records it."""
    actions = area.actions.all() if actions is None else actions
    return {
        "title": area.title,
        "indicator": area.indicator.code,
        "actions": sorted(action.pk for action in actions),
        "achievements": area.achievements,
        "verdict": area.verdict,
        "verdict_comment": area.verdict_comment,
    }


def area_add(
    *, user, assessment: Assessment, title: str, indicator, actions, achievements: str, expected_version: int
) -> ImprovementArea:
    """A manager adds an area of improvement to a Silver application they may edit. ``expected_version`` is the
    assessment's version as read (it grows with the addition)."""
    with transaction.atomic():
        locked = _lock(assessment)
        _require(user, "assessment.manage", locked)
        require_step(locked, "edit", message=EDIT_CLOSED)
        _require(user, "areas.edit", locked)
        version_check(locked, expected_version)
        if not areas_asked(locked):
            raise InvalidTransition(
                _("Areas of improvement are described by a Silver application; this one applies for %(level)s.")
                % {"level": Level(locked.applied_level).label}
            )
        values = _clean(assessment=locked, title=title, indicator=indicator, actions=actions, achievements=achievements)
        area = ImprovementArea.objects.create(
            assessment=locked,
            title=values["title"],
            indicator=values["indicator"],
            achievements=values["achievements"],
        )
        area.actions.set(values["actions"])
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        audit_log(
            actor=user,
            action="area.added",
            assessment=locked,
            target=area.title,
            before=None,
            after=_state(area, values["actions"]),
        )
    return area


def _locked_area(user, area: ImprovementArea, role: str, capability: str, step: str, message) -> tuple:
    """Inside the caller's transaction: (the assessment locked, the area locked). On the locked assessment: the user's
    ``role`` capability (``NotFound`` without it), then the ``step`` (``InvalidTransition`` with ``message``), then the
    ``capability`` of the write."""
    locked = _lock(area.assessment)
    _require(user, role, locked)
    require_step(locked, step, message=message)
    _require(user, capability, locked)
    locked_area = (
        ImprovementArea.objects.select_for_update(of=("self",)).select_related("indicator").filter(pk=area.pk).first()
    )
    return locked, locked_area


def area_update(
    *, user, area: ImprovementArea, title: str, indicator, actions, achievements: str, expected_version: int
) -> ImprovementArea:
    """A manager changes an area while the assessment may be edited. A verdict the area had (after a change request)
    is cleared: the assessor judges the area again."""
    with transaction.atomic():
        locked, locked_area = _locked_area(user, area, "assessment.manage", "areas.edit", "edit", EDIT_CLOSED)
        version_check(locked_area, expected_version)
        values = _clean(
            assessment=locked,
            title=title,
            indicator=indicator,
            actions=actions,
            achievements=achievements,
            area=locked_area,
        )
        before = _state(locked_area)
        locked_area.title = values["title"]
        locked_area.indicator = values["indicator"]
        locked_area.achievements = values["achievements"]
        locked_area.verdict, locked_area.verdict_comment = "", ""
        locked_area.judged_by, locked_area.judged_at = None, None
        locked_area.version += 1
        locked_area.save()
        locked_area.actions.set(values["actions"])
        after = _state(locked_area, values["actions"])
        if before != after:
            audit_log(
                actor=user,
                action="area.changed",
                assessment=locked,
                target=locked_area.title,
                before=before,
                after=after,
            )
    return locked_area


def area_delete(*, user, area: ImprovementArea, expected_version: int) -> None:
    """A manager removes an area while the assessment may be edited."""
    with transaction.atomic():
        locked, locked_area = _locked_area(user, area, "assessment.manage", "areas.edit", "edit", EDIT_CLOSED)
        version_check(locked_area, expected_version)
        before = _state(locked_area)
        locked_area.delete()
        audit_log(actor=user, action="area.removed", assessment=locked, target=before["title"], before=before)


def area_judge(*, user, area: ImprovementArea, verdict: str, comment: str, expected_version: int) -> ImprovementArea:
    """The assigned assessor marks an area demonstrated or not, with a comment, while they review the assessment
    (after declaring no conflict of interest); a verdict may be changed until the validation."""
    verdict = (verdict or "").strip()
    comment = (comment or "").strip()
    errors: dict[str, list] = {}
    if verdict not in Verdict.values:
        errors["verdict"] = [_("Say whether the area is demonstrated or not.")]
    if not comment:
        errors["comment"] = [_("Say what the verdict rests on in a comment.")]
    _length(errors, "comment", comment, TEXT_MAX_LENGTH)
    if errors:
        raise InvalidFields(errors)
    with transaction.atomic():
        message = _("The areas of improvement are judged while the assessment is in review.")
        locked, locked_area = _locked_area(user, area, "assessment.assessor", "areas.judge", "review_answer", message)
        review = review_for(assessment=locked, assessor=user)
        if review is None or review.no_conflict_declared_at is None:
            raise InvalidTransition(
                _("Declare that you have no conflict of interest before reviewing this assessment.")
            )
        version_check(locked_area, expected_version)
        before = {"verdict": locked_area.verdict, "verdict_comment": locked_area.verdict_comment}
        locked_area.verdict = verdict
        locked_area.verdict_comment = comment
        locked_area.judged_by = user
        locked_area.judged_at = timezone.now()
        locked_area.version += 1
        locked_area.save(
            update_fields=["verdict", "verdict_comment", "judged_by", "judged_at", "version", "updated_at"]
        )
        audit_log(
            actor=user,
            action="area.judged",
            assessment=locked,
            target=locked_area.title,
            before=before,
            after={"verdict": verdict, "verdict_comment": comment},
        )
    return locked_area
