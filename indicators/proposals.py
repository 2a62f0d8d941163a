"""Values the self-assessment form proposes from a cluster's records (pure Python, no ORM).

The rules are those of the "from data" column of indicators.md. Each proposal carries a short translated
explanation giving the figures it was computed from, so that the manager can check it before confirming it.
An indicator whose records do not allow a value (no active member, no team facts for the year, a zero
budget, no year founded …) is simply absent from the result.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

COMPANY_TYPES = ("sme", "large")
PRIVATE_SOURCES = ("member_fees", "paid_services", "other_private")
SOURCES = ("state", "regional", "eu", *PRIVATE_SOURCES)
# G6: a company counts as stable when it joined at least this many years before the end of the reference year.
STABLE_MEMBERSHIP_YEARS = 2
# V2: a strategy is current when adopted at most this many years before the end of the reference year.
CURRENT_STRATEGY_YEARS = 3


@dataclass(frozen=True)
class Proposal:
    value: Decimal | str
    explanation: str


@dataclass(frozen=True)
class MemberRecord:
    member_type: str
    region: str = ""
    member_since: datetime.date | None = None
    active: bool = True


@dataclass(frozen=True)
class TeamRecord:
    staff_fte: Decimal
    staff_headcount: int | None = None
    staff_with_degree: int | None = None
    board_seats: int | None = None
    board_company_seats: int | None = None
    strategy_document: bool = False
    strategy_adopted_on: datetime.date | None = None


@dataclass(frozen=True)
class FinancingRecord:
    state: Decimal = Decimal(0)
    regional: Decimal = Decimal(0)
    eu: Decimal = Decimal(0)
    member_fees: Decimal = Decimal(0)
    paid_services: Decimal = Decimal(0)
    other_private: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return sum((Decimal(getattr(self, s)) for s in SOURCES), Decimal(0))

    @property
    def private_total(self) -> Decimal:
        return sum((Decimal(getattr(self, s)) for s in PRIVATE_SOURCES), Decimal(0))


@dataclass(frozen=True)
class ClusterRecords:
    """What the records say about a cluster for one reference year."""

    region: str = ""
    year_founded: int | None = None
    members: tuple[MemberRecord, ...] = field(default_factory=tuple)
    team: TeamRecord | None = None  # the team and governance facts of the reference year
    financing: FinancingRecord | None = None  # the financing of the reference year


def percentage(part: int | Decimal, whole: int | Decimal) -> Decimal:
    """part ÷ whole × 100, rounded to one decimal, halves up. ``whole`` must not be zero."""
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _years_before_end_of(reference_year: int, years: int) -> datetime.date:
    return datetime.date(reference_year - years, 12, 31)


def _money(amount: Decimal) -> str:
    """Whole euros, grouped the way of the active language (200,000 · 200 000)."""
    return formats.number_format(Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP), force_grouping=True)


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _active(members: Iterable[MemberRecord]) -> list[MemberRecord]:
    return [m for m in members if m.active]


def _s2(records: ClusterRecords, reference_year: int) -> Proposal | None:
    active = _active(records.members)
    if not active:
        return None
    companies = sum(1 for m in active if m.member_type in COMPANY_TYPES)
    return Proposal(
        percentage(companies, len(active)),
        _("%(companies)d companies (SMEs and large companies) of %(active)d active members.")
        % {"companies": companies, "active": len(active)},
    )


def _s3(records: ClusterRecords, reference_year: int) -> Proposal | None:
    active = _active(records.members)
    if not active:
        return None
    return Proposal(Decimal(len(active)), _("%(active)d active members in the records.") % {"active": len(active)})


def _s4(records: ClusterRecords, reference_year: int) -> Proposal | None:
    active = _active(records.members)
    if not active or not records.region:
        return None
    same = sum(1 for m in active if m.region == records.region)
    return Proposal(
        percentage(same, len(active)),
        _("%(same)d of %(active)d active members are in the cluster's region (%(region)s).")
        % {"same": same, "active": len(active), "region": records.region},
    )


def _g1(records: ClusterRecords, reference_year: int) -> Proposal | None:
    if records.year_founded is None or records.year_founded > reference_year:
        return None
    return Proposal(
        Decimal(reference_year - records.year_founded),
        _("Reference year %(year)d − year founded %(founded)d.")
        % {"year": reference_year, "founded": records.year_founded},
    )


def _g2(records: ClusterRecords, reference_year: int) -> Proposal | None:
    if records.team is None or records.team.staff_fte is None:
        return None
    fte = Decimal(records.team.staff_fte).normalize()
    if fte == fte.to_integral_value():
        fte = fte.quantize(Decimal(1))
    return Proposal(
        fte,
        _("%(fte)s FTE of management staff in %(year)d.") % {"fte": formats.number_format(fte), "year": reference_year},
    )


def _g3(records: ClusterRecords, reference_year: int) -> Proposal | None:
    team = records.team
    if team is None or not team.staff_headcount or team.staff_with_degree is None:
        return None
    return Proposal(
        percentage(team.staff_with_degree, team.staff_headcount),
        _("%(degree)d of %(headcount)d staff have a higher-education degree (%(year)d).")
        % {"degree": team.staff_with_degree, "headcount": team.staff_headcount, "year": reference_year},
    )


def _g6(records: ClusterRecords, reference_year: int) -> Proposal | None:
    companies = [m for m in _active(records.members) if m.member_type in COMPANY_TYPES]
    if not companies:
        return None
    cutoff = _years_before_end_of(reference_year, STABLE_MEMBERSHIP_YEARS)
    stable = sum(1 for m in companies if m.member_since is not None and m.member_since <= cutoff)
    undated = sum(1 for m in companies if m.member_since is None)
    explanation = _(
        "%(stable)d of %(companies)d active member companies (SMEs and large companies) joined on or before "
        "%(cutoff)s, i.e. at least 2 years before the end of %(year)d."
    ) % {"stable": stable, "companies": len(companies), "cutoff": _date(cutoff), "year": reference_year}
    if undated:
        explanation += " " + _("%(undated)d without a membership date are counted as recent.") % {"undated": undated}
    return Proposal(percentage(stable, len(companies)), explanation)


def _g7(records: ClusterRecords, reference_year: int) -> Proposal | None:
    team = records.team
    if team is None or not team.board_seats or team.board_company_seats is None:
        return None
    return Proposal(
        percentage(team.board_company_seats, team.board_seats),
        _("%(company)d of %(seats)d board seats are held by member companies (%(year)d).")
        % {"company": team.board_company_seats, "seats": team.board_seats, "year": reference_year},
    )


def _f2(records: ClusterRecords, reference_year: int) -> Proposal | None:
    financing = records.financing
    if financing is None:
        return None
    total = financing.total
    if total <= 0:
        return None
    private = financing.private_total
    return Proposal(
        percentage(private, total),
        _("Member fees, paid services and other private funds: €%(private)s of a budget of €%(total)s in %(year)d.")
        % {"private": _money(private), "total": _money(total), "year": reference_year},
    )


def _v2(records: ClusterRecords, reference_year: int) -> Proposal | None:
    team = records.team
    if team is None:
        return None
    if not team.strategy_document:
        return Proposal("none", _("No documented strategy recorded for %(year)d.") % {"year": reference_year})
    if team.strategy_adopted_on is None:
        return None
    cutoff = _years_before_end_of(reference_year, CURRENT_STRATEGY_YEARS)
    adopted = _date(team.strategy_adopted_on)
    if team.strategy_adopted_on >= cutoff:
        return Proposal(
            "current",
            _("Strategy adopted on %(adopted)s, at most 3 years before the end of %(year)d.")
            % {"adopted": adopted, "year": reference_year},
        )
    return Proposal(
        "outdated",
        _("Strategy adopted on %(adopted)s, more than 3 years before the end of %(year)d.")
        % {"adopted": adopted, "year": reference_year},
    )


RULES = {
    "S2": _s2,
    "S3": _s3,
    "S4": _s4,
    "G1": _g1,
    "G2": _g2,
    "G3": _g3,
    "G6": _g6,
    "G7": _g7,
    "F2": _f2,
    "V2": _v2,
}


def compute_proposals(records: ClusterRecords, *, reference_year: int) -> dict[str, Proposal]:
    """The proposals the records allow, by indicator code; codes that cannot be computed are absent."""
    proposals: dict[str, Proposal] = {}
    for code, rule in RULES.items():
        proposal = rule(records, reference_year)
        if proposal is not None:
            proposals[code] = proposal
    return proposals
