"""Shared fixtures of the committee's tests: English answers, two committee members and an assessment ready for the
committee (validated, computed Gold, countersigned so that Gold may be decided)."""

import pytest
from django.utils import translation

from tests import factories
from tests.labelling.workflow_helpers import countersigned, validated


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def member(db):
    return factories.CommitteeMemberFactory(username="member", first_name="Maud", last_name="Membre")


@pytest.fixture
def other_member(db):
    return factories.CommitteeMemberFactory(username="other_member", first_name="Omar", last_name="Autre")


@pytest.fixture
def ready(framework, cluster, manager, administrator, assessor):
    """A validated assessment whose computed level is Gold, countersigned (so a Gold decision is possible)."""
    return countersigned(validated(cluster, manager, administrator, assessor), administrator)
