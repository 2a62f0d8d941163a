"""Writes of the funders' side: yearly reports (start, fill, proofs, submit, approve, return), performance
contracts and their targets. Every service is one transaction: the capability first (``_require``: ``NotFound``, 404,
for what the user may not see or do), the row locked (``select_for_update``) and its version compared
(``core.locking.version_check``), the step checked against :data:`programmes.rules.STEPS`, then the write and its
audit event. Refused values raise ``InvalidFields`` naming the field (``value_<indicator>``, ``year``…)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can
from audit.services import audit_log
from clusters.selectors import cluster_records
from core.exceptions import ConflictError, DomainError, InvalidFields, InvalidTransition, NotFound
from core.files import document_checked, safe_filename
from core.locking import version_check
from programmes.computations import compute
from programmes.indicator_sets import IndicatorSet, indicator_set
from programmes.models import (
    Contract,
    Enrolment,
    ReportProof,
    ReportStatus,
    ReportValue,
    SharedReport,
    Target,
    YearlyReport,
)
from programmes.rules import LEADS_TO, step_allowed


def _require(user, capability: str, obj) -> None:
    """``NotFound`` when the user may not: the object's existence is not revealed."""
    if not can(user, capability, obj):
        raise NotFound()


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _spec(programme) -> IndicatorSet:
    spec = indicator_set(programme.indicator_set)
    if spec is None:
        raise DomainError(_("The programme's indicator set is not installed."))
    return spec


def _locked_report(report: YearlyReport, expected_version) -> YearlyReport:
    locked = (
        YearlyReport.objects.select_for_update().select_related("programme", "cluster").filter(pk=report.pk).first()
    )
    version_check(locked, expected_version)
    return locked


def _step(report: YearlyReport, step: str) -> None:
    if not step_allowed(report, step):
        raise InvalidTransition(_("This step is not possible in the report's current state."))


def _save_version(report: YearlyReport, **fields) -> YearlyReport:
    for name, value in fields.items():
        setattr(report, name, value)
    report.version += 1
    report.save(update_fields=[*fields, "version", "updated_at"])
    return report


# --- yearly reports ------------------------------------------------------------------------------------------------


def report_start(*, user, enrolment: Enrolment, year: int) -> YearlyReport:
    """Open the report of ``year`` for an enrolled cluster, with the computed figures proposed."""
    _require(user, "yearly_report.start", enrolment)
    programme = enrolment.programme
    spec = _spec(programme)
    if year not in programme.years:
        raise InvalidFields(
            {
                "year": [
                    _("The programme runs from %(first)d to %(last)d: choose a year in that period.")
                    % {"first": programme.years[0], "last": programme.years[-1]}
                ]
            }
        )
    if year < enrolment.joined_on.year or (enrolment.left_on and year > enrolment.left_on.year):
        raise InvalidFields(
            {"year": [_("The cluster was not enrolled in the programme in %(year)d.") % {"year": year}]}
        )
    records = cluster_records(cluster=enrolment.cluster, reference_year=year)
    figures = compute(records, year=year, codes=[i.code for i in spec.indicators if i.computed])
    try:
        with transaction.atomic():
            report = YearlyReport.objects.create(
                programme=programme, cluster=enrolment.cluster, year=year, created_by=user
            )
            ReportValue.objects.bulk_create(
                ReportValue(
                    report=report,
                    indicator=indicator.code,
                    value=figures[indicator.code].value if indicator.code in figures else None,
                    computed=figures[indicator.code].value if indicator.code in figures else None,
                    explanation=figures[indicator.code].to_json() if indicator.code in figures else None,
                )
                for indicator in spec.indicators
            )
            audit_log(
                actor=user,
                action="yearly_report.start",
                cluster=enrolment.cluster,
                target=f"{programme.name_fr} {year}",
                after={"programme": programme.pk, "year": year},
            )
    except IntegrityError:
        raise InvalidFields(
            {"year": [_("The report on %(year)d has already been started.") % {"year": year}]}
        ) from None
    return report


