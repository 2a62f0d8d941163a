"""Fixtures shared by the whole suite.

Two kinds of database fixtures:

- the usual function-scoped ones (``cluster``, ``manager``, ``framework``…): built for each test, rolled back
  after it (pytest-django's ``db``);
- ``world``: a cluster with an assessment in every state, its users in every role, a label, a report and an
  evidence file, **built once per test module** (under pytest-xdist, once per module on each worker that runs
  some of its tests) inside a transaction that stays open for the module. Each test
  runs in a savepoint inside it (pytest-django's ``db``, which is Django's ``TestCase``) and gets a deep copy of
  the Python objects, as ``TestCase.setUpTestData`` does: a test may change the rows and the objects freely, the
  next test sees the world as it was built.
"""

import copy
import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.conf import settings as django_settings  # the name `settings` is pytest-django's fixture
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.fixtures import validate_django_db
from pytest_django.plugin import blocking_manager_key
from rest_framework.test import APIClient

from appeals.models import Appeal, AppealFile
from committee.models import Case, CommitteeSession
from config.celery import app
from expertise.models import Visit, VisitSlot
from improvement.services import evidence_add as improvement_evidence_add
from improvement.services import plan_seed
from indicators.services import framework_ensure_default
from labelling.models import Decision, Evidence, Report
from labelling.services.workflow import assessment_assign, review_declare_no_conflict
from programmes.services import contract_save, proof_add, report_share, report_start
from tests import factories
from tests.expertise.helpers import meet_prerequisites


def pytest_configure(config):
    """The development signing key (labelling/signing.py) is made here, before any pytest-xdist worker starts:
    two workers signing their first PDF at once would each write a key, and the pair might not match."""
    if not hasattr(config, "workerinput"):  # the controller, or a run without xdist
        from labelling.signing import ensure_development_key

        ensure_development_key()


def _flushes_the_database(item) -> bool:
    """pytest-django's own rule (``_django_db_helper``): these tests run outside a transaction and empty every
    table after them."""
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction_, reset_sequences, *_rest = validate_django_db(marker)
        if transaction_ or reset_sequences:
            return True
    names = getattr(item, "fixturenames", ())
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(names))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that emptied the tables, the catalogue the data migration installed is put back, so that every
    test finds the database as the migrations left it, whatever ran before it on its worker: the suite's order does
    not matter, and pytest-xdist may hand a worker a transaction-free test after a transactional one
    (``--dist worksteal``, docs/development/tests.md, "Parallel runs")."""
    result = yield
    if nextitem is not None and _flushes_the_database(item):  # after the last test, the database is gone
        with item.config.stash[blocking_manager_key].unblock():
            framework_ensure_default()
    return result


@pytest.fixture
def expert_guards_off(monkeypatch):
    """The expert's step guards (``labelling.services.steps.STEP_GUARDS``: the prerequisites before ``submit``, the
    visit and the findings before ``validate``, the Gold freeze on ``edit``) switched off for one test. The suite runs
    with them on; a test asks for this fixture only with a comment saying why (its subject is not the expert's
    process and cannot be reached through it, e.g. a rule the guards would hide)."""
    from labelling.services import steps

    monkeypatch.setattr(steps, "STEP_GUARDS", {})


@pytest.fixture
def prerequisites_met(cluster):
    """``cluster``'s records meet the prerequisites to apply for 2025 (the submission's guard): an ECCP profile, an
    English description, staff, fifteen members of both kinds (``tests.expertise.helpers.meet_prerequisites``)."""
    return meet_prerequisites(cluster)


@pytest.fixture(autouse=True)
def _french_by_default(settings):
    settings.LANGUAGE_CODE = "fr"


@pytest.fixture(autouse=True)
def _fresh_cache_versions():
    """Every test starts with new tokens for the cache versions (core/caching.py): a rolled-back test leaves its
    computed entries and rendered public pages in Redis, under tokens the next test must not take. An assessor's
    own version (``caching.assessor_work``) is named by the user's id, which PostgreSQL's sequences never give
    twice in a run (the key prefix is the run's own)."""
    from core import caching

    caching.bump(caching.POPULATION, caching.REGISTRY, caching.ASSESSMENTS, caching.FRAMEWORK)


@pytest.fixture
def rates(settings):
    """``rates(login="2/minute")`` lowers those throttle rates for this test only (the suite's are very high).
    Use an address of the test's own with it (``tests.throttling.fresh_address``): the counters are shared."""

    def set_rates(**scopes):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **scopes},
        }

    return set_rates


