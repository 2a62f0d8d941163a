import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are asserted in English, the source language, whatever the French catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def en_client_for(client_for):
    """``en_client_for(user)``: a test client that asks for English pages."""

    def make(user):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make