def report_save(*, user, report: YearlyReport, entries: dict[str, dict[str, Any]], expected_version) -> YearlyReport:
    """Save the managers' figures: ``entries`` is ``{indicator code: {"value": Decimal | None, "comment": str}}``.

    A computed figure may be changed only with a comment saying why; a value must suit its indicator (no negative
    count, no percentage above 100…). After a return, the figures that change are marked for the officer's
    second look."""
    _require(user, "yearly_report.view", report)
    with transaction.atomic():
        locked = _locked_report(report, expected_version)
        _require(user, "yearly_report.fill", locked)
        _step(locked, "edit")
        spec = _spec(locked.programme)
        errors: dict[str, list[str]] = {}
        for code in entries:
            if spec.indicator(code) is None:
                errors[f"value_{code}"] = [
                    _("The programme's indicator set has no indicator %(code)s.") % {"code": code}
                ]
        rows = {row.indicator: row for row in ReportValue.objects.select_for_update().filter(report=locked)}
        changes = []
        for code, entry in entries.items():
            indicator = spec.indicator(code)
            row = rows.get(code)
            if indicator is None or row is None:
                continue
            value, comment = entry.get("value"), (entry.get("comment") or "").strip()
            if value is not None:
                problem = indicator.check(Decimal(value))
                if problem:
                    errors[f"value_{code}"] = [problem]
                    continue
            if indicator.computed and row.computed is not None and value != row.computed and not comment:
                errors[f"comment_{code}"] = [_("Say why you change the figure computed from the records.")]
                continue
            if value != row.value or comment != row.comment:
                changes.append((row, value, comment))
        if errors:
            raise InvalidFields(errors)
        before, after = {}, {}
        for row, value, comment in changes:
            before[row.indicator] = {"value": _plain(row.value), "comment": row.comment}
            after[row.indicator] = {"value": _plain(value), "comment": comment}
            if locked.status == ReportStatus.RETURNED and value != row.value:
                row.changed = True
            row.value, row.comment = value, comment
        ReportValue.objects.bulk_update([row for row, _v, _c in changes], ["value", "comment", "changed"])
        _save_version(locked)
        if changes:
            audit_log(
                actor=user,
                action="yearly_report.update",
                cluster=locked.cluster,
                target=f"{locked.programme.name_fr} {locked.year}",
                before=before,
                after=after,
            )
    return locked


def report_submit(*, user, report: YearlyReport, expected_version) -> YearlyReport:
    _require(user, "yearly_report.view", report)
    with transaction.atomic():
        locked = _locked_report(report, expected_version)
        _require(user, "yearly_report.fill", locked)
        _step(locked, "submit")
        spec = _spec(locked.programme)
        empty = ReportValue.objects.filter(report=locked, value__isnull=True).values_list("indicator", flat=True)
        errors = {
            f"value_{code}": [_("Give this figure before submitting the report.")]
            for code in empty
            if spec.indicator(code) is not None
        }
        if errors:
            raise InvalidFields(errors)
        resubmitted = locked.status == ReportStatus.RETURNED
        _save_version(locked, status=LEADS_TO["submit"], submitted_at=timezone.now())
        audit_log(
            actor=user,
            action="yearly_report.resubmit" if resubmitted else "yearly_report.submit",
            cluster=locked.cluster,
            target=f"{locked.programme.name_fr} {locked.year}",
        )
    return locked


def report_approve(*, user, report: YearlyReport, expected_version) -> YearlyReport:
    _require(user, "yearly_report.review", report)
    with transaction.atomic():
        locked = _locked_report(report, expected_version)
        _step(locked, "approve")
        ReportValue.objects.filter(report=locked).update(changed=False, officer_comment="")
        _save_version(locked, status=LEADS_TO["approve"], decided_at=timezone.now(), decided_by=user)
        audit_log(
            actor=user,
            action="yearly_report.approve",
            cluster=locked.cluster,
            target=f"{locked.programme.name_fr} {locked.year}",
        )
    return locked


