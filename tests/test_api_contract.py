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


def test_an_unknown_api_url_answers_json_404():
    for url in ("/api/v1/nowhere/", "/api/v1/clusters/abc/", "/api/v2/"):
        response = Client().get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Introuvable."}
    assert "text/html" in Client().get("/nowhere/")["Content-Type"]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5"])
def test_a_page_that_is_not_a_positive_whole_number_answers_400(page):
    response = Client().get("/api/v1/registry/", {"page": page})

    assert response.status_code == 400
    assert list(response.json()) == ["page"]


def test_a_page_past_the_last_answers_404_and_both_are_in_the_schema():
    assert Client().get("/api/v1/registry/", {"page": "2"}).status_code == 404
    schema = _schema()
    operation = schema["paths"]["/api/v1/registry/"]["get"]
    [page] = [p for p in operation["parameters"] if p["name"] == "page"]
    assert page["schema"] == {"type": "integer", "minimum": 1}
    assert {"200", "400", "404"} <= set(operation["responses"])


@pytest.mark.parametrize("query", [{"kind": ""}, {"kind": "nope"}, {"country": "FR", "kind": ""}])
def test_a_choice_filter_outside_its_enum_an_empty_one_too_answers_400(api_for, manager, query):
    client = api_for(manager)
    [kind] = [p for p in _schema()["paths"]["/api/v1/clusters/"]["get"]["parameters"] if p["name"] == "kind"]
    assert "" not in kind["schema"]["enum"]

    response = client.get("/api/v1/clusters/", query)

    assert response.status_code == 400
    assert list(response.json()) == ["kind"]
    assert client.get("/api/v1/clusters/", {"kind": kind["schema"]["enum"][0]}).status_code == 200
    assert client.get("/api/v1/clusters/", {"country": "FR"}).status_code == 200  # a filter left out


def _schema() -> dict:
    import yaml

    response = Client().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_version_is_required_in_every_patch_schema():
    schemas = _schema()["components"]["schemas"]
    patched = {name: s for name, s in schemas.items() if name.startswith("Patched")}

    assert patched
    for name, schema in patched.items():
        assert "version" in schema["required"], name


def test_every_request_that_carries_a_version_requires_it():
    """A versioned record is never changed without the version the client read (submission, review, PATCH)."""
    schemas = _schema()["components"]["schemas"]
    versioned = {
        name: sorted({"version", "expected_version"} & set(schema.get("properties", {})))
        for name, schema in schemas.items()
        if name.endswith("Request") and {"version", "expected_version"} & set(schema.get("properties", {}))
    }
    assert {"SubmitRequest", "ReviewInputRequest"} <= set(versioned)
    # creating a record carries no version to check: the member and yearly records' POST bodies ignore it
    created = {"MemberRequest", "TeamYearRequest", "FinancingYearRequest"}
    missing = {
        name: fields
        for name, fields in versioned.items()
        if name not in created and not set(fields) <= set(schemas[name].get("required", []))
    }
    assert not missing, missing


def test_a_patch_without_version_is_refused_as_the_schema_says(client_for, manager, cluster):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(manager)
    response = api.patch(f"/api/v1/clusters/{cluster.pk}/", {"name": "Renamed"}, format="json")

    assert response.status_code == 400
    assert "version" in response.json()
    cluster.refresh_from_db()
    assert cluster.name == "Cosmetic Valley"


def test_the_download_url_of_a_report_is_nullable_in_the_schema():
    report = _schema()["components"]["schemas"]["Report"]["properties"]["download_url"]

    assert report.get("nullable") is True
