"""Writes of the appeals. Every service is one transaction: the capability first (``NotFound`` for what the user may
not see or do), the row locked (``select_for_update``) and its version compared (``core.locking.version_check``),
then the write, its audit event and its e-mails (through the outbox, in each recipient's language). Refusals are
domain errors: ``InvalidFields`` naming the field, ``InvalidTransition`` (409) for a step the appeal no longer allows.

An overturned decision is changed by labelling's own services: ``decision_revise`` (a label issued after a refusal,
or raised: numbered as every label), ``label_restore`` (a revoked label), ``label_conditions_met`` (a label's
conditions lifted)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.permissions import can
from appeals.models import OPEN_STATUSES, Appeal, AppealFile, AppealStatus, Ground, Outcome, Question
from appeals.selectors import appeal_window_days, appealable_decisions, handlers_of
from audit.services import audit_log
from core.exceptions import InvalidFields, InvalidTransition, NotFound
from core.files import document_checked, safe_filename
from core.locking import version_check
from core.text import long_date
from labelling.models import LABEL_LEVELS, TEXT_MAX_LENGTH, Assessment
from labelling.services.labels import label_conditions_met, label_restore
from labelling.services.notifications import notify
from labelling.services.workflow import decision_revise

# The most files one appeal or one answer carries.
MAX_FILES = 10


def _require(user, capability: str, obj=None) -> None:
    if not can(user, capability, obj):
        raise NotFound()


def _text(value, field: str, *, required: str = "") -> str:
    value = (value or "").strip()
    if not value and required:
        raise InvalidFields({field: [required]})
    if len(value) > TEXT_MAX_LENGTH:
        raise InvalidFields(
            {
                field: [
                    _("At most %(limit)s characters (you wrote %(count)s).")
                    % {"limit": TEXT_MAX_LENGTH, "count": len(value)}
                ]
            }
        )
    return value


def _documents(uploads: Iterable) -> list[tuple[str, bytes, object]]:
    """Each upload checked by its content, as evidence is (kind, size): ``InvalidFields`` on ``files``."""
    uploads = [u for u in (uploads or []) if u is not None]
    if len(uploads) > MAX_FILES:
        raise InvalidFields(
            {
                "files": [
                    ngettext("At most %(count)d file.", "At most %(count)d files.", MAX_FILES) % {"count": MAX_FILES}
                ]
            }
        )
    checked = []
    for upload in uploads:
        try:
            data, kind = document_checked(upload, "files", limit=settings.EVIDENCE_MAX_BYTES)
        except InvalidFields as exc:
            name = safe_filename(getattr(upload, "name", "") or "")
            raise InvalidFields({"files": [f"{name}: {exc.message}"]}) from None
        checked.append((safe_filename(getattr(upload, "name", "") or ""), data, kind))
    return checked


@contextmanager
def _written_files() -> Iterator[list]:
    """The files a service writes (``(path, storage)``), deleted again when the service fails after writing them."""
    written: list = []
    try:
        yield written
    except BaseException:
        for path, storage in written:
            storage.delete(path)
        raise


def _store(appeal: Appeal, documents, *, user, written: list, question: Question | None = None) -> list[str]:
    """Save the checked documents in the private storage, under random names (``written`` keeps their paths)."""
    names = []
    for name, data, kind in documents:
        row = AppealFile(
            appeal=appeal,
            question=question,
            original_name=name,
            content_type=kind.mime,
            size=len(data),
            uploaded_by=user,
        )
        row.file.save(f"{uuid.uuid4().hex}.{kind.extension}", ContentFile(data), save=False)
        written.append((row.file.name, row.file.storage))
        row.save()
        names.append(name)
    return names


def _locked(appeal: Appeal, expected_version) -> Appeal:
    locked = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("cluster", "assessment", "lodged_by")
        .filter(pk=appeal.pk)
        .first()
    )
    version_check(locked, expected_version)
    return locked


def _bump(appeal: Appeal, *fields: str) -> None:
    appeal.version += 1
    appeal.save(update_fields=[*fields, "version", "updated_at"])


def _managers(appeal: Appeal) -> list:
    return list(appeal.cluster.managers.filter(is_active=True))


def _tell(users, subject, template: str, appeal: Appeal, **context) -> None:
    notify(
        users=users,
        subject=subject,
        template=template,
        context={"appeal": appeal, "cluster": appeal.cluster.name, **context},
    )


# --- lodging ------------------------------------------------------------------------------------------------------


def appeal_lodge(*, user, assessment: Assessment, ground: str, reasons: str, uploads: Iterable = ()) -> Appeal:
    """A manager of the cluster appeals a decision of the assessment (``ground``: a refusal, a conditional grant, a
    level lower than the one applied for, a revocation) with their reasons and files, no later than
    ``APPEAL_WINDOW_DAYS`` after it. The administrators who may handle it and the cluster's managers are told."""
    _require(user, "appeal.lodge", assessment)
    reasons = _text(reasons, "reasons", required=_("Give the reasons of your appeal."))
    if ground not in Ground.values:
        raise InvalidFields({"ground": [_("Choose the decision you appeal.")]})
    documents = _documents(uploads)
    today = timezone.localdate()
    with _written_files() as written, transaction.atomic():
        # One lodging at a time per assessment: the checks below cannot race.
        locked = Assessment.objects.select_for_update(of=("self",)).select_related("cluster").get(pk=assessment.pk)
        found = next((a for a in appealable_decisions(assessment=locked) if a.ground == ground), None)
        if found is None:
            raise InvalidFields({"ground": [_("This assessment has no such decision to appeal.")]})
        if found.appealed:
            raise InvalidFields({"ground": [_("This decision has already been appealed.")]})
        if found.late(today):
            raise InvalidFields(
                {
                    "ground": [
                        _(
                            "The deadline to appeal this decision was %(deadline)s (%(days)s days after the decision "
                            "of %(decided)s): the appeal cannot be lodged."
                        )
                        % {
                            "deadline": long_date(found.deadline),
                            "days": appeal_window_days(),
                            "decided": long_date(found.decided_on),
                        }
                    ]
                }
            )
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(
                    cluster=locked.cluster,
                    assessment=locked,
                    label=found.label,
                    ground=ground,
                    decided_on=found.decided_on,
                    deadline=found.deadline,
                    decision_reason=found.reason,
                    reasons=reasons,
                    lodged_by=user,
                )
        except IntegrityError as exc:  # the same decision appealed at the same moment
            raise InvalidFields({"ground": [_("This decision has already been appealed.")]}) from exc
        appeal.recused.set(found.recused_ids)
        files = _store(appeal, documents, user=user, written=written)
        audit_log(
            actor=user,
            action="appeal.lodged",
            assessment=locked,
            target=ground,
            after={
                "appeal": appeal.pk,
                "ground": ground,
                "decided_on": found.decided_on.isoformat(),
                "deadline": found.deadline.isoformat(),
                "reasons": reasons,
                "files": files,
            },
        )
        _tell(
            handlers_of(appeal=appeal),
            gettext_lazy("Grappe: an appeal %(of_cluster)s to handle"),
            "appeals/email/lodged_admin.txt",
            appeal,
        )
        _tell(
            _managers(appeal),
            gettext_lazy("Grappe: your appeal %(of_cluster)s is lodged"),
            "appeals/email/lodged.txt",
            appeal,
        )
    return appeal


