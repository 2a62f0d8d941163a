"""The public registry, certificate verification, and the administrators' CSV export."""

from __future__ import annotations

import csv
import datetime
import io
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from clusters.models import ClusterKind
from labelling.exporters import KEYS, escape_cell, registry_rows
from labelling.models import CERTIFICATE_NUMBER_RE, Label, LabelStatus, certificate_number_example
from labelling.services.labels import certificate_number_for, label_revoke
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STATUS, SECTORS = KEYS.index("status"), KEYS.index("sectors")


def _label(
    name, *, level="bronze", status="active", kind=ClusterKind.POLE, country="FR", region="24", sectors=None, **kw
):
    cluster = factories.ClusterFactory(
        name=name, acronym=name[:6], kind=kind, country=country, region=region, sectors=sectors or ["cosmétique"]
    )
    return factories.LabelFactory(
        assessment=factories.AssessmentFactory(cluster=cluster, status="decided"), level=level, status=status, **kw
    )


@pytest.fixture
def registry(framework):
    return {
        "cosmetic": _label("Cosmetic Valley", level="gold", sectors=["cosmétique", "parfum"]),
        "s2e2": _label("S2E2", level="silver", sectors=["énergie"]),
        "elasto": _label("Elastopole", level="bronze", kind=ClusterKind.GRAPPE, region="84", sectors=["caoutchouc"]),
        "basque": _label(
            "Basque Energy", level="gold", country="ES", region="ES21", kind=ClusterKind.CLUSTER, sectors=["énergie"]
        ),
        "old": _label("Old Cluster", level="gold", status="expired"),
    }


def _names(response) -> list[str]:
    return [row["cluster__name"] for row in response.context["page"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Basque Energy", "Cosmetic Valley", "Elastopole", "S2E2"]),
        ({"level": "gold"}, ["Basque Energy", "Cosmetic Valley"]),
        ({"country": "ES"}, ["Basque Energy"]),
        ({"region": "84"}, ["Elastopole"]),
        ({"kind": "grappe"}, ["Elastopole"]),
        ({"sector": "énergie"}, ["Basque Energy", "S2E2"]),
        ({"q": "valley"}, ["Cosmetic Valley"]),
        ({"level": "gold", "sector": "énergie"}, ["Basque Energy"]),
    ],
)
def test_the_registry_lists_active_labels_with_filters(registry, client_for, query, expected):
    response = client_for(None).get(reverse("labelling:registry"), query)
    assert response.status_code == 200
    assert _names(response) == expected


