"""The appeals' API: lodging (JSON or multipart with files), the list, the question and the answer, the outcome;
400 with field errors, the version check, another cluster's manager answered 404, and the schema documenting each
answer."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from appeals.models import Appeal
from labelling.models import Label
from tests.appeals.conftest import PDF, backdate

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _lodge(client, assessment, **extra):
    body = {"assessment": assessment.pk, "ground": "refused", "reasons": "Our statutes were filed.", **extra}
    return client.post("/api/v1/appeals/", body, format="json")


def test_the_api_path_lodge_ask_answer_overturn(refused, manager, handler, administrator):
    owner, admin = _api(manager), _api(handler)
    [open_] = owner.get("/api/v1/appeals/appealable/").json()
    assert open_["ground"] == "refused" and open_["assessment"] == refused.pk
    lodged = _lodge(owner, refused)
    assert lodged.status_code == 201, lodged.content
    appeal = lodged.json()
    assert appeal["status"] == "lodged" and appeal["version"] == 1 and appeal["label"] is None
    assert owner.get("/api/v1/appeals/appealable/").json() == []
    assert [a["id"] for a in admin.get("/api/v1/appeals/").json()["results"]] == [appeal["id"]]
    url = f"/api/v1/appeals/{appeal['id']}/"
    # the decider cannot handle it: 404
    assert _api(administrator).post(url + "decide/", {"version": 1}, format="json").status_code == 404
    asked = admin.post(url + "question/", {"version": 1, "question": "Send the minutes."}, format="json")
    assert asked.status_code == 201 and asked.json()["status"] == "question"
    stale = owner.post(url + "answer/", {"version": 1, "answer": "Here."}, format="json")
    assert stale.status_code == 409
    answered = owner.post(url + "answer/", {"version": 2, "answer": "Here."}, format="json")
    assert answered.status_code == 200 and answered.json()["questions"][0]["answer"] == "Here."
    no_level = admin.post(url + "decide/", {"version": 3, "outcome": "overturned", "reason": "Filed."}, format="json")
    assert no_level.status_code == 400 and list(no_level.json()) == ["level"]
    decided = admin.post(
        url + "decide/", {"version": 3, "outcome": "overturned", "level": "bronze", "reason": "Filed."}, format="json"
    )
    assert decided.status_code == 200, decided.content
    body = decided.json()
    label = Label.objects.get(assessment=refused)
    assert body["status"] == "overturned" and body["new_label"]["certificate_number"] == label.certificate_number
    again = admin.post(url + "decide/", {"version": 4, "outcome": "upheld", "reason": "r"}, format="json")
    assert again.status_code == 409


def test_bad_input_is_refused_field_by_field_and_the_version_is_required(refused, manager, handler):
    owner = _api(manager)
    bad = owner.post("/api/v1/appeals/", {"assessment": refused.pk, "ground": "nope", "reasons": ""}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"ground", "reasons"}
    appeal = Appeal.objects.get(pk=_lodge(owner, refused).json()["id"])
    missing = _api(handler).post(f"/api/v1/appeals/{appeal.pk}/question/", {"question": "?"}, format="json")
    assert missing.status_code == 400 and list(missing.json()) == ["version"]
    assert Appeal.objects.get(pk=appeal.pk).version == 1


def test_a_late_appeal_is_refused_on_ground_with_its_last_day(refused, manager):
    backdate(refused, 40)
    late = _lodge(_api(manager), refused)
    assert late.status_code == 400
    assert late.json()["ground"][0].startswith("The deadline to appeal this decision was ")
    assert not Appeal.objects.exists()


def test_another_clusters_manager_gets_404_everywhere(refused, manager, other_manager):
    appeal = _lodge(_api(manager), refused).json()
    other = _api(other_manager)
    assert _lodge(other, refused).status_code == 404
    assert other.get(f"/api/v1/appeals/{appeal['id']}/").status_code == 404
    assert other.post(f"/api/v1/appeals/{appeal['id']}/answer/", {"version": 1, "answer": "x"}).status_code == 404
    assert other.get("/api/v1/appeals/").json()["results"] == []


def test_files_are_sent_as_multipart_and_checked_by_their_content(refused, manager, other_manager, tmp_path, client):
    owner = _api(manager)
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"MZ not a pdf")
    with fake.open("rb") as handle:
        refused_ = owner.post(
            "/api/v1/appeals/",
            {"assessment": refused.pk, "ground": "refused", "reasons": "Filed.", "files": [handle]},
            format="multipart",
        )
    assert refused_.status_code == 400 and "files" in refused_.json()
    good = tmp_path / "statutes.pdf"
    good.write_bytes(PDF)
    with good.open("rb") as handle:
        lodged = owner.post(
            "/api/v1/appeals/",
            {"assessment": refused.pk, "ground": "refused", "reasons": "Filed.", "files": [handle]},
            format="multipart",
        )
    assert lodged.status_code == 201
    [file] = lodged.json()["files"]
    assert file["original_name"] == "statutes.pdf" and file["content_type"] == "application/pdf"
    client.force_login(manager)  # the download is a page: a session
    download = client.get(file["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    client.force_login(other_manager)
    assert client.get(file["download_url"]).status_code == 404


def test_the_schema_documents_every_answer_of_the_appeals():
    client = APIClient()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    lodge = paths["/api/v1/appeals/"]["post"]
    assert {"201", "400", "404"} <= set(lodge["responses"])
    for path in ("/api/v1/appeals/{id}/question/", "/api/v1/appeals/{id}/answer/", "/api/v1/appeals/{id}/decide/"):
        assert {"400", "404", "409"} <= set(paths[path]["post"]["responses"]), path
    components = schema["components"]["schemas"]
    assert (
        "ground" in lodge["x-field-rules"] and "level" in paths["/api/v1/appeals/{id}/decide/"]["post"]["x-field-rules"]
    )
    assert {"questions", "files", "new_label"} <= set(components["AppealDetail"]["properties"])
