"""The audit trail read as sentences: each event (who, what, before, after) becomes a translated sentence in the
reader's language, with numbers in the reader's convention ("Sophie Garnier a corrigé S3 : 285 → 280 —
justification : …") and a level's options by their labels in the assessment's framework ("a répondu à V4 : — →
Co-construite"). A read only: the events stay as they were recorded (JSON before/after).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from indicators import values
from indicators.spec import FrameworkSpec
from labelling.models import Level

# The kinds of events a reader can filter on, by the first part of the action ("answer.corrected" → answer).
ACTION_GROUPS = {
    "assessment": gettext_lazy("Assessment steps"),
    "answer": gettext_lazy("Answers and reviews"),
    "review": gettext_lazy("Conflicts of interest and countersignatures"),
    "evidence": gettext_lazy("Evidence files"),
    "label": gettext_lazy("Labels"),
    "cluster": gettext_lazy("Cluster profile"),
    "member": gettext_lazy("Members"),
    "members": gettext_lazy("Member imports"),
    "team_year": gettext_lazy("Team and governance"),
    "financing_year": gettext_lazy("Financing"),
}


def actor_name(actor) -> str:
    if actor is None:
        return "Grappe"
    return actor.get_full_name() or actor.username


def value_text(value) -> str:
    """A recorded value as the reader writes it: numbers in their convention, "—" for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | Decimal) or (isinstance(value, str) and _is_number(value)):
        number = Decimal(str(value))
        number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
        return number_format(number, use_l10n=True)
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    return str(value)


def answer_text(spec: FrameworkSpec | None, code: str, value) -> str:
    """An answer's recorded value: a level's option by its label in the reader's language (the code itself when
    the framework ``spec`` has no such indicator or option any more), anything else as :func:`value_text`."""
    if spec is not None and isinstance(value, str) and value:
        try:
            indicator = spec.indicator(code)
        except KeyError:
            return value_text(value)
        if indicator.value_type == "level":
            return values.format_value(indicator, value)
    return value_text(value)


def level_text(code) -> str:
    """A level's name ("Gold", "Or") from its recorded code."""
    if not code:
        return "—"
    return str(Level(code).label) if code in Level.values else str(code)


def date_text(iso) -> str:
    """A recorded ISO date in the reader's short format."""
    try:
        return date_format(datetime.date.fromisoformat(str(iso)), "SHORT_DATE_FORMAT")
    except ValueError:
        return value_text(iso)


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except (InvalidOperation, ValueError):
        return False
    return text.strip() not in ("", "NaN", "Infinity", "-Infinity")


def _fields(data) -> str:
    return ", ".join(sorted(str(k) for k in (data or {})))


def _changes(before, after) -> str:
    """``field: old → new`` for the fields that differ."""
    before, after = before or {}, after or {}
    parts = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            parts.append(
                _("%(field)s: %(before)s → %(after)s")
                % {"field": key, "before": value_text(before.get(key)), "after": value_text(after.get(key))}
            )
    return "; ".join(parts)


def audit_rows(events, specs: dict[int, FrameworkSpec]) -> list[dict]:
    """The rows of a trail's page: each event with its sentence; ``specs``: the framework of each event's
    assessment, by assessment id (``labelling.selectors.framework_specs_of``)."""
    return [{"event": event, "sentence": event_sentence(event, specs.get(event.assessment_id))} for event in events]


