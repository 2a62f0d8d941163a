"""The demo's awarding committee: two committee members (demo accounts), a session held today and closed — Cosmetic
Valley's Gold granted, Elastopole's Bronze granted with conditions (invented), a fictional cluster refused — and an
open session in two weeks with DREAM on its agenda (its 2024 assessment, validated and waiting for the committee,
beside its 2025 one in review).

Made through the committee's services, as people would make them (the chair records who is present, then each
decision); idempotent (the sessions are found by their place and video link). With the committee switched off
(``LABELLING_COMMITTEE``), nothing is loaded here and the demo's assessments are decided directly."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from committee import services
from committee.models import CommitteeSession, Outcome
from committee.rules import committee_on
from demo.data import (
    CLOSED_SESSION_PLACE,
    CONDITIONS_TEXT,
    FICTIONAL_CLUSTERS,
    OPEN_SESSION_LINK,
    REFERENCE_YEAR,
    REFUSAL_REASON,
    fictional_value,
)
from indicators.services import framework_ensure_default, framework_spec_for
from labelling.models import Answer, Assessment, AssessmentStatus

# The demo clusters the closed session decides, at their assessment's computed level (the chair's proposal).
DECIDED = (("Cosmetic Valley", Outcome.GRANTED), ("Elastopole", Outcome.CONDITIONAL))
# DREAM's earlier assessment, on the open session's agenda.
DREAM = "DREAM"
DREAM_EARLIER_YEAR = REFERENCE_YEAR - 1
DREAM_VALIDATED_DAYS_AGO = 40


def demo_sessions() -> dict[str, CommitteeSession | None]:
    """The demo's two sessions as loaded (``None`` when not loaded): ``closed`` and ``open``. The demo's appeal
    starts from the closed session's refused case."""
    return {
        "closed": CommitteeSession.objects.filter(place=CLOSED_SESSION_PLACE).first(),
        "open": CommitteeSession.objects.filter(video_link=OPEN_SESSION_LINK).first(),
    }


def load_committee(*, clusters: dict[str, Any], users: dict[str, Any]) -> list[str]:
    """Load the two sessions (once); what was done, for the summary."""
    if not committee_on():
        return []
    done = []
    with transaction.atomic():
        existing = demo_sessions()
        if existing["closed"] is None:
            done.append(_closed_session(clusters=clusters, users=users))
        if existing["open"] is None:
            done.append(_open_session(clusters=clusters, users=users))
    return done


def _members(users):
    return [users["committee.leroy"], users["committee.nguyen"]]


def _session(*, users, held_on, place="", video_link=""):
    admin = users["admin"]
    session = services.session_create(
        user=admin, held_on=held_on, chair=admin, members=_members(users), place=place, video_link=video_link
    )
    return session


def _add(session, assessment, admin):
    session.refresh_from_db()
    return services.case_add(user=admin, session=session, assessment=assessment, expected_version=session.version)


def _fictional_refused() -> Assessment | None:
    """The first fictional cluster's validated assessment (by name): the closed session's refused case (the
    fictional clusters say they are made up)."""
    return (
        Assessment.objects.filter(
            cluster__name__in=[f.name for f in FICTIONAL_CLUSTERS], status=AssessmentStatus.VALIDATED
        )
        .select_related("cluster")
        .order_by("cluster__name")
        .first()
    )


def _closed_session(*, clusters, users) -> str:
    admin = users["admin"]
    session = _session(users=users, held_on=timezone.localdate(), place=CLOSED_SESSION_PLACE)
    session = services.attendance_record(
        user=admin, session=session, present=_members(users), expected_version=session.version
    )
    decisions = []
    for name, outcome in DECIDED:
        assessment = Assessment.objects.filter(cluster=clusters[name], status=AssessmentStatus.VALIDATED).first()
        if assessment is not None:
            decisions.append((_add(session, assessment, admin), outcome))
    refused = _fictional_refused()
    if refused is not None:
        decisions.append((_add(session, refused, admin), Outcome.REFUSED))
    for case, outcome in decisions:
        case.refresh_from_db()
        services.case_decide(
            user=admin,
            case=case,
            outcome=outcome,
            conditions=CONDITIONS_TEXT if outcome == Outcome.CONDITIONAL else "",
            review_on=timezone.localdate() + datetime.timedelta(days=180) if outcome == Outcome.CONDITIONAL else None,
            reason=REFUSAL_REASON if outcome == Outcome.REFUSED else "",
            expected_version=case.version,
        )
    session.refresh_from_db()
    services.session_close(user=admin, session=session, expected_version=session.version)
    return f"committee: a closed session, {len(decisions)} cases decided"


def _open_session(*, clusters, users) -> str:
    admin = users["admin"]
    session = _session(
        users=users, held_on=timezone.localdate() + datetime.timedelta(days=14), video_link=OPEN_SESSION_LINK
    )
    earlier = _dream_earlier(cluster=clusters[DREAM], users=users)
    _add(session, earlier, admin)
    return f"committee: an open session, {DREAM} {DREAM_EARLIER_YEAR} on its agenda"


def _dream_earlier(*, cluster, users) -> Assessment:
    """DREAM's 2024 assessment, validated some weeks ago and waiting for the committee. Written as rows, like the
    fictional peers' (its values are invented, always the same ones): the services replay only what happens from
    today on, and DREAM's 2025 assessment is the one the demo walks through its interview."""
    existing = Assessment.objects.filter(cluster=cluster, reference_year=DREAM_EARLIER_YEAR).first()
    if existing is not None:
        return existing
    framework = framework_ensure_default()
    spec = framework_spec_for(framework)
    indicators = {indicator.code: indicator for indicator in framework.indicators.all()}
    assessment = Assessment.objects.create(
        cluster=cluster,
        framework=framework,
        reference_year=DREAM_EARLIER_YEAR,
        status=AssessmentStatus.VALIDATED,
        assessor=users["assessor"],
        created_by=users[f"manager.{DREAM.lower()}"],
        validated_on=timezone.localdate() - datetime.timedelta(days=DREAM_VALIDATED_DAYS_AGO),
    )
    rng = random.Random(f"grappe-demo-committee-{DREAM}-{DREAM_EARLIER_YEAR}")  # noqa: S311 - invented demo data
    rows = []
    for indicator_spec in spec.indicators:
        value = fictional_value(indicator_spec, rng, 0.72)
        number, option = (None, value) if isinstance(value, str) else (value, "")
        rows.append(
            Answer(
                assessment=assessment,
                indicator=indicators[indicator_spec.code],
                declared_number=number,
                declared_option=option,
                validated_number=number,
                validated_option=option,
                reviewed=True,
            )
        )
    Answer.objects.bulk_create(rows)
    return assessment
