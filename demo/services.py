"""Loading the demo: clusters, members, yearly facts and accounts, then the assessments, made through the
self-assessment and workflow services as people would make them. Idempotent (see ``demo.data``)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from appeals.models import Appeal
from clusters.models import Cluster, FinancingYear, Member, TeamYear
from committee.models import CommitteeSession
from committee.rules import committee_on
from demo.appeals import load_appeal
from demo.areas import s2e2_first_verdict, s2e2_plan_and_areas
from demo.committee import load_committee
from demo.data import (
    ACCOUNTS,
    APPLIED_LEVELS,
    CLUSTERS,
    DEMO_EVIDENCE,
    DEMO_FINDINGS,
    DESCRIPTION_NOTICE_EN,
    DESCRIPTION_NOTICE_FR,
    EXPERT_COUNTRIES,
    FICTION_NOTICE_EN,
    FICTION_NOTICE_FR,
    FICTION_VALIDATED_ON,
    FICTIONAL_CLUSTERS,
    REFERENCE_YEAR,
    DemoCluster,
    demo_pdf,
    fictional_answers,
    financing_rows,
    member_rows,
    team_rows,
)
from demo.improvement import load_improvement_plan
from demo.programmes import REGION, STATE, load_programmes
from expertise import services as expertise
from expertise.models import Visit, VisitSlot
from expertise.selectors import findings_of, kind_for
from indicators.services import framework_ensure_default, framework_spec_for
from labelling.answer_values import answer_proposed
from labelling.models import Answer, Assessment, AssessmentStatus, Decision, Label
from labelling.selectors import assessment_score
from labelling.services import answers, workflow
from labelling.services.evidence import evidence_add
from programmes.models import Programme


@dataclass
class DemoSummary:
    clusters_created: int = 0
    members_created: int = 0
    users_created: int = 0
    assessments: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)


def demo_load(*, reset: bool = False) -> DemoSummary:
    """Load the demo clusters, members, yearly facts and accounts; then the demo assessments when the
    self-assessment and workflow services are available. Safe to run again."""

    summary = DemoSummary()
    if reset:
        demo_remove()
    with transaction.atomic():
        users = _load_accounts(summary)
        clusters = {c.name: _load_cluster(c, users, summary) for c in CLUSTERS}
    _load_assessments(clusters, users, summary)
    _load_fictional(users, summary)
    summary.assessments += load_committee(clusters=clusters, users=users)
    summary.assessments += load_appeal(users=users)
    summary.assessments.append(load_improvement_plan(clusters=clusters, users=users))
    summary.programmes = load_programmes(clusters=clusters, users=users)
    return summary


def demo_remove() -> None:
    """Delete the demo clusters (with their assessments and labels) and the demo accounts."""

    names = [c.name for c in CLUSTERS] + [c.name for c in FICTIONAL_CLUSTERS]
    with transaction.atomic():
        clusters = Cluster.objects.filter(name__in=names)
        # The committee's sessions that heard a demo cluster or seat a demo account (their cases hold assessments).
        CommitteeSession.objects.filter(
            Q(cases__assessment__cluster__in=clusters) | Q(members__username__in=[a.username for a in ACCOUNTS])
        ).distinct().delete()
        Programme.objects.filter(name_fr__in=[STATE["name_fr"], REGION["name_fr"]]).delete()
        Appeal.objects.filter(cluster__in=clusters).delete()  # they hold assessments and labels
        Label.objects.filter(cluster__in=clusters).delete()
        Decision.objects.filter(assessment__cluster__in=clusters).delete()
        # Renewals point at earlier assessments: drop the newest first.
        for assessment in Assessment.objects.filter(cluster__in=clusters).order_by("-created_at"):
            assessment.delete()
        clusters.delete()
        User.objects.filter(username__in=[a.username for a in ACCOUNTS]).delete()


def _load_accounts(summary: DemoSummary) -> dict[str, Any]:

    users = {}
    for account in ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = User(username=account.username)
            summary.users_created += 1
        user.first_name = account.first_name
        user.last_name = account.last_name
        user.email = f"{account.username}@demo.grappe.localhost"
        user.role = account.role
        user.is_superuser = account.superuser
        user.is_active = True
        # The printed password always works, even after someone changed it in the demo.
        user.set_password(account.password)
        user.country = EXPERT_COUNTRIES.get(account.username, user.country)
        user.save()
        users[account.username] = user
    return users


def _load_cluster(demo: DemoCluster, users: dict[str, Any], summary: DemoSummary):

    cluster, created = Cluster.objects.get_or_create(
        name=demo.name,
        defaults={
            "acronym": demo.acronym,
            "kind": demo.kind,
            "legal_form": "Association loi 1901",
            "country": "FR",
            "region": demo.region,
            "city": demo.city,
            "website": demo.website,
            "eccp_url": f"https://clustercollaboration.eu/cluster-organisations/{slugify(demo.name)}",
            "year_founded": demo.year_founded,
            "sectors": list(demo.sectors),
            "s3_domains": list(demo.s3_domains),
            "description_fr": f"{demo.description_fr} {DESCRIPTION_NOTICE_FR}",
            "description_en": f"{demo.description_en} {DESCRIPTION_NOTICE_EN}",
        },
    )
    summary.clusters_created += int(created)
    cluster.managers.add(users[demo.manager])

    existing = {name.lower() for name in Member.objects.filter(cluster=cluster).values_list("name", flat=True)}
    new_members = [Member(cluster=cluster, **row) for row in member_rows(demo) if row["name"].lower() not in existing]
    Member.objects.bulk_create(new_members)
    summary.members_created += len(new_members)

    for row in team_rows(demo):
        TeamYear.objects.get_or_create(cluster=cluster, year=row["year"], defaults=row)
    for row in financing_rows(demo):
        FinancingYear.objects.get_or_create(cluster=cluster, year=row["year"], defaults=row)
    return cluster


# --- assessments (through the self-assessment and workflow services) --------------------------------

QUALITY = {"gold": 0.95, "bronze": 0.35, "in_review": 0.6, "submitted": 0.55, "draft": 0.5}


# What a manager writes beside some answers (the report shows the manager's comments).
MANAGER_COMMENTS = {
    "G9": "Projets retenus par le comité de sélection du pôle (liste en annexe du rapport d’activité).",
    "R1": "Revue de presse de l’année jointe au rapport d’activité.",
}


def _demo_value(spec, target: str, rng: random.Random):
    """A plausible value of ``spec`` that reaches ``target`` ("full" or "partial")."""
    if spec.value_type == "level":
        options = [o.code for o in spec.options if o.result == target] or [o.code for o in spec.options]
        return options[0]
    threshold = spec.full if target == "full" else spec.partial
    if threshold is None:
        threshold = Decimal(0)
    if spec.direction == "lower":
        value = max(Decimal(0), threshold - (rng.randint(0, 3) if target == "full" else 0))
    elif target == "full":
        value = threshold * (Decimal(1) + Decimal(rng.randint(0, 25)) / 100)
    else:
        value = threshold
    if spec.max_value is not None:
        value = min(value, spec.max_value)
    if spec.value_type == "pct":
        value = min(value, Decimal(100))
    if spec.value_type == "int":
        return int(value.to_integral_value(rounding=ROUND_CEILING))
    return value.quantize(Decimal("0.1"))


def _fill(*, assessment, manager, quality: float, rng: random.Random, share: float = 1.0) -> None:

    spec = framework_spec_for(assessment.framework)
    for answer in assessment.answers.select_related("indicator").order_by("indicator__position"):
        if rng.random() > share:
            continue
        proposed = answer_proposed(answer)
        if proposed is not None:
            value, comment = proposed, ""
        else:
            target = "full" if rng.random() < quality else "partial"
            value = _demo_value(spec.indicator(answer.indicator.code), target, rng)
            comment = MANAGER_COMMENTS.get(answer.indicator.code, "")
        answers.answer_save(user=manager, answer=answer, value=value, comment=comment, expected_version=answer.version)


def _attach_evidence(*, assessment, manager) -> None:
    """A few evidence files (one-page demo PDFs), so that the report's annex lists real ones."""
    rows = {a.indicator.code: a for a in assessment.answers.select_related("indicator")}
    for code, name, day in DEMO_EVIDENCE:
        if code in rows:
            evidence_add(
                user=manager, answer=rows[code], upload=ContentFile(demo_pdf(name), name=name), document_date=day
            )


