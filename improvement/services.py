"""Writes of the improvement plans: the seeding when an assessment is decided, the managers' actions and their
evidence files. One transaction per operation, the capability checked first, the optimistic lock
(``core.locking.version_check``) on every manager's write, an audit event in the same transaction.

The plan never changes a score: nothing here writes an answer, an assessment, a decision or a label."""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can
from audit.services import audit_log
from core.exceptions import InvalidFields, NotFound
from core.files import document_checked, safe_filename
from core.locking import version_check
from expertise.selectors import findings_of
from improvement.models import (
    OWNER_MAX_LENGTH,
    Action,
    ActionEvidence,
    ActionSource,
    ActionStatus,
    ImprovementPlan,
)
from improvement.selectors import framework_of
from indicators.models import Indicator
from labelling.models import TEXT_MAX_LENGTH, Assessment

# The fields of an action a manager writes, in the order the audit trail records them.
ACTION_FIELDS = ("indicator", "description", "owner", "due_on", "status", "progress_note")

# What the seeding writes for an indicator not fully met, by its result (in the managers' language).
CRITERION_DESCRIPTIONS = {
    "partial": gettext_lazy("Fully meet “%(indicator)s” (partly met at the %(year)s assessment)."),
    "none": gettext_lazy("Meet “%(indicator)s” (not met at the %(year)s assessment)."),
}
# A bullet or a number at the start of a line of recommendations: "- ", "• ", "* ", "1. ", "2) ".
BULLET = re.compile(r"^\s*(?:[-•*–]|\d+[.)])\s+")


# --- the seeding ---------------------------------------------------------------------------------------------------


def _managers_language(cluster) -> str:
    """The language the cluster's managers read (the first active manager's), for the seeded descriptions."""
    language = (
        cluster.managers.filter(is_active=True).exclude(language="").order_by("pk").values_list("language", flat=True)
    ).first()
    return language or settings.LANGUAGE_CODE


def _recommendation_lines(text: str) -> list[str]:
    """One recommendation per non-empty line of the expert's text, without its bullet."""
    lines = [BULLET.sub("", line).strip() for line in (text or "").splitlines()]
    return [line[:TEXT_MAX_LENGTH] for line in lines if line]


def _digest(text: str) -> str:
    normalised = " ".join(text.casefold().split())
    return hashlib.sha256(normalised.encode()).hexdigest()[:16]


def seeded_actions(*, assessment: Assessment, scores: dict) -> list[Action]:
    """The actions a decided assessment brings to its cluster's plan (unsaved, without their plan): one per
    indicator not fully met (``scores``: the decision's scores, ``indicators.computations`` 's shape), then one per
    line of the expert's recommendations of each category."""
    results = {code: item.get("result") for code, item in (scores.get("indicators") or {}).items()}
    not_met = {code: result for code, result in results.items() if result in CRITERION_DESCRIPTIONS}
    indicators = Indicator.objects.filter(framework_id=assessment.framework_id, code__in=not_met).select_related(
        "category"
    )
    actions = []
    with translation.override(_managers_language(assessment.cluster)):
        for indicator in sorted(indicators, key=lambda i: i.position):
            template = CRITERION_DESCRIPTIONS[not_met[indicator.code]]
            actions.append(
                Action(
                    indicator=indicator,
                    category=indicator.category,
                    description=str(template) % {"indicator": indicator.name, "year": assessment.reference_year},
                    source=ActionSource.CRITERION,
                    source_key=indicator.code,
                    source_assessment=assessment,
                )
            )
    categories = {c.code: c for c in assessment.framework.categories.all()}
    for row in findings_of(assessment=assessment).categories:
        for line in _recommendation_lines(row.recommendations):
            actions.append(
                Action(
                    category=categories.get(row.code),
                    description=line,
                    source=ActionSource.RECOMMENDATION,
                    source_key=f"{row.code}:{_digest(line)}",
                    source_assessment=assessment,
                )
            )
    return actions


