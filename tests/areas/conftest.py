import pytest

from tests.areas.helpers import areas_guards_on, plan_actions, silver_draft


@pytest.fixture
def areas_guards(monkeypatch):
    areas_guards_on(monkeypatch)


@pytest.fixture
def actions(cluster, framework):
    return plan_actions(cluster, framework)


@pytest.fixture
def draft(cluster, manager, framework, actions):
    return silver_draft(cluster, manager)
