"""Programmes, their indicator sets and the figures computed from the records; what an officer sees."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from clusters.selectors import cluster_records
from programmes.computations import compute
from programmes.indicator_sets import IndicatorSetError, indicator_set, parse_indicator_set, shipped_sets
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_two_shipped_sets_load_with_their_kinds_and_sources():
    sets = shipped_sets()
    assert set(sets) == {"poles-competitivite", "region-clusters"}
    poles = sets["poles-competitivite"]
    assert {"members", "sme_members", "sme_share", "staff", "budget", "private_share"} <= set(poles.codes)
    assert poles.indicator("rd_projects_labelled").source == "declared"
    assert poles.indicator("budget").kind == "money" and poles.indicator("sme_share").kind == "percentage"
    assert len(sets["region-clusters"].indicators) < len(poles.indicators)
    assert sets["region-clusters"].indicator("regional_plan").kind == "yesno"


def test_a_bad_set_file_reports_every_problem():
    with pytest.raises(IndicatorSetError) as caught:
        parse_indicator_set(
            {
                "code": "Bad Code",
                "name": {"fr": "x"},
                "indicators": [
                    {"code": "a", "name": {"fr": "A", "en": "A"}, "kind": "weight", "source": "declared"},
                    {"code": "a", "name": {"fr": "A", "en": "A"}, "kind": "count", "source": "computed"},
                ],
            }
        )
    errors = "\n".join(caught.value.errors)
    assert "code:" in errors and "name:" in errors and "kind" in errors
    assert "duplicate indicator a" in errors and "cannot be computed" in errors


def test_a_value_is_checked_against_its_kind():
    poles = indicator_set("poles-competitivite")
    assert poles.indicator("members").check(Decimal(-1))
    assert poles.indicator("members").check(Decimal("2.5"))
    assert poles.indicator("sme_share").check(Decimal("100.5"))
    assert poles.indicator("sme_share").check(Decimal(100)) is None
    assert poles.indicator("staff").check(Decimal("2.5")) is None


def _records_cluster():
    cluster = factories.ClusterFactory(name="Records")
    for i, (kind, active) in enumerate(
        [("sme", True), ("sme", True), ("sme", False), ("large", True), ("research", True)]
    ):
        factories.MemberFactory(cluster=cluster, name=f"M{i}", member_type=kind, active=active)
    factories.TeamYearFactory(cluster=cluster, year=2024, staff_fte=Decimal("3.5"))
    factories.FinancingYearFactory(
        cluster=cluster,
        year=2024,
        state=Decimal(100000),
        regional=Decimal(50000),
        eu=0,
        member_fees=Decimal(30000),
        paid_services=Decimal(20000),
        other_private=0,
    )
    return cluster


def test_the_computed_figures_equal_the_records():
    cluster = _records_cluster()
    figures = compute(
        cluster_records(cluster=cluster, reference_year=2024),
        year=2024,
        codes=indicator_set("poles-competitivite").codes,
    )
    assert figures["members"].value == 4
    assert figures["sme_members"].value == 2
    assert figures["sme_share"].value == Decimal("50.0")
    assert figures["staff"].value == Decimal("3.5")
    assert figures["budget"].value == Decimal(200000)
    assert figures["private_share"].value == Decimal("25.0")
    assert "rd_projects_labelled" not in figures  # declared
    with translation.override("fr"):
        assert figures["private_share"].explanation() == (
            "Cotisations, prestations payantes et autres fonds privés\u202f: "
            "50\u202f000 € sur un budget de 200\u202f000 € en 2024."
        )
    with translation.override("en"):
        assert figures["sme_members"].explanation() == "2 SMEs among the 4 active members."
    # no records for the year: nothing computed but the members
    figures = compute(cluster_records(cluster=cluster, reference_year=2023), year=2023, codes=["members", "budget"])
    assert set(figures) == {"members"}


def test_the_officer_s_cluster_page_shows_profile_labels_and_figures_never_members(client, world):
    officer = world.users["officer"]
    factories.MemberFactory(cluster=world.cluster, name="Secret member SAS")
    client.force_login(officer)
    with translation.override("en"):
        response = client.get(
            reverse("programmes:cluster", args=[world.programme.pk, world.cluster.pk]) + "?year=2025",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert world.label.certificate_number in page
    assert "active members in the records" in page
    assert "Validated scores by category" in page and "excellence score" in page
    assert "Secret member SAS" not in page
    assert "proof.pdf" not in page
    assert reverse("clusters:members", args=[world.cluster.pk]) not in page


def test_an_officer_lands_on_their_programmes(client, world):
    client.force_login(world.users["officer"])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("programmes:list")
    page = client.get(reverse("programmes:list")).content.decode()
    assert world.programme.name_fr in page
    assert reverse("programmes:list") in page  # the menu offers it


def test_a_programme_s_due_date_is_its_day_of_the_next_year():
    programme = factories.ProgrammeFactory.build(report_due_month=2, report_due_day=31)
    assert programme.due_date(2023) == datetime.date(2024, 2, 29)
    assert factories.ProgrammeFactory.build().due_date(2024) == datetime.date(2025, 3, 31)
    assert factories.ProgrammeFactory.build().years == [2023, 2024, 2025, 2026]


def test_values_are_written_for_the_reader():
    poles = indicator_set("poles-competitivite")
    assert poles.indicator("money_raised").format(Decimal("2000000.5"), language="fr") == "2\u202f000\u202f000,50 €"
    assert poles.indicator("budget").format(Decimal(600000), language="en") == "600,000 €"
    assert poles.indicator("sme_share").format(Decimal("45.5"), language="fr") == "45,5\u202f%"


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        ("1", "fr", "1 projet"),
        ("0", "fr", "0 projet"),
        ("2", "fr", "2 projets"),
        ("1", "en", "1 project"),
        ("0", "en", "0 projects"),
        ("12", "en", "12 projects"),
    ],
)
def test_a_count_of_one_reads_in_the_singular(value, language, expected):
    from decimal import Decimal

    from programmes.indicator_sets import indicator_set

    [projects] = [i for i in indicator_set("poles-competitivite").indicators if i.code == "eu_projects"]
    assert projects.format(Decimal(value), language=language) == expected
