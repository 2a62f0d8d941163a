"""The demo's funders: a State programme for the pôles de compétitivité and a regional one for Centre-Val de Loire,
each with its officer; the four pôles enrolled in both with a contract, targets and two years of reports in
different states, Nekoé in the regional one only. Plausible, and invented (marked as demo data, as the figures).
Made through the programmes' services, as people would make them; idempotent (a programme that exists is left)."""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from demo.data import demo_pdf
from programmes import services
from programmes.indicator_sets import indicator_set
from programmes.models import Enrolment, Programme, ReportValue

NOTICE_FR = "Données de démonstration : programme, contrats, objectifs et rapports sont inventés."
NOTICE_EN = "Demo data: the programme, contracts, targets and reports are invented."
POLES = ("Cosmetic Valley", "S2E2", "Elastopole", "DREAM")
STATE = {
    "name_fr": "Pôles de compétitivité — phase V (2023-2026)",
    "name_en": "Competitiveness clusters — phase V (2023-2026)",
    "funder": "État — Direction générale des entreprises (DGE)",
    "funder_kind": "state",
    "indicator_set": "poles-competitivite",
    "description_fr": "La phase V de la politique des pôles : contrats de performance, indicateurs annuels, "
    "contribution aux transitions écologique, numérique et sociétale. " + NOTICE_FR,
    "description_en": "Phase V of the pôles policy: performance contracts, yearly indicators, contribution to the "
    "ecological, digital and societal transitions. " + NOTICE_EN,
    "officer": "officer.state",
}
REGION = {
    "name_fr": "Clusters et pôles de la région Centre-Val de Loire (2023-2026)",
    "name_en": "Clusters and pôles of the Centre-Val de Loire region (2023-2026)",
    "funder": "Région Centre-Val de Loire",
    "funder_kind": "region",
    "indicator_set": "region-clusters",
    "description_fr": "Le soutien de la Région aux clusters de sa stratégie de spécialisation intelligente (S3). "
    + NOTICE_FR,
    "description_en": "The Region's support to the clusters of its smart-specialisation strategy (S3). " + NOTICE_EN,
    "officer": "officer.region",
    # the codes are the demo clusters' own s3_domains
    "s3_domains": [
        {"code": "cosmétique", "fr": "Cosmétique et parfumerie", "en": "Cosmetics and perfumery"},
        {"code": "biotechnologies", "fr": "Biotechnologies", "en": "Biotechnologies"},
        {"code": "gestion de l’énergie", "fr": "Énergie et bâtiment intelligent", "en": "Energy and smart buildings"},
        {"code": "matériaux", "fr": "Matériaux et caoutchouc", "en": "Materials and rubber"},
        {"code": "ressources naturelles", "fr": "Eau et ressources naturelles", "en": "Water and natural resources"},
        {"code": "services innovants", "fr": "Services innovants", "en": "Innovative services"},
    ],
}
# (cluster, year) -> what happens to its report: approved, returned, submitted; absent: not started (late)
STATE_REPORTS = {
    **{(name, 2023): "approved" for name in POLES},
    ("Cosmetic Valley", 2024): "approved",
    ("S2E2", 2024): "returned",
    ("Elastopole", 2024): "submitted",
}
REGION_REPORTS = {
    **{(name, 2023): "approved" for name in (*POLES, "Nekoé")},
    ("Cosmetic Valley", 2024): "submitted",
    ("S2E2", 2024): "approved",
    ("DREAM", 2024): "returned",
    ("Nekoé", 2024): "draft",
}
DECLARED = {  # plausible ranges of the declared figures, by indicator
    "rd_projects_labelled": (8, 40),
    "rd_projects_funded": (3, 18),
    "rd_funding": (800_000, 9_000_000),
    "eu_projects": (0, 6),
    "money_raised": (500_000, 12_000_000),
    "services_revenue": (20_000, 250_000),
    "rd_projects_funded_region": (1, 8),
    "regional_plan": (0, 1),
}


def _declared(code: str, rng: random.Random) -> Decimal:
    low, high = DECLARED.get(code, (0, 10))
    value = rng.randint(low, high)
    if high > 100_000:
        value = value // 1000 * 1000
    return Decimal(value)


