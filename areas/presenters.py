"""Shaping for the areas' pages and panels: the rows a template draws, from what the selectors read (queries
nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from areas.forms import VerdictForm, VersionForm
from areas.models import AREAS_MINIMUM, ImprovementArea


@dataclass
class AreaRow:
    area: ImprovementArea
    number: int  # 1, 2, 3… in the order written
    verdict_form: VerdictForm | None  # the assessor's form, while they may judge
    delete_form: VersionForm | None  # the manager's, while they may edit


def area_rows(
    areas: list[ImprovementArea], *, may_edit: bool, may_judge: bool, forms: dict | None = None
) -> list[AreaRow]:
    """One row per area; ``forms``: a bound verdict form of an area whose verdict was refused (shown with what was
    typed)."""
    forms = forms or {}
    rows = []
    for number, area in enumerate(areas, start=1):
        verdict_form = None
        if may_judge:
            verdict_form = forms.get(area.pk) or VerdictForm(
                auto_id=f"id_area{area.pk}_%s",
                initial={"verdict": area.verdict, "comment": area.verdict_comment, "version": area.version},
            )
        delete_form = VersionForm(auto_id=f"id_delete{area.pk}_%s", initial={"version": area.version})
        rows.append(AreaRow(area, number, verdict_form, delete_form if may_edit else None))
    return rows


def areas_progress(state) -> dict:
    """The figures a panel shows: written of the minimum, judged, demonstrated."""
    return {
        "count": state.count,
        "minimum": AREAS_MINIMUM,
        "judged": state.judged,
        "demonstrated": state.demonstrated,
        "enough": state.count >= AREAS_MINIMUM,
    }
