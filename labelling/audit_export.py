"""The audit trail as CSV: every filtered event with its sentence in the reader's language (administrators)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from itertools import islice

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import people_names
from labelling.audit_sentences import actor_name, event_sentence, names_needed
from labelling.exporters import escape_cell
from labelling.selectors import framework_specs_of


class _Echo:
    def write(self, value):
        return value


def _with_specs(events: Iterator, batch: int = 500) -> Iterator[tuple]:
    """Each event with its assessment's framework and the people it names, read once a batch for the assessments
    and people not seen yet."""
    specs: dict = {}
    names: dict = {}
    while chunk := list(islice(events, batch)):
        specs.update(framework_specs_of(assessment_ids={e.assessment_id for e in chunk} - specs.keys()))
        names.update(people_names(usernames=names_needed(chunk) - names.keys()))
        for event in chunk:
            yield event, specs.get(event.assessment_id), names


def audit_csv_lines(events: QuerySet, *, delimiter: str = ",") -> Iterator[str]:
    """The events as CSV lines (header first): when, who, cluster, year, action, target, the sentence in the
    reader's language, and the recorded before/after as JSON. Cells are escaped against formulas. ``delimiter``:
    the reader's spreadsheet separator (``core.csv_dialect``), chosen by the view while the language is active."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
    header = [
        _("When"),
        _("Who"),
        _("Cluster"),
        _("Reference year"),
        _("Action"),
        _("Target"),
        _("What"),
        _("Before"),
        _("After"),
    ]
    yield "\ufeff" + writer.writerow([str(h) for h in header])
    for event, spec, names in _with_specs(events.iterator(chunk_size=500)):
        row = [
            timezone.localtime(event.created_at).isoformat(timespec="seconds"),
            actor_name(event.actor),
            event.cluster.name if event.cluster_id else "",
            event.assessment.reference_year if event.assessment_id else "",
            event.action,
            event.target,
            event_sentence(event, spec, names),
            json.dumps(event.before, ensure_ascii=False) if event.before is not None else "",
            json.dumps(event.after, ensure_ascii=False) if event.after is not None else "",
        ]
        yield writer.writerow([escape_cell(cell) for cell in row])
