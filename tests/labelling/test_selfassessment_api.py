import pytest
from django.utils import translation

from labelling.models import Assessment, AssessmentStatus
from labelling.services.answers import answer_save, assessment_create
from tests.labelling.samples import fill

API = "/api/v1/assessments/"


def _answer(assessment, code):
    return assessment.answers.select_related("indicator").get(indicator__code=code)


def test_the_list_shows_only_the_assessments_visible_to_the_user(
    assessment, framework, other_cluster, manager, other_manager, administrator, api_for
):
    foreign = assessment_create(user=None, cluster=other_cluster, reference_year=2025)
    ids = [row["id"] for row in api_for(manager).get(API).json()["results"]]
    assert ids == [assessment.pk]
    assert [row["id"] for row in api_for(other_manager).get(API).json()["results"]] == [foreign.pk]
    assert {row["id"] for row in api_for(administrator).get(API).json()["results"]} == {assessment.pk, foreign.pk}


def test_a_visitor_is_refused(assessment, api_for):
    assert api_for(None).get(API).status_code in (401, 403)


def test_a_manager_creates_an_assessment(framework, cluster, manager, api_for):
    response = api_for(manager).post(
        API, {"cluster": cluster.pk, "reference_year": 2025, "public_profile": False}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft" and body["framework"] == "ecei-31"
    assert body["progress"] == {
        "answered": 0,
        "total": 31,
        "evidence_attached": 0,
        "evidence_expected": 25,
        "evidence_files": 0,
    }
    assessment = Assessment.objects.get(pk=body["id"])
    assert assessment.public_profile is False and assessment.legal_entity is True


def test_creating_for_another_cluster_is_refused_like_a_missing_one(framework, other_cluster, manager, api_for):
    client = api_for(manager)
    foreign = client.post(API, {"cluster": other_cluster.pk, "reference_year": 2025}, format="json")
    missing = client.post(API, {"cluster": 999999, "reference_year": 2025}, format="json")
    assert foreign.status_code == missing.status_code == 400
    assert list(foreign.json()) == ["cluster"]
    assert foreign.json()["cluster"][0].replace(str(other_cluster.pk), "N") == missing.json()["cluster"][0].replace(
        "999999", "N"
    )
    assert not Assessment.objects.exists()


def test_creating_with_a_bad_year_answers_400_with_the_field(framework, cluster, manager, api_for):
    response = api_for(manager).post(API, {"cluster": cluster.pk, "reference_year": 1850}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reference_year"]


def test_retrieve_and_answers_are_404_for_another_clusters_manager(assessment, other_manager, assessor, api_for):
    for user in (other_manager, assessor):
        client = api_for(user)
        for url in (
            f"{API}{assessment.pk}/",
            f"{API}{assessment.pk}/answers/",
            f"{API}{assessment.pk}/answers/S1/",
            f"{API}{assessment.pk}/questionnaire/",
        ):
            assert client.get(url).status_code == 404, (user, url)
        patch = client.patch(f"{API}{assessment.pk}/answers/S1/", {"value": 5, "version": 1}, format="json")
        assert patch.status_code == 404
        assert client.post(f"{API}{assessment.pk}/submit/", {}, format="json").status_code == 404
    assert _answer(assessment, "S1").declared_number is None


def test_the_answers_list_gives_every_indicator_in_order(assessment, manager, api_for):
    g2_answer = _answer(assessment, "G2")
    answer_save(user=manager, answer=g2_answer, value="2.5", expected_version=g2_answer.version)
    rows = api_for(manager).get(f"{API}{assessment.pk}/answers/").json()
    assert [row["code"] for row in rows][:5] == ["S1", "S2", "S3", "S4", "G1"]
    assert len(rows) == 31
    g2 = next(row for row in rows if row["code"] == "G2")
    assert g2["value"] == 2.5 and g2["version"] == 2 and g2["value_type"] == "dec"


def test_patch_declares_a_value_with_the_version(assessment, manager, api_for):
    response = api_for(manager).patch(
        f"{API}{assessment.pk}/answers/V1/",
        {"value": "consulted", "comment": "board minutes", "version": 1},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["value"] == "consulted" and response.json()["version"] == 2
    answer = _answer(assessment, "V1")
    assert answer.declared_option == "consulted" and answer.comment == "board minutes"


def test_patch_keeps_what_is_not_sent(assessment, manager, api_for):
    s1 = _answer(assessment, "S1")
    answer_save(user=manager, answer=s1, value=60, comment="fees", expected_version=s1.version)
    client = api_for(manager)
    client.patch(f"{API}{assessment.pk}/answers/S1/", {"comment": "fees and charters", "version": 2}, format="json")
    answer = _answer(assessment, "S1")
    assert answer.declared_number == 60 and answer.comment == "fees and charters"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": 101, "version": 1}, "value"),
        ({"value": "lots", "version": 1}, "value"),
        ({"value": [1, 2], "version": 1}, "value"),
        ({"value": 10}, "version"),
    ],
)
def test_patch_refuses_bad_input_with_the_field(assessment, manager, api_for, body, field):
    response = api_for(manager).patch(f"{API}{assessment.pk}/answers/S1/", body, format="json")
    assert response.status_code == 400
    payload = response.json()
    assert field in payload.get("errors", payload)
    assert _answer(assessment, "S1").declared_number is None


def test_patch_with_a_stale_version_is_a_conflict(assessment, manager, api_for):
    client = api_for(manager)
    client.patch(f"{API}{assessment.pk}/answers/S1/", {"value": 50, "version": 1}, format="json")
    response = client.patch(f"{API}{assessment.pk}/answers/S1/", {"value": 70, "version": 1}, format="json")
    assert response.status_code == 409
    assert _answer(assessment, "S1").declared_number == 50


def test_an_unknown_indicator_is_404(assessment, manager, api_for):
    assert api_for(manager).patch(f"{API}{assessment.pk}/answers/Z1/", {"version": 1}, format="json").status_code == 404


def test_submit_lists_what_is_missing(assessment, manager, prerequisites_met, api_for):
    with translation.override("en"):
        response = api_for(manager).post(
            f"{API}{assessment.pk}/submit/", {"version": assessment.version}, format="json"
        )
    assert response.status_code == 400
    assert len(response.json()["errors"]) == 31
    assert response.json()["errors"][0].startswith("S1 — ")


def test_submit_then_edits_are_refused_with_409(assessment, manager, prerequisites_met, api_for):
    fill(assessment, manager)
    client = api_for(manager)
    response = client.post(f"{API}{assessment.pk}/submit/", {"version": assessment.version}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    patch = client.patch(f"{API}{assessment.pk}/answers/S1/", {"value": 1, "version": 2}, format="json")
    assert patch.status_code == 409
    assert client.post(f"{API}{assessment.pk}/submit/", {"version": 2}, format="json").status_code == 409
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED


def test_submit_without_the_version_is_400_naming_it_and_a_stale_one_409(
    assessment, manager, prerequisites_met, api_for
):
    fill(assessment, manager)
    assessment.refresh_from_db()
    client = api_for(manager)
    response = client.post(f"{API}{assessment.pk}/submit/", {}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["version"]
    response = client.post(f"{API}{assessment.pk}/submit/", {"version": assessment.version - 1}, format="json")
    assert response.status_code == 409
    assert type(assessment).objects.get(pk=assessment.pk).status == AssessmentStatus.DRAFT
    response = client.post(f"{API}{assessment.pk}/submit/", {"version": assessment.version}, format="json")
    assert response.status_code == 200


def test_the_questionnaire_is_the_interchange_format(assessment, manager, api_for):
    s3 = _answer(assessment, "S3")
    answer_save(user=manager, answer=s3, value=120, expected_version=s3.version)
    body = api_for(manager).get(f"{API}{assessment.pk}/questionnaire/").json()
    assert body["format"] == "grappe-questionnaire/1"
    assert body["framework"] == "ecei-31" and body["reference_year"] == 2025
    assert body["answers"]["S3"] == 120 and body["answers"]["S1"] is None
    assert len(body["answers"]) == 31


def test_the_assigned_assessor_reads_but_cannot_write(assessment, manager, assessor, api_for):
    Assessment.objects.filter(pk=assessment.pk).update(assessor=assessor, status=AssessmentStatus.IN_REVIEW)
    client = api_for(assessor)
    assert client.get(f"{API}{assessment.pk}/answers/").status_code == 200
    assert (
        client.patch(f"{API}{assessment.pk}/answers/S1/", {"value": 1, "version": 1}, format="json").status_code == 404
    )


def test_the_schema_documents_the_self_assessment_endpoints(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    for path in (
        "/api/v1/assessments/{id}/answers/{code}/",
        "/api/v1/assessments/{id}/submit/",
        "/api/v1/assessments/{id}/questionnaire/",
    ):
        assert path in schema


def test_the_list_costs_the_same_queries_for_one_or_many_assessments(framework, cluster, manager, api_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_for(manager)
    assessment_create(user=manager, cluster=cluster, reference_year=2025)
    with CaptureQueriesContext(connection) as one:
        client.get(API)
    for year in (2022, 2023, 2024):
        assessment_create(user=manager, cluster=cluster, reference_year=year)
    with CaptureQueriesContext(connection) as four:
        assert len(client.get(API).json()["results"]) == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_answers_list_costs_a_fixed_number_of_queries(assessment, manager, api_for, django_assert_max_num_queries):
    client = api_for(manager)
    with django_assert_max_num_queries(8):
        assert len(client.get(f"{API}{assessment.pk}/answers/").json()) == 31