def report_return(*, user, report: YearlyReport, comments: dict[str, str], expected_version) -> YearlyReport:
    """Send the report back with a comment on each named indicator (at least one)."""
    _require(user, "yearly_report.review", report)
    with transaction.atomic():
        locked = _locked_report(report, expected_version)
        _step(locked, "return")
        spec = _spec(locked.programme)
        comments = {code: (text or "").strip() for code, text in comments.items() if (text or "").strip()}
        errors = {
            f"comment_{code}": [_("The programme's indicator set has no indicator %(code)s.") % {"code": code}]
            for code in comments
            if spec.indicator(code) is None
        }
        if errors:
            raise InvalidFields(errors)
        if not comments:
            raise InvalidFields({"__all__": [_("Name at least one indicator and say what to change.")]})
        rows = list(ReportValue.objects.select_for_update().filter(report=locked))
        for row in rows:
            row.officer_comment = comments.get(row.indicator, "")
            row.changed = False
        ReportValue.objects.bulk_update(rows, ["officer_comment", "changed"])
        _save_version(locked, status=LEADS_TO["return"], decided_at=timezone.now(), decided_by=user)
        audit_log(
            actor=user,
            action="yearly_report.return",
            cluster=locked.cluster,
            target=f"{locked.programme.name_fr} {locked.year}",
            after=comments,
        )
    return locked


def _document(upload, field: str) -> tuple[bytes, Any]:
    return document_checked(upload, field, limit=settings.EVIDENCE_MAX_BYTES)


def proof_add(*, user, report: YearlyReport, upload) -> ReportProof:
    """Attach a proof file to a report being filled (type decided from the content, private storage)."""
    _require(user, "yearly_report.view", report)
    data, kind = _document(upload, "file")
    with transaction.atomic():
        locked = YearlyReport.objects.select_for_update().select_related("programme", "cluster").get(pk=report.pk)
        _require(user, "yearly_report.fill", locked)
        _step(locked, "edit")
        proof = ReportProof(
            report=locked,
            original_name=safe_filename(getattr(upload, "name", "") or ""),
            content_type=kind.mime,
            size=len(data),
        )
        proof.file.save(f"{uuid.uuid4().hex}.{kind.extension}", ContentFile(data), save=False)
        stored, storage = proof.file.name, proof.file.storage
        try:
            proof.save()
            audit_log(
                actor=user,
                action="yearly_report.proof_added",
                cluster=locked.cluster,
                target=proof.original_name,
                after={"report": locked.pk, "size": len(data), "type": kind.mime},
            )
        except Exception:
            storage.delete(stored)
            raise
    return proof


# --- performance contracts -----------------------------------------------------------------------------------------

CONTRACT_FIELDS = ("signed_on", "starts_on", "ends_on", "midterm_review_on")


