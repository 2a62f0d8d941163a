"""The offline questionnaire: download an assessment as XLSX or JSON, upload it back, preview, apply.

The file format is the interchange format of indicators.md (``indicators.questionnaire``). An upload is read
and validated completely (every problem listed by field or indicator code), compared with the assessment
(old → new per indicator), and applied only when the manager confirms, all at once, refusing the whole
upload when an answer changed in the meantime (the versions seen at preview are checked).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import ConflictError, DomainError
from indicators.questionnaire import (
    Questionnaire,
    QuestionnaireError,
    questionnaire_for,
    read_questionnaire_json,
    read_questionnaire_xlsx,
    write_questionnaire_json,
    write_questionnaire_xlsx,
)
from indicators.services import framework_spec_by_code, framework_spec_for
from labelling.answer_values import answer_declared, value_display
from labelling.models import Assessment
from labelling.services.answers import answer_save, assessment_eligibility_save, value_parse
from labelling.services.steps import require_step

_ZIP_MAGIC = b"PK\x03\x04"


def assessment_questionnaire(*, assessment: Assessment) -> Questionnaire:
    """The assessment's declared answers as a questionnaire (unanswered indicators as None)."""
    spec = framework_spec_for(assessment.framework)
    answers = {a.indicator.code: answer_declared(a) for a in assessment.answers.select_related("indicator")}
    cluster = assessment.cluster
    return questionnaire_for(
        framework=spec,
        answers=answers,
        cluster={"name": cluster.name, "country": cluster.country, "region": cluster.region},
        reference_year=assessment.reference_year,
        validated_on=None,
        eligibility={"legal_entity": assessment.legal_entity, "public_profile": assessment.public_profile},
    )


def questionnaire_export_json(*, assessment: Assessment) -> bytes:
    return write_questionnaire_json(assessment_questionnaire(assessment=assessment))


def questionnaire_export_xlsx(*, assessment: Assessment, language: str = "fr") -> bytes:
    return write_questionnaire_xlsx(
        assessment_questionnaire(assessment=assessment), framework_spec_for(assessment.framework), language=language
    )


