"""`manage.py load_demo`: the demo clusters, members and accounts, loaded again without duplicates."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Role, User
from accounts.permissions import can
from appeals.models import Appeal, AppealStatus
from clusters.models import Cluster, FinancingYear, Member, TeamYear
from committee.models import Case, CommitteeSession, Outcome, SessionStatus
from demo.committee import demo_sessions
from demo.data import (
    ACCOUNTS,
    CLUSTERS,
    CONDITIONS_TEXT,
    DEMO_NOTICE,
    FICTION_SUFFIX,
    FICTIONAL_CLUSTERS,
    REFERENCE_YEAR,
    member_rows,
)
from demo.services import demo_load
from improvement.models import Action, ActionEvidence, ImprovementPlan
from labelling.models import Assessment, AssessmentStatus, Label
from labelling.selectors import RegistryFilters, registry_labels
from labelling.selectors.peers import benchmark_position_for
from tests.conftest import module_transaction

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module (``demo_load``'s summary of that first load); each test runs in a
    savepoint inside it (tests/conftest.py, ``module_transaction``), so it sees the demo as first loaded."""
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            summary = demo_load()
        yield summary


@pytest.fixture
def demo(demo_once, db):
    """Every test of the module starts with the demo loaded once (the second loads are the tests' own)."""
    return demo_once


def _load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "clusters": Cluster.objects.count(),
        "members": Member.objects.count(),
        "team_years": TeamYear.objects.count(),
        "financing_years": FinancingYear.objects.count(),
        "assessments": Assessment.objects.count(),
        "labels": Label.objects.count(),
        "improvement actions": Action.objects.count(),
        "improvement evidence": ActionEvidence.objects.count(),
    }


def test_loading_the_demo_twice_creates_nothing_the_second_time():
    first = _counts()
    output = _load()

    assert _counts() == first
    assert "0 clusters, 0 members and 0 accounts created" in output


def test_the_demo_has_the_four_centre_poles_and_a_grappe_with_their_public_facts():
    cosmetic = Cluster.objects.get(name="Cosmetic Valley")
    assert (cosmetic.kind, cosmetic.city, cosmetic.region, cosmetic.year_founded) == ("pole", "Chartres", "24", 1994)
    real = Cluster.objects.exclude(name__endswith=FICTION_SUFFIX)
    assert set(real.filter(kind="pole").values_list("name", flat=True)) == {
        "Cosmetic Valley",
        "S2E2",
        "Elastopole",
        "DREAM",
    }
    assert real.filter(kind="grappe").count() == 1
    assert "inventés" in cosmetic.description_fr
    assert "invented" in cosmetic.description_en


def test_each_demo_cluster_has_its_invented_members_and_four_years_of_team_and_financing():
    for demo in CLUSTERS:
        cluster = Cluster.objects.get(name=demo.name)
        assert cluster.members.count() == demo.members
        assert sorted(cluster.team_years.values_list("year", flat=True)) == [2022, 2023, 2024, 2025]
        assert sorted(cluster.financing_years.values_list("year", flat=True)) == [2022, 2023, 2024, 2025]
    assert Cluster.objects.get(name="Cosmetic Valley").members.count() == 300


def test_the_invented_members_are_the_same_at_every_load():
    demo = CLUSTERS[0]

    assert member_rows(demo) == member_rows(demo)
    assert len({row["name"].lower() for row in member_rows(demo)}) == demo.members


def test_every_demo_account_logs_in_with_the_password_the_command_prints(client):
    output = _load()

    for account in ACCOUNTS:
        assert f"{account.username}  " in output
        user = User.objects.get(username=account.username)
        assert user.role == account.role
        response = client.post("/accounts/login/", {"username": account.username, "password": account.password})
        assert response.status_code == 302, account.username  # through django-axes, as a person logs in
        client.logout()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="admin").is_staff
    assert set(User.objects.get(username="manager.cosmetic").managed_clusters.values_list("name", flat=True)) == {
        "Cosmetic Valley"
    }
    assert User.objects.get(username="assessor").role == Role.ASSESSOR
    assert DEMO_NOTICE in output


def test_no_two_demo_accounts_share_a_name():
    names = [User.objects.get(username=account.username).get_full_name() for account in ACCOUNTS]
    assert all(names) and len(set(names)) == len(names), sorted(names)
    assert User.objects.get(username="assessor2").get_full_name() == "Isabelle Langlois"


