"""The committee's shared fixtures: its tests read English, and a committee member sits on their sessions."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests import factories


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def member(db):
    return factories.CommitteeMemberFactory(username="member")
