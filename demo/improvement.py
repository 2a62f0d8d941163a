"""Elastopole's improvement plan in the demo: seeded when the committee decided its assessment (the criteria it did not
fully meet, the expert's recommendations), then worked on by its manager through the plan's services, so that the
plan shows actions in each status, with owners, due dates, progress notes, an evidence file and an action the
manager added. Skipped once the manager has added that action (loading the demo again changes nothing)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from demo.data import CLUSTERS, demo_pdf
from improvement import services
from improvement.models import Action, ActionSource, ActionStatus, ImprovementPlan

CLUSTER = "Elastopole"
# What the manager did on the first seeded actions, in order: status, owner, due in so many days, progress note.
WORK = (
    ("done", "Nathalie Roux", 30, "Adopté par le conseil d’administration ; compte rendu joint."),
    ("done", "Karim Benali", 45, "Première édition envoyée aux 110 membres ; 38 % de réponses."),
    ("in_progress", "Nathalie Roux", 120, "Deux réunions avec les pôles voisins ; convention en relecture."),
    ("in_progress", "Sophie Marchand", 180, "Catalogue des services en cours de rédaction avec trois membres."),
)
ADDED = {
    "description": "Présenter un tableau de bord trimestriel des indicateurs au conseil d’administration.",
    "owner": "Karim Benali",
    "code": "V3",
    "days": 240,
}


def load_improvement_plan(*, clusters: dict[str, Any], users: dict[str, Any]) -> str:
    """Work on Elastopole's plan as its manager would; returns what was done, for the command's summary."""
    cluster = clusters.get(CLUSTER)
    plan = ImprovementPlan.objects.select_related("cluster", "assessment__framework").filter(cluster=cluster).first()
    if plan is None:
        return f"{CLUSTER}: no improvement plan (its assessment is not decided)"
    if plan.actions.filter(source=ActionSource.MANAGER).exists():
        return f"{CLUSTER}: improvement plan already worked on"
    manager = users[next(c for c in CLUSTERS if c.name == CLUSTER).manager]
    today = timezone.localdate()
    with transaction.atomic():
        seeded = list(plan.actions.select_related("plan__cluster").order_by("source", "pk"))
        for action, (status, owner, days, note) in zip(seeded, WORK, strict=False):
            action.plan = plan
            action = services.action_update(
                user=manager,
                action=action,
                data={
                    "status": status,
                    "owner": owner,
                    "due_on": today + datetime.timedelta(days=days),
                    "progress_note": note,
                },
                expected_version=action.version,
            )
            if status == ActionStatus.DONE:
                action.plan = plan
                services.evidence_add(
                    user=manager,
                    action=action,
                    upload=SimpleUploadedFile("compte-rendu.pdf", demo_pdf(f"{CLUSTER} - {action.description[:40]}")),
                    expected_version=action.version,
                )
        plan.refresh_from_db()
        services.action_create(
            user=manager,
            plan=plan,
            data={
                "indicator": ADDED["code"],
                "description": ADDED["description"],
                "owner": ADDED["owner"],
                "due_on": today + datetime.timedelta(days=ADDED["days"]),
            },
            expected_version=plan.version,
        )
    counts = {s: Action.objects.filter(plan=plan, status=s).count() for s in ActionStatus.values}
    return f"{CLUSTER}: improvement plan — " + ", ".join(f"{n} {s}" for s, n in counts.items())
