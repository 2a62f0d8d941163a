"""Fixtures shared by the labelling tests (the suite's own are in ``tests/conftest.py``)."""

import pytest
from django.utils import translation

from labelling.services.answers import assessment_create


@pytest.fixture
def english(settings):
    """The assertions quote the English source messages: keep them independent of the French catalogue (a test
    of an e-mail in the recipient's language switches languages itself). A module asks for it with
    ``pytestmark = [..., pytest.mark.usefixtures("english")]``."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def assessment(framework, cluster, manager):
    """A draft of the manager's cluster for 2025, as the manager creates it (a module that needs an assessment at
    another step defines its own ``assessment``)."""
    return assessment_create(user=manager, cluster=cluster, reference_year=2025)