# --- questions and answers ----------------------------------------------------------------------------------------


def appeal_ask(*, user, appeal: Appeal, question: str, expected_version) -> Question:
    """The administrator handling the appeal asks the cluster a question; its managers answer on the appeal's page."""
    _require(user, "appeal.handle", appeal)
    text = _text(question, "question", required=_("Write your question."))
    with transaction.atomic():
        locked = _locked(appeal, expected_version)
        if locked.status == AppealStatus.QUESTION:
            raise InvalidTransition(_("A question is already waiting for the cluster's answer."))
        if locked.status not in OPEN_STATUSES:
            raise InvalidTransition(_("This appeal is already decided."))
        asked = Question.objects.create(appeal=locked, text=text, asked_by=user)
        locked.status = AppealStatus.QUESTION
        _bump(locked, "status")
        audit_log(
            actor=user,
            action="appeal.question_asked",
            assessment=locked.assessment,
            target=locked.ground,
            after={"appeal": locked.pk, "question": text},
        )
        _tell(
            _managers(locked),
            gettext_lazy("Grappe: a question on your appeal %(of_cluster)s"),
            "appeals/email/question.txt",
            locked,
            question=text,
        )
    return asked


def appeal_answer(*, user, appeal: Appeal, answer: str, expected_version, uploads: Iterable = ()) -> Question:
    """A manager of the cluster answers the waiting question, with files if need be; the appeal goes back to the
    administrator who asked."""
    _require(user, "appeal.answer", appeal)
    text = _text(answer, "answer", required=_("Write your answer."))
    documents = _documents(uploads)
    with _written_files() as written, transaction.atomic():
        locked = _locked(appeal, expected_version)
        if locked.status != AppealStatus.QUESTION:
            raise InvalidTransition(_("No question is waiting for your answer."))
        waiting = locked.questions.select_for_update().filter(answered_at__isnull=True).order_by("-pk").first()
        waiting.answer = text
        waiting.answered_by = user
        waiting.answered_at = timezone.now()
        waiting.save(update_fields=["answer", "answered_by", "answered_at", "updated_at"])
        files = _store(locked, documents, user=user, question=waiting, written=written)
        locked.status = AppealStatus.LODGED
        _bump(locked, "status")
        audit_log(
            actor=user,
            action="appeal.question_answered",
            assessment=locked.assessment,
            target=locked.ground,
            after={"appeal": locked.pk, "answer": text, "files": files},
        )
        _tell(
            [waiting.asked_by],
            gettext_lazy("Grappe: the answer %(of_cluster)s on its appeal"),
            "appeals/email/answered.txt",
            locked,
            question=waiting.text,
            answer=text,
        )
    return waiting