@pytest.fixture
def cluster(db):
    return factories.ClusterFactory(name="Cosmetic Valley", acronym="CV")


@pytest.fixture
def other_cluster(db):
    return factories.ClusterFactory(name="S2E2", acronym="S2E2")


@pytest.fixture
def manager(cluster):
    user = factories.ManagerFactory(username="manager")
    cluster.managers.add(user)
    return user


@pytest.fixture
def other_manager(other_cluster):
    user = factories.ManagerFactory(username="other_manager")
    other_cluster.managers.add(user)
    return user


@pytest.fixture
def assessor(db):
    return factories.AssessorFactory(username="assessor")


@pytest.fixture
def other_assessor(db):
    return factories.AssessorFactory(username="other_assessor")


@pytest.fixture
def administrator(db):
    return factories.AdministratorFactory(username="administrator")


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


@pytest.fixture
def count_queries():
    """``count_queries(client, url, params=None)``: the number of SQL queries of a GET that must answer 200."""
    return _count_queries


@pytest.fixture
def client_for():
    """``client_for(user)`` gives a test client logged in as that user (None: a visitor)."""
    return _client_for


@pytest.fixture
def api_for():
    """``api_for(user)``: an API client authenticated as that user (None: anonymous), answered in English."""

    def make(user):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


# A real Celery worker through Redis for the tests that need one (see tests/worker.py).
from tests.worker import celery_worker_process, celery_worker_session  # noqa: E402, F401


@pytest.fixture
def framework(db):
    """The default framework (ecei-31), loaded if absent."""
    return framework_ensure_default()


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process (e.g. e-mail notifications in unit tests). Never in the worker tests:
    eager mode hides serialisation and on-commit bugs."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield app
    finally:
        app.conf.task_always_eager = previous


# --- data built once per module --------------------------------------------------------------------------------