def plan_seed(*, assessment: Assessment, scores: dict, actor=None) -> ImprovementPlan:
    """The cluster's plan once ``assessment`` is decided: created if it has none, with the actions of
    :func:`seeded_actions` that it does not hold yet (an indicator or a recommendation already in the plan, whatever
    its status, is never added twice). Runs in the decision's transaction (``improvement.signals``): the decision
    and its plan are saved together or not at all."""
    with transaction.atomic():
        plan, created = ImprovementPlan.objects.get_or_create(
            cluster_id=assessment.cluster_id, defaults={"assessment": assessment}
        )
        plan = ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
        held = set(plan.actions.exclude(source=ActionSource.MANAGER).values_list("source", "source_key"))
        new = []
        for action in seeded_actions(assessment=assessment, scores=scores):
            if (action.source, action.source_key) not in held:
                held.add((action.source, action.source_key))
                action.plan = plan
                new.append(action)
        Action.objects.bulk_create(new)
        if new and not created:
            plan.version += 1
            plan.save(update_fields=["version", "updated_at"])
        audit_log(
            actor=actor,
            action="improvement.seeded",
            assessment=assessment,
            target=str(assessment.reference_year),
            after={
                "created": created,
                "criteria": sum(a.source == ActionSource.CRITERION for a in new),
                "recommendations": sum(a.source == ActionSource.RECOMMENDATION for a in new),
            },
        )
    return plan


# --- the managers' actions -----------------------------------------------------------------------------------------


def _clean(plan: ImprovementPlan, data: dict, *, action: Action | None = None) -> dict:
    """The action's values, or ``InvalidFields`` with every refused field at once."""
    errors: dict[str, list] = {}
    cleaned: dict = {}
    current = {name: getattr(action, name) for name in ACTION_FIELDS} if action is not None else {}
    values = {**current, **{k: v for k, v in data.items() if k in ACTION_FIELDS}}

    indicator = values.get("indicator")
    if indicator == "":
        indicator = None
    if indicator is not None and not isinstance(indicator, Indicator):
        # an indicator's code (the API) or id, in the plan's framework
        framework = framework_of(plan=plan)
        lookup = {"code": indicator} if isinstance(indicator, str) else {"pk": indicator}
        indicator = Indicator.objects.filter(framework=framework, **lookup).select_related("category").first()
        if indicator is None:
            errors["indicator"] = [_("Choose an indicator of the framework of the plan.")]
    elif indicator is not None and indicator.framework_id != framework_of(plan=plan).pk:
        errors["indicator"] = [_("Choose an indicator of the framework of the plan.")]
    is_recommendation = action is not None and action.source == ActionSource.RECOMMENDATION
    if indicator is None and "indicator" not in errors and not is_recommendation:
        errors["indicator"] = [_("Choose the indicator this action improves.")]
    cleaned["indicator"] = indicator

    description = (values.get("description") or "").strip()
    if not description:
        errors["description"] = [_("Describe the action.")]
    elif len(description) > TEXT_MAX_LENGTH:
        errors["description"] = [_("At most %(n)s characters.") % {"n": TEXT_MAX_LENGTH}]
    cleaned["description"] = description

    owner = (values.get("owner") or "").strip()
    if len(owner) > OWNER_MAX_LENGTH:
        errors["owner"] = [_("At most %(n)s characters.") % {"n": OWNER_MAX_LENGTH}]
    cleaned["owner"] = owner

    due_on = values.get("due_on")
    if due_on is not None and not isinstance(due_on, datetime.date):
        errors["due_on"] = [_("Enter a valid date.")]
    elif due_on is not None and due_on < timezone.localdate(plan.created_at):
        errors["due_on"] = [
            _("The action cannot be due before the plan exists (%(date)s).")
            % {"date": timezone.localdate(plan.created_at).isoformat()}
        ]
    cleaned["due_on"] = due_on

    status = values.get("status") or ActionStatus.NOT_STARTED
    if status not in ActionStatus.values:
        errors["status"] = [_("Choose a status from the list.")]
    cleaned["status"] = status

    note = (values.get("progress_note") or "").strip()
    if len(note) > TEXT_MAX_LENGTH:
        errors["progress_note"] = [_("At most %(n)s characters.") % {"n": TEXT_MAX_LENGTH}]
    cleaned["progress_note"] = note
    for name in ("description", "owner", "progress_note"):
        if "\x00" in cleaned[name]:
            errors[name] = [_("Null characters are not allowed.")]
    if errors:
        raise InvalidFields(errors)
    return cleaned


def _require_edit(user, cluster) -> None:
    """``NotFound`` (404) unless the user may edit the cluster's plan."""
    if not can(user, "improvement_plan.edit", cluster):
        raise NotFound()


def _audit_values(values: dict) -> dict:
    out = {}
    for name, value in values.items():
        if isinstance(value, Indicator):
            value = value.code
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        out[name] = value
    return out


