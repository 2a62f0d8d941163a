import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def _french_by_default(settings):
    settings.LANGUAGE_CODE = "fr"


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


@pytest.fixture
def client_for():
    """``client_for(user)`` gives a test client logged in as that user (None: a visitor)."""
    return _client_for


# A real Celery worker through Redis for the tests that need one (see tests/worker.py).
from tests.worker import celery_worker_process  # noqa: E402, F401


@pytest.fixture
def framework(db):
    """The default framework (ecei-31), loaded if absent."""
    from indicators.services import framework_ensure_default

    return framework_ensure_default()


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process (e.g. e-mail notifications in unit tests). Never in the worker tests:
    eager mode hides serialisation and on-commit bugs."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield app
    finally:
        app.conf.task_always_eager = previous