@contextmanager
def module_transaction(django_db_blocker):
    """Open a transaction for a module's shared data; roll it back when the module is done.

    Inside it, each test's ``db`` fixture opens savepoints (Django's ``TestCase`` does so when a transaction is
    already open), so the shared rows are seen by every test and survive none of their changes. The database is
    unblocked only while the data are built, so tests without ``db`` still cannot reach it.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # like TestCase's own: ``atomic(durable=True)`` in the code stays allowed
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@dataclass
class World:
    cluster: object
    other_cluster: object
    draft: object  # editable by the manager
    in_review: object  # assigned to `assessor`
    decided: object
    label: object
    report: object
    evidence: object
    member: object
    users: dict = field(default_factory=dict)
    programme: object = None  # followed by `officer`, enrols `cluster` (not `other_cluster`)
    yearly_report: object = None  # the cluster's report on 2024 to `programme`, being filled
    proof: object = None  # a proof file of that report
    contract: object = None  # the cluster's performance contract with `programme`, with its signed PDF
    shared: object = None  # `report`, shared by `manager` with `programme`
    visit: object = None  # the accepted video interview of `in_review` (issue 20)
    committee_session: object = None  # open, chaired by `administrator`, `committee_member` sits on it (issue 18)
    case: object = None  # `decided`'s assessment on that session's agenda, not decided by the committee yet
    refused: object = None  # an assessment of `cluster` that `administrator` refused today: the manager may appeal it
    appeal: object = None  # lodged by `manager` against `decided`'s lower level; `administrator` may handle it
    appeal_file: object = None  # a file of that appeal
    plan: object = None  # the cluster's improvement plan, seeded from `decided` (S1 partly met, S2 not met)
    action: object = None  # its first action, with one evidence file
    action_evidence: object = None


def build_world() -> World:
    """The rows of ``world`` (see the module docstring): one of everything, in every state, for every role."""
    framework_ensure_default()
    cluster = factories.ClusterFactory(name="Cosmetic Valley", acronym="CV")
    other_cluster = factories.ClusterFactory(name="S2E2", acronym="S2E2")
    manager = factories.ManagerFactory(username="manager")
    cluster.managers.add(manager)
    other_manager = factories.ManagerFactory(username="other_manager")
    other_cluster.managers.add(other_manager)
    assessor = factories.AssessorFactory(username="assessor")
    other_assessor = factories.AssessorFactory(username="other_assessor")
    administrator = factories.AdministratorFactory(username="administrator")
    officer = factories.OfficerFactory(username="officer")
    programme = factories.ProgrammeFactory(name_fr="Pôles — phase V")
    programme.officers.add(officer)
    enrolment = factories.EnrolmentFactory(programme=programme, cluster=cluster)
    yearly_report = report_start(user=manager, enrolment=enrolment, year=2024)
    proof = proof_add(
        user=manager, report=yearly_report, upload=SimpleUploadedFile("figures.pdf", b"%PDF-1.7 figures\n%%EOF\n")
    )

    contract = contract_save(
        user=officer,
        enrolment=enrolment,
        data={"starts_on": datetime.date(2023, 1, 1), "ends_on": datetime.date(2026, 12, 31)},
        upload=SimpleUploadedFile("contract.pdf", b"%PDF-1.7 contract\n%%EOF\n"),
        expected_version=0,
    )

    draft = factories.AssessmentFactory(cluster=cluster, reference_year=2025, created_by=manager)
    in_review = factories.AssessmentFactory(
        cluster=cluster, reference_year=2024, created_by=manager, status="submitted"
    )
    assessment_assign(user=administrator, assessment=in_review, assessor=assessor)
    in_review.refresh_from_db()
    review_declare_no_conflict(user=assessor, assessment=in_review)
    label = factories.LabelFactory(
        assessment=factories.AssessmentFactory(
            cluster=cluster, reference_year=2023, status="decided", validated_on=datetime.date(2026, 3, 1)
        ),
        certificate_number="GRP-2026-000777",
    )
    report = Report.objects.create(assessment=label.assessment, kind="assessment", status="ready", language="fr")
    report.file.save("report.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    shared = report_share(user=manager, enrolment=enrolment, report=report)
    answer = draft.answers.select_related("indicator").get(indicator__code="S1")
    evidence = Evidence(answer=answer, original_name="proof.pdf", content_type="application/pdf", size=12)
    evidence.file.save("proof.pdf", ContentFile(b"%PDF-1.7 proof"), save=True)
    member = factories.MemberFactory(cluster=cluster)
    factories.TeamYearFactory(cluster=cluster, year=2025)
    factories.FinancingYearFactory(cluster=cluster, year=2025)
    users = {
        "visitor": None,
        "manager": manager,
        "other_manager": other_manager,
        "assessor": assessor,
        "other_assessor": other_assessor,
        "administrator": administrator,
        "officer": officer,
        "committee_member": factories.CommitteeMemberFactory(username="committee_member"),
    }
    committee_session = CommitteeSession.objects.create(
        held_on=datetime.date(2027, 1, 14), place="Paris", chair=administrator
    )
    committee_session.members.add(users["committee_member"])
    case = Case.objects.create(
        session=committee_session, assessment=label.assessment, computed_level="gold", proposed_level="gold"
    )
    plan = plan_seed(
        assessment=label.assessment,
        scores={"indicators": {"S1": {"result": "partial"}, "S2": {"result": "none"}, "S3": {"result": "full"}}},
    )
    action = plan.actions.select_related("plan__cluster").order_by("pk").first()
    action_evidence = improvement_evidence_add(
        user=manager,
        action=action,
        upload=SimpleUploadedFile("minutes.pdf", b"%PDF-1.7 minutes\n%%EOF\n"),
        expected_version=action.version,
    )
    refused, appeal, appeal_file = _world_appeal(cluster, label, manager, administrator)
    built = [cluster, other_cluster, draft, in_review, label.assessment, label, report, evidence, member]
    # Read back without the related objects cached while building (each assessment held the framework, whose
    # source is a large JSON): every test deep-copies the world, and that copy was most of a short test's setup.
    programme, yearly_report, proof, contract, shared = (
        type(obj)._default_manager.get(pk=obj.pk) for obj in (programme, yearly_report, proof, contract, shared)
    )
    visit = _world_visit(in_review, assessor)
    return World(
        *(type(obj)._default_manager.get(pk=obj.pk) for obj in built),
        users,
        programme=programme,
        yearly_report=yearly_report,
        proof=proof,
        contract=contract,
        shared=shared,
        visit=visit,
        committee_session=CommitteeSession.objects.get(pk=committee_session.pk),
        case=Case.objects.get(pk=case.pk),
        refused=type(refused).objects.get(pk=refused.pk),
        appeal=Appeal.objects.get(pk=appeal.pk),
        appeal_file=AppealFile.objects.get(pk=appeal_file.pk),
        plan=type(plan).objects.get(pk=plan.pk),
        action=type(action).objects.get(pk=action.pk),
        action_evidence=type(action_evidence).objects.get(pk=action_evidence.pk),
    )


def _world_appeal(cluster, label, manager, administrator):
    """A refused assessment (2021) the manager may still appeal, and an appeal lodged against the lower level of the
    world's label (nobody recused: `administrator` handles it), with a file."""
    refused = factories.AssessmentFactory(cluster=cluster, reference_year=2021, status="decided")
    Decision.objects.create(
        assessment=refused,
        decided_by=administrator,
        decided_on=timezone.localdate(),
        computed_level="none",
        level="none",
    )
    appeal = Appeal.objects.create(
        cluster=cluster,
        assessment=label.assessment,
        label=label,
        ground="lower_level",
        decided_on=timezone.localdate(),
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        reasons="Our members were miscounted.",
        lodged_by=manager,
    )
    appeal_file = AppealFile(appeal=appeal, original_name="members.pdf", content_type="application/pdf", size=14)
    appeal_file.file.save("members.pdf", ContentFile(b"%PDF-1.7 list"), save=True)
    return refused, appeal, appeal_file