def _review(*, assessment, assessor, share: float, rng: random.Random) -> None:

    rows = list(assessment.answers.select_related("indicator").order_by("indicator__position"))
    for index, answer in enumerate(rows):
        if rng.random() > share:
            continue
        if index == 6 and answer.indicator.value_type != "level" and answer.declared_number:
            # One correction, to show declared and validated values side by side.
            corrected = answer.declared_number
            corrected = corrected.to_integral_value() if answer.indicator.value_type == "int" else corrected
            workflow.answer_review(
                user=assessor,
                answer=answer,
                accept=False,
                value=corrected,
                justification="Valeur vérifiée sur le rapport d’activité (démo).",
                comment="Chiffre confirmé par l’équipe d’animation.",
                expected_version=answer.version,
            )
        else:
            workflow.answer_review(user=assessor, answer=answer, accept=True, expected_version=answer.version)


def _run_scenario(*, demo: DemoCluster, cluster, users: dict[str, Any]) -> str:

    rng = random.Random(f"grappe-demo-assessment-{demo.name}")  # noqa: S311 - invented demo data
    manager, assessor, admin = users[demo.manager], users["assessor"], users["admin"]
    assessment = answers.assessment_create(
        user=manager,
        cluster=cluster,
        reference_year=REFERENCE_YEAR,
        applied_level=APPLIED_LEVELS.get(demo.scenario, "bronze"),
    )
    quality = QUALITY[demo.scenario]
    if demo.scenario == "draft":
        _fill(assessment=assessment, manager=manager, quality=quality, rng=rng, share=0.6)
        return "draft"
    _fill(assessment=assessment, manager=manager, quality=quality, rng=rng)
    if demo.scenario in ("gold", "bronze"):
        _attach_evidence(assessment=assessment, manager=manager)
    if assessment.applied_level == "silver":  # a Silver application describes its areas of improvement
        s2e2_plan_and_areas(assessment=assessment, manager=manager)
    assessment = answers.assessment_submit(user=manager, assessment=assessment, expected_version=assessment.version)
    assessment = workflow.assessment_assign(user=admin, assessment=assessment, assessor=assessor)
    workflow.review_declare_no_conflict(user=assessor, assessment=assessment)
    if demo.scenario == "submitted":
        # The assessor proposes three slots for the interview; the cluster has not chosen yet.
        _propose(assessment=assessment, assessor=assessor, days=(24, 26, 31), hours=3, mode="video")
        return "in review: interview slots proposed"
    if demo.scenario == "in_review":
        _review(assessment=assessment, assessor=assessor, share=0.5, rng=rng)
        s2e2_first_verdict(assessment=assessment, assessor=assessor)
        visit = _propose(assessment=assessment, assessor=assessor, days=(21, 28), hours=5, mode="on_site")
        expertise.visit_accept(
            user=manager, visit=visit, slot_id=visit.slots.order_by("starts_at").first().pk, expected_version=1
        )
        return "in review: half-day visit accepted"
    _review(assessment=assessment, assessor=assessor, share=1.0, rng=rng)
    second = users["assessor2"]
    if demo.scenario == "gold":  # two experts of different countries, assigned before the visit
        assessment = workflow.assessment_assign_second(user=admin, assessment=assessment, assessor=second)
        workflow.review_declare_no_conflict(user=second, assessment=assessment)
    _past_visit(assessment=assessment, assessor=assessor, demo=demo)
    _findings(assessment=assessment, assessor=assessor)
    assessment = workflow.assessment_validate(user=assessor, assessment=assessment, recommended_level=demo.scenario)
    if assessment_score(assessment=assessment).level == "gold":  # two experts: a countersignature
        if assessment.second_assessor_id is None:
            assessment = workflow.assessment_assign_second(user=admin, assessment=assessment, assessor=second)
            workflow.review_declare_no_conflict(user=second, assessment=assessment)
        workflow.review_countersign(user=second, assessment=assessment)
    if committee_on():  # the awarding committee decides it (demo/committee.py)
        return f"validated: {assessment_score(assessment=assessment).level}, for the committee"
    decision = workflow.assessment_decide(user=admin, assessment=assessment)
    return f"decided: {decision.level}"