# --- the outcome --------------------------------------------------------------------------------------------------


def appeal_decide(*, user, appeal: Appeal, outcome: str, reason: str, expected_version, level: str = "") -> Appeal:
    """The administrator handling the appeal records its outcome, once, with the reason:

    - ``upheld``: the decision stands;
    - ``overturned``: a new decision, through labelling's services — after a refusal, a label issued at ``level``;
      after a level lower than the one applied for, a label raised to ``level`` (a new label, numbered as every
      label, replaces the lower one); after a revocation, the label restored; after a conditional grant, the
      conditions lifted (a plain label).
    """
    _require(user, "appeal.handle", appeal)
    reason = _text(reason, "reason", required=_("Give the reason of the outcome."))
    level = (level or "").strip()
    errors: dict[str, list] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose an outcome from the list.")]
    elif outcome == Outcome.OVERTURNED and appeal.overturn_needs_level:
        if level not in LABEL_LEVELS:
            errors["level"] = [_("Choose the level of the label the new decision issues.")]
    if errors:
        raise InvalidFields(errors)
    with transaction.atomic():
        locked = _locked(appeal, expected_version)
        if locked.status not in OPEN_STATUSES:
            raise InvalidTransition(_("This appeal is already decided."))
        new_label = None
        if outcome == Outcome.OVERTURNED:
            if locked.overturn_needs_level:
                new_label = decision_revise(user=user, assessment=locked.assessment, level=level, reason=reason)
            elif locked.ground == Ground.REVOKED:
                new_label = label_restore(user=user, label=locked.label, reason=reason)
            else:  # a conditional grant: the conditions lifted
                new_label = label_conditions_met(user=user, label=locked.label)
        else:
            level = ""
        before = {"status": locked.status}
        locked.status = AppealStatus.OVERTURNED if outcome == Outcome.OVERTURNED else AppealStatus.UPHELD
        locked.outcome_reason = reason
        locked.new_level = level if new_label is None else new_label.level
        locked.new_label = new_label
        locked.decided_by = user
        locked.decided_at = timezone.now()
        _bump(locked, "status", "outcome_reason", "new_level", "new_label", "decided_by", "decided_at")
        audit_log(
            actor=user,
            action="appeal.decided",
            assessment=locked.assessment,
            target=outcome,
            before=before,
            after={
                "appeal": locked.pk,
                "status": locked.status,
                "reason": reason,
                "level": locked.new_level or None,
                "label": new_label.certificate_number if new_label else None,
            },
        )
        recipients = {u.pk: u for u in [*_managers(locked), locked.lodged_by]}
        _tell(
            list(recipients.values()),
            gettext_lazy("Grappe: the outcome of your appeal %(of_cluster)s"),
            "appeals/email/decided.txt",
            locked,
            new_label=new_label,
        )
    return locked