def _world_visit(assessment, assessor):
    """An accepted video interview of the assessment in review, a month ahead."""
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=30)
    visit = Visit.objects.create(
        assessment=assessment,
        uid="world-visit@grappe",
        kind="interview",
        mode="video",
        meeting_url="https://visio.example.org/world",
        status="accepted",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        proposed_by=assessor,
    )
    VisitSlot.objects.create(visit=visit, starts_at=visit.starts_at, ends_at=visit.ends_at)
    return Visit.objects.get(pk=visit.pk)


@pytest.fixture(scope="module")
def world_once(django_db_setup, django_db_blocker):
    """The world's rows, built once for the module (use ``world`` in tests)."""
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            built = build_world()
        yield built


@pytest.fixture
def world(world_once, db):
    """The module's world, in a savepoint of this test, as a fresh copy of the objects."""
    return copy.deepcopy(world_once)


@pytest.fixture(scope="module")
def world_sessions(world_once, django_db_blocker) -> dict[int, str]:
    """One log-in per user of the module's world, in its transaction: {user pk: session key}."""
    sessions = {}
    with django_db_blocker.unblock():
        for user in world_once.users.values():
            if user is not None:
                client = Client()
                client.force_login(user)
                sessions[user.pk] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return sessions


@pytest.fixture
def world_client_for(world_sessions, world):
    """``client_for`` for the tests on ``world``: a client of one of its users carries the session that user opened
    once for the module (a log-in per test was 8 % of the access matrix and of the bad-input battery); anybody
    else logs in as with ``client_for``. A module takes it as its ``client_for`` by overriding that fixture."""

    def client_for(user) -> Client:
        if user is None or user.pk not in world_sessions:
            return _client_for(user)
        client = Client()
        client.cookies[django_settings.SESSION_COOKIE_NAME] = world_sessions[user.pk]
        return client

    return client_for
