"""The administrators' exports (CSV, JSON, XLSX) and the public open data (CSV, JSON) of the registry, and the
schema.org JSON-LD of certificate pages: content, headers, formula escaping, streaming, readable labels in
the user's language, and the documented columns."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from labelling import opendata
from labelling.exporters import COLUMNS, KEYS
from tests import factories

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example","click")'
REVIEW_ON = datetime.date(2026, 9, 15)  # Nekoé's label is granted with conditions until then


@pytest.fixture
def labels(framework):
    gold = factories.LabelFactory(
        assessment__cluster=factories.ClusterFactory(
            name="Nekoé", acronym="NK", kind="grappe", region="24", city="Orléans", sectors=["énergie", "bois"]
        ),
        level="gold",
        conditions_until=REVIEW_ON,
    )
    evil = factories.LabelFactory(
        assessment__cluster=factories.ClusterFactory(
            name=EVIL, acronym="+33 1 23", region="-1", city="@cmd", sectors=["@SUM(1+1)", "-2+3"]
        ),
        level="silver",
    )
    revoked = factories.LabelFactory(
        assessment__cluster=factories.ClusterFactory(name="Old Cluster", acronym="OC"),
        status="revoked",
        revoked_reason="Fraud.",
    )
    hidden = factories.LabelFactory(
        assessment__cluster=factories.ClusterFactory(name="Hidden Cluster", acronym="HC", public_profile=False)
    )
    return {"gold": gold, "evil": evil, "revoked": revoked, "hidden": hidden}


def _body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv_dicts(response) -> list[dict]:
    text = _body(response).decode("utf-8-sig")
    # The reader's spreadsheet separator: ";" for French, "," for English (core.csv_dialect).
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text.split("\n", 1)[0] else ","))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def admin(db):
    return factories.AdministratorFactory(username="export_admin", language="fr")


# --- the administrators' exports ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type", "streaming"),
    [
        ("labelling:registry_export", "text/csv; charset=utf-8", True),
        ("labelling:registry_export_json", "application/json; charset=utf-8", True),
        (
            "labelling:registry_export_xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            True,
        ),
    ],
)
def test_each_export_is_an_attachment_streamed_to_administrators_only(
    labels, admin, client_for, name, content_type, streaming
):
    url = reverse(name)
    response = client_for(admin).get(url)
    assert response.status_code == 200 and response.streaming is streaming
    assert response["Content-Type"] == content_type
    extension = url.rsplit(".", 1)[1]
    assert re.fullmatch(
        rf'attachment; filename="grappe-registry-\d{{4}}-\d\d-\d\d\.{extension}"', response["Content-Disposition"]
    )
    assert response["Cache-Control"] == "private, no-store"
    _body(response)
    manager = factories.ManagerFactory(username="export_manager")
    labels["gold"].cluster.managers.add(manager)
    for user in (None, manager, factories.AssessorFactory(username="export_assessor")):
        assert client_for(user).get(url).status_code == 404


def test_the_csv_export_has_codes_and_labels_in_the_users_language(labels, admin, client_for):
    rows = {row["Cluster"]: row for row in _csv_dicts(client_for(admin).get(reverse("labelling:registry_export")))}
    assert set(rows) == {"Nekoé", "'" + EVIL, "Old Cluster", "Hidden Cluster"}  # every status, every cluster
    nekoe = rows["Nekoé"]
    assert (nekoe["Niveau"], nekoe["Niveau (libellé)"]) == ("gold", "Or")
    assert (nekoe["Statut"], nekoe["Statut (libellé)"]) == ("active", "Actif")
    assert (nekoe["Nature"], nekoe["Nature (libellé)"]) == ("grappe", "Grappe d’entreprises")
    assert nekoe["Secteurs"] == "énergie; bois" and nekoe["Ville"] == "Orléans"
    assert rows["Old Cluster"]["Statut (libellé)"] == "Retiré"
    assert (
        nekoe["Avec des conditions jusqu’au"] == "2026-09-15"
        and rows["Old Cluster"]["Avec des conditions jusqu’au"] == ""
    )

    english = client_for(admin)
    english.cookies["django_language"] = "en"
    rows = {row["Cluster"]: row for row in _csv_dicts(english.get(reverse("labelling:registry_export")))}
    assert (rows["Nekoé"]["Level"], rows["Nekoé"]["Level (label)"]) == ("gold", "Gold")
    assert rows["Nekoé"]["With conditions until"] == "2026-09-15" and rows["'" + EVIL]["With conditions until"] == ""
    assert list(rows["Nekoé"]) == [str(title) for _key, title in COLUMNS]


def test_cells_a_spreadsheet_would_run_are_escaped_in_csv_and_xlsx(labels, admin, client_for):
    rows = {row["Certificate number"]: row for row in _csv_dicts(_english(client_for(admin), "registry_export"))}
    evil = rows[labels["evil"].certificate_number]
    assert evil["Cluster"] == "'" + EVIL
    assert evil["Acronym"] == "'+33 1 23" and evil["Region"] == "'-1" and evil["City"] == "'@cmd"
    assert evil["Sectors"] == "'@SUM(1+1); -2+3"

    workbook = load_workbook(io.BytesIO(_body(_english(client_for(admin), "registry_export_xlsx"))))
    sheet = workbook["registry"]
    header = [cell.value for cell in sheet[1]]
    assert header == [str(title) for _key, title in COLUMNS]
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    cells = by_number[labels["evil"].certificate_number]
    assert cells["Cluster"] == "'" + EVIL and cells["Sectors"] == "'@SUM(1+1); -2+3"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula anywhere
    assert cells["Reference year"] == 2025  # numbers stay numbers
    assert cells["With conditions until"] is None  # a plain label: an empty cell
    nekoe = by_number[labels["gold"].certificate_number]
    assert nekoe["With conditions until"] == "2026-09-15"


def _english(client, name):
    client.cookies["django_language"] = "en"
    return client.get(reverse(f"labelling:{name}"))


def test_the_json_export_has_every_column(labels, admin, client_for):
    data = json.loads(_body(_english(client_for(admin), "registry_export_json")))
    assert len(data) == 4
    nekoe = next(item for item in data if item["cluster"] == "Nekoé")
    assert list(nekoe) == KEYS
    assert nekoe["level_label"] == "Gold" and nekoe["sectors"] == "énergie; bois"
    assert nekoe["awarded_on"] == "2026-03-15" and nekoe["reference_year"] == 2025
    assert nekoe["conditions_until"] == "2026-09-15"
    assert {item["conditions_until"] for item in data if item["cluster"] != "Nekoé"} == {None}  # plain labels: null


def test_the_exports_keep_the_registry_filters(labels, admin, client_for):
    query = {"level": "gold", "q": "NEKOE", "status": "active"}
    for name in ("registry_export", "registry_export_json"):
        client = client_for(admin)
        response = client.get(reverse(f"labelling:{name}"), query)
        body = _body(response).decode("utf-8-sig")
        assert "Nekoé" in body and "Old Cluster" not in body and "HYPERLINK" not in body
    revoked = _csv_dicts(client_for(admin).get(reverse("labelling:registry_export"), {"status": "revoked"}))
    assert [row["Cluster"] for row in revoked] == ["Old Cluster"]


def test_the_csv_and_json_exports_stream_in_chunks(framework, admin, client_for):
    from labelling import exporters, selectors

    for i in range(12):
        factories.LabelFactory(assessment__cluster=factories.ClusterFactory(name=f"Bulk {i:03d}"))
    response = client_for(admin).get(reverse("labelling:registry_export"))
    chunks = list(response.streaming_content)
    assert len(chunks) == 2 and b"".join(chunks).decode("utf-8-sig").count("\n") == 13  # header, then the rows
    labels = selectors.registry_filtered()
    lines = list(exporters.csv_lines(exporters.registry_tuples(labels), batch=5))
    assert [chunk.count("\n") for chunk in lines] == [1, 5, 5, 2]
    pieces = list(exporters.json_chunks(exporters.registry_rows(labels), batch=5))
    assert len(pieces) == 5 and len(json.loads(b"".join(pieces))) == 12


# --- open data -----------------------------------------------------------------------------------------


def test_the_open_data_page_documents_the_licence_and_every_column(client_for):
    page = client_for(None).get(reverse("labelling:open_data"))
    html = page.content.decode()
    assert page.status_code == 200
    assert opendata.LICENCE["url"] in html and "Licence Ouverte 2.0" in html
    for column in opendata.COLUMNS:
        assert f"<code>{column.name}</code>" in html
        assert str(column.description).replace("'", "&#x27;").split("«")[0][:20] in html


def test_the_open_data_csv_holds_the_public_active_labels_in_the_documented_columns(labels, client_for):
    response = client_for(None).get(reverse("labelling:open_data_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Link"] == f'<{opendata.LICENCE["url"]}>; rel="license"'
    assert response["Access-Control-Allow-Origin"] == "*"
    rows = _csv_dicts(response)
    assert list(rows[0]) == [column.name for column in opendata.COLUMNS]
    by_name = {row["cluster"]: row for row in rows}
    assert set(by_name) == {"Nekoé", "'" + EVIL}  # neither the revoked label nor the hidden cluster
    nekoe = by_name["Nekoé"]
    assert nekoe["level"] == "gold" and nekoe["kind"] == "grappe" and nekoe["sectors"] == "énergie; bois"
    assert nekoe["verification_url"].endswith(f"/verify/{labels['gold'].certificate_number}/")
    assert nekoe["conditions_until"] == "2026-09-15" and by_name["'" + EVIL]["conditions_until"] == ""
    for row in rows:
        _check_types(row, csv_row=True)


def _check_types(row: dict, *, csv_row: bool) -> None:
    for column in opendata.COLUMNS:
        value = row[column.name]
        if column.name == "conditions_until" and not value:  # a plain label: empty in the CSV, null in the JSON
            assert value == ("" if csv_row else None)
        elif column.type == "date":
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", value), (column.name, value)
        elif column.type == "integer":
            assert (int(value) if csv_row else value) == int(value)
        elif column.type == "list of strings":
            assert isinstance(value, str if csv_row else list)
        else:
            assert isinstance(value, str)


def test_the_open_data_json_has_the_licence_the_columns_and_the_labels(labels, client_for):
    response = client_for(None).get(reverse("labelling:open_data_json"))
    assert response.streaming and response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(_body(response))
    assert data["format"] == opendata.FORMAT and data["licence"]["identifier"] == "etalab-2.0"
    assert [c["name"] for c in data["columns"]] == [c.name for c in opendata.COLUMNS]
    assert sorted(item["cluster"] for item in data["labels"]) == sorted(["Nekoé", EVIL])
    for item in data["labels"]:
        assert list(item) == [c.name for c in opendata.COLUMNS]
        _check_types(item, csv_row=False)
    nekoe = next(item for item in data["labels"] if item["cluster"] == "Nekoé")
    assert nekoe["sectors"] == ["énergie", "bois"]
    assert nekoe["conditions_until"] == "2026-09-15"
    assert next(item for item in data["labels"] if item["cluster"] == EVIL)["conditions_until"] is None


# --- schema.org JSON-LD on certificate pages -----------------------------------------------------------


def _json_ld(response) -> dict | None:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return json.loads(match.group(1)) if match else None


def test_a_valid_certificate_page_carries_the_organisation_and_its_credential(labels, client_for):
    label = labels["gold"]
    data = _json_ld(client_for(None).get(reverse("labelling:certificate", args=[label.certificate_number])))
    assert data["@context"] == "https://schema.org" and data["@type"] == "Organization"
    assert data["name"] == "Nekoé" and data["alternateName"] == "NK"
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "FR",
        "addressRegion": "24",
        "addressLocality": "Orléans",
    }
    credential = data["hasCredential"]
    assert credential["@type"] == "EducationalOccupationalCredential"
    assert credential["identifier"] == label.certificate_number
    assert credential["dateCreated"] == "2026-03-15" and credential["expires"] == label.expires_on.isoformat()
    assert credential["url"].endswith(f"/verify/{label.certificate_number}/")
    assert credential["recognizedBy"]["@type"] == "Organization"
    # only properties schema.org defines for these types
    assert set(data) <= {"@context", "@type", "name", "alternateName", "url", "address", "hasCredential"}
    assert set(credential) <= {
        "@type",
        "name",
        "credentialCategory",
        "identifier",
        "url",
        "dateCreated",
        "expires",
        "recognizedBy",
    }


def test_the_json_ld_is_safe_inside_the_page_and_absent_when_it_should_be(labels, client_for):
    evil_page = client_for(None).get(reverse("labelling:certificate", args=[labels["evil"].certificate_number]))
    assert "</script><" not in evil_page.content.decode().split('application/ld+json">', 1)[1].split("</script>")[0]
    assert _json_ld(evil_page)["name"] == EVIL
    revoked = _json_ld(
        client_for(None).get(reverse("labelling:certificate", args=[labels["revoked"].certificate_number]))
    )
    assert "hasCredential" not in revoked  # a revoked label is no credential
    hidden = client_for(None).get(reverse("labelling:certificate", args=[labels["hidden"].certificate_number]))
    assert _json_ld(hidden) is None  # a cluster that withdrew from the registry is not published


def test_json_ld_escaping():
    body = opendata.json_ld_script_body({"name": "</script><script>alert(1)</script> & co"})
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body)["name"] == "</script><script>alert(1)</script> & co"


def test_an_export_read_in_part_and_abandoned_leaves_no_transaction_open(framework):
    """The rows are read in one transaction (``cursor_tuple_fraction``): a client that goes away after the
    first chunk closes the stream, and the transaction with it."""
    from django.db import connection

    from labelling import exporters, selectors

    factories.LabelFactory.create_batch(3)
    before = list(connection.savepoint_ids)  # inside the test's own transaction, the export's is a savepoint
    stream = exporters.csv_lines(exporters.registry_tuples(selectors.registry_filtered()), batch=1)
    next(stream), next(stream)
    assert len(connection.savepoint_ids) == len(before) + 1
    stream.close()
    assert connection.savepoint_ids == before
    with connection.cursor() as cursor:  # the setting was local to the export's transaction
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone()[0] == "0.1"


# --- the spreadsheet separator (issue 22, item 14) ----------------------------------------------------------


@pytest.mark.parametrize(("language", "separator"), [("fr", ";"), ("en", ",")])
def test_the_export_and_the_member_template_share_the_readers_spreadsheet_separator(
    framework, admin, cluster, manager, client_for, language, separator
):
    factories.LabelFactory(assessment=factories.AssessmentFactory(cluster=cluster, status="decided"))
    client = client_for(admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    export = _body(client.get(reverse("labelling:registry_export")))
    assert export.startswith("\ufeff".encode())  # a UTF-8 BOM: the accents open right
    header = export.decode("utf-8-sig").split("\r\n", 1)[0]
    assert len(next(csv.reader(io.StringIO(header), delimiter=separator))) > 10, header  # opens as columns
    template_client = client_for(manager)
    template_client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    template = template_client.get(reverse("clusters:member_import_template", args=[cluster.pk, "csv"])).content
    assert template.startswith("\ufeff".encode())
    assert separator in template.decode("utf-8-sig").split("\r\n", 1)[0]


def test_the_open_data_csv_stays_rfc_4180_with_commas(framework, client_for):
    factories.LabelFactory()
    for language in ("fr", "en"):
        client = client_for(None)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        text = _body(client.get(reverse("labelling:open_data_csv"))).decode("utf-8-sig")
        header = text.split("\r\n", 1)[0]
        assert "," in header and ";" not in header, (language, header)