def _round_target(value: Decimal, kind: str) -> Decimal:
    if kind == "percentage":
        return min(Decimal(100), value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if kind == "money":
        return (value / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 1000
    if kind == "yesno":
        return Decimal(1)
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def load_programmes(*, clusters: dict[str, Any], users: dict[str, Any]) -> list[str]:
    """The two demo programmes (skipped when they exist); returns what was done, for the command's summary."""
    done = []
    for spec, names, reports in (
        (STATE, POLES, STATE_REPORTS),
        (REGION, (*POLES, "Nekoé"), REGION_REPORTS),
    ):
        if Programme.objects.filter(name_fr=spec["name_fr"]).exists():
            continue
        with transaction.atomic():
            _load_programme(spec, [clusters[n] for n in names if n in clusters], users, reports)
        done.append(spec["name_en"])
    return done


def _load_programme(spec: dict, clusters: list, users: dict[str, Any], reports: dict) -> None:
    officer = users[spec["officer"]]
    programme = Programme.objects.create(
        name_fr=spec["name_fr"],
        name_en=spec["name_en"],
        funder=spec["funder"],
        funder_kind=spec["funder_kind"],
        starts_on=datetime.date(2023, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        description_fr=spec["description_fr"],
        description_en=spec["description_en"],
        indicator_set=spec["indicator_set"],
        s3_domains=spec.get("s3_domains", []),
    )
    programme.officers.add(officer)
    indicators = indicator_set(programme.indicator_set)
    for cluster in clusters:
        rng = random.Random(f"{programme.name_fr}/{cluster.name}")  # noqa: S311 - demo figures, not secrets
        enrolment = Enrolment.objects.create(programme=programme, cluster=cluster, joined_on=programme.starts_on)
        enrolment.programme = programme
        manager = cluster.managers.order_by("pk").first()
        contract = services.contract_save(
            user=officer,
            enrolment=enrolment,
            data={
                "signed_on": datetime.date(2023, 3, 15),
                "starts_on": programme.starts_on,
                "ends_on": programme.ends_on,
                "midterm_review_on": datetime.date(2024, 12, 15),
            },
            upload=SimpleUploadedFile(
                "contrat.pdf", demo_pdf(f"Contrat de performance {cluster.name} - {programme.funder}")
            ),
            expected_version=0,
        )
        figures: dict[int, dict[str, Decimal]] = {}
        for year in (2023, 2024):
            state = reports.get((cluster.name, year))
            if state is None or manager is None:
                continue
            report = services.report_start(user=manager, enrolment=enrolment, year=year)
            entries = {}
            for indicator in indicators.indicators:
                row = ReportValue.objects.get(report=report, indicator=indicator.code)
                value = row.value if row.value is not None else _declared(indicator.code, rng)
                entries[indicator.code] = {"value": value, "comment": ""}
            figures[year] = {code: entry["value"] for code, entry in entries.items()}
            report = services.report_save(user=manager, report=report, entries=entries, expected_version=1)
            if state == "draft":
                continue
            report = services.report_submit(user=manager, report=report, expected_version=report.version)
            if state == "approved":
                services.report_approve(user=officer, report=report, expected_version=report.version)
            elif state == "returned":
                code = next(i.code for i in indicators.indicators if not i.computed)
                services.report_return(
                    user=officer,
                    report=report,
                    comments={code: "Merci de joindre la liste des projets et leurs financeurs."},
                    expected_version=report.version,
                )
        base = figures.get(2023) or figures.get(2024) or {}
        targets = {}
        for indicator in indicators.indicators:
            start = base.get(indicator.code)
            if start is None:
                continue
            for offset, year in enumerate(programme.years):
                growth = Decimal(1) + Decimal("0.05") * offset if indicator.kind != "percentage" else Decimal(1)
                targets[(indicator.code, year)] = _round_target(Decimal(start) * growth, indicator.kind)
        services.targets_save(user=officer, contract=contract, targets=targets, expected_version=contract.version)
