"""The pages' presenters: what the HTML pages show, shaped from data a selector already read."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.text import long_date
from indicators import values
from indicators.spec import guidance_text
from labelling.answer_values import (
    answer_declared,
    answer_needs_comment,
    answer_needs_review,
    answer_previous_value,
    answer_proposed,
    answer_validated,
    indicator_expects_evidence,
    value_display,
)
from labelling.audit_sentences import audit_rows
from labelling.forms.selfassessment import comment_field_name, value_field_name, version_field_name
from labelling.models import (
    SCORED_STATUSES,
    Assessment,
    AssessmentStatus,
    Label,
    LabelStatus,
    Level,
    Report,
    ReportKind,
    ReportStatus,
)
from labelling.selectors import DetailFacts, SummaryFacts, label_validity, verification_url
from labelling.services.steps import step_allowed

# --- statuses -------------------------------------------------------------------------------------------


def status_flags(obj) -> dict[str, bool]:
    """One flag per status of the object's kind (an assessment's, a report's): a template tests
    ``flags.changes_requested`` or ``flags.ready``, it never compares a status with a string."""
    statuses = ReportStatus if isinstance(obj, Report) else AssessmentStatus
    return {value: obj.status == value for value in statuses.values}


SWEEP_SECONDS = 60  # the beat's report sweeper runs every minute (config/settings/base.py, "sweep-reports")


def report_retry(report: Report, *, now) -> dict | None:
    """What a waiting report's page says of a retry: a report queued again after an attempt that did not finish,
    or one running for longer than a render takes (its worker may have died): when the sweeper will try it again
    (``REPORT_STALE_SECONDS`` after its last progress), as which attempt, or when it will be given up."""
    attempt, most = report.attempts + 1, settings.REPORT_MAX_ATTEMPTS
    if report.status == ReportStatus.PENDING and report.attempts >= 1:
        return {"requeued": True, "at": report.updated_at, "attempt": attempt, "most": most}
    if (
        report.status != ReportStatus.RUNNING
        or (now - report.updated_at).total_seconds() < settings.REPORT_SOFT_TIME_LIMIT
    ):
        return None
    at = report.updated_at + timedelta(seconds=settings.REPORT_STALE_SECONDS + SWEEP_SECONDS)
    return {"stalled": True, "at": at, "attempt": attempt, "most": most, "last": report.attempts >= most}


def with_status_flags(objects) -> list:
    """The objects (assessments or reports), each with its ``flags`` (``status_flags``)."""
    objects = list(objects)
    for obj in objects:
        obj.flags = status_flags(obj)
    return objects


# --- indicators ---------------------------------------------------------------------------------------


def indicator_criterion(indicator, which: str = "full") -> str:
    """The quality criterion of an indicator as the pages and the report print it (e.g. "≥ 75 %", "Co-built")."""
    return values.format_threshold(indicator, which)


def indicator_thresholds(indicator) -> list[str]:
    """The quality criteria of an indicator as short sentences."""
    if indicator.value_type == "level":
        results = {"full": _("full points"), "partial": _("half points"), "none": _("no points")}
        return [
            _("%(option)s: %(result)s")
            % {"option": indicator.option_label(option["code"]), "result": results.get(option.get("result"), "")}
            for option in indicator.options
        ]
    sign = "≥" if indicator.direction == "higher" else "≤"
    lines = []
    if indicator.full_threshold is not None:
        lines.append(
            _("Full points (%(weight)s): %(sign)s %(value)s%(unit)s")
            % {
                "weight": indicator.weight,
                "sign": sign,
                "value": values.format_quantity(
                    indicator.full_threshold, values.unit_for(indicator, indicator.full_threshold)
                ),
                "unit": "",
            }
        )
    if indicator.partial_threshold is not None:
        lines.append(
            _("Half points (%(weight)s): %(sign)s %(value)s%(unit)s")
            % {
                "weight": values.format_number(Decimal(indicator.weight) / 2),
                "sign": sign,
                "value": values.format_quantity(
                    indicator.partial_threshold, values.unit_for(indicator, indicator.partial_threshold)
                ),
                "unit": "",
            }
        )
    return lines


def threshold_guidance(guidance: dict, code: str) -> list[dict]:
    """What clusters typically do to reach each threshold of indicator ``code`` (the framework's guidance, in the
    active language), the partial threshold first: ``[{"threshold", "label", "text"}]``, only those with a text."""
    language = (translation.get_language() or "fr")[:2]
    labels = {"partial": _("To reach the half points"), "full": _("To reach the full points")}
    rows = []
    for threshold in ("partial", "full"):
        text = guidance_text(guidance, code, threshold, language)
        if text:
            rows.append({"threshold": threshold, "label": labels[threshold], "text": text})
    return rows


# --- the manager's pages ----------------------------------------------------------------------------------


def fill_rows(assessment: Assessment, answers, form, previous: dict, guidance: dict | None = None) -> list[dict]:
    """The rows of a category's page: each answer with its form fields, proposal, last value, criteria and the
    framework's guidance for each threshold (``guidance``: what ``indicators.spec.guidance_from_source`` read)."""
    rows = []
    for answer in answers:
        indicator = answer.indicator
        code = indicator.code
        proposed = answer_proposed(answer)
        last = answer_previous_value(answer, previous.get(code))
        rows.append(
            {
                "answer": answer,
                "indicator": indicator,
                "code": code,
                "value_field": form[value_field_name(code)] if form else None,
                "comment_field": form[comment_field_name(code)] if form else None,
                "version_field": form[version_field_name(code)] if form else None,
                "declared": value_display(indicator=indicator, value=answer_declared(answer)),
                "proposed": value_display(indicator=indicator, value=proposed),
                "proposed_raw": (proposed if indicator.value_type == "level" else values.input_number(proposed))
                if proposed is not None
                else "",
                "last": value_display(indicator=indicator, value=last) if last is not None else "",
                "has_last": code in previous,
                "thresholds": indicator_thresholds(indicator),
                "guidance": threshold_guidance(guidance or {}, code),
                "evidence": list(answer.evidence.all()),
                "expects_evidence": indicator_expects_evidence(indicator),
                "needs_comment": answer_needs_comment(answer),
                # after validation, the value the assessor validated (and the correction's justification)
                "show_validated": assessment.status in SCORED_STATUSES and answer.reviewed,
                "validated": value_display(
                    indicator=indicator,
                    value=answer_validated(answer) if answer.reviewed else None,
                ),
            }
        )
    return rows