def questionnaire_read(*, assessment: Assessment, data: bytes) -> Questionnaire:
    """Read an uploaded XLSX or JSON questionnaire (recognised by content) meant for this assessment.

    Raises ``QuestionnaireError`` listing every problem as (field or indicator code, message).
    """
    if not data:
        raise QuestionnaireError([("file", _("the file is empty."))])
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise QuestionnaireError(
            [("file", _("the file is too large: at most %(size)d MB.") % {"size": settings.IMPORT_MAX_BYTES // 2**20})]
        )
    if data.startswith(_ZIP_MAGIC):
        questionnaire = read_questionnaire_xlsx(data, frameworks=framework_spec_by_code)
    else:
        questionnaire = read_questionnaire_json(data, frameworks=framework_spec_by_code)
    errors = []
    if questionnaire.framework != assessment.framework.code:
        errors.append(
            (
                "framework",
                _("this file is for the framework %(file)s; the assessment uses %(assessment)s.")
                % {"file": questionnaire.framework, "assessment": assessment.framework.code},
            )
        )
    if questionnaire.reference_year != assessment.reference_year:
        errors.append(
            (
                "reference_year",
                _("this file is for %(file)d; the assessment is for %(assessment)d.")
                % {"file": questionnaire.reference_year, "assessment": assessment.reference_year},
            )
        )
    # The same rules as the form (e.g. at most 3 decimal places), so that applying never fails half-way.
    indicators = {i.code: i for i in assessment.framework.indicators.all()}
    for code, value in questionnaire.answers.items():
        indicator = indicators.get(code)
        if indicator is None:
            continue
        try:
            value_parse(indicator=indicator, raw=value)
        except DomainError as exc:
            errors.extend((code, str(message)) for message in exc.errors["value"])
    if errors:
        raise QuestionnaireError(errors)
    return questionnaire


@dataclass(frozen=True)
class Change:
    code: str  # an indicator code, or "eligibility.legal_entity" / "eligibility.public_profile"
    label: str
    old: str
    new: str


def _same(value_type: str, a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if value_type == "level":
        return a == b
    return Decimal(a) == Decimal(b)


def questionnaire_changes(*, assessment: Assessment, questionnaire: Questionnaire) -> list[Change]:
    """What applying the questionnaire would change, in framework order (empty answers in the file clear)."""
    changes = []
    for answer in assessment.answers.select_related("indicator").order_by("indicator__position"):
        indicator = answer.indicator
        if indicator.code not in questionnaire.answers:
            continue
        old, new = answer_declared(answer), questionnaire.answers[indicator.code]
        if not _same(indicator.value_type, old, new):
            changes.append(
                Change(
                    code=indicator.code,
                    label=indicator.name,
                    old=value_display(indicator=indicator, value=old),
                    new=value_display(indicator=indicator, value=new),
                )
            )
    labels = {
        "legal_entity": _("Legal entity (eligibility)"),
        "public_profile": _("Listed in the public registry (eligibility)"),
    }
    for key, label in labels.items():
        old, new = getattr(assessment, key), bool(questionnaire.eligibility.get(key))
        if old != new:
            yes_no = {True: _("yes"), False: _("no")}
            changes.append(Change(code=f"eligibility.{key}", label=label, old=yes_no[old], new=yes_no[new]))
    return changes


def questionnaire_pending(*, assessment: Assessment, questionnaire: Questionnaire) -> dict:
    """A JSON-safe record of an upload to apply later (kept in the session between preview and confirmation)."""
    answers = {}
    for code, value in questionnaire.answers.items():
        answers[code] = None if value is None else str(value)
    return {
        "assessment": assessment.pk,
        "answers": answers,
        "eligibility": {k: bool(questionnaire.eligibility.get(k)) for k in ("legal_entity", "public_profile")},
        "versions": {a.indicator.code: a.version for a in assessment.answers.select_related("indicator")},
        "assessment_version": assessment.version,
    }


def questionnaire_apply(*, user, assessment: Assessment, pending: dict) -> int:
    """Apply a previewed upload: every changed answer and the eligibility, all or nothing.

    ``ConflictError`` when an answer (or the assessment) changed since the preview, with a message that asks for
    the file again; returns the number of changes.
    """
    try:
        return _questionnaire_apply(user=user, assessment=assessment, pending=pending)
    except ConflictError as exc:
        raise ConflictError(
            _("Answers changed since your upload; nothing was applied. Upload the file again to see the changes.")
        ) from exc


def _questionnaire_apply(*, user, assessment: Assessment, pending: dict) -> int:
    if pending.get("assessment") != assessment.pk:
        raise ConflictError()
    changed = 0
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        require_step(
            locked,
            "edit",
            message=_("This assessment has been submitted: it can no longer be changed unless changes are requested."),
        )
        if locked.version != pending["assessment_version"]:
            raise ConflictError()
        answers = {a.indicator.code: a for a in locked.answers.select_related("indicator")}
        for code, raw in pending["answers"].items():
            answer = answers.get(code)
            if answer is None:
                continue
            new = raw
            if _same(answer.indicator.value_type, answer_declared(answer), new):
                continue
            if pending["versions"].get(code) != answer.version:
                raise ConflictError()
            answer_save(
                user=user, answer=answer, value=new, comment=answer.comment, expected_version=pending["versions"][code]
            )
            changed += 1
        eligibility = pending["eligibility"]
        if (locked.legal_entity, locked.public_profile) != (eligibility["legal_entity"], eligibility["public_profile"]):
            assessment_eligibility_save(
                user=user,
                assessment=locked,
                legal_entity=eligibility["legal_entity"],
                public_profile=eligibility["public_profile"],
                expected_version=locked.version,
            )
            changed += 1
    return changed