def _at(days: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _propose(*, assessment, assessor, days: tuple[int, ...], hours: int, mode: str):
    """The assessor's slots, some weeks ahead (through the service: the managers are e-mailed)."""
    return expertise.visit_propose(
        user=assessor,
        assessment=assessment,
        slots=[expertise.Slot(_at(d), _at(d) + datetime.timedelta(hours=hours)) for d in days],
        mode=mode,
        meeting_url="https://visio.demo.grappe.localhost/entretien" if mode == "video" else "",
        address="" if mode == "video" else "Siège du pôle, Orléans",
    )


def _past_visit(*, assessment, assessor, demo: DemoCluster) -> Visit:
    """The interview or visit that took place a few weeks ago. Written as rows: the services plan visits only in
    the future (the demo's history is the one thing they cannot replay)."""
    kind = kind_for(assessment=assessment)
    gold = demo.scenario == "gold"
    starts = _at(-20 if gold else -12)
    ends = starts + (datetime.timedelta(days=1, hours=8) if gold else datetime.timedelta(hours=3))
    visit = Visit.objects.create(
        assessment=assessment,
        uid=f"demo-{slugify(demo.name)}-{REFERENCE_YEAR}@grappe",
        kind=kind,
        mode="on_site" if gold else "video",
        meeting_url="" if gold else "https://visio.demo.grappe.localhost/entretien",
        address=f"Siège du pôle, {demo.city}" if gold else "",
        status="accepted",
        starts_at=starts,
        ends_at=ends,
        proposed_by=assessor,
    )
    VisitSlot.objects.create(visit=visit, starts_at=starts, ends_at=ends)
    return visit


def _findings(*, assessment, assessor) -> None:
    visit = Visit.objects.filter(assessment=assessment, status="accepted").order_by("-starts_at").first()
    expertise.findings_save(
        user=assessor,
        assessment=assessment,
        visited_on=timezone.localtime(visit.starts_at).date(),
        people_met="La directrice, le président, deux administrateurs, six entreprises et un laboratoire membres "
        "(démo)",
        categories={
            code: {"strengths": s, "improvements": i, "recommendations": r} for code, (s, i, r) in DEMO_FINDINGS.items()
        },
        expected_version=findings_of(assessment=assessment).version,
    )


def _load_assessments(clusters: dict[str, Any], users: dict[str, Any], summary: DemoSummary) -> None:

    try:
        framework_ensure_default()
    except Exception as error:  # noqa: BLE001 - the demo must load whatever the state of the other modules
        summary.skipped.append(f"assessments: framework not available ({error})")
        return
    for demo in CLUSTERS:
        cluster = clusters[demo.name]
        if Assessment.objects.filter(cluster=cluster).exists():
            continue
        try:
            with transaction.atomic():
                state = _run_scenario(demo=demo, cluster=cluster, users=users)
        except Exception as error:  # noqa: BLE001 - a scenario that fails is reported and rolled back
            summary.skipped.append(f"{demo.name}: {type(error).__name__}: {error}")
        else:
            summary.assessments.append(f"{demo.name}: {state}")


# --- fictional peers (written in bulk: 34 assessments through every service step would slow `make run`) ----


def _load_fictional(users: dict[str, Any], summary: DemoSummary) -> None:
    """The fictional clusters, each with one *validated* assessment (no decision, so no label: they never
    appear in the public registry, and their profile says they are not listed). Rows are written in bulk,
    a few queries in all; the values are the validated ones, reviewed by the demo assessor."""
    try:
        framework = framework_ensure_default()
    except Exception as error:  # noqa: BLE001 - the demo must load whatever the state of the other modules
        summary.skipped.append(f"fictional peers: framework not available ({error})")
        return
    spec = framework_spec_for(framework)
    indicators = {indicator.code: indicator for indicator in framework.indicators.all()}
    with transaction.atomic():
        existing = set(
            Cluster.objects.filter(name__in=[c.name for c in FICTIONAL_CLUSTERS]).values_list("name", flat=True)
        )
        Cluster.objects.bulk_create(
            [
                Cluster(
                    name=fiction.name,
                    kind=fiction.kind,
                    legal_form="Association loi 1901",
                    country="FR",
                    region=fiction.region,
                    city=fiction.city,
                    year_founded=2008,
                    sectors=[fiction.sector],
                    public_profile=False,
                    description_fr=FICTION_NOTICE_FR,
                    description_en=FICTION_NOTICE_EN,
                )
                for fiction in FICTIONAL_CLUSTERS
                if fiction.name not in existing
            ]
        )
        summary.clusters_created += len(FICTIONAL_CLUSTERS) - len(existing)
        clusters = {
            c.name: c for c in Cluster.objects.filter(name__in=[f.name for f in FICTIONAL_CLUSTERS]).only("pk", "name")
        }
        assessed = set(Assessment.objects.filter(cluster__in=clusters.values()).values_list("cluster__name", flat=True))
        todo = [fiction for fiction in FICTIONAL_CLUSTERS if fiction.name not in assessed]
        created = Assessment.objects.bulk_create(
            [
                Assessment(
                    cluster=clusters[fiction.name],
                    framework=framework,
                    reference_year=REFERENCE_YEAR,
                    status=AssessmentStatus.VALIDATED,
                    assessor=users["assessor"],
                    created_by=users["admin"],
                    public_profile=False,
                    validated_on=FICTION_VALIDATED_ON,
                )
                for fiction in todo
            ]
        )
        answers = []
        for fiction, assessment in zip(todo, created, strict=True):
            for code, value in fictional_answers(fiction, spec).items():
                number, option = (None, value) if isinstance(value, str) else (value, "")
                answers.append(
                    Answer(
                        assessment=assessment,
                        indicator=indicators[code],
                        declared_number=number,
                        declared_option=option,
                        validated_number=number,
                        validated_option=option,
                        reviewed=True,
                    )
                )
        Answer.objects.bulk_create(answers, batch_size=500)
    if todo:
        summary.assessments.append(f"{len(todo)} fictional peers: validated")
