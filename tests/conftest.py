import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def _french_by_default(settings):
    settings.LANGUAGE_CODE = "fr"


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
