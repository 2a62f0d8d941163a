"""The read-only frameworks API: public, like the methodology page."""

import pytest

from indicators.services import framework_install
from indicators.spec import default_framework_spec, parse_framework

LIST = "/api/v1/frameworks/"
DETAIL = "/api/v1/frameworks/ecei-31/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, "manager", "assessor", "administrator"])
def test_every_role_and_a_visitor_can_list_the_frameworks(role, request, client_for, framework):
    user = request.getfixturevalue(role) if role else None
    response = client_for(user).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["results"]
    assert item["code"] == "ecei-31"
    assert item["is_default"] is True
    assert item["name"]["en"] == "ECEI — 31 quality indicators (Grappe calibration)"
    assert item["url"].endswith(DETAIL)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, "manager", "assessor", "administrator"])
def test_every_role_and_a_visitor_can_read_a_framework_with_its_indicators(role, request, client_for, framework):
    user = request.getfixturevalue(role) if role else None
    response = client_for(user).get(DETAIL)
    assert response.status_code == 200
    body = response.json()
    assert body["total_weight"] == 150
    assert [c["code"] for c in body["categories"]] == ["S", "G", "F", "V", "R"]
    indicators = {i["code"]: i for c in body["categories"] for i in c["indicators"]}
    assert len(indicators) == 31
    assert indicators["S1"]["name"] == {
        "fr": "Engagement des membres\u202f: part cotisante ou liée par un engagement écrit",
        "en": "Commitment of participants: share paying a fee or bound by a written commitment",
    }


@pytest.mark.django_db
def test_thresholds_direction_baseline_and_options_are_given(client, framework):
    body = client.get(DETAIL).json()
    indicators = {i["code"]: i for c in body["categories"] for i in c["indicators"]}
    v5 = indicators["V5"]
    assert (v5["direction"], v5["full_threshold"], v5["partial_threshold"]) == ("lower", "12.000", "24.000")
    g2 = indicators["G2"]
    assert (g2["value_type"], g2["weight"], g2["baseline"], g2["partial_threshold"]) == ("dec", 6, True, "1.500")
    assert {code for code, i in indicators.items() if i["baseline"]} == {"S3", "G1", "G2", "F1", "V2", "V3"}
    v1 = indicators["V1"]
    assert v1["full_threshold"] is None
    assert [(o["code"], o["result"]) for o in v1["options"]] == [
        ("co_built", "full"),
        ("consulted", "partial"),
        ("none", "none"),
    ]
    assert v1["options"][0]["label"]["en"] == "Co-built with the members (workshops, working groups)"
    assert indicators["S1"]["category"] == "S"


@pytest.mark.django_db
def test_an_unknown_framework_answers_not_found(client, framework):
    assert client.get("/api/v1/frameworks/no-such-version/").status_code == 404


@pytest.mark.django_db
def test_the_frameworks_api_is_read_only(client_for, administrator, framework):
    api = client_for(administrator)
    assert api.post(LIST, {"code": "x"}, content_type="application/json").status_code == 405
    assert api.patch(DETAIL, {"is_default": False}, content_type="application/json").status_code == 405
    assert api.delete(DETAIL).status_code == 405
    framework.refresh_from_db()
    assert framework.is_default is True


@pytest.mark.django_db
def test_the_default_framework_is_listed_first(client, framework):
    data = default_framework_spec().to_dict()
    data["code"] = "aaa-older"
    framework_install(spec=parse_framework(data))
    codes = [item["code"] for item in client.get(LIST).json()["results"]]
    assert codes == ["ecei-31", "aaa-older"]


@pytest.mark.django_db
def test_the_detail_reads_the_catalogue_in_a_fixed_number_of_queries(client, framework, django_assert_num_queries):
    with django_assert_num_queries(3):
        assert client.get(DETAIL).status_code == 200


@pytest.mark.django_db
def test_the_openapi_schema_describes_the_frameworks_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/frameworks/" in schema["paths"]
    assert "/api/v1/frameworks/{code}/" in schema["paths"]
    operation = schema["paths"]["/api/v1/frameworks/{code}/"]["get"]
    assert operation["tags"] == ["frameworks"]
    assert schema["components"]["schemas"]["FrameworkDetail"]["properties"]["categories"]["type"] == "array"