def test_a_changed_demo_password_is_put_back_by_the_next_load():
    admin = User.objects.get(username="admin")
    admin.set_password("something else entirely")
    admin.save()

    _load()

    admin.refresh_from_db()
    assert admin.check_password("grappe-admin")


def test_the_demo_assessments_cover_every_step_of_the_workflow(demo):
    assert demo.skipped == []
    statuses = dict(
        Assessment.objects.exclude(cluster__name__endswith=FICTION_SUFFIX)
        .filter(reference_year=REFERENCE_YEAR)
        .values_list("cluster__name", "status")
    )
    assert statuses == {
        "Cosmetic Valley": AssessmentStatus.DECIDED,
        "Elastopole": AssessmentStatus.DECIDED,
        "S2E2": AssessmentStatus.IN_REVIEW,
        "DREAM": AssessmentStatus.IN_REVIEW,  # assigned: its interview slots are proposed (issue 20)
        "Nekoé": AssessmentStatus.DRAFT,
    }
    labels = dict(Label.objects.exclude(cluster__name__endswith=FICTION_SUFFIX).values_list("cluster__name", "level"))
    assert labels == {"Cosmetic Valley": "gold", "Elastopole": "bronze"}  # granted by the committee


def test_reset_removes_the_demo_and_loads_it_afresh():
    Member.objects.filter(cluster__name="DREAM").delete()

    call_command("load_demo", "--reset", stdout=StringIO(), stderr=StringIO())

    assert Member.objects.filter(cluster__name="DREAM").count() == 80
    # its 2025 assessment in review, and its 2024 one on the committee's open agenda
    assert sorted(Assessment.objects.filter(cluster__name="DREAM").values_list("reference_year", flat=True)) == [
        REFERENCE_YEAR - 1,
        REFERENCE_YEAR,
    ]
    assert CommitteeSession.objects.count() == 2


def test_the_fictional_peers_are_validated_say_they_are_fictional_and_stay_out_of_the_registry(demo):
    assert demo.skipped == []
    fictional = Cluster.objects.filter(name__endswith=FICTION_SUFFIX)
    assert fictional.count() == len(FICTIONAL_CLUSTERS) >= 30
    assert len(set(fictional.values_list("kind", flat=True))) == 4
    assert len(set(fictional.values_list("region", flat=True))) >= 10
    for cluster in fictional:
        assert "fictif" in cluster.description_fr and "Fictional" in cluster.description_en
        assert not cluster.public_profile
    assessments = Assessment.objects.filter(cluster__in=fictional)
    # validated, but for the committee's fictional case (refused: no label)
    decided = assessments.filter(status=AssessmentStatus.DECIDED)
    assert decided.count() == 1
    assert set(assessments.exclude(pk__in=decided).values_list("status", flat=True)) == {AssessmentStatus.VALIDATED}
    assert not Label.objects.filter(cluster__in=fictional).exists()
    listed = registry_labels(filters=RegistryFilters(public_only=True)).values_list("cluster__name", flat=True)
    assert not any(name.endswith(FICTION_SUFFIX) for name in listed)
    assert all(a.answers.filter(reviewed=True).count() == 31 for a in assessments[:3])


def test_every_validated_demo_cluster_has_enough_peers_in_every_group():
    for assessment in Assessment.objects.filter(status=AssessmentStatus.DECIDED).exclude(
        cluster__name__endswith=FICTION_SUFFIX
    ):
        position = benchmark_position_for(assessment=assessment)
        hidden = [(i.code, g) for i in position.indicators for g, peer in i.groups.items() if not peer.shown]
        assert hidden == [], assessment.cluster.name


def test_loading_the_fictional_peers_twice_adds_nothing():
    counts = (Cluster.objects.count(), Assessment.objects.count())

    demo_load()

    assert (Cluster.objects.count(), Assessment.objects.count()) == counts


# --- the awarding committee -----------------------------------------------------------------------------------