def _fill_url(assessment: Assessment, category_code: str) -> str:
    return reverse("labelling:assessment_fill", args=[assessment.pk, category_code])


def summary_context(assessment: Assessment, facts: SummaryFacts, missing_items=()) -> dict:
    """The summary page's blocks: each category with its answers' preview, the change request, what is missing
    (``missing_items``, from ``assessment_missing_items``, as links to the fields to fill after a refused
    submission)."""
    preview = facts.preview
    by_category = []
    for category in facts.categories:
        rows = []
        for answer in facts.answers:
            if answer.indicator.category_id != category.pk:
                continue
            scored = preview.indicators.get(answer.indicator.code)
            rows.append(
                {
                    "answer": answer,
                    "declared": value_display(indicator=answer.indicator, value=answer_declared(answer)),
                    "result": scored.result if scored else "none",
                    "points": scored.points if scored else 0,
                    "evidence_count": len(answer.evidence.all()),
                }
            )
        by_category.append(
            {
                "category": category,
                "score": preview.categories.get(category.code),
                "rows": rows,
                "met": sum(1 for r in rows if r["result"] == "full"),
            }
        )
    submit_items = []
    for code, category_code, field, sentence in missing_items:
        url = ""
        if code:
            name = value_field_name(code) if field == "value" else comment_field_name(code)
            url = _fill_url(assessment, category_code) + f"#id_{name}"
        submit_items.append({"text": sentence, "url": url})
    return {
        "assessment": assessment,
        "preview": preview,
        "by_category": by_category,
        "categories": facts.categories,
        "requested": [
            {"answer": a, "url": _fill_url(assessment, a.indicator.category.code)}
            for a in facts.answers
            if a.change_request
        ],
        "changes_comment": facts.review.comment if facts.review else "",
        "changes_requested": assessment.status == AssessmentStatus.CHANGES_REQUESTED,
        "submit_items": submit_items,
        "missing": facts.missing,
        "evidence_missing": facts.evidence_missing,
        "progress": facts.progress,
    }


# --- the assessment's page (review and decision) ----------------------------------------------------------


def _evidence_url(evidence) -> str:
    try:
        return reverse("labelling:evidence_download", args=[evidence.pk])
    except NoReverseMatch:
        return ""


