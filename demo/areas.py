"""The demo's Silver application (S2E2): the cluster's improvement plan from its previous label, with actions in
progress and done, and the three areas of improvement it describes before its submission (invented)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from areas.services import area_add, area_judge
from improvement.models import Action, ActionStatus, ImprovementPlan

# The plan's actions (written as rows: the plan comes from the label S2E2 held before, which the demo does not
# replay): indicator, description, owner, status, months from now to the due date, progress note.
S2E2_ACTIONS = (
    (
        "G8",
        "Rencontrer individuellement chaque entreprise adhérente au moins une fois par an (démo)",
        "Chargée de mission adhérents",
        ActionStatus.DONE,
        -2,
        "112 entreprises rencontrées en 2025 contre 64 en 2023 ; fiches de visite dans le CRM.",
    ),
    (
        "V6",
        "Présenter un tableau de bord trimestriel des indicateurs au conseil d’administration (démo)",
        "Directrice",
        ActionStatus.DONE,
        -4,
        "Quatre tableaux de bord présentés en 2025 ; comptes rendus du conseil.",
    ),
    (
        "V10",
        "Relancer les groupes de travail « stockage » et « réseaux intelligents » (démo)",
        "Responsable innovation",
        ActionStatus.IN_PROGRESS,
        3,
        "Le groupe « stockage » se réunit tous les deux mois ; « réseaux intelligents » redémarre en janvier.",
    ),
    (
        "R2",
        "Documenter deux success stories de projets collaboratifs par an (démo)",
        "Chargé de communication",
        ActionStatus.NOT_STARTED,
        6,
        "",
    ),
)
# The three areas: title, indicator, the indicators of the actions it rests on, what was done.
S2E2_AREAS = (
    (
        "Proximité avec les entreprises adhérentes",
        "G8",
        ("G8",),
        "Un programme de visites annuelles de chaque adhérent, suivi dans le CRM : 112 entreprises rencontrées en "
        "2025, deux fois plus qu’en 2023 (démo).",
    ),
    (
        "Pilotage par les indicateurs",
        "V6",
        ("V6", "G8"),
        "Un tableau de bord trimestriel présenté au conseil d’administration depuis janvier 2025, avec les objectifs "
        "chiffrés de la feuille de route (démo).",
    ),
    (
        "Groupes de travail thématiques",
        "V10",
        ("V10",),
        "Le groupe « stockage de l’énergie » a repris ses réunions (six en 2025, 23 entreprises) ; le groupe "
        "« réseaux intelligents » est en cours de relance (démo).",
    ),
)


def s2e2_plan_and_areas(*, assessment, manager) -> None:
    """S2E2's plan (created if absent) and the three areas of its Silver application, before its submission."""
    plan, _created = ImprovementPlan.objects.get_or_create(cluster=assessment.cluster)
    indicators = {i.code: i for i in assessment.framework.indicators.select_related("category")}
    today = timezone.localdate()
    actions = {}
    for code, description, owner, status, months, note in S2E2_ACTIONS:
        indicator = indicators[code]
        actions[code], _created = Action.objects.get_or_create(
            plan=plan,
            description=description,
            defaults={
                "indicator": indicator,
                "category": indicator.category,
                "owner": owner,
                "status": status,
                "due_on": today + datetime.timedelta(days=30 * months),
                "progress_note": note,
            },
        )
    for title, code, action_codes, achievements in S2E2_AREAS:
        assessment.refresh_from_db()
        area_add(
            user=manager,
            assessment=assessment,
            title=title,
            indicator=indicators[code],
            actions=[actions[c] for c in action_codes],
            achievements=achievements,
            expected_version=assessment.version,
        )
    assessment.refresh_from_db()


def s2e2_first_verdict(*, assessment, assessor) -> None:
    """The assessor, half-way through the review, has judged the first area after the documents sent (the others
    wait for the visit)."""
    area = assessment.improvement_areas.order_by("pk").first()
    area_judge(
        user=assessor,
        area=area,
        verdict="demonstrated",
        comment="Fiches de visite et extraction du CRM consultées : 112 entreprises rencontrées (démo).",
        expected_version=area.version,
    )