def _check_contract_dates(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    starts, ends, midterm = data.get("starts_on"), data.get("ends_on"), data.get("midterm_review_on")
    if starts is None:
        errors["starts_on"] = [_("Give the date the contract starts.")]
    if ends is None:
        errors["ends_on"] = [_("Give the date the contract ends.")]
    if starts and ends and ends <= starts:
        errors["ends_on"] = [_("The contract must end after it starts.")]
    if midterm and starts and ends and not starts <= midterm <= ends:
        errors["midterm_review_on"] = [_("The mid-term review falls within the contract's period.")]
    return errors


def contract_save(*, user, enrolment: Enrolment, data: dict, upload, expected_version) -> Contract:
    """Create (``expected_version`` 0: the page showed no contract) or change the performance contract of an
    enrolled cluster; ``upload``: the signed PDF (or None), kept in the private storage."""
    _require(user, "contract.edit", enrolment)
    errors = _check_contract_dates(data)
    document = None
    if upload is not None:
        try:
            document = _document(upload, "document")
        except InvalidFields as exc:
            errors.update(exc.errors)
        else:
            if document[1].mime != "application/pdf":
                errors["document"] = [_("The signed contract must be a PDF file.")]
    if errors:
        raise InvalidFields(errors)
    with transaction.atomic():
        locked = (
            Contract.objects.select_for_update()
            .filter(programme_id=enrolment.programme_id, cluster_id=enrolment.cluster_id)
            .first()
        )
        if locked is None:
            if expected_version is None:
                version_check(None, None)  # the missing version is refused on its field
            if int(expected_version) != 0:
                raise ConflictError()  # the contract the page showed is gone
            contract = Contract(programme=enrolment.programme, cluster=enrolment.cluster)
            before = None
        else:
            version_check(locked, expected_version)
            contract = locked
            before = {
                name: getattr(contract, name).isoformat() if getattr(contract, name) else None
                for name in CONTRACT_FIELDS
            }
            contract.version += 1
        for name in CONTRACT_FIELDS:
            setattr(contract, name, data.get(name))
        stored = None
        if document is not None:
            contract.document.save(f"{uuid.uuid4().hex}.pdf", ContentFile(document[0]), save=False)
            stored = contract.document.name
        try:
            contract.save()
            audit_log(
                actor=user,
                action="contract.create" if before is None else "contract.update",
                cluster=enrolment.cluster,
                target=enrolment.programme.name_fr,
                before=before,
                after={
                    **{name: data.get(name).isoformat() if data.get(name) else None for name in CONTRACT_FIELDS},
                    **({"document": safe_filename(getattr(upload, "name", "") or "")} if document else {}),
                },
            )
        except Exception:
            if stored:
                contract.document.storage.delete(stored)
            raise
    return contract


def targets_save(
    *, user, contract: Contract, targets: dict[tuple[str, int], Decimal | None], expected_version
) -> Contract:
    """Replace the targets named in ``targets`` (``{(indicator code, year): value or None to remove}``); every
    refused cell is reported (field ``target_<code>_<year>``) and nothing is saved then."""
    _require(user, "contract.edit", contract)
    with transaction.atomic():
        locked = (
            Contract.objects.select_for_update().select_related("programme", "cluster").filter(pk=contract.pk).first()
        )
        version_check(locked, expected_version)
        spec = _spec(locked.programme)
        years = locked.programme.years
        errors: dict[str, list[str]] = {}
        for (code, year), value in targets.items():
            field = f"target_{code}_{year}"
            indicator = spec.indicator(code)
            if indicator is None:
                errors[field] = [_("The programme's indicator set has no indicator %(code)s.") % {"code": code}]
            elif year not in years:
                errors[field] = [
                    _("The programme runs from %(first)d to %(last)d: choose a year in that period.")
                    % {"first": years[0], "last": years[-1]}
                ]
            elif value is not None and (problem := indicator.check(Decimal(value))):
                errors[field] = [problem]
        if errors:
            raise InvalidFields(errors)
        existing = {(t.indicator, t.year): t for t in Target.objects.select_for_update().filter(contract=locked)}
        before, after = {}, {}
        for (code, year), value in targets.items():
            current = existing.get((code, year))
            old = current.value if current else None
            if old == value:
                continue
            before[f"{code} {year}"], after[f"{code} {year}"] = _plain(old), _plain(value)
            if value is None:
                current.delete()
            elif current is None:
                Target.objects.create(contract=locked, indicator=code, year=year, value=value)
            else:
                current.value = value
                current.save(update_fields=["value"])
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        if after:
            audit_log(
                actor=user,
                action="contract.targets",
                cluster=locked.cluster,
                target=locked.programme.name_fr,
                before=before,
                after=after,
            )
    return locked


# --- assessment reports shared with a programme --------------------------------------------------------------------


def report_share(*, user, enrolment: Enrolment, report) -> SharedReport:
    """Share one of the cluster's ready assessment reports with the programme (its officers may read it)."""
    _require(user, "programme.share_report", enrolment)
    if report.assessment.cluster_id != enrolment.cluster_id:
        raise InvalidFields({"report": [_("This report is not one of the cluster's.")]})
    with transaction.atomic():
        shared, created = SharedReport.objects.get_or_create(
            programme=enrolment.programme, report=report, defaults={"shared_by": user}
        )
        if created:
            audit_log(
                actor=user,
                action="programme.report_shared",
                assessment=report.assessment,
                target=enrolment.programme.name_fr,
                after={"programme": enrolment.programme_id, "report": report.pk},
            )
    return shared


def report_unshare(*, user, enrolment: Enrolment, report) -> None:
    """Withdraw a shared report: the programme's officers no longer reach it."""
    _require(user, "programme.share_report", enrolment)
    with transaction.atomic():
        deleted, _rows = SharedReport.objects.filter(programme=enrolment.programme, report=report).delete()
        if deleted:
            audit_log(
                actor=user,
                action="programme.report_withdrawn",
                assessment=report.assessment,
                target=enrolment.programme.name_fr,
                before={"programme": enrolment.programme_id, "report": report.pk},
            )