def review_rows(answers, flags: dict | None = None, *, changes_form=None) -> list[dict]:
    """The rows of the assessment's page: each answer declared and validated, whether it needs a review, its
    anomaly flags, criterion, evidence and (while the assessor may request changes) its request field."""
    flags = flags or {}
    rows = []
    for answer in answers:
        indicator = answer.indicator
        rows.append(
            {
                "answer": answer,
                "indicator": indicator,
                "category": indicator.category,
                "declared": value_display(indicator=indicator, value=answer_declared(answer)),
                "validated": value_display(indicator=indicator, value=answer_validated(answer)),
                "needs_review": answer_needs_review(answer),
                "changed": answer.changed_since_request,
                "anomalies": flags.get(indicator.code, []),
                "criterion": indicator_criterion(indicator),
                "evidence": [{"file": e, "url": _evidence_url(e)} for e in answer.evidence.all()],
                "request_field": changes_form[changes_form.field_name(indicator.code)] if changes_form else None,
            }
        )
    return rows


def review_groups(rows: list[dict]) -> list[dict]:
    """The answer rows grouped by category, with what is left to review in each."""
    groups: list[dict] = []
    for row in rows:
        if not groups or groups[-1]["category"].pk != row["category"].pk:
            groups.append({"category": row["category"], "rows": [], "remaining": 0})
        groups[-1]["rows"].append(row)
        if row["needs_review"] and row["answer"].is_answered:
            groups[-1]["remaining"] += 1
    return groups


def shows_anomalies(assessment: Assessment, facts: DetailFacts) -> bool:
    """The anomaly flags are shown to the assessor and the administrators until the decision."""
    return (facts.may["assessor"] or facts.may["assign"]) and assessment.status != AssessmentStatus.DECIDED


def detail_actions(assessment: Assessment, facts: DetailFacts) -> dict:
    """Which steps the page offers to the reader: what they may do (``facts.may``) where the workflow allows it
    (``TRANSITIONS``)."""
    may = facts.may
    no_conflict = bool(facts.review and facts.review.no_conflict_declared_at)
    second_review = facts.second["review"]
    second_no_conflict = bool(second_review and second_review.no_conflict_declared_at)
    label = facts.label
    return {
        "no_conflict": no_conflict,
        "second_no_conflict": second_no_conflict,
        "can_assign": may["assign"] and step_allowed(assessment, "assign"),
        "can_declare": may["assessor"] and step_allowed(assessment, "declare_no_conflict") and not no_conflict,
        "can_review": may["assessor"] and step_allowed(assessment, "review_answer") and no_conflict,
        "can_declare_second": may["countersign"]
        and step_allowed(assessment, "second_declare_no_conflict")
        and not second_no_conflict,
        "can_countersign": may["countersign"] and step_allowed(assessment, "countersign") and second_no_conflict,
        "can_assign_second": may["assign"] and step_allowed(assessment, "assign_second"),
        "gold_blocked": step_allowed(assessment, "decide") and not facts.second["gold_allowed"],
        "can_decide": may["decide"] and step_allowed(assessment, "decide"),
        # the awarding committee decides: the page sends the administrator to its sessions' agendas
        "to_committee": may["refer"] and step_allowed(assessment, "decide"),
        "can_revoke": may["assign"] and label is not None and label.status == LabelStatus.ACTIVE,
    }


def condition_rows(result) -> list[dict]:
    """The conditions of the level rules as the page marks them (``ScoreResult.conditions``: met, not met, or not
    applicable, the same marks as the PDF report)."""
    if result is None:
        return []
    labels = {
        "eligibility": _("Eligibility"),
        "baseline": _("Minimum requirements"),
        "gold_score": _("Excellence score"),
        "silver": _("Silver conditions"),
    }
    return [{"key": key, "label": labels[key], "state": state} for key, state in result.conditions().items()]