def _lock_plan(plan: ImprovementPlan) -> ImprovementPlan:
    locked = ImprovementPlan.objects.select_for_update(of=("self",)).select_related("assessment", "cluster")
    locked = locked.filter(pk=plan.pk).first()
    if locked is None:
        raise NotFound()
    return locked


def action_create(*, user, plan: ImprovementPlan, data: dict, expected_version: int | None) -> Action:
    """A manager of the cluster adds an action to its plan (``expected_version``: the plan's version as read)."""
    _require_edit(user, plan.cluster)
    with transaction.atomic():
        locked = _lock_plan(plan)
        version_check(locked, expected_version)
        values = _clean(locked, data)
        action = Action.objects.create(
            plan=locked,
            category=values["indicator"].category if values["indicator"] else None,
            source=ActionSource.MANAGER,
            **values,
        )
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        audit_log(
            actor=user,
            action="improvement.action_created",
            cluster=locked.cluster,
            target=values["description"][:255],
            after=_audit_values(values),
        )
    return action


def action_update(*, user, action: Action, data: dict, expected_version: int | None) -> Action:
    """A manager of the cluster changes an action (``data``: the fields sent; ``expected_version``: the action's
    version as read)."""
    _require_edit(user, action.plan.cluster)
    with transaction.atomic():
        locked = (
            Action.objects.select_for_update(of=("self",))
            .select_related("plan__assessment", "plan__cluster", "indicator")
            .filter(pk=action.pk)
            .first()
        )
        version_check(locked, expected_version)
        values = _clean(locked.plan, data, action=locked)
        before = {name: getattr(locked, name) for name in ACTION_FIELDS}
        changed = {name: value for name, value in values.items() if before[name] != value}
        for name, value in changed.items():
            setattr(locked, name, value)
        if "indicator" in changed and locked.indicator is not None:
            locked.category = locked.indicator.category
        locked.version += 1
        locked.save()
        audit_log(
            actor=user,
            action="improvement.action_updated",
            cluster=locked.plan.cluster,
            target=locked.description[:255],
            before=_audit_values({name: before[name] for name in changed}),
            after=_audit_values(changed),
        )
    return locked


def _lock_action(action: Action, expected_version: int | None) -> Action:
    locked = Action.objects.select_for_update(of=("self",)).select_related("plan__cluster").filter(pk=action.pk).first()
    version_check(locked, expected_version)
    return locked


def evidence_add(*, user, action: Action, upload, expected_version: int | None) -> ActionEvidence:
    """A manager of the cluster attaches a file to an action: its type is decided from its content, it is stored
    under a random name in the private storage (``expected_version``: the action's version as read)."""
    _require_edit(user, action.plan.cluster)
    data, kind = document_checked(upload, "file", limit=settings.EVIDENCE_MAX_BYTES)
    original_name = safe_filename(getattr(upload, "name", "") or "")
    with transaction.atomic():
        locked = _lock_action(action, expected_version)
        evidence = ActionEvidence(
            action=locked,
            original_name=original_name,
            content_type=kind.mime,
            size=len(data),
            uploaded_by=user if user is not None and user.is_authenticated else None,
        )
        evidence.file.save(f"{uuid.uuid4().hex}.{kind.extension}", ContentFile(data), save=False)
        stored, storage = evidence.file.name, evidence.file.storage
        try:  # a failure after the file was written must not leave it behind
            evidence.save()
            locked.version += 1
            locked.save(update_fields=["version", "updated_at"])
            audit_log(
                actor=user,
                action="improvement.evidence_added",
                cluster=locked.plan.cluster,
                target=original_name,
                after={"action": locked.pk, "type": kind.mime, "size": len(data)},
            )
        except Exception:
            storage.delete(stored)
            raise
    return evidence


def evidence_delete(*, user, evidence: ActionEvidence, expected_version: int | None) -> None:
    """A manager of the cluster removes an evidence file of an action; the stored file goes once the row is gone
    (``expected_version``: the action's version as read)."""
    _require_edit(user, evidence.action.plan.cluster)
    with transaction.atomic():
        locked = _lock_action(evidence.action, expected_version)
        row = ActionEvidence.objects.select_for_update().filter(pk=evidence.pk, action=locked).first()
        if row is None:
            raise NotFound()
        name, storage = row.file.name, row.file.storage
        audit_log(
            actor=user,
            action="improvement.evidence_deleted",
            cluster=locked.plan.cluster,
            target=row.original_name,
            before={"action": locked.pk, "size": row.size},
        )
        row.delete()
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        transaction.on_commit(lambda: storage.delete(name))
