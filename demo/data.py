"""Demo data for `make run` and `manage.py load_demo`: what the demo contains (loading is in ``demo.services``).

The clusters are real French clusters with public facts (kind, city, region, year founded, sector, order of
size). Everything else — member organisations, staff, budgets, assessments, labels — is invented for the
demo, and the demo says so. Loading is idempotent: rows are matched by their natural keys (user name,
cluster name, member name, year) and a cluster's demo assessments are only created when it has none.

This module imports nothing from Django, so that `bin/run_local.py` can print the accounts.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

DEMO_NOTICE = (
    "Demo data: the clusters are real, but their members, staff, financing figures, assessments and labels "
    "are invented."
)
DESCRIPTION_NOTICE_FR = "Données de démonstration : membres, équipe, financements et évaluations sont inventés."
DESCRIPTION_NOTICE_EN = "Demo data: members, team, financing and assessments are invented."

REFERENCE_YEAR = 2025
DATA_YEARS = (2022, 2023, 2024, 2025)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str  # accounts.models.Role value
    description: str
    first_name: str = ""
    last_name: str = ""
    superuser: bool = False


ADMIN_PASSWORD = "grappe-admin"  # noqa: S105 - printed on purpose: demo accounts on a local SQLite file
MANAGER_PASSWORD = "grappe-manager"  # noqa: S105
ASSESSOR_PASSWORD = "grappe-assessor"  # noqa: S105
OFFICER_PASSWORD = "grappe-officer"  # noqa: S105
COMMITTEE_PASSWORD = "grappe-committee"  # noqa: S105


@dataclass(frozen=True)
class DemoCluster:
    name: str
    acronym: str
    kind: str
    city: str
    region: str
    website: str
    year_founded: int
    sectors: tuple[str, ...]
    s3_domains: tuple[str, ...]
    description_fr: str
    description_en: str
    manager: str  # username
    manager_name: tuple[str, str]
    members: int
    # Shares of the generated members, from 0 to 1.
    companies: float
    large_companies: float
    same_region: float
    # Team and budget in the reference year (earlier years are scaled down a little).
    staff_fte: Decimal
    headcount: int
    with_degree: int
    board_seats: int
    board_company_seats: int
    strategy_adopted_on: datetime.date | None
    action_plan: str
    budget: dict[str, int] = field(default_factory=dict)
    # What the demo does with its assessment: gold, bronze, in_review, submitted, draft.
    scenario: str = "draft"
    sector_words: tuple[str, ...] = ()


CENTRE = "24"  # INSEE code of Centre-Val de Loire
OTHER_REGIONS = ("11", "28", "52", "27", "75", "84", "44")

CLUSTERS: tuple[DemoCluster, ...] = (
    DemoCluster(
        name="Cosmetic Valley",
        acronym="CV",
        kind="pole",
        city="Chartres",
        region=CENTRE,
        website="https://www.cosmetic-valley.com",
        year_founded=1994,
        sectors=("parfumerie", "cosmétique"),
        s3_domains=("cosmétique", "biotechnologies"),
        description_fr="Pôle de compétitivité de la filière parfumerie-cosmétique, né à Chartres en 1994.",
        description_en="Competitiveness cluster of the perfume and cosmetics industry, founded in Chartres in 1994.",
        manager="manager.cosmetic",
        manager_name=("Claire", "Dumont"),
        members=300,
        companies=0.82,
        large_companies=0.12,
        same_region=0.78,
        staff_fte=Decimal("14.5"),
        headcount=16,
        with_degree=14,
        board_seats=24,
        board_company_seats=16,
        strategy_adopted_on=datetime.date(2024, 3, 12),
        action_plan="complete",
        budget={
            "state": 650_000,
            "regional": 820_000,
            "eu": 240_000,
            "member_fees": 710_000,
            "paid_services": 560_000,
            "other_private": 120_000,
        },
        scenario="gold",
        sector_words=("Parfums", "Laboratoires", "Cosmétiques", "Flaconnage", "Arômes", "Emballages", "Senteurs"),
    ),
    DemoCluster(
        name="S2E2",
        acronym="S2E2",
        kind="pole",
        city="Tours",
        region=CENTRE,
        website="https://www.s2e2.fr",
        year_founded=2005,
        sectors=("énergie", "électronique", "smart grids"),
        s3_domains=("gestion de l’énergie", "bâtiment intelligent"),
        description_fr="Pôle de compétitivité Smart Electricity Cluster : technologies de l’électricité et "
        "gestion intelligente de l’énergie.",
        description_en="Smart Electricity Cluster: electricity technologies and smart energy management.",
        manager="manager.s2e2",
        manager_name=("Julien", "Mercier"),
        members=130,
        companies=0.66,
        large_companies=0.14,
        same_region=0.62,
        staff_fte=Decimal("6.0"),
        headcount=7,
        with_degree=6,
        board_seats=18,
        board_company_seats=9,
        strategy_adopted_on=datetime.date(2023, 6, 20),
        action_plan="complete",
        budget={
            "state": 310_000,
            "regional": 380_000,
            "eu": 90_000,
            "member_fees": 170_000,
            "paid_services": 120_000,
            "other_private": 30_000,
        },
        scenario="in_review",
        sector_words=("Énergies", "Réseaux", "Électronique", "Domotique", "Solaire", "Stockage", "Électricité"),
    ),
    DemoCluster(
        name="Elastopole",
        acronym="Elastopole",
        kind="pole",
        city="Orléans",
        region=CENTRE,
        website="https://www.elastopole.com",
        year_founded=2006,
        sectors=("caoutchouc", "polymères"),
        s3_domains=("matériaux",),
        description_fr="Pôle de compétitivité de la filière caoutchouc et polymères.",
        description_en="Competitiveness cluster of the rubber and polymers industry.",
        manager="manager.elastopole",
        manager_name=("Nathalie", "Roux"),
        members=110,
        companies=0.6,
        large_companies=0.15,
        same_region=0.45,
        staff_fte=Decimal("2.5"),
        headcount=3,
        with_degree=2,
        board_seats=15,
        board_company_seats=6,
        strategy_adopted_on=datetime.date(2021, 9, 1),
        action_plan="partial",
        budget={
            "state": 210_000,
            "regional": 260_000,
            "eu": 20_000,
            "member_fees": 70_000,
            "paid_services": 35_000,
            "other_private": 5_000,
        },
        scenario="bronze",
        sector_words=("Caoutchouc", "Polymères", "Joints", "Élastomères", "Moulage", "Plasturgie", "Mélanges"),
    ),
    DemoCluster(
        name="DREAM",
        acronym="DREAM",
        kind="pole",
        city="Orléans",
        region=CENTRE,
        website="https://www.poledream.org",
        year_founded=2010,
        sectors=("eau", "éco-technologies", "environnement"),
        s3_domains=("ressources naturelles",),
        description_fr="Pôle de compétitivité des éco-technologies de l’eau et des milieux naturels.",
        description_en="Competitiveness cluster of water eco-technologies and natural environments.",
        manager="manager.dream",
        manager_name=("Antoine", "Lefèvre"),
        members=80,
        companies=0.55,
        large_companies=0.1,
        same_region=0.7,
        staff_fte=Decimal("3.2"),
        headcount=4,
        with_degree=4,
        board_seats=12,
        board_company_seats=6,
        strategy_adopted_on=datetime.date(2024, 1, 15),
        action_plan="complete",
        budget={
            "state": 180_000,
            "regional": 240_000,
            "eu": 60_000,
            "member_fees": 80_000,
            "paid_services": 45_000,
            "other_private": 10_000,
        },
        scenario="submitted",
        sector_words=("Hydro", "Eaux", "Filtration", "Aquatech", "Environnement", "Irrigation", "Assainissement"),
    ),
    DemoCluster(
        name="Nekoé",
        acronym="Nekoé",
        kind="grappe",
        city="Orléans",
        region=CENTRE,
        website="https://www.nekoe.fr",
        year_founded=2009,
        sectors=("innovation par les services", "design de services"),
        s3_domains=("services innovants",),
        description_fr="Grappe d’entreprises dédiée à l’innovation par les services, retenue en mai 2010 parmi "
        "les 42 premières grappes d’entreprises.",
        description_en="Business cluster for service innovation, selected in May 2010 among the first 42 "
        "grappes d’entreprises.",
        manager="manager.nekoe",
        manager_name=("Sophie", "Garnier"),
        # 12 members: fewer than the 15 active members a label's prerequisites ask, so that the demo shows the
        # refusal of a submission (issue 20).
        members=12,
        companies=0.8,
        large_companies=0.05,
        same_region=0.85,
        staff_fte=Decimal("2.0"),
        headcount=2,
        with_degree=2,
        board_seats=9,
        board_company_seats=6,
        strategy_adopted_on=datetime.date(2023, 11, 8),
        action_plan="partial",
        budget={
            "state": 60_000,
            "regional": 90_000,
            "eu": 0,
            "member_fees": 45_000,
            "paid_services": 25_000,
            "other_private": 5_000,
        },
        scenario="draft",
        sector_words=("Conseil", "Services", "Design", "Numérique", "Expérience client", "Formation"),
    ),
)

ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", ADMIN_PASSWORD, "administrator", "administrator, Django admin", "Hélène", "Bernard", True),
    DemoAccount("assessor", ASSESSOR_PASSWORD, "assessor", "assessor", "Marc", "Vasseur"),
    # Gold takes two experts: the second assessor countersigns the review (ecei-31's setting).
    DemoAccount(
        "assessor2", ASSESSOR_PASSWORD, "assessor", "second assessor (countersigns Gold)", "Isabelle", "Langlois"
    ),
    *(DemoAccount(c.manager, MANAGER_PASSWORD, "manager", f"manager of {c.name}", *c.manager_name) for c in CLUSTERS),
    # The funders' officers (demo/programmes.py): the State's pôles programme, the Centre-Val de Loire region's.
    DemoAccount(
        "officer.state", OFFICER_PASSWORD, "officer", "programme officer, State (pôles phase V)", "Laurent", "Morel"
    ),
    DemoAccount(
        "officer.region", OFFICER_PASSWORD, "officer", "programme officer, Centre-Val de Loire", "Amélie", "Fontaine"
    ),
    # The awarding committee's members (demo/committee.py): both sit on the demo's two sessions.
    DemoAccount("committee.leroy", COMMITTEE_PASSWORD, "committee", "committee member", "Claire", "Leroy"),
    DemoAccount("committee.nguyen", COMMITTEE_PASSWORD, "committee", "committee member", "Paul", "Nguyen"),
    # Appeals (demo/appeals.py): an administrator who sat on no session handles them; the manager of the fictional
    # cluster the committee refused has lodged one.
    DemoAccount(
        "admin.appeals", ADMIN_PASSWORD, "administrator", "administrator who handles the appeals", "Nathalie", "Roche"
    ),
    DemoAccount(
        "manager.fictif", MANAGER_PASSWORD, "manager", "manager of the fictional cluster refused", "Hugo", "Perrin"
    ),
)
DEMO_ACCOUNTS = ACCOUNTS
# The experts' countries: a Gold visit needs one expert from another country than the cluster's (issue 20).
EXPERT_COUNTRIES = {"assessor": "FR", "assessor2": "BE"}
# The level each demo cluster applies for (it sets the format of the expert's interview or visit).
APPLIED_LEVELS = {"gold": "gold", "in_review": "silver"}
# What the experts wrote after the demo's interviews and visits (invented), per category: strengths, areas for
# improvement, recommendations.
DEMO_FINDINGS = {
    "S": (
        "Une base de membres large et engagée, en majorité des entreprises.",
        "Peu de membres hors de la région Centre-Val de Loire.",
        "Recruter des membres dans les régions voisines et formaliser l’engagement de chacun.",
    ),
    "G": (
        "Une équipe d’animation stable et qualifiée ; des entreprises majoritaires au conseil.",
        "La formation continue de l’équipe reste ponctuelle.",
        "Adopter un plan de formation annuel pour chaque salarié de l’équipe.",
    ),
    "F": (
        "Un budget assuré sur deux ans.",
        "La part des financements privés dépend surtout des cotisations.",
        "Développer les services payants (veille, accompagnement à l’international).",
    ),
    "V": (
        "Une stratégie co-construite avec les membres et un plan d’action chiffré.",
        "Le suivi des indicateurs n’est présenté au conseil qu’une fois par an.",
        "Présenter un tableau de bord trimestriel au conseil d’administration.",
    ),
    "R": (
        "Des success stories documentées et une bonne visibilité dans la presse régionale.",
        "La satisfaction des membres n’est pas mesurée chaque année.",
        "Conduire une enquête de satisfaction annuelle et en publier les résultats.",
    ),
}

FAMILY_NAMES = (
    "Marchand", "Lefèvre", "Garnier", "Rousseau", "Chevalier", "Perrin", "Moreau", "Fontaine", "Lemoine",
    "Bertin", "Girard", "Boucher", "Caron", "Renaud", "Aubert", "Barbier", "Picard", "Lambert", "Collin",
    "Delorme", "Vidal", "Masson", "Texier", "Brun", "Poirier", "Leroux", "Gauthier", "Roy", "Morin", "Charpentier",
)  # fmt: skip
PLACES = (
    "du Val de Loire", "de Beauce", "de Touraine", "du Berry", "de Sologne", "du Loiret", "de l’Orléanais",
    "du Perche", "du Blésois", "du Gâtinais", "de la Brenne", "du Vendômois", "Centre", "Atlantique", "Île-de-France",
)  # fmt: skip
LEGAL = ("SAS", "SARL", "SA", "SASU")
RESEARCH = ("Laboratoire", "Centre technique", "Institut", "Plateforme technologique")
TRAINING = ("Lycée technique", "École d’ingénieurs", "Centre de formation", "IUT")
PUBLIC = ("Agence de développement", "Communauté d’agglomération", "Chambre de commerce", "Syndicat mixte")


def _member_names(cluster: DemoCluster, rng: random.Random, types: list[str]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for member_type in types:
        for _attempt in range(1000):
            word = rng.choice(cluster.sector_words)
            if member_type in ("sme", "large"):
                pattern = rng.randrange(3)
                if pattern == 0:
                    name = f"{word} {rng.choice(FAMILY_NAMES)} {rng.choice(LEGAL)}"
                elif pattern == 1:
                    name = f"{word} {rng.choice(PLACES)}"
                else:
                    name = f"{rng.choice(FAMILY_NAMES)} & {rng.choice(FAMILY_NAMES)} {word}"
                if member_type == "large":
                    name = f"Groupe {name}"
            elif member_type == "research":
                name = f"{rng.choice(RESEARCH)} {word.lower()} {rng.choice(PLACES)}"
            elif member_type == "university":
                name = f"{rng.choice(TRAINING)} {rng.choice(PLACES)}"
            elif member_type == "public":
                name = f"{rng.choice(PUBLIC)} {rng.choice(PLACES)}"
            else:
                name = f"Association {word.lower()} {rng.choice(PLACES)}"
            if name.lower() not in seen:
                break
        else:  # pragma: no cover - the vocabulary is large enough for the sizes above
            name = f"{name} {len(names) + 1}"
        seen.add(name.lower())
        names.append(name)
    return names


def member_rows(cluster: DemoCluster) -> list[dict[str, Any]]:
    """The invented members of a demo cluster, always the same ones (seeded by the cluster's name)."""
    rng = random.Random(f"grappe-demo-{cluster.name}")  # noqa: S311 - invented demo data, not security
    total = cluster.members
    large = round(total * cluster.large_companies)
    companies = round(total * cluster.companies)
    others = total - companies
    types = ["large"] * large + ["sme"] * (companies - large)
    for index in range(others):
        types.append(("research", "university", "public", "other")[index % 4])
    rng.shuffle(types)
    names = _member_names(cluster, rng, types)
    first = max(cluster.year_founded, 2000)
    rows = []
    for name, member_type in zip(names, types, strict=True):
        same_region = rng.random() < cluster.same_region
        # Most members joined before the last two years (a stable membership), a few recently.
        year = rng.randint(first, REFERENCE_YEAR - 2) if rng.random() < 0.8 else rng.randint(REFERENCE_YEAR - 1, 2025)
        since = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        size = {"large": "large", "sme": rng.choice(("micro", "small", "small", "medium"))}.get(member_type, "")
        rows.append(
            {
                "name": name,
                "member_type": member_type,
                "size_class": size,
                "region": CENTRE if same_region else rng.choice(OTHER_REGIONS),
                "member_since": since,
                "fee_paying": member_type == "public" or rng.random() < 0.9,
                "active": rng.random() < 0.96,
            }
        )
    return rows


def _scaled(value: Decimal | int, year: int) -> Decimal:
    """Earlier years a little smaller than the reference year (5 % a year)."""
    factor = Decimal(1) - Decimal("0.05") * (REFERENCE_YEAR - year)
    return (Decimal(value) * factor).quantize(Decimal("0.01"))


def team_rows(cluster: DemoCluster) -> list[dict[str, Any]]:
    rows = []
    for year in DATA_YEARS:
        strategy = (
            cluster.strategy_adopted_on
            if cluster.strategy_adopted_on and cluster.strategy_adopted_on.year <= year
            else None
        )
        rows.append(
            {
                "year": year,
                "staff_fte": _scaled(cluster.staff_fte, year).quantize(Decimal("0.1")),
                "staff_headcount": cluster.headcount,
                "staff_with_degree": cluster.with_degree,
                "board_seats": cluster.board_seats,
                "board_company_seats": cluster.board_company_seats,
                "strategy_document": strategy is not None,
                "strategy_adopted_on": strategy,
                "action_plan": cluster.action_plan if year >= REFERENCE_YEAR - 1 else "partial",
                "performance_contract": cluster.kind == "pole",
            }
        )
    return rows


def financing_rows(cluster: DemoCluster) -> list[dict[str, Any]]:
    return [
        {"year": year, **{source: _scaled(amount, year) for source, amount in cluster.budget.items()}}
        for year in DATA_YEARS
    ]


# The demo's appeal against the committee's refusal (invented): the manager's reasons, their file, the question the
# administrator asks.
APPEAL_REASONS = (
    "Le comité a retenu l’absence de gouvernance formalisée. Nos statuts, adoptés en assemblée générale, prévoient "
    "un conseil d’administration où les entreprises sont majoritaires ; nous joignons les statuts déposés."
)
APPEAL_FILE = "Statuts déposés en préfecture.pdf"
APPEAL_QUESTION = "Envoyez le procès-verbal de la dernière réunion de votre conseil d’administration."

# Evidence files attached by the demo assessments that reach a decision: (indicator, file name, document date).
DEMO_EVIDENCE = (
    ("S1", "Registre des adhérents et cotisations 2025.pdf", datetime.date(2026, 1, 31)),
    ("G4", "Plan de formation de l’équipe 2025.pdf", datetime.date(2025, 2, 14)),
    ("V2", "Feuille de route stratégique 2024-2027.pdf", datetime.date(2024, 3, 12)),
    ("V3", "Plan d’action et contrat de performance.pdf", datetime.date(2025, 1, 20)),
    ("V4", "Comptes certifiés 2025.pdf", datetime.date(2026, 3, 30)),
    ("R3", "Enquête de satisfaction des membres 2025.pdf", datetime.date(2025, 11, 28)),
)


def demo_pdf(title: str) -> bytes:
    """A one-page PDF saying it is a demo document (a few hundred bytes, no renderer needed)."""
    text = f"Document de demonstration - {title}".encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# --- fictional clusters: peers for the benchmark --------------------------------------------------------

FICTION_NOTICE_FR = (
    "Cluster fictif, inventé pour la démonstration de Grappe (pairs du benchmark) : il n’existe pas et n’est pas "
    "listé dans le registre public."
)
FICTION_NOTICE_EN = (
    "Fictional cluster, made up for the Grappe demo (benchmark peers): it does not exist and is not listed in "
    "the public registry."
)
# The awarding committee's demo sessions (demo/committee.py): found again by their place and video link.
CLOSED_SESSION_PLACE = "Orléans, Hôtel de Région — salle du comité (démo)"
OPEN_SESSION_LINK = "https://visio.demo.grappe.localhost/comite"
CONDITIONS_TEXT = (
    "Une feuille de route consolidée et un modèle économique approuvés par le conseil d’administration "
    "(conditions inventées pour la démonstration)."
)
REFUSAL_REASON = (
    "Gouvernance insuffisante : le conseil d’administration ne s’est pas réuni pendant l’année évaluée "
    "(cas fictif de démonstration)."
)

FICTION_SUFFIX = " (fictif)"
FICTION_VALIDATED_ON = datetime.date(2026, 4, 15)


@dataclass(frozen=True)
class FictionalCluster:
    """A made-up cluster with one validated assessment, so that every demo cluster has peers to compare with."""

    name: str  # always ends with FICTION_SUFFIX
    kind: str
    region: str  # INSEE code
    city: str
    sector: str
    quality: float  # from 0 to 1: how often its values reach the full criterion


# (name, kind, region, city, sector): several kinds in several regions, eight in Centre-Val de Loire.
_FICTION = (
    ("Vallée des Capteurs", "pole", "24", "Bourges", "électronique"),
    ("Loire Hydrogène", "pole", "24", "Blois", "énergie"),
    ("Berry Matériaux", "grappe", "24", "Châteauroux", "matériaux"),
    ("Sologne Bois Design", "grappe", "24", "Romorantin-Lanthenay", "bois"),
    ("Touraine Agritech", "cluster", "24", "Tours", "agriculture"),
    ("Orléans Santé Numérique", "pole", "24", "Orléans", "santé"),
    ("Beauce Logistique", "cluster", "24", "Chartres", "logistique"),
    ("Perche Tourisme Vert", "other", "24", "Nogent-le-Rotrou", "tourisme"),
    ("Seine Photonique", "pole", "11", "Palaiseau", "optique"),
    ("Paris Textiles Avancés", "grappe", "11", "Paris", "textile"),
    ("Francilienne du Jeu Vidéo", "cluster", "11", "Montreuil", "numérique"),
    ("Normandie Nautisme", "grappe", "28", "Cherbourg-en-Cotentin", "nautisme"),
    ("Caen Biomatériaux", "pole", "28", "Caen", "matériaux"),
    ("Flandres Ferroviaire", "pole", "32", "Valenciennes", "ferroviaire"),
    ("Lille Retail Lab", "cluster", "32", "Lille", "commerce"),
    ("Alsace Chimie Verte", "pole", "44", "Mulhouse", "chimie"),
    ("Lorraine Forge", "grappe", "44", "Metz", "métallurgie"),
    ("Champagne Bioraffinerie", "cluster", "44", "Reims", "bioéconomie"),
    ("Atlantique Éolien", "pole", "52", "Saint-Nazaire", "énergie"),
    ("Anjou Végétal", "grappe", "52", "Angers", "horticulture"),
    ("Armor Cybersécurité", "pole", "53", "Rennes", "numérique"),
    ("Brest Océan Data", "cluster", "53", "Brest", "mer"),
    ("Aquitaine Aéro-Composites", "pole", "75", "Bordeaux", "aéronautique"),
    ("Limousin Céramique", "grappe", "75", "Limoges", "céramique"),
    ("Pyrénées Santé", "pole", "76", "Toulouse", "santé"),
    ("Occitanie Viticulture", "cluster", "76", "Montpellier", "viticulture"),
    ("Alpes Outdoor", "grappe", "84", "Annecy", "sport"),
    ("Rhône Mécatronique", "pole", "84", "Lyon", "mécanique"),
    ("Auvergne Caoutchouc", "grappe", "84", "Clermont-Ferrand", "caoutchouc"),
    ("Provence Parfums", "cluster", "93", "Grasse", "parfumerie"),
    ("Méditerranée Robotique", "pole", "93", "Marseille", "robotique"),
    ("Jura Horlogerie", "grappe", "27", "Besançon", "microtechniques"),
    ("Dijon Agroalimentaire", "other", "27", "Dijon", "agroalimentaire"),
    ("Côte d’Opale Économie Circulaire", "other", "32", "Dunkerque", "environnement"),
)


def _quality(name: str) -> float:
    return 0.25 + 0.7 * random.Random(f"grappe-fiction-{name}").random()  # noqa: S311 - invented demo data


FICTIONAL_CLUSTERS: tuple[FictionalCluster, ...] = tuple(
    FictionalCluster(f"{name}{FICTION_SUFFIX}", kind, region, city, sector, _quality(name))
    for name, kind, region, city, sector in _FICTION
)


def fictional_value(spec: Any, rng: random.Random, quality: float) -> Decimal | str:
    """A plausible value of one indicator (``indicators.spec.IndicatorSpec``) for a fictional cluster:
    full criterion with probability ``quality``, then partial, then below it."""
    draw = rng.random()
    target = "full" if draw < quality else "partial" if draw < quality + (1 - quality) * 0.7 else "none"
    if spec.value_type == "level":
        options = [o.code for o in spec.options if o.result == target] or [o.code for o in spec.options]
        return options[0]
    full = spec.full if spec.full is not None else Decimal(1)
    partial = spec.partial if spec.partial is not None else full
    if spec.direction == "lower":  # fewer is better (V5: months since the last review)
        if target == "full":
            value = full * Decimal(rng.uniform(0.25, 1.0))
        elif target == "partial":
            value = full + (partial - full) * Decimal(rng.uniform(0.1, 1.0))
        else:
            value = partial * Decimal(rng.uniform(1.1, 2.0))
    elif target == "full":
        value = full * Decimal(rng.uniform(1.0, 1.6))
    elif target == "partial":
        value = partial + (full - partial) * Decimal(rng.uniform(0.0, 0.95))
    else:
        value = partial * Decimal(rng.uniform(0.2, 0.95))
    if spec.code == "S3":  # committed participants: every fictional cluster is eligible (10 or more)
        value = max(value, Decimal(rng.randint(12, 40)))
    if spec.max_value is not None:
        value = min(value, spec.max_value)
    if spec.value_type == "pct":
        value = min(value, Decimal(100))
    if spec.value_type == "int":
        return Decimal(int(value.to_integral_value()))
    return value.quantize(Decimal("0.1"))


def fictional_answers(cluster: FictionalCluster, framework_spec: Any) -> dict[str, Decimal | str]:
    """The validated values of a fictional cluster's assessment, always the same ones (seeded by its name)."""
    rng = random.Random(f"grappe-fiction-answers-{cluster.name}")  # noqa: S311 - invented demo data
    return {spec.code: fictional_value(spec, rng, cluster.quality) for spec in framework_spec.indicators}
