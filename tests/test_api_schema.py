"""The OpenAPI schema's shared parts say what the server does, for every operation (core/schema.py), and the API
has a root (core/api_root.py). tests/test_schemathesis.py checks the whole schema against the server; these tests
name each promise."""

import re

import pytest
import yaml
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_the_api_root_links_to_the_schema_its_documentation_and_the_collections():
    response = Client().get("/api/v1/")

    assert response.status_code == 200
    body = response.json()
    assert body["schema"] == "http://testserver/api/schema/"
    assert body["docs"] == "http://testserver/api/docs/"
    assert body["redoc"] == "http://testserver/api/redoc/"
    assert body["resources"]["registry"] == "http://testserver/api/v1/registry/"
    for url in (body["schema"], body["resources"]["registry"], body["resources"]["frameworks"]):
        assert Client().get(url).status_code == 200, url


@pytest.mark.parametrize("page", ["", " ", "last"])
def test_a_page_that_is_not_a_whole_number_answers_400_even_empty(page):
    response = Client().get("/api/v1/registry/", {"page": page})

    assert response.status_code == 400
    assert list(response.json()) == ["page"]


def test_the_registry_filters_are_documented_as_the_server_checks_them(schema):
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/registry/"]["get"]["parameters"]}

    assert set(parameters["level"]["enum"]) >= {"bronze", "silver", "gold"}
    assert parameters["q"]["maxLength"] == 100
    assert Client().get("/api/v1/registry/", {"level": "platinum"}).status_code == 400
    assert Client().get("/api/v1/registry/", {"level": "gold"}).status_code == 200


def test_a_filter_by_a_related_id_that_matches_nothing_gives_an_empty_list(world, client_for):
    client = client_for(world.users["administrator"])

    response = client.get("/api/v1/assessments/", {"cluster": 999_999})

    assert response.status_code == 200  # django-filter's default, a choice among existing rows, answered 400
    assert response.json()["results"] == []
    assert client.get("/api/v1/assessments/", {"cluster": "abc"}).status_code == 400
    assert client.get("/api/v1/assessments/", {"reference_year": "0.5"}).status_code == 400  # an integer column


def test_every_operation_has_a_declared_resource_tag(schema):
    declared = {tag["name"] for tag in settings.SPECTACULAR_SETTINGS["TAGS"]}
    tags = {label: operation.get("tags", []) for label, operation in _operations(schema)}

    assert {label: t for label, t in tags.items() if len(t) != 1 or t[0] not in declared} == {}
    assert tags["GET /api/v1/assessments/{id}/answers/"] == ["answers"]
    assert tags["POST /api/v1/assessments/{id}/answers/{code}/review/"] == ["reviews"]
    assert tags["GET /api/v1/certificates/{number}/"] == ["registry"]
    assert tags["GET /api/v1/"] == ["api"]


def test_every_operation_documents_the_answers_every_endpoint_may_give(schema):
    for label, operation in _operations(schema):
        responses = operation["responses"]
        assert {"401", "414", "429"} <= set(responses), label
        if "requestBody" in operation:
            assert {"400", "415"} <= set(responses), label
            assert list(operation["requestBody"]["content"]) == ["application/json"], label
        if "{" in label:
            assert "404" in responses, label
        for status, response in responses.items():
            if status.startswith("4") and status != "414":
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
            assert response["description"], (label, status)


def test_a_public_operation_refuses_a_bad_token_and_says_so(schema):
    response = Client(HTTP_AUTHORIZATION="Token not-a-real-token").get("/api/v1/registry/")

    assert response.status_code == 401
    assert "token" in schema["paths"]["/api/v1/registry/"]["get"]["responses"]["401"]["description"]


def test_the_rules_the_schema_cannot_state_are_declared_in_words(schema):
    operation = schema["paths"]["/api/v1/assessments/"]["post"]

    assert "cluster" in operation["x-field-rules"]
    assert "`cluster`" in operation["responses"]["400"]["description"]


def test_a_decimal_field_pattern_refuses_what_the_field_refuses(schema):
    pattern = schema["components"]["schemas"]["FinancingYearRequest"]["properties"]["state"]["pattern"]

    for good in ("0", "12000.5", "12000.50", ".5"):
        assert re.fullmatch(pattern, good), good
    for bad in ("", "-1", ".", "1.234", "1e3"):
        assert not re.fullmatch(pattern, bad), bad


def test_an_error_is_json_even_where_the_view_renders_another_format():
    response = Client().get("/api/v1/visits/1/invitation.ics", {"format": "ics"})

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_every_operation_says_what_it_does_in_one_line_and_every_write_shows_an_example(schema):
    for label, operation in _operations(schema):
        summary = operation.get("summary", "")
        assert summary and "\n" not in summary and len(summary) <= 120, label
        if "requestBody" in operation:
            assert operation["requestBody"]["content"]["application/json"].get("examples"), label


def test_the_schema_generator_warns_of_nothing_and_check_deploy_says_so():
    """drf-spectacular's notes (a serializer it must guess, a queryset it cannot read, two choice sets under one
    enum name) are `check --deploy` warnings: none may appear, and the check stays on."""
    from django.core.checks import run_checks
    from drf_spectacular.drainage import GENERATOR_STATS

    assert settings.SPECTACULAR_SETTINGS["ENABLE_DJANGO_DEPLOY_CHECK"] is True
    GENERATOR_STATS.reset()

    messages = [m for m in run_checks(include_deployment_checks=True) if m.id.startswith("drf_spectacular.")]

    assert [f"{m.id}: {m.msg}" for m in messages] == []
