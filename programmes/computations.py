"""The yearly figures a programme computes from a cluster's records (pure Python, no ORM), with the explanation
shown beside each, as the self-assessment's proposals are (``indicators.proposals``: the same records, the same
rounding, the explanation kept as message keys and written in the reader's language).

The records are :class:`indicators.proposals.ClusterRecords`, read by ``clusters.selectors.cluster_records`` for
the report's year. A figure the records do not allow (no active member, no team or financing for the year, a
zero budget) is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy, ngettext_lazy

from indicators import values
from indicators.proposals import ClusterRecords, percentage

MESSAGES = {
    "members": ngettext_lazy(
        "%(active)d active member in the records.", "%(active)d active members in the records.", "active"
    ),
    "sme_members": ngettext_lazy(
        "%(smes)d SME among the %(active)d active members.",
        "%(smes)d SMEs among the %(active)d active members.",
        "smes",
    ),
    "staff": gettext_lazy("%(fte)s FTE of management staff in %(year)d (team and governance)."),
    "budget": gettext_lazy("Budget of %(year)d, all sources: €%(total)s (financing)."),
    "private_share": gettext_lazy(
        "Member fees, paid services and other private funds: €%(private)s of a budget of €%(total)s in %(year)d."
    ),
}


@dataclass(frozen=True)
class Computed:
    value: Decimal
    key: str
    params: dict

    def explanation(self) -> str:
        """The sentence, in the active language (numbers written for the reader)."""
        shown = {
            name: values.format_number(Decimal(value)) if name in ("fte", "total", "private") else value
            for name, value in self.params.items()
        }
        return str(MESSAGES[self.key] % shown)

    def to_json(self) -> dict:
        return {"key": self.key, "params": self.params}

    @classmethod
    def explanation_of(cls, data) -> str:
        if not isinstance(data, dict) or data.get("key") not in MESSAGES:
            return ""
        return cls(Decimal(0), data["key"], dict(data.get("params") or {})).explanation()


def _active(records: ClusterRecords):
    return [m for m in records.members if m.active]


def _members(records: ClusterRecords, year: int) -> Computed | None:
    active = _active(records)
    if not active:
        return None
    return Computed(Decimal(len(active)), "members", {"active": len(active)})


def _smes(records: ClusterRecords) -> tuple[int, int]:
    active = _active(records)
    return sum(1 for m in active if m.member_type == "sme"), len(active)


def _sme_members(records: ClusterRecords, year: int) -> Computed | None:
    smes, active = _smes(records)
    if not active:
        return None
    return Computed(Decimal(smes), "sme_members", {"smes": smes, "active": active})


def _sme_share(records: ClusterRecords, year: int) -> Computed | None:
    smes, active = _smes(records)
    if not active:
        return None
    return Computed(percentage(smes, active), "sme_members", {"smes": smes, "active": active})


def _staff(records: ClusterRecords, year: int) -> Computed | None:
    if records.team is None or records.team.staff_fte is None:
        return None
    fte = values.normalise(Decimal(records.team.staff_fte))
    return Computed(fte, "staff", {"fte": values.plain(fte), "year": year})


def _budget(records: ClusterRecords, year: int) -> Computed | None:
    if records.financing is None:
        return None
    total = values.normalise(records.financing.total)
    return Computed(total, "budget", {"total": values.plain(total), "year": year})


def _private_share(records: ClusterRecords, year: int) -> Computed | None:
    financing = records.financing
    if financing is None or financing.total <= 0:
        return None
    private, total = financing.private_total, financing.total
    return Computed(
        percentage(private, total),
        "private_share",
        {
            "private": values.plain(values.normalise(private)),
            "total": values.plain(values.normalise(total)),
            "year": year,
        },
    )


RULES: dict[str, Callable[[ClusterRecords, int], Computed | None]] = {
    "members": _members,
    "sme_members": _sme_members,
    "sme_share": _sme_share,
    "staff": _staff,
    "budget": _budget,
    "private_share": _private_share,
}
COMPUTED = tuple(RULES)


def compute(records: ClusterRecords, *, year: int, codes) -> dict[str, Computed]:
    """The computed figures of ``codes`` the records allow for ``year``, by code."""
    found = {}
    for code in codes:
        rule = RULES.get(code)
        if rule is None:
            continue
        figure = rule(records, year)
        if figure is not None:
            found[code] = figure
    return found