def event_sentence(event, spec: FrameworkSpec | None = None) -> str:
    """One event as a sentence in the current language; ``spec``: the framework of the event's assessment, which
    names a level's options (without it, their codes)."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    who = actor_name(event.actor)
    target = event.target
    params = {"who": who, "target": target}
    action = event.action
    if action == "answer.corrected":
        text = _("%(who)s corrected %(target)s: %(declared)s → %(validated)s — justification: %(justification)s") % {
            **params,
            "declared": answer_text(spec, target, after.get("declared")),
            "validated": answer_text(spec, target, after.get("validated")),
            "justification": after.get("justification") or "—",
        }
    elif action == "answer.accepted":
        text = _("%(who)s accepted %(target)s as declared (%(value)s).") % {
            **params,
            "value": answer_text(spec, target, after.get("validated")),
        }
        if after.get("bulk"):
            text += " " + _("(with the rest of its category)")
    elif action == "answer.declared":
        text = _("%(who)s answered %(target)s: %(before)s → %(after)s.") % {
            **params,
            "before": answer_text(spec, target, before.get("value")),
            "after": answer_text(spec, target, after.get("value")),
        }
        if (after.get("comment") or "") != (before.get("comment") or "") and after.get("comment"):
            text += " " + _("Comment: %(comment)s") % {"comment": after["comment"]}
    elif action == "assessment.created":
        text = _("%(who)s started the assessment for %(year)s.") % {
            **params,
            "year": after.get("reference_year", target),
        }
        if after.get("previous"):
            files = int(after.get("evidence_copied") or 0)
            text += " " + ngettext(
                "(a renewal: the answers and %(files)d evidence file copied)",
                "(a renewal: the answers and %(files)d evidence files copied)",
                files,
            ) % {"files": files}
    elif action == "assessment.submitted":
        text = _("%(who)s submitted the assessment for review.") % params
    elif action == "assessment.resubmitted":
        text = _(
            "%(who)s submitted the assessment again, back to %(target)s; changed since the request: %(codes)s."
        ) % {
            **params,
            "codes": value_text(after.get("changed")) if after.get("changed") else _("nothing"),
        }
    elif action == "assessment.assigned":
        text = _("%(who)s assigned the assessment to %(target)s.") % params
    elif action == "assessment.second_assigned":
        text = _("%(who)s made %(target)s the second assessor.") % params
    elif action == "assessment.changes_requested":
        requests = after.get("requests") or {}
        text = _("%(who)s requested changes: %(comment)s") % {**params, "comment": after.get("comment") or "—"}
        if requests:
            text += " " + _("On %(codes)s.") % {"codes": ", ".join(requests)}
    elif action == "assessment.validated":
        text = _("%(who)s validated the assessment (recommended level: %(level)s).") % {
            **params,
            "level": level_text(after.get("recommended_level")),
        }
    elif action == "assessment.decided":
        text = _("%(who)s decided the level %(level)s (computed: %(computed)s; score %(score)s %%).") % {
            **params,
            "level": level_text(after.get("level", target)),
            "computed": level_text(after.get("computed_level")),
            "score": value_text(after.get("score")),
        }
        if after.get("reason"):
            text += " " + _("Reason: %(reason)s") % {"reason": after["reason"]}
    elif action == "assessment.proposals_refreshed":
        text = _("The values proposed from the records were updated for %(codes)s (saved by %(who)s).") % {
            **params,
            "codes": value_text(after.get("changed")),
        }
    elif action == "assessment.eligibility":
        text = _("%(who)s changed the eligibility: %(changes)s.") % {**params, "changes": _changes(before, after)}
    elif action == "assessment.withdrawn":
        text = _("%(who)s withdrew the draft assessment for %(year)s.") % {**params, "year": target}
    elif action == "evidence.added":
        text = _("%(who)s attached %(file)s to %(target)s.") % {**params, "file": after.get("file", "")}
    elif action == "evidence.deleted":
        text = _("%(who)s removed %(file)s from %(target)s.") % {**params, "file": before.get("file", "")}
    elif action == "review.no_conflict_declared":
        text = _("%(who)s declared no conflict of interest.") % params
    elif action == "review.conflict_declared":
        text = _("%(who)s declared a conflict of interest and was unassigned: %(reason)s") % {
            **params,
            "reason": after.get("reason") or "—",
        }
    elif action == "review.countersigned":
        text = _("%(who)s countersigned the review.") % params
    elif action == "review.disagreed":
        text = _("%(who)s disagreed with the review: %(reason)s") % {
            **params,
            "reason": after.get("disagreement") or "—",
        }
    elif action == "label.awarded":
        text = _("Label %(number)s awarded: %(level)s, valid through %(end)s.") % {
            "number": target,
            "level": level_text(after.get("level")),
            "end": date_text(after.get("expires_on")),
        }
    elif action == "label.superseded":
        text = _("Label %(number)s replaced by %(new)s.") % {"number": target, "new": after.get("superseded_by", "—")}
    elif action == "label.expired":
        text = _("Label %(number)s expired.") % {"number": target}
    elif action == "label.revoked":
        text = _("%(who)s revoked the label %(number)s: %(reason)s") % {
            **params,
            "number": target,
            "reason": after.get("reason") or "—",
        }
    elif action == "cluster.update":
        text = _("%(who)s updated the profile: %(changes)s.") % {**params, "changes": _changes(before, after)}
    elif action == "member.create":
        text = _("%(who)s added the member %(target)s.") % params
    elif action == "member.update":
        text = _("%(who)s updated the member %(target)s: %(changes)s.") % {**params, "changes": _changes(before, after)}
    elif action in ("member.activate", "member.deactivate"):
        text = (
            _("%(who)s reactivated the member %(target)s.")
            if action == "member.activate"
            else _("%(who)s deactivated the member %(target)s.")
        ) % params
    elif action == "members.import":
        text = _("%(who)s imported members: %(changes)s.") % {
            **params,
            "changes": _changes({}, after) or _fields(after),
        }
    elif action == "team_year.create":
        text = _("%(who)s recorded the team and governance facts of %(target)s.") % params
    elif action == "team_year.update":
        text = _("%(who)s updated the team and governance facts of %(target)s: %(changes)s.") % {
            **params,
            "changes": _changes(before, after),
        }
    elif action == "financing_year.create":
        text = _("%(who)s recorded the financing of %(target)s.") % params
    elif action == "financing_year.update":
        text = _("%(who)s updated the financing of %(target)s: %(changes)s.") % {
            **params,
            "changes": _changes(before, after),
        }
    else:
        text = _("%(who)s: %(action)s %(target)s") % {**params, "action": action}
    return text