def test_the_committee_has_a_closed_session_with_each_outcome_and_an_open_one_with_dream(demo):
    assert demo.skipped == []
    sessions = demo_sessions()
    closed, open_ = sessions["closed"], sessions["open"]
    assert closed.status == SessionStatus.CLOSED and open_.status == SessionStatus.OPEN
    members = sorted(closed.members.values_list("username", flat=True))
    assert members == ["committee.leroy", "committee.nguyen"]
    assert sorted(open_.members.values_list("username", flat=True)) == members
    outcomes = {c.assessment.cluster.name: c for c in closed.cases.select_related("assessment__cluster")}
    assert outcomes["Cosmetic Valley"].outcome == Outcome.GRANTED
    conditional = outcomes["Elastopole"]
    assert conditional.outcome == Outcome.CONDITIONAL and conditional.conditions == CONDITIONS_TEXT
    assert Label.objects.get(assessment=conditional.assessment).conditions_until == conditional.review_on
    (refused,) = [c for name, c in outcomes.items() if name.endswith(FICTION_SUFFIX)]  # a fictional cluster's
    assert refused.outcome == Outcome.REFUSED and "fictif" in refused.reason
    assert not Label.objects.filter(assessment=refused.assessment).exists()
    for case in outcomes.values():  # both members were present and voted on every case
        assert sorted(case.voters.values_list("username", flat=True)) == members
    (agenda,) = open_.cases.select_related("assessment__cluster")
    assert agenda.assessment.cluster.name == "DREAM" and agenda.assessment.reference_year == REFERENCE_YEAR - 1
    assert agenda.assessment.status == AssessmentStatus.VALIDATED and agenda.outcome == ""
    assert open_.video_link.startswith("https://") and open_.held_on > closed.held_on


def test_a_demo_committee_member_sees_both_sessions_and_dreams_file(client):
    client.post("/accounts/login/", {"username": "committee.leroy", "password": "grappe-committee"})
    assert client.get("/").url == "/committee/"
    listed = client.get("/committee/").content.decode()
    sessions = demo_sessions()
    assert all(f"/committee/{s.pk}/" in listed for s in sessions.values())
    case = Case.objects.get(session=sessions["open"])
    page = client.get(f"/committee/cases/{case.pk}/")
    assert page.status_code == 200 and "DREAM" in page.content.decode()


def test_loading_the_committee_twice_adds_nothing():
    counts = (CommitteeSession.objects.count(), Case.objects.count(), Label.objects.count())

    demo_load()

    assert (CommitteeSession.objects.count(), Case.objects.count(), Label.objects.count()) == counts


def test_without_the_committee_the_demo_decides_directly(settings):
    settings.LABELLING_COMMITTEE = False
    call_command("load_demo", "--reset", stdout=StringIO(), stderr=StringIO())
    assert not CommitteeSession.objects.exists()
    labels = dict(Label.objects.values_list("cluster__name", "level"))
    assert labels == {"Cosmetic Valley": "gold", "Elastopole": "bronze"}
    assert not Assessment.objects.filter(cluster__name="DREAM", reference_year=REFERENCE_YEAR - 1).exists()


# --- the appeal --------------------------------------------------------------------------------------------------


def test_an_appeal_is_pending_on_the_committees_refusal_with_a_question_for_the_cluster(demo, client):
    refused = Case.objects.get(session=demo_sessions()["closed"], outcome=Outcome.REFUSED)
    appeal = Appeal.objects.get()
    assert appeal.assessment_id == refused.assessment_id and appeal.ground == "refused"
    assert appeal.status == AppealStatus.QUESTION and appeal.lodged_by.username == "manager.fictif"
    assert appeal.files.get().content_type == "application/pdf"
    chair, handler = refused.session.chair, User.objects.get(username="admin.appeals")
    assert chair.pk in appeal.recused_ids() and not can(chair, "appeal.handle", appeal)
    assert can(handler, "appeal.handle", appeal)
    client.post("/accounts/login/", {"username": "manager.fictif", "password": "grappe-manager"})
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "procès-verbal" in page and 'id="answer"' in page
    demo_load()
    assert Appeal.objects.count() == 1


def test_elastopoles_improvement_plan_has_actions_in_each_status(demo):
    plan = ImprovementPlan.objects.get(cluster__name="Elastopole")
    actions = plan.actions.all()
    assert {a.status for a in actions} == {"not_started", "in_progress", "done"}
    assert {a.source for a in actions} == {"criterion", "recommendation", "manager"}
    done = [a for a in actions if a.status == "done"]
    assert done and all(a.evidence.exists() and a.progress_note and a.owner for a in done)
    assert any("Elastopole: improvement plan" in line for line in demo.assessments)
