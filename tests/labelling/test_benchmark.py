"""Benchmarking from the database: the population, one assessment's position, the statistics, the pages and
the API; and the proposals refreshed from the records while the assessment is editable."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from audit.models import AuditEvent
from labelling.models import Answer, Assessment
from labelling.presenters.report import peer_rows
from labelling.selectors.peers import (
    benchmark_population,
    benchmark_position_for,
    compute_benchmark_position,
    compute_population_statistics,
    population_statistics,
)
from labelling.selectors.report import report_peers
from labelling.services.proposals import proposals_refresh_locked
from tests import factories

VALIDATED_ON = datetime.date(2026, 3, 1)


def _validated(cluster, *, values, year=2025, status="validated", validated_on=VALIDATED_ON):
    assessment = factories.AssessmentFactory(
        cluster=cluster, reference_year=year, status=status, validated_on=validated_on
    )
    for code, value in values.items():
        answer = Answer.objects.get(assessment=assessment, indicator__code=code)
        if isinstance(value, str):
            answer.validated_option = value
        else:
            answer.validated_number = Decimal(value)
        answer.save(update_fields=["validated_number", "validated_option"])
    return assessment


@pytest.fixture
def population(framework, cluster, other_cluster):
    """Four pôles (S1 10, 20, 50, 80; V5 36, 24, 12, 6 months) and one grappe (S1 90; V5 3 months).

    ``cluster`` (Cosmetic Valley, a pôle) has S1 50 and V5 12. Its older decided assessment (S1 99) is
    replaced by the latest one in the population; a draft of a sixth cluster is left out.
    """
    poles = [other_cluster, factories.ClusterFactory(), cluster, factories.ClusterFactory()]
    s1 = [10, 20, 50, 80]
    v5 = [36, 24, 12, 6]
    older = _validated(
        cluster, values={"S1": 99, "V5": 1}, year=2023, status="decided", validated_on=datetime.date(2024, 3, 1)
    )
    assessments = {}
    for pole, a, b in zip(poles, s1, v5, strict=True):
        assessments[pole.pk] = _validated(pole, values={"S1": a, "V5": b, "V1": "co_built" if a >= 50 else "none"})
    grappe = factories.ClusterFactory(kind="grappe", region="11")
    assessments[grappe.pk] = _validated(grappe, values={"S1": 90, "V5": 3}, status="decided")
    factories.AssessmentFactory(cluster=factories.ClusterFactory(), reference_year=2025)  # a draft
    return {
        "mine": assessments[cluster.pk],
        "older": older,
        "other": assessments[other_cluster.pk],
        "grappe": assessments[grappe.pk],
        "grappe_cluster": grappe,
    }


def test_the_population_holds_the_latest_validated_assessment_of_each_cluster(framework, population, cluster):
    values, groups = benchmark_population(framework=framework)

    assert len(values) == 5
    assert sorted(values["S1"].tolist()) == [10.0, 20.0, 50.0, 80.0, 90.0]
    assert values.at[population["mine"].pk, "V1"] == "co_built"
    assert values.at[population["grappe"].pk, "V1"] is None
    assert groups.at[population["mine"].pk, "kind"] == "pole"
    assert groups.at[population["grappe"].pk, "kind"] == "grappe"
    assert groups.at[population["grappe"].pk, "region"] == "11"
    assert groups.at[population["mine"].pk, "sector"] == "cosmétique"


def test_the_position_gives_the_hand_computed_quartiles_and_percentiles(population):
    position = benchmark_position_for(assessment=population["mine"])
    s1 = next(i for i in position.indicators if i.code == "S1")

    assert position.population == 5
    assert s1.value == 50.0
    everyone, poles = s1.groups["all"], s1.groups["kind"]
    # all: 10, 20, 50, 80, 90
    assert (everyone.count, everyone.peers, everyone.shown) == (5, 4, True)
    assert (everyone.q1, everyone.median, everyone.q3) == (20.0, 50.0, 80.0)
    assert everyone.percentile == 50.0  # 2 of 4 peers do worse
    # the pôles: 10, 20, 50, 80
    assert (poles.count, poles.peers) == (4, 3)
    assert (poles.q1, poles.median, poles.q3) == (17.5, 35.0, 57.5)
    assert poles.percentile == pytest.approx(200 / 3)  # 2 of 3 peers do worse


def test_less_is_better_indicators_rank_the_smaller_value_higher(population):
    v5 = next(i for i in benchmark_position_for(assessment=population["mine"]).indicators if i.code == "V5")
    # all: 3, 6, 12, 24, 36 months; 24 and 36 are worse than 12
    assert (v5.groups["all"].q1, v5.groups["all"].median, v5.groups["all"].q3) == (6.0, 12.0, 24.0)
    assert v5.groups["all"].percentile == 50.0
    assert v5.groups["kind"].percentile == pytest.approx(200 / 3)


def test_an_older_assessment_is_compared_with_its_own_values(population, cluster):
    older = cluster.assessments.get(reference_year=2023)
    s1 = next(i for i in benchmark_position_for(assessment=older).indicators if i.code == "S1")

    assert s1.value == 99.0
    assert s1.groups["all"].count == 5  # still one assessment per cluster
    assert s1.groups["all"].percentile == 100.0


def test_a_cluster_alone_in_its_group_gets_no_percentile_there(population):
    position = benchmark_position_for(assessment=population["grappe"])
    s1 = next(i for i in position.indicators if i.code == "S1")

    assert s1.groups["all"].percentile == 100.0
    alone = s1.groups["kind"]
    assert (alone.count, alone.peers, alone.shown) == (1, 0, False)
    assert (alone.median, alone.percentile) == (None, None)
    # a region of its own, too
    assert s1.groups["region"].shown is False


def test_fewer_than_three_peers_hide_the_statistics(framework, cluster, other_cluster):
    mine = _validated(cluster, values={"S1": 50})
    _validated(other_cluster, values={"S1": 80})
    _validated(factories.ClusterFactory(), values={"S1": 10})

    s1 = next(i for i in benchmark_position_for(assessment=mine).indicators if i.code == "S1")

    assert s1.groups["all"].peers == 2
    assert (s1.groups["all"].median, s1.groups["all"].percentile) == (None, None)


def test_the_population_is_read_in_a_constant_number_of_queries(framework, cluster):
    mine = _validated(cluster, values={"S1": 50})
    for n in range(3):
        _validated(factories.ClusterFactory(), values={"S1": 10 * n})
    compute_benchmark_position(assessment=mine)  # warms the framework spec cache

    # the cold path (what the cache keeps): a constant number of queries
    with CaptureQueriesContext(connection) as small:
        compute_benchmark_position(assessment=mine)
    with CaptureQueriesContext(connection) as small_statistics:
        compute_population_statistics(framework=framework)
    for n in range(12):
        cluster_n = factories.ClusterFactory(kind="grappe" if n % 2 else "pole", region=str(10 + n))
        _validated(cluster_n, values={"S1": n, "V5": n})
    with CaptureQueriesContext(connection) as large:
        position = compute_benchmark_position(assessment=mine)
    with CaptureQueriesContext(connection) as large_statistics:
        compute_population_statistics(framework=framework)

    assert position.population == 16
    assert len(large) == len(small) <= 3
    assert len(large_statistics) == len(small_statistics) <= 3


def test_the_statistics_count_criteria_met_and_active_labels_by_region_and_level(framework, population):
    factories.LabelFactory(assessment=population["grappe"], level="silver")
    factories.LabelFactory(assessment=population["older"], level="bronze")  # region 24
    factories.LabelFactory(assessment=population["other"], level="gold", status="revoked", revoked_reason="Fraud")

    statistics = population_statistics(framework=framework)

    s1 = next(row for row in statistics.criteria if row["code"] == "S1")
    # S1: full at 75 (80, 90), partial at 50 (50), none (10, 20)
    assert (s1["n"], s1["full"], s1["partial"], s1["none"]) == (5, 2, 1, 2)
    assert (s1["full_share"], s1["met_share"]) == (0.4, 0.6)
    assert statistics.labels_by_level == {"bronze": 1, "silver": 1, "gold": 0}
    assert statistics.labels_by_region == [
        {"region": "11", "bronze": 0, "silver": 1, "gold": 0, "total": 1},
        {"region": "24", "bronze": 1, "silver": 0, "gold": 0, "total": 1},
    ]


# --- pages --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "q1"), [("fr", "17,5"), ("en", "17.5")])
def test_the_benchmark_page_renders_in_french_and_english(population, manager, client_for, language, q1):
    client = client_for(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    response = client.get(reverse("labelling:assessment_benchmark", args=[population["mine"].pk]))

    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
    row = response.content.decode().split('id="bench-row-S1"')[1].split("</tr>")[0]
    assert f"{q1} – 57,5" in row if language == "fr" else f"{q1} – 57.5" in row
    assert '<meter min="0" max="100" value="50">' in row  # percentile among all
    assert "67" in row  # percentile among the pôles


def test_every_peer_group_s_median_and_quartiles_have_one_decimal_as_in_the_report(population, manager, client_for):
    s2 = iter(["50.35", "10.15", "20.25", "80.45", "90.05"])  # S2 of the four pôles and the grappe
    for answer in Answer.objects.filter(indicator__code="S2").exclude(assessment__status="draft").order_by("pk"):
        answer.validated_number = Decimal(next(s2, "30.55"))
        answer.save(update_fields=["validated_number"])
    mine = population["mine"]
    position = {item.code: item for item in benchmark_position_for(assessment=mine).indicators}["S2"]
    raw = [getattr(position.groups[g], s) for g in ("all", "kind") for s in ("median", "q1", "q3")]
    assert any(round(x, 2) != round(x, 1) for x in raw)  # the old rule gave some of them two decimals
    client = client_for(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    page = client.get(reverse("labelling:assessment_benchmark", args=[mine.pk])).content.decode()
    cells = re.findall(r"<td>([^<]*)</td>", page.split('id="bench-row-S2"')[1].split("</tr>")[0])
    figures = [part.strip() for cell in cells for part in cell.split("–")]
    assert len(figures) == 6  # all clusters: median, q1, q3; the same kind: median, q1, q3
    assert all(re.fullmatch(r"\d+(,\d)?", figure) for figure in figures), figures
    with translation.override("fr"):
        indicators = {indicator.code: indicator for indicator in mine.framework.indicators.all()}
        rows, _population = peer_rows(report_peers(assessment=mine), indicators=indicators, kind="")
    report = next(row for row in rows if row["indicator"].code == "S2")["groups"]
    in_report = [report[g][s].replace("\u202f%", "") for g in ("all", "kind") for s in ("median", "q1", "q3")]
    assert figures == in_report


def test_the_benchmark_page_says_when_the_group_is_too_small(population, client_for):
    manager = factories.ManagerFactory()
    population["grappe_cluster"].managers.add(manager)
    client = client_for(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.get(reverse("labelling:assessment_benchmark", args=[population["grappe"].pk]))

    assert response.status_code == 200
    assert 'id="too-small"' in response.content.decode()
    assert "too few peers" in response.content.decode()


def test_the_benchmark_page_is_refused_before_validation(framework, cluster, manager, client_for):
    draft = factories.AssessmentFactory(cluster=cluster, reference_year=2025)

    response = client_for(manager).get(reverse("labelling:assessment_benchmark", args=[draft.pk]))

    assert response.status_code == 404


def test_the_assessment_page_links_to_the_benchmark_once_validated(population, manager, client_for):
    client = client_for(manager)
    url = reverse("labelling:assessment_benchmark", args=[population["mine"].pk])

    response = client.get(reverse("labelling:assessment_detail", args=[population["mine"].pk]))

    assert url in response.content.decode()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_statistics_page_renders_for_administrators(population, administrator, client_for, language):
    factories.LabelFactory(assessment=population["grappe"], level="silver")
    client = client_for(administrator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    dashboard = client.get(reverse("labelling:admin_dashboard"))
    response = client.get(reverse("labelling:statistics"))

    assert reverse("labelling:statistics") in dashboard.content.decode()
    assert response.status_code == 200
    content = response.content.decode()
    assert f'lang="{language}"' in content
    row = content.split('id="criteria-S1"')[1].split("</tr>")[0]
    percent = "\u202f%" if language == "fr" else "%"
    assert f"2 (40{percent})" in row and f"60{percent}" in row
    region = content.split('id="labels-by-region"')[1].split("</table>")[0]
    # regions by name, not INSEE code (11)
    assert '<th scope="row">Île-de-France</th><td>0</td><td>1</td><td>0</td><td>1</td>' in region


# --- API ----------------------------------------------------------------------------------------------


def test_the_benchmark_api_gives_the_position(population, manager):
    client = APIClient()
    client.force_authenticate(manager)

    response = client.get(reverse("api-assessment-benchmark", args=[population["mine"].pk]))

    assert response.status_code == 200
    s1 = next(i for i in response.json()["indicators"] if i["code"] == "S1")
    assert s1["value"] == 50.0
    assert s1["peer_groups"]["all"] == {
        "group": "*",
        "count": 5,
        "peers": 4,
        "enough_peers": True,
        "q1": 20.0,
        "median": 50.0,
        "q3": 80.0,
        "percentile": 50.0,
    }
    assert response.json()["peer_groups"]["kind"] == "pole"


def test_the_statistics_api_is_for_administrators(population, administrator, manager):
    client = APIClient()
    client.force_authenticate(manager)
    assert client.get(reverse("api-statistics")).status_code == 404

    client.force_authenticate(administrator)
    response = client.get(reverse("api-statistics"))

    assert response.status_code == 200
    assert response.json()["population"] == 5
    s1 = next(row for row in response.json()["criteria"] if row["code"] == "S1")
    assert s1["met_share"] == 0.6


# --- proposals refreshed from the records ---------------------------------------------------------------


def test_a_member_added_after_creation_changes_the_proposal_shown_and_a_save_stores_it(
    framework, cluster, manager, client_for
):
    factories.MemberFactory(cluster=cluster)
    assessment = factories.AssessmentFactory(cluster=cluster, reference_year=2025, created_by=manager)
    assert Answer.objects.get(assessment=assessment, indicator__code="S3").proposed_number == 1
    factories.MemberFactory(cluster=cluster)
    client = client_for(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    events = AuditEvent.objects.count()

    response = client.get(reverse("labelling:assessment_fill", args=[assessment.pk, "S"]))

    assert response.status_code == 200
    assert "2 active members in the records." in response.content.decode()
    # a GET never writes: the page shows the records' proposal, the answer keeps the stored one
    assert Answer.objects.get(assessment=assessment, indicator__code="S3").proposed_number == 1
    assert AuditEvent.objects.count() == events

    data = {}
    for answer in Answer.objects.filter(assessment=assessment, indicator__category__code="S").select_related(
        "indicator"
    ):
        code = answer.indicator.code
        data.update({f"{code}-value": "", f"{code}-comment": "", f"{code}-version": answer.version})
    response = client.post(reverse("labelling:assessment_fill", args=[assessment.pk, "S"]), data)

    assert response.status_code == 302
    assert Answer.objects.get(assessment=assessment, indicator__code="S3").proposed_number == 2
    event = AuditEvent.objects.get(action="assessment.proposals_refreshed")
    assert (event.actor, event.assessment_id) == (manager, assessment.pk)
    assert "S3" in event.after["changed"]


def _refresh(manager, assessment) -> int:
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().select_related("cluster").get(pk=assessment.pk)
        return proposals_refresh_locked(user=manager, locked=locked)


def test_refreshing_the_proposals_writes_only_what_changed_and_stops_after_submission(framework, cluster, manager):
    factories.MemberFactory(cluster=cluster)
    assessment = factories.AssessmentFactory(cluster=cluster, reference_year=2025)

    assert _refresh(manager, assessment) == 0
    factories.MemberFactory(cluster=cluster, region="11")
    assert _refresh(manager, assessment) == 4  # S3, S4, the figures of S2, G6
    assert _refresh(manager, assessment) == 0

    assessment.status = "submitted"
    assessment.save(update_fields=["status"])
    factories.MemberFactory(cluster=cluster)
    assert _refresh(manager, assessment) == 0
    assert Answer.objects.get(assessment=assessment, indicator__code="S3").proposed_number == 2


# --- the strip charts and the categories' links (issue 22, item 12) --------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_benchmark_page_draws_the_reports_strip_charts(population, manager, client_for, language):
    from labelling.presenters.report import strip_chart
    from labelling.views.benchmark import STRIP_WIDTH

    mine = population["mine"]
    client = client_for(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    page = client.get(reverse("labelling:assessment_benchmark", args=[mine.pk])).content.decode()
    row = page.split('id="bench-row-S1"')[1].split("</tr>")[0]
    # The report's geometry (presenters.report.strip_chart) over the same peers, drawn wider.
    peers = report_peers(assessment=mine)
    everyone = {item.code: item for item in peers.position.indicators}["S1"].groups["all"]
    expected = strip_chart(
        values=[float(v) for v in peers.compared["S1"].tolist()],
        own=50.0,
        q1=everyone.q1,
        median=everyone.median,
        q3=everyone.q3,
        width=STRIP_WIDTH,
    )
    assert '<svg class="strip"' in row
    assert f'<circle cx="{expected["own"]}"' in row  # coordinates written with a dot, in French too
    assert f'<rect x="{expected["box"]["x"]}"' in row
    assert row.count('y1="5" x2=') == len(expected["ticks"])
    svg = row[row.index("<svg") : row.index("</svg>")]
    assert not re.search(r'="\d+,\d+"', svg)  # never a decimal comma in the SVG
    # Every category is one tap away.
    nav = page[page.index('id="bench-nav"') : page.index("</nav>", page.index('id="bench-nav"'))]
    for code in ("S", "G", "F", "V", "R"):
        assert f'href="#bench-{code}"' in nav and f'id="bench-{code}"' in page


def test_the_report_and_the_page_draw_the_strip_with_one_template(population, manager):
    from django.template.loader import get_template

    for name in ("reports/assessment.html", "labelling/assessment_benchmark.html"):
        source = get_template(name).template.source
        assert '{% include "includes/strip_chart.html"' in source and 'stroke-width="1.4"' not in source


@pytest.mark.parametrize(
    ("language", "sentence"),
    [("fr", "médiane {}\u202f; Q1 – Q3\u202f: {} – {}"), ("en", "median {}; Q1 – Q3: {} – {}")],
)
def test_each_indicator_folds_its_peers_figures_for_a_phone(population, manager, client_for, language, sentence):
    """At 390 px a row is a card (value, strip, percentile); the median and quartiles of each group are in a
    <details> of the row: the figures of the wide screen's columns, in a sentence."""
    client = client_for(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    page = client.get(reverse("labelling:assessment_benchmark", args=[population["mine"].pk])).content.decode()
    row = page.split('id="bench-row-S1"')[1].split("</tr>")[0]
    folded = row[row.index('<td class="bench-more">') :]
    assert "<details>" in folded and "<summary>" in folded
    median, quartiles, kind_median, kind_quartiles = re.findall(r"<td>([^<]*)</td>", row)
    kind_percentile = re.search(r'<td class="percentile kind">(\d+)</td>', row)[1]
    figures = [re.sub(r"[ \n]+", " ", dd).strip(" \n") for dd in re.findall(r"<dd>(.*?)</dd>", folded, re.S)]
    percentile = "\u202f; centile " if language == "fr" else "; percentile "
    assert figures == [
        sentence.format(median, *quartiles.split(" – ")),
        sentence.format(kind_median, *kind_quartiles.split(" – ")) + percentile + kind_percentile,
    ]
    assert figures[0].startswith(("médiane 50", "median 50"))  # 10, 20, 80 and 90 beside its own 50
    for label in ("own-value", "strip-cell", "percentile all"):  # labelled without site.js too
        assert re.search(rf'<td class="{label}"\s+data-label="[^"]+"', row), label