def decision_documents(reports, label, language: str) -> list[dict]:
    """The documents of a decided assessment, for the decision block at the top of its page: the report, and the
    certificate when there is a label. For each, the newest ready PDF (the reader's language first) to download,
    else the one being produced to follow, else nothing yet (the page offers to produce it)."""
    kinds = [(ReportKind.ASSESSMENT, _("Assessment report"), _("Produce the assessment report (PDF)"))]
    if label is not None:
        kinds.append((ReportKind.CERTIFICATE, _("Label certificate"), _("Produce the label certificate (PDF)")))
    documents = []
    for kind, title, produce in kinds:
        mine = [r for r in reports if r.kind == kind]  # newest first (reports_for)
        # A stable sort: the newest in the reader's language first, else the newest.
        ready = sorted((r for r in mine if r.status == ReportStatus.READY), key=lambda r: r.language != language)
        pending = [r for r in mine if r.status in (ReportStatus.PENDING, ReportStatus.RUNNING)]
        document = {
            "kind": kind,
            "title": title,
            "produce": produce,
            "language": language,
            "download": "",
            "status": "",
            # A certificate is produced only for a label in force (services.reports.require_certifiable).
            "can_produce": kind == ReportKind.ASSESSMENT or label.status == LabelStatus.ACTIVE,
        }
        if ready:
            document["download"] = reverse("labelling:report_download", args=[ready[0].pk])
            document["file_language"] = ready[0].language.upper()
        elif pending:
            document["status"] = reverse("labelling:report_status", args=[pending[0].pk])
        documents.append(document)
    return documents


def detail_context(assessment: Assessment, facts: DetailFacts, rows: list[dict], actions: dict) -> dict:
    """The assessment's page without its forms (the view adds them)."""
    result = facts.result
    reports = with_status_flags(facts.reports)
    return {
        "assessment": assessment,
        "cluster": assessment.cluster,
        "rows": rows,
        "categories": review_groups(rows),
        "requested_rows": [r for r in rows if r["answer"].change_request],
        "missing_review": [r["indicator"].code for r in rows if r["needs_review"]],
        "changed_to_review": [r["indicator"].code for r in rows if r["needs_review"] and r["changed"]],
        "flagged": [r["indicator"].code for r in rows if r["anomalies"]],
        "is_second": facts.may["countersign"],
        "second": facts.second,
        "is_admin": facts.may["assign"],
        "is_assessor": facts.may["assessor"],
        "review": facts.review,
        "result": result,
        "result_level": Level(result.level).label if result is not None else "",
        "conditions": condition_rows(result),
        "provisional": facts.provisional,
        "decision": facts.decision,
        "label": facts.label,
        "label_validity": facts.label_validity,
        "reports": reports,
        "status": status_flags(assessment),
        "decision_documents": decision_documents(reports, facts.label, get_language())
        if facts.decision is not None
        else [],
        "audit_rows": audit_rows(facts.audit_events, facts.audit_specs, facts.audit_names),
        "can_audit": facts.may["audit"],
        "can_benchmark": facts.may["benchmark"],
        "can_edit": facts.may["edit"],
        **actions,
    }


# --- the label's badge ------------------------------------------------------------------------------------

BADGE_COLOURS = {"gold": "#8a6d0b", "silver": "#5f666e", "bronze": "#7a4519"}
BADGE_GREY = "#6b7280"


def badge_for(*, label: Label, today=None) -> dict:
    """What the SVG badge says: the level, and "valid until …" ("valid, with conditions until …" for a label granted
    with conditions: the review date, never the conditions' text), or "expired" / "revoked" in grey."""
    validity = label_validity(label=label, today=today)
    level = {"gold": _("Gold"), "silver": _("Silver"), "bronze": _("Bronze")}.get(label.level, label.level)
    left = _("Label %(level)s") % {"level": level}
    if validity["state"] == "revoked":
        right, colour = _("revoked"), BADGE_GREY
    elif validity["state"] == "expired":
        right, colour = _("expired"), BADGE_GREY
    elif validity["conditions_until"]:
        right = _("valid, with conditions until %(date)s") % {"date": long_date(validity["conditions_until"])}
        colour = BADGE_COLOURS[label.level]
    else:
        right, colour = _("valid until %(date)s") % {"date": long_date(label.expires_on)}, BADGE_COLOURS[label.level]
    # DejaVu Sans at 11 px: about 6.6 px a character; the badge is drawn without measuring text.
    left_width = 14 + round(6.6 * len(left))
    right_width = 14 + round(6.6 * len(right))
    verify = verification_url(label)
    image = verify.rstrip("/") + "/badge.svg"
    return {
        "left": left,
        "right": right,
        "colour": colour,
        "valid": validity["valid"],
        "state": validity["state"],
        "left_width": left_width,
        "right_width": right_width,
        "width": left_width + right_width,
        "title": f"{left} — {right} — {label.certificate_number}",
        "image_url": image,
        "verify_url": verify,
        "snippet": (f'<a href="{verify}"><img src="{image}" alt="{left} {label.certificate_number}" height="20"></a>'),
    }
