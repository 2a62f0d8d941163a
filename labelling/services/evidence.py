"""Evidence files: documents that prove an answer, several per answer, each with the date of the document.

The type is decided from the content (``core.files.sniff_document``), never from the name; the file is stored
under a random name in the private storage (outside MEDIA_ROOT) and served only by a permission-checked view.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.exceptions import DomainError
from core.files import UnsupportedFile, read_limited, safe_filename, sniff_document
from labelling.models import Answer, AssessmentStatus, Evidence
from labelling.services.steps import require_step


def _mark_changed_since_request(answer: Answer) -> None:
    """New or removed evidence after a change request: the answer is reviewed again after the resubmission."""
    if answer.assessment.status == AssessmentStatus.CHANGES_REQUESTED and not answer.changed_since_request:
        Answer.objects.filter(pk=answer.pk).update(changed_since_request=True)
        answer.changed_since_request = True


def evidence_add(*, user, answer: Answer, upload, document_date: datetime.date | None) -> Evidence:
    """Attach a file to an answer. ``upload`` is a Django ``UploadedFile`` (or any file with ``name``/``read``)."""
    limit = settings.EVIDENCE_MAX_BYTES
    errors: dict[str, list[str]] = {}
    data = b""
    kind = None
    if upload is None:
        errors["file"] = [_("Choose a file.")]
    else:
        data = read_limited(upload, limit)
        if data is None:
            errors["file"] = [_("The file is too large: at most %(size)s.") % {"size": filesizeformat(limit)}]
        else:
            try:
                kind = sniff_document(data)
            except UnsupportedFile as exc:
                errors["file"] = [str(exc.message)]
    if document_date is None:
        errors["document_date"] = [_("Give the date of the document.")]
    elif document_date > timezone.localdate():
        errors["document_date"] = [_("The date of the document cannot be in the future.")]
    if errors:
        raise DomainError(_("The file was not attached."), errors=errors)

    original_name = safe_filename(getattr(upload, "name", "") or "")
    stored_name = f"{uuid.uuid4().hex}.{kind.extension}"
    with transaction.atomic():
        locked = Answer.objects.select_for_update().select_related("assessment", "indicator").get(pk=answer.pk)
        require_step(
            locked.assessment,
            "edit",
            message=_("This assessment has been submitted: its evidence can no longer be changed."),
        )
        evidence = Evidence(
            answer=locked,
            original_name=original_name,
            content_type=kind.mime,
            size=len(data),
            document_date=document_date,
            uploaded_by=user if user is not None and user.is_authenticated else None,
        )
        evidence.file.save(stored_name, ContentFile(data), save=False)
        stored, storage = evidence.file.name, evidence.file.storage
        try:  # a failure after the file was written must not leave it behind
            evidence.save()
            _mark_changed_since_request(locked)
            audit_log(
                actor=user,
                action="evidence.added",
                assessment=locked.assessment,
                target=locked.indicator.code,
                after={"file": original_name, "type": kind.mime, "size": len(data), "date": document_date.isoformat()},
            )
        except Exception:
            storage.delete(stored)
            raise
    return evidence


def evidence_delete(*, user, evidence: Evidence) -> None:
    """Remove an evidence file while the assessment is editable; the stored file goes once the row is gone."""
    with transaction.atomic():
        locked = (
            Evidence.objects.select_for_update()
            .select_related("answer__assessment", "answer__indicator")
            .get(pk=evidence.pk)
        )
        assessment = locked.answer.assessment
        require_step(
            assessment, "edit", message=_("This assessment has been submitted: its evidence can no longer be changed.")
        )
        name, storage = locked.file.name, locked.file.storage
        audit_log(
            actor=user,
            action="evidence.deleted",
            assessment=assessment,
            target=locked.answer.indicator.code,
            before={"file": locked.original_name, "date": locked.document_date and locked.document_date.isoformat()},
        )
        _mark_changed_since_request(locked.answer)
        locked.delete()
        transaction.on_commit(lambda: storage.delete(name))
