"""The officer's dashboard: labels with their flags, report states, achievement against targets, totals, charts,
S3 domains, exports; the number of queries does not depend on the number of clusters or years."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes import services
from programmes.models import Contract, Enrolment, ReportValue, Target, YearlyReport
from tests import factories

pytestmark = pytest.mark.django_db


def _programme(n_clusters: int, *, officer, years=(2023, 2026)):
    programme = factories.ProgrammeFactory(
        starts_on=datetime.date(years[0], 1, 1),
        ends_on=datetime.date(years[1], 12, 31),
        indicator_set="region-clusters",
        funder_kind="region",
        s3_domains=[
            {"code": "bio", "fr": "Bio-industries", "en": "Bio-industries"},
            {"code": "energy", "fr": "Énergie", "en": "Energy"},
        ],
    )
    programme.officers.add(officer)
    for i in range(n_clusters):
        cluster = factories.ClusterFactory(
            name=f"{programme.name_fr} cluster {i:04d}", s3_domains=["bio"] if i % 2 else ["energy", "bio"]
        )
        Enrolment.objects.create(programme=programme, cluster=cluster, joined_on=programme.starts_on)
        contract = Contract.objects.create(
            programme=programme, cluster=cluster, starts_on=programme.starts_on, ends_on=programme.ends_on
        )
        for year in programme.years:
            Target.objects.create(contract=contract, indicator="members", year=year, value=100)
            report = YearlyReport.objects.create(
                programme=programme, cluster=cluster, year=year, status="approved" if i % 3 else "submitted"
            )
            ReportValue.objects.create(report=report, indicator="members", value=80 + i)
    return programme


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_s_query_count_does_not_depend_on_clusters_or_years(client):
    officer = factories.OfficerFactory(username="o")
    small = _programme(2, officer=officer, years=(2024, 2025))
    large = _programme(12, officer=officer, years=(2021, 2026))
    client.force_login(officer)
    client.get(reverse("programmes:dashboard", args=[small.pk]))  # the session and caches warm
    counts = {
        "small": _queries(client, reverse("programmes:dashboard", args=[small.pk]) + "?year=2024"),
        "large": _queries(client, reverse("programmes:dashboard", args=[large.pk]) + "?year=2024"),
    }
    assert counts["small"] == counts["large"], counts


def test_the_dashboard_shows_labels_flags_states_achievement_and_s3(client, world):
    officer = world.users["officer"]
    programme = world.programme
    programme.s3_domains = [{"code": "cosmetics", "fr": "Cosmétique", "en": "Cosmetics"}]
    programme.save()
    world.cluster.s3_domains = ["cosmetics"]
    world.cluster.save()
    # the world's label expires long after today; one that expires within 90 days is flagged
    world.label.expires_on = datetime.date.today() + datetime.timedelta(days=30)
    world.label.save()
    services.targets_save(
        user=officer,
        contract=world.contract,
        targets={("members", 2024): Decimal(2)},
        expected_version=world.contract.version,
    )
    ReportValue.objects.filter(report=world.yearly_report, indicator="members").update(value=1)
    client.force_login(officer)
    response = client.get(
        reverse("programmes:dashboard", args=[programme.pk]) + "?year=2024&indicator=members", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert world.cluster.name in page and world.other_cluster.name not in page
    assert "expires within 90 days" in page
    assert "50%" in page  # 1 of a target of 2
    assert "Cosmetics" in page
    assert "<svg" in page and "actual and target by year" in page
    row = response.context["rows"][0]
    assert row["label"]["flag"] == "expires_soon" and row["state"] in ("late", "draft")


def test_the_exports_are_the_same_rows_streamed_and_escaped(client, world):
    officer = world.users["officer"]
    world.cluster.name = '=HYPERLINK("x")'
    world.cluster.save()
    client.force_login(officer)
    response = client.get(reverse("programmes:dashboard_csv", args=[world.programme.pk]) + "?year=2024")
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == '\'=HYPERLINK("x")'
    assert len(rows) == 2
    response = client.get(reverse("programmes:dashboard_xlsx", args=[world.programme.pk]) + "?year=2024")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"


def test_the_charts_geometry_is_svg_numbers_in_french_too(client, world):
    import re

    client.force_login(world.users["officer"])
    page = client.get(
        reverse("programmes:dashboard", args=[world.programme.pk]) + "?year=2024", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    numbers = re.findall(r'\s(?:x|y|width|height)="([^"%]*)"', page)
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in numbers), numbers
