"""Values proposed from a cluster's records (indicators.proposals: pure, no database)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from indicators.proposals import (
    ClusterRecords,
    FinancingRecord,
    MemberRecord,
    TeamRecord,
    compute_proposals,
    percentage,
)

YEAR = 2025


def members(*specs):
    """specs: (count, type, region, member_since, active)"""
    result = []
    for count, member_type, region, since, active in specs:
        result += [MemberRecord(member_type=member_type, region=region, member_since=since, active=active)] * count
    return tuple(result)


def team(**overrides):
    values = dict(
        staff_fte=Decimal("4.50"),
        staff_headcount=5,
        staff_with_degree=4,
        board_seats=20,
        board_company_seats=12,
        strategy_document=True,
        strategy_adopted_on=datetime.date(2024, 1, 15),
    )
    values.update(overrides)
    return TeamRecord(**values)


@pytest.fixture(autouse=True)
def _english():
    """Explanations are written when read: the assertions read them in English."""
    with translation.override("en"):
        yield


def propose(records, year=YEAR):
    with translation.override("en"):
        return compute_proposals(records, reference_year=year)


@pytest.fixture
def typical():
    return ClusterRecords(
        region="24",
        year_founded=2005,
        members=members(
            (60, "sme", "24", datetime.date(2015, 3, 1), True),
            (24, "large", "11", datetime.date(2024, 6, 1), True),
            (20, "research", "24", datetime.date(2010, 1, 1), True),
            (8, "public", "24", None, True),
            (30, "sme", "24", datetime.date(2010, 1, 1), False),
        ),
        team=team(),
        financing=FinancingRecord(
            state=Decimal("150000"),
            regional=Decimal("200000"),
            eu=Decimal("50000"),
            member_fees=Decimal("120000"),
            paid_services=Decimal("60000"),
            other_private=Decimal("20000"),
        ),
    )


def test_s2_is_the_share_of_companies_among_active_members(typical):
    proposal = propose(typical)["S2"]
    assert proposal.value == Decimal("75.0")  # 84 / 112
    assert proposal.explanation == "84 companies (SMEs and large companies) of 112 active members."


def test_s3_counts_the_active_members_only(typical):
    proposal = propose(typical)["S3"]
    assert proposal.value == Decimal(112)
    assert "112 active members" in proposal.explanation


def test_s4_is_the_share_of_active_members_in_the_cluster_region(typical):
    proposal = propose(typical)["S4"]
    assert proposal.value == Decimal("78.6")  # 88 / 112 = 78.571…
    assert proposal.explanation == "88 of 112 active members are in the cluster's region (Centre-Val de Loire)."


def test_g1_is_the_reference_year_minus_the_year_founded(typical):
    proposal = propose(typical)["G1"]
    assert proposal.value == Decimal(20)
    assert "2025" in proposal.explanation and "2005" in proposal.explanation


def test_g2_is_the_staff_fte_of_the_reference_year(typical):
    proposal = propose(typical)["G2"]
    assert proposal.value == Decimal("4.5")
    assert proposal.explanation == "4.5 FTE of management staff in 2025."


def test_g2_shows_a_whole_number_of_fte_without_decimals():
    records = ClusterRecords(team=team(staff_fte=Decimal("10.00")))
    assert str(propose(records)["G2"].value) == "10"


def test_g3_is_the_share_of_staff_with_a_degree(typical):
    proposal = propose(typical)["G3"]
    assert proposal.value == Decimal("80.0")
    assert proposal.explanation == "4 of 5 staff have a higher-education degree (2025)."


def test_g6_counts_companies_that_joined_at_least_two_years_before_the_end_of_the_year(typical):
    proposal = propose(typical)["G6"]
    # 60 SMEs joined in 2015 (stable), 24 large companies joined in 2024 (recent): 60 / 84
    assert proposal.value == Decimal("71.4")
    assert "on or before 31 Dec 2023" in proposal.explanation
    assert "60 of 84 active member companies" in proposal.explanation


def test_g6_boundary_is_the_31st_of_december_two_years_before():
    records = ClusterRecords(
        members=members(
            (1, "sme", "", datetime.date(2023, 12, 31), True),
            (1, "sme", "", datetime.date(2024, 1, 1), True),
        )
    )
    assert propose(records)["G6"].value == Decimal("50.0")


def test_g6_counts_companies_without_a_membership_date_as_recent_and_says_so():
    records = ClusterRecords(
        members=members((3, "sme", "", datetime.date(2010, 1, 1), True), (1, "large", "", None, True))
    )
    proposal = propose(records)["G6"]
    assert proposal.value == Decimal("75.0")
    assert "1 without a membership date is counted as recent." in proposal.explanation


def test_g7_is_the_share_of_board_seats_held_by_member_companies(typical):
    proposal = propose(typical)["G7"]
    assert proposal.value == Decimal("60.0")
    assert proposal.explanation == "12 of 20 board seats are held by member companies (2025)."


def test_f2_is_the_private_share_of_the_budget(typical):
    proposal = propose(typical)["F2"]
    # (120,000 + 60,000 + 20,000) / 600,000 = 33.33…
    assert proposal.value == Decimal("33.3")
    assert proposal.explanation == (
        "Member fees, paid services and other private funds: €200,000 of a budget of €600,000 in 2025."
    )


def test_percentages_round_half_up_to_one_decimal():
    assert percentage(1, 8) == Decimal("12.5")
    assert percentage(1, 16) == Decimal("6.3")  # 6.25 -> 6.3, not banker's 6.2
    assert percentage(2, 3) == Decimal("66.7")
    assert percentage(0, 7) == Decimal("0.0")


@pytest.mark.parametrize(
    ("adopted", "expected"),
    [
        (datetime.date(2025, 6, 1), "current"),
        (datetime.date(2022, 12, 31), "current"),  # exactly 3 years before the end of 2025
        (datetime.date(2022, 12, 30), "outdated"),
        (datetime.date(2015, 1, 1), "outdated"),
    ],
)
def test_v2_depends_on_the_age_of_the_documented_strategy(adopted, expected):
    records = ClusterRecords(team=team(strategy_adopted_on=adopted))
    proposal = propose(records)["V2"]
    assert proposal.value == expected
    assert f"{adopted:%Y}" in proposal.explanation


def test_v2_is_none_when_there_is_no_documented_strategy():
    records = ClusterRecords(team=team(strategy_document=False, strategy_adopted_on=None))
    assert propose(records)["V2"].value == "none"


def test_all_ten_rules_apply_to_complete_records(typical):
    assert set(propose(typical)) == {"S2", "S3", "S4", "G1", "G2", "G3", "G6", "G7", "F2", "V2"}


# --- what cannot be computed is absent ------------------------------------------------------------


def test_no_member_proposal_without_active_members():
    records = ClusterRecords(region="24", members=members((5, "sme", "24", datetime.date(2010, 1, 1), False)))
    result = propose(records)
    assert not {"S2", "S3", "S4", "G6"} & set(result)


def test_s4_is_absent_when_the_cluster_has_no_region():
    records = ClusterRecords(region="", members=members((5, "sme", "24", None, True)))
    result = propose(records)
    assert "S4" not in result and "S3" in result


def test_g6_is_absent_when_no_active_member_is_a_company():
    records = ClusterRecords(members=members((5, "research", "24", datetime.date(2010, 1, 1), True)))
    result = propose(records)
    assert "G6" not in result
    assert result["S2"].value == Decimal("0.0")


def test_g1_is_absent_without_a_year_founded_or_when_founded_after_the_reference_year():
    assert "G1" not in propose(ClusterRecords(year_founded=None))
    assert "G1" not in propose(ClusterRecords(year_founded=2026))
    assert propose(ClusterRecords(year_founded=2025))["G1"].value == Decimal(0)


def test_team_proposals_are_absent_without_team_facts_for_the_year():
    result = propose(ClusterRecords(team=None))
    assert not {"G2", "G3", "G7", "V2"} & set(result)


def test_g3_is_absent_without_headcount_or_degree_count():
    assert "G3" not in propose(ClusterRecords(team=team(staff_headcount=0, staff_with_degree=0)))
    assert "G3" not in propose(ClusterRecords(team=team(staff_headcount=None)))
    assert "G3" not in propose(ClusterRecords(team=team(staff_with_degree=None)))


def test_g7_is_absent_without_board_seats():
    assert "G7" not in propose(ClusterRecords(team=team(board_seats=0, board_company_seats=0)))
    assert "G7" not in propose(ClusterRecords(team=team(board_seats=None)))
    assert "G7" not in propose(ClusterRecords(team=team(board_company_seats=None)))


def test_v2_is_absent_for_a_documented_strategy_without_a_date():
    assert "V2" not in propose(ClusterRecords(team=team(strategy_document=True, strategy_adopted_on=None)))


def test_f2_is_absent_without_financing_or_with_a_zero_budget():
    assert "F2" not in propose(ClusterRecords(financing=None))
    assert "F2" not in propose(ClusterRecords(financing=FinancingRecord()))


def test_nothing_is_proposed_from_empty_records():
    assert propose(ClusterRecords()) == {}


def test_explanations_write_numbers_and_dates_the_french_way_in_french():
    records = ClusterRecords(
        team=team(staff_fte=Decimal("2.5")),
        financing=FinancingRecord(state=Decimal("600000"), member_fees=Decimal("200000")),
        members=members((1, "sme", "", datetime.date(2010, 1, 1), True)),
    )
    result = compute_proposals(records, reference_year=2025)
    with translation.override("fr"):
        assert "2,5" in result["G2"].explanation
        assert "200\u202f000" in result["F2"].explanation
        assert "31 décembre 2023" in result["G6"].explanation
        assert "1 membre actif enregistré." == str(result["S3"].explanation)  # French singular (ngettext)


def test_an_explanation_is_kept_as_keys_and_figures_and_read_in_the_readers_language():
    from indicators.proposals import Explanation

    records = ClusterRecords(
        region="53", members=members((3, "sme", "53", None, True), (1, "public", "11", None, True))
    )
    with translation.override("fr"):
        stored = compute_proposals(records, reference_year=2025)["S4"].explanation.to_json()
    assert stored == [{"key": "S4", "params": {"same": 3, "active": 4, "region": {"region": "53"}}}]
    read = Explanation.from_json(stored)
    with translation.override("en"):
        assert str(read) == "3 of 4 active members are in the cluster's region (Brittany)."
    with translation.override("fr"):
        assert str(read) == "3 membres actifs sur 4 sont situés dans la région du cluster (Bretagne)."
    # a text stored before keys existed is shown as it was
    assert str(Explanation.from_json("Ancien texte.")) == "Ancien texte."
    assert not Explanation.from_json([])
