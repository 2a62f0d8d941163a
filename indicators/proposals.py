"""Values the self-assessment form proposes from a cluster's records (pure Python, no ORM).

The rules are those of the "from data" column of indicators.md. Each proposal carries a short explanation
giving the figures it was computed from, so that the manager can check it before confirming it. The
explanation is stored as message keys and their parameters (:class:`Explanation`, JSON-safe) and written in
the reader's language each time it is read: an English reader sees English whoever computed it.
An indicator whose records do not allow a value (no active member, no team facts for the year, a zero
budget, no year founded …) is simply absent from the result.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext_lazy, ngettext_lazy

from core.places import region_name
from indicators import values

COMPANY_TYPES = ("sme", "large")
PRIVATE_SOURCES = ("member_fees", "paid_services", "other_private")
SOURCES = ("state", "regional", "eu", *PRIVATE_SOURCES)
# G6: a company counts as stable when it joined at least this many years before the end of the reference year.
STABLE_MEMBERSHIP_YEARS = 2
# V2: a strategy is current when adopted at most this many years before the end of the reference year.
CURRENT_STRATEGY_YEARS = 3


# The sentences of the explanations, by key. A plural sentence names the parameter that chooses the form.
MESSAGES = {
    "S2": ngettext_lazy(
        "%(companies)d company (SME or large company) of %(active)d active members.",
        "%(companies)d companies (SMEs and large companies) of %(active)d active members.",
        "companies",
    ),
    "S3": ngettext_lazy(
        "%(active)d active member in the records.", "%(active)d active members in the records.", "active"
    ),
    "S4": ngettext_lazy(
        "%(same)d of %(active)d active members is in the cluster's region (%(region)s).",
        "%(same)d of %(active)d active members are in the cluster's region (%(region)s).",
        "same",
    ),
    "G1": gettext_lazy("Reference year %(year)d − year founded %(founded)d."),
    "G2": gettext_lazy("%(fte)s FTE of management staff in %(year)d."),
    "G3": ngettext_lazy(
        "%(degree)d of %(headcount)d staff has a higher-education degree (%(year)d).",
        "%(degree)d of %(headcount)d staff have a higher-education degree (%(year)d).",
        "degree",
    ),
    "G6": gettext_lazy(
        "%(stable)d of %(companies)d active member companies (SMEs and large companies) joined on or before "
        "%(cutoff)s, i.e. at least 2 years before the end of %(year)d."
    ),
    "G6.undated": ngettext_lazy(
        "%(undated)d without a membership date is counted as recent.",
        "%(undated)d without a membership date are counted as recent.",
        "undated",
    ),
    "G7": ngettext_lazy(
        "%(company)d of %(seats)d board seats is held by a member company (%(year)d).",
        "%(company)d of %(seats)d board seats are held by member companies (%(year)d).",
        "company",
    ),
    "F2": gettext_lazy(
        "Member fees, paid services and other private funds: €%(private)s of a budget of €%(total)s in %(year)d."
    ),
    "V2.none": gettext_lazy("No documented strategy recorded for %(year)d."),
    "V2.current": gettext_lazy("Strategy adopted on %(adopted)s, at most 3 years before the end of %(year)d."),
    "V2.outdated": gettext_lazy("Strategy adopted on %(adopted)s, more than 3 years before the end of %(year)d."),
}
# Typed parameters, kept JSON-safe and written for the reader: {"number": "2.5"}, {"money": "200000"},
# {"date": "2023-12-31"}, {"region": "24"}; plain ints and strings are used as they are.
_TYPED = ("number", "money", "date", "region")


def _typed(kind: str, value) -> dict[str, str]:
    if kind == "date":
        return {"date": value.isoformat()}
    if kind in ("number", "money"):
        return {kind: values.plain(Decimal(value))}
    return {kind: str(value)}


def _shown(param):
    if not isinstance(param, dict) or len(param) != 1:
        return param
    kind, raw = next(iter(param.items()))
    if kind == "number":
        return values.format_number(Decimal(raw))
    if kind == "money":
        return values.format_number(Decimal(raw).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if kind == "date":
        return formats.date_format(datetime.date.fromisoformat(raw), "DATE_FORMAT")
    if kind == "region":
        return region_name(raw)
    return raw


class Explanation:
    """Sentences as message keys and parameters; ``str()`` writes them in the active language.

    ``to_json()`` is what the database keeps (a list of ``{"key", "params"}``); ``from_json`` reads it back, and
    reads a plain text (an explanation stored before keys existed) as itself."""

    __slots__ = ("parts",)

    def __init__(self, *parts: tuple[str, dict]):
        self.parts = tuple((key, dict(params)) for key, params in parts)

    def render(self) -> str:
        sentences = []
        for key, params in self.parts:
            if key == "text":
                sentences.append(str(params.get("text", "")))
                continue
            message = MESSAGES.get(key)
            if message is None:
                continue
            sentences.append(str(message % {name: _shown(value) for name, value in params.items()}))
        return " ".join(sentence for sentence in sentences if sentence)

    __str__ = render

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __eq__(self, other) -> bool:
        if isinstance(other, Explanation):
            return self.parts == other.parts
        if isinstance(other, str):
            return self.render() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __contains__(self, text: str) -> bool:
        return text in self.render()

    def __repr__(self) -> str:
        return f"Explanation{self.parts!r}"

    def to_json(self) -> list[dict]:
        return [{"key": key, "params": params} for key, params in self.parts]

    @classmethod
    def from_json(cls, data) -> Explanation:
        if not data:
            return cls()
        if isinstance(data, str):
            return cls(("text", {"text": data}))
        return cls(*((part.get("key", ""), part.get("params", {})) for part in data if isinstance(part, dict)))


@dataclass(frozen=True)
class Proposal:
    value: Decimal | str
    explanation: Explanation


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


def _active(members: Iterable[MemberRecord]) -> list[MemberRecord]:
    return [m for m in members if m.active]


def _s2(records: ClusterRecords, reference_year: int) -> Proposal | None:
    active = _active(records.members)
    if not active:
        return None
    companies = sum(1 for m in active if m.member_type in COMPANY_TYPES)
    return Proposal(
        percentage(companies, len(active)),
        Explanation(("S2", {"companies": companies, "active": len(active)})),
    )


def _s3(records: ClusterRecords, reference_year: int) -> Proposal | None:
    active = _active(records.members)
    if not active:
        return None
    return Proposal(Decimal(len(active)), Explanation(("S3", {"active": len(active)})))


def _s4(records: ClusterRecords, reference_year: int) -> Proposal | None:
    active = _active(records.members)
    if not active or not records.region:
        return None
    same = sum(1 for m in active if m.region == records.region)
    return Proposal(
        percentage(same, len(active)),
        Explanation(("S4", {"same": same, "active": len(active), "region": _typed("region", records.region)})),
    )


def _g1(records: ClusterRecords, reference_year: int) -> Proposal | None:
    if records.year_founded is None or records.year_founded > reference_year:
        return None
    return Proposal(
        Decimal(reference_year - records.year_founded),
        Explanation(("G1", {"year": reference_year, "founded": records.year_founded})),
    )


def _g2(records: ClusterRecords, reference_year: int) -> Proposal | None:
    if records.team is None or records.team.staff_fte is None:
        return None
    fte = Decimal(records.team.staff_fte).normalize()
    if fte == fte.to_integral_value():
        fte = fte.quantize(Decimal(1))
    return Proposal(
        fte,
        Explanation(("G2", {"fte": _typed("number", fte), "year": reference_year})),
    )


def _g3(records: ClusterRecords, reference_year: int) -> Proposal | None:
    team = records.team
    if team is None or not team.staff_headcount or team.staff_with_degree is None:
        return None
    return Proposal(
        percentage(team.staff_with_degree, team.staff_headcount),
        Explanation(
            ("G3", {"degree": team.staff_with_degree, "headcount": team.staff_headcount, "year": reference_year})
        ),
    )


def _g6(records: ClusterRecords, reference_year: int) -> Proposal | None:
    companies = [m for m in _active(records.members) if m.member_type in COMPANY_TYPES]
    if not companies:
        return None
    cutoff = _years_before_end_of(reference_year, STABLE_MEMBERSHIP_YEARS)
    stable = sum(1 for m in companies if m.member_since is not None and m.member_since <= cutoff)
    undated = sum(1 for m in companies if m.member_since is None)
    parts = [
        (
            "G6",
            {"stable": stable, "companies": len(companies), "cutoff": _typed("date", cutoff), "year": reference_year},
        )
    ]
    if undated:
        parts.append(("G6.undated", {"undated": undated}))
    return Proposal(percentage(stable, len(companies)), Explanation(*parts))


def _g7(records: ClusterRecords, reference_year: int) -> Proposal | None:
    team = records.team
    if team is None or not team.board_seats or team.board_company_seats is None:
        return None
    return Proposal(
        percentage(team.board_company_seats, team.board_seats),
        Explanation(("G7", {"company": team.board_company_seats, "seats": team.board_seats, "year": reference_year})),
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
        Explanation(
            ("F2", {"private": _typed("money", private), "total": _typed("money", total), "year": reference_year})
        ),
    )


def _v2(records: ClusterRecords, reference_year: int) -> Proposal | None:
    team = records.team
    if team is None:
        return None
    if not team.strategy_document:
        return Proposal("none", Explanation(("V2.none", {"year": reference_year})))
    if team.strategy_adopted_on is None:
        return None
    cutoff = _years_before_end_of(reference_year, CURRENT_STRATEGY_YEARS)
    adopted = _typed("date", team.strategy_adopted_on)
    if team.strategy_adopted_on >= cutoff:
        return Proposal(
            "current",
            Explanation(("V2.current", {"adopted": adopted, "year": reference_year})),
        )
    return Proposal(
        "outdated",
        Explanation(("V2.outdated", {"adopted": adopted, "year": reference_year})),
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
