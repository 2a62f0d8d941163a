"""The API keeps the contract its OpenAPI schema announces (status codes, headers, JSON bodies)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_unauthenticated_call_answers_401_with_www_authenticate():
    response = Client().get("/api/v1/clusters/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response["Content-Type"] == "application/json"


def test_a_wrong_token_answers_401():
    response = Client(HTTP_AUTHORIZATION="Token not-a-real-token").get("/api/v1/clusters/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