def test_an_unknown_filter_value_is_shown_as_an_error_not_a_500(registry, client_for):
    response = client_for(None).get(reverse("labelling:registry"), {"level": "platinum", "country": "ZZ"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"level", "country"}
    assert len(_names(response)) == 4


def test_the_registry_page_links_each_cluster_to_its_label_history(registry, client_for):
    cosmetic = registry["cosmetic"]
    factories.LabelFactory(
        assessment=factories.AssessmentFactory(cluster=cosmetic.cluster, status="decided", reference_year=2023),
        level="bronze",
        status="expired",
        awarded_on=datetime.date(2023, 3, 1),
    )
    page = client_for(None).get(reverse("labelling:registry")).content.decode()
    url = reverse("labelling:registry_cluster", args=[cosmetic.cluster_id])
    assert url in page
    history = client_for(None).get(url)
    assert [row["label"].level for row in history.context["rows"]] == ["gold", "bronze"]


def test_a_cluster_without_labels_has_no_public_page(framework, cluster, client_for):
    assert client_for(None).get(reverse("labelling:registry_cluster", args=[cluster.pk])).status_code == 404


# --- verification ----------------------------------------------------------------------------------------


def test_verify_sends_a_known_number_to_its_certificate(registry, client_for):
    number = registry["s2e2"].certificate_number
    response = client_for(None).get(reverse("labelling:verify"), {"number": f"  {number.lower()} "})
    assert response.status_code == 302
    assert response.url == reverse("labelling:certificate", args=[number])


@time_machine.travel(datetime.datetime(2026, 5, 4, 12, 0, tzinfo=datetime.UTC))
def test_verify_says_when_no_certificate_has_the_number(registry, client_for):
    response = client_for(None).get(reverse("labelling:verify"), {"number": "GRP-1999-000001-7KQ4M9XD"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "number": [
            "No certificate has this number. Check it against the certificate: it reads like GRP-2026-000001-XXXXXXXX."
        ]
    }


@time_machine.travel(datetime.datetime(2026, 5, 4, 12, 0, tzinfo=datetime.UTC))
def test_the_verification_page_shows_a_number_of_the_real_shape(client_for):
    html = client_for(None).get(reverse("labelling:verify")).content.decode()
    assert "GRP-2026-000123" not in html
    assert html.count("GRP-2026-000001-XXXXXXXX") == 2  # the help text and the placeholder
    # The example has the shape of the numbers issued (one declaration: labelling.models).
    assert CERTIFICATE_NUMBER_RE.match(certificate_number_for(year=2026, sequence=1))
    assert CERTIFICATE_NUMBER_RE.match(certificate_number_example(2026))


@pytest.mark.parametrize("typed", ["GRP-2026-900001", "grp-2026-900001-", " GRP-2026-900001 "])
def test_a_number_typed_without_its_code_says_what_is_missing(registry, client_for, typed):
    response = client_for(None).get(reverse("labelling:verify"), {"number": typed})
    assert response.status_code == 200
    (error,) = response.context["form"].errors["number"]
    assert error.startswith("This number lacks its verification code: the 8 characters after the last hyphen")
    assert "GRP-2026-000001-XXXXXXXX" in error
    assert f'value="{typed}"' in response.content.decode()  # what was typed stays in the field


def test_a_number_typed_with_spaces_or_in_lower_case_is_found(registry, client_for):
    number = registry["cosmetic"].certificate_number
    typed = number.lower().replace("-", " - ", 1)
    response = client_for(None).get(reverse("labelling:verify"), {"number": typed})
    assert response.status_code == 302 and response.url == reverse("labelling:certificate", args=[number])


def test_the_verification_page_in_french_says_what_is_missing(registry, client_for, settings):
    settings.LANGUAGE_CODE = "fr"
    client = client_for(None)
    response = client.get(reverse("labelling:verify"), {"number": "GRP-2026-900001"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Il manque à ce numéro son code de vérification" in response.content.decode()


@time_machine.travel(datetime.datetime(2027, 1, 10, 12, 0, tzinfo=datetime.UTC))
def test_the_certificate_page_says_whether_the_label_is_valid_today(registry, administrator, client_for):
    client = client_for(None)
    valid = client.get(reverse("labelling:certificate", args=[registry["s2e2"].certificate_number]))
    assert valid.context["validity"]["valid"] is True
    assert 'id="validity"' in valid.content.decode()

    expired = client.get(reverse("labelling:certificate", args=[registry["old"].certificate_number]))
    assert expired.context["validity"] == {
        "valid": False,
        "state": "expired",
        "today": datetime.date(2027, 1, 10),
        "conditions_until": None,
    }

    label_revoke(user=administrator, label=registry["elasto"], reason="Fraud.")
    revoked = client.get(reverse("labelling:certificate", args=[registry["elasto"].certificate_number]))
    assert revoked.context["validity"]["state"] == "revoked"
    assert "10 Jan 2027" in revoked.content.decode()  # the revocation date (never all digits in English)

    assert client.get(reverse("labelling:certificate", args=["GRP-0000-000000"])).status_code == 404


def test_an_active_label_past_its_last_day_is_not_valid_even_before_the_beat_runs(registry):
    from labelling.selectors import label_validity

    label = registry["s2e2"]
    day_after = label.expires_on + datetime.timedelta(days=1)
    assert label_validity(label=label, today=label.expires_on)["valid"] is True
    assert label_validity(label=label, today=day_after) == {
        "valid": False,
        "state": "expired",
        "today": day_after,
        "conditions_until": None,
    }


# --- CSV export ------------------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_export_is_for_administrators_only(registry, assessor, client_for):
    url = reverse("labelling:registry_export")
    manager = factories.ManagerFactory(username="registry_manager")
    registry["cosmetic"].cluster.managers.add(manager)
    for user in (None, manager, assessor):
        assert client_for(user).get(url).status_code == 404


def test_the_export_streams_every_label_with_its_status(registry, administrator, client_for):
    response = client_for(administrator).get(reverse("labelling:registry_export"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="grappe-registry-')
    rows = _csv(response)
    assert rows[0][:3] == ["Certificate number", "Cluster", "Acronym"]
    assert sorted(r[1] for r in rows[1:]) == ["Basque Energy", "Cosmetic Valley", "Elastopole", "Old Cluster", "S2E2"]
    assert {r[1]: r[STATUS] for r in rows[1:]}["Old Cluster"] == "expired"


def test_the_export_filters_like_the_registry(registry, administrator, client_for):
    response = client_for(administrator).get(
        reverse("labelling:registry_export"), {"level": "gold", "status": "active", "sector": "énergie"}
    )
    assert [r[1] for r in _csv(response)[1:]] == ["Basque Energy"]


def test_the_export_escapes_cells_that_a_spreadsheet_would_run(framework, administrator, client_for):
    _label('=HYPERLINK("http://evil.example","click")', sectors=["@SUM(1+1)", "-2+3"])
    rows = _csv(client_for(administrator).get(reverse("labelling:registry_export")))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[1][SECTORS] == "'@SUM(1+1); -2+3"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\t=x", "'\t=x"),
        ("Cosmetic Valley", "Cosmetic Valley"),
        ("", ""),
        (None, ""),
        (2025, "2025"),
    ],
)
def test_escape_cell(value, expected):
    assert escape_cell(value) == expected


def test_the_export_command_writes_json_and_xlsx(registry, tmp_path):
    out = StringIO()
    call_command("export_registry", "--format", "json", "--status", "active", "--level", "gold", stdout=out)
    import json

    data = json.loads(out.getvalue())
    assert sorted(item["cluster"] for item in data) == ["Basque Energy", "Cosmetic Valley"]
    target = tmp_path / "registry.xlsx"
    call_command("export_registry", "--format", "xlsx", "--output", str(target))
    from openpyxl import load_workbook

    sheet = load_workbook(target).active
    assert sheet.max_row == 6  # header + 5 labels


def test_the_revoked_status_is_exported(registry, administrator, client_for):
    label_revoke(user=administrator, label=registry["cosmetic"], reason="Fraud.")
    rows = _csv(client_for(administrator).get(reverse("labelling:registry_export"), {"status": LabelStatus.REVOKED}))
    assert [(r[1], r[STATUS]) for r in rows[1:]] == [("Cosmetic Valley", "revoked")]


def test_a_cluster_that_withdrew_from_the_registry_is_not_listed_publicly(registry, administrator, client_for):
    cluster = registry["s2e2"].cluster
    cluster.public_profile = False
    cluster.save(update_fields=["public_profile"])
    assert "S2E2" not in _names(client_for(None).get(reverse("labelling:registry")))
    from rest_framework.test import APIClient

    names = [item["cluster"] for item in APIClient().get("/api/v1/registry/").json()["results"]]
    assert "S2E2" not in names and "Cosmetic Valley" in names
    rows = _csv(client_for(administrator).get(reverse("labelling:registry_export")))
    assert "S2E2" in [r[1] for r in rows[1:]]  # the administrators still see it


def test_the_registry_page_does_not_query_once_per_label(registry, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client_for(None).get(reverse("labelling:registry")).status_code == 200
        return len(captured)

    before = queries()
    for i in range(5):
        _label(f"Extra cluster {i}", level="silver")
    assert queries() == before


def test_the_registry_export_gives_the_revocation_date_in_local_time(framework, cluster):
    """Revoked at 00:30 in Paris on 15 March (23:30 UTC on the 14th): the export says 15 March."""
    label = factories.LabelFactory(assessment__cluster=cluster, cluster=cluster)
    revoked_at = datetime.datetime(2027, 3, 14, 23, 30, tzinfo=datetime.UTC)
    Label.objects.filter(pk=label.pk).update(status="revoked", revoked_at=revoked_at, revoked_reason="Fraud.")
    (row,) = registry_rows(Label.objects.filter(pk=label.pk))
    assert row["revoked_at"] == "2027-03-15"


def test_the_label_history_of_a_cluster_that_withdrew_from_the_registry_is_not_public(framework, cluster, client_for):
    label = factories.LabelFactory(assessment__cluster=cluster, cluster=cluster)
    history = reverse("labelling:registry_cluster", args=[cluster.pk])
    assert client_for(None).get(history).status_code == 200
    cluster.public_profile = False
    cluster.save(update_fields=["public_profile"])
    assert client_for(None).get(history).status_code == 404
    # the certificate itself can still be verified, without a link to the hidden history
    page = client_for(None).get(reverse("labelling:certificate", args=[label.certificate_number]))
    assert page.status_code == 200 and history not in page.content.decode()


def test_the_registry_filters_do_not_reveal_the_sectors_of_a_cluster_that_withdrew(framework, cluster, client_for):
    cluster.sectors = ["Parfumerie secrète"]
    cluster.region = "99"
    cluster.public_profile = False
    cluster.save(update_fields=["sectors", "region", "public_profile"])
    factories.LabelFactory(assessment__cluster=cluster, cluster=cluster)
    page = client_for(None).get(reverse("labelling:registry")).content.decode()
    assert "Parfumerie secrète" not in page and 'value="99"' not in page


def test_the_registry_pages_keep_the_filters_and_the_exports_drop_the_page(registry, client_for, monkeypatch):
    monkeypatch.setattr("core.pagination.PER_PAGE", 1)
    admin = factories.AdministratorFactory(username="registry_admin")
    page = client_for(admin).get(reverse("labelling:registry"), {"level": "gold", "page": "2"})
    html = page.content.decode()
    assert _names(page) == ["Cosmetic Valley"]
    assert 'href="?level=gold&amp;page=1"' in html  # previous: the filter is kept, the page replaced
    assert 'href="?level=gold&amp;page=3"' not in html  # two gold labels: no next page
    assert f'href="{reverse("labelling:registry_export")}?level=gold"' in html  # the export takes the filters only


def test_a_row_escapes_what_clusters_typed(framework, client):
    label = _label('<b>Aéro & "Co"</b>', sectors=["<i>bois</i>"])

    body = client.get("/registry/").content.decode()

    assert "<b>Aéro" not in body and "<i>bois" not in body
    assert "&lt;b&gt;Aéro &amp; &quot;Co&quot;&lt;/b&gt;" in body
    assert "&lt;i&gt;bois&lt;/i&gt;" in body
    assert f'href="/verify/{label.certificate_number}/"' in body


def test_the_filter_form_kept_per_language_choices_and_values_shows_each_visitors_own(registry, client_for):
    """The form's HTML is rendered once per language, offered choices and submitted values (the view): each
    page still shows the values it was asked for, its language, the new choices and a refused value's error."""
    from django.test import Client

    def form_of(url, language="en"):
        html = Client(HTTP_ACCEPT_LANGUAGE=language).get(url).content.decode()
        return html[html.index('<form method="get"') : html.index("</form>", html.index('<form method="get"'))]

    gold, silver = form_of("/registry/?level=gold&from=1"), form_of("/registry/?level=silver&from=1")
    assert '<option value="gold" selected>' in gold and '<option value="silver" selected>' not in gold
    assert '<option value="silver" selected>' in silver
    assert form_of("/registry/?level=gold&from=2") == gold
    assert form_of("/registry/?q=valley&from=1").count('value="valley"') == 1
    assert "Niveau" in form_of("/registry/?level=gold&from=3", "fr") and "Niveau" not in gold
    for _ in range(2):
        assert "Select a valid choice" in form_of("/registry/?level=platinum&from=1")
    _label("Deutsch Cluster", country="DE", region="DE11")
    assert 'value="DE"' in form_of("/registry/?level=gold&from=4") and 'value="DE"' not in gold


@pytest.mark.parametrize(
    "filters",
    [{}, {"level": "gold"}, {"country": "es"}, {"sector": "énergie"}, {"q": "VALLEY"}, {"kind": ClusterKind.GRAPPE}],
)
def test_the_page_rows_compiled_once_are_the_registry_labels_rows(registry, filters, django_assert_num_queries):
    from labelling.selectors import REGISTRY_PAGE_COLUMNS, RegistryFilters, RegistryPageRows, registry_labels

    wanted = RegistryFilters(public_only=True, **filters)
    expected = list(registry_labels(filters=wanted, columns=REGISTRY_PAGE_COLUMNS))

    for _ in range(2):  # compiled, then taken from the process's cache
        with django_assert_num_queries(1):
            assert RegistryPageRows(wanted)[0:50] == expected
    assert RegistryPageRows(wanted)[1:2] == expected[1:2]
    _label("A New Valley", level="gold", country="ES", region="ES21", kind=ClusterKind.GRAPPE, sectors=["énergie"])
    assert RegistryPageRows(wanted)[0:50] == list(registry_labels(filters=wanted, columns=REGISTRY_PAGE_COLUMNS))


def test_a_page_without_filters_builds_no_form_once_its_html_is_kept(registry, monkeypatch):
    from django.test import Client

    from labelling.forms.workflow import RegistryFilterForm

    first = Client().get("/registry/?utm=1").content.decode()  # renders and keeps the form's HTML
    built = []
    init = RegistryFilterForm.__init__

    def counted(self, *args, **kwargs):
        built.append(kwargs)
        init(self, *args, **kwargs)

    monkeypatch.setattr(RegistryFilterForm, "__init__", counted)

    second = Client().get("/registry/?utm=2").content.decode()
    filtered = Client().get("/registry/?level=gold&utm=2")

    assert second.replace("utm=2", "utm=1") == first
    assert [kw.get("choices") is None for kw in built] == [False]  # the filtered page's own form only
    assert filtered.context["form"].cleaned_data["level"] == "gold"
