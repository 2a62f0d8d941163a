"""Writes of the funders' side, by topic: ``reports`` (yearly reports, proofs, performance contracts and their
targets) and ``reminders`` (the beat's e-mails)."""

from programmes.services.reminders import officers_digest, reports_remind
from programmes.services.reports import (
    CONTRACT_FIELDS,
    contract_save,
    proof_add,
    report_approve,
    report_return,
    report_save,
    report_share,
    report_start,
    report_submit,
    report_unshare,
    targets_save,
)

__all__ = [
    "CONTRACT_FIELDS",
    "contract_save",
    "officers_digest",
    "proof_add",
    "report_approve",
    "report_return",
    "report_save",
    "report_share",
    "report_start",
    "report_submit",
    "report_unshare",
    "reports_remind",
    "targets_save",
]
