"""The demo's appeal: the manager of the fictional cluster the committee refused (``demo/committee.py``'s closed
session) appeals the refusal with a file, and the administrator who handles the appeals — not the session's chair,
who is recused — asks a question the manager has yet to answer. Made through the appeals' services, as people would
make them; idempotent (one appeal per decision). Nothing without the committee (its refused case is the appeal's)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from appeals import services
from appeals.models import Appeal
from committee.models import Case, Outcome
from demo.committee import demo_sessions
from demo.data import APPEAL_FILE, APPEAL_QUESTION, APPEAL_REASONS, demo_pdf


def load_appeal(*, users: dict[str, Any]) -> list[str]:
    """Lodge the appeal on the closed session's refused case (once); what was done, for the summary."""
    closed = demo_sessions()["closed"]
    case = (
        Case.objects.filter(session=closed, outcome=Outcome.REFUSED).select_related("assessment__cluster").first()
        if closed is not None
        else None
    )
    if case is None:
        return []
    assessment, manager = case.assessment, users["manager.fictif"]
    with transaction.atomic():
        assessment.cluster.managers.add(manager)
        if Appeal.objects.filter(assessment=assessment).exists():
            return []
        appeal = services.appeal_lodge(
            user=manager,
            assessment=assessment,
            ground="refused",
            reasons=APPEAL_REASONS,
            uploads=[SimpleUploadedFile(APPEAL_FILE, demo_pdf(APPEAL_FILE), content_type="application/pdf")],
        )
        services.appeal_ask(
            user=users["admin.appeals"], appeal=appeal, question=APPEAL_QUESTION, expected_version=appeal.version
        )
    return [f"appeals: {assessment.cluster.name} appeals its refusal, a question waits for its answer"]
