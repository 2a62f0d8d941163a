"""The prerequisites to apply for a label (EUCLES, since November 2019), computed from the cluster's records for the
assessment's reference year: pure functions of the facts a selector read (``expertise.selectors.prerequisite_facts``).

The scoring engine's own "eligible" (legal entity, public profile, S3 ≥ 10) is not one of them: it stays as
``indicators.md`` defines it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

PREREQUISITE_CODES = ("eccp", "staff", "members", "triple_helix", "english")
MIN_STAFF_FTE = Decimal("0.5")
MIN_ACTIVE_MEMBERS = 15


@dataclass(frozen=True)
class PrerequisiteFacts:
    """What the records say, for one cluster and reference year."""

    reference_year: int
    eccp_url: str
    staff_fte: Decimal | None  # None: no team record for the year
    active_members: int
    company_members: int
    research_education_members: int
    description_en: str
    exemption: dict | None = None  # {"reason", "granted_by", "granted_at"}


@dataclass(frozen=True)
class Criterion:
    code: str
    met: bool
    value: object
    explanation: str
    label: str = ""


@dataclass(frozen=True)
class Prerequisites:
    criteria: list[Criterion] = field(default_factory=list)
    exemption: dict | None = None

    @property
    def all_met(self) -> bool:
        return all(c.met for c in self.criteria)

    @property
    def met(self) -> bool:
        """Whether the cluster may apply: every criterion met, or an exemption recorded."""
        return self.all_met or self.exemption is not None

    @property
    def unmet(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.met]

    def to_dict(self) -> dict:
        return {
            "met": self.met,
            "criteria": [
                {"code": c.code, "met": c.met, "value": c.value, "explanation": c.explanation} for c in self.criteria
            ],
            "exemption": self.exemption,
        }


def _fte(value: Decimal) -> str:
    return number_format(value.normalize() if value == value.to_integral() else value, use_l10n=True)


def prerequisites_evaluate(facts: PrerequisiteFacts) -> Prerequisites:
    """Each prerequisite met or not, with its figure and where it comes from (in the active language)."""
    year = facts.reference_year
    criteria = []
    if facts.eccp_url:
        criteria.append(
            Criterion(
                "eccp",
                True,
                facts.eccp_url,
                _("The cluster's profile on the ECCP: %(url)s (cluster profile).") % {"url": facts.eccp_url},
                _("ECCP profile"),
            )
        )
    else:
        criteria.append(
            Criterion(
                "eccp",
                False,
                None,
                _(
                    "No ECCP profile address in the cluster profile: list the cluster on clustercollaboration.eu "
                    "and enter its profile's address."
                ),
                _("ECCP profile"),
            )
        )
    if facts.staff_fte is None:
        criteria.append(
            Criterion(
                "staff",
                False,
                None,
                _("No team and governance record for %(year)d: enter the management staff (FTE) of that year.")
                % {"year": year},
                _("Management staff"),
            )
        )
    else:
        criteria.append(
            Criterion(
                "staff",
                facts.staff_fte >= MIN_STAFF_FTE,
                str(facts.staff_fte),
                _("%(fte)s FTE of management staff in %(year)d (team and governance record); at least %(min)s needed.")
                % {"fte": _fte(facts.staff_fte), "year": year, "min": _fte(MIN_STAFF_FTE)},
                _("Management staff"),
            )
        )
    criteria.append(
        Criterion(
            "members",
            facts.active_members >= MIN_ACTIVE_MEMBERS,
            facts.active_members,
            _("%(count)d active member organisations in %(year)d (members list); at least %(min)d needed.")
            % {"count": facts.active_members, "year": year, "min": MIN_ACTIVE_MEMBERS},
            _("Active members"),
        )
    )
    criteria.append(
        Criterion(
            "triple_helix",
            facts.company_members >= 1 and facts.research_education_members >= 1,
            {"companies": facts.company_members, "research_education": facts.research_education_members},
            _(
                "%(companies)d company members and %(research)d research, technology, university or training members "
                "(members list); at least one of each needed."
            )
            % {"companies": facts.company_members, "research": facts.research_education_members},
            _("Triple helix"),
        )
    )
    english = bool(facts.description_en.strip())
    criteria.append(
        Criterion(
            "english",
            english,
            english,
            _("The cluster profile has a description in English.")
            if english
            else _("The cluster profile has no description in English: write one."),
            _("English description"),
        )
    )
    return Prerequisites(criteria=criteria, exemption=facts.exemption)
