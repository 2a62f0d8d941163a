"""The audit trail read as sentences: each event (who, what, before, after) becomes a translated sentence in the
reader's language, with numbers in the reader's convention ("Sophie Garnier a corrigé S3 : 285 → 280 —
justification : …") and a level's options by their labels in the assessment's framework ("a répondu à V4 : — →
Co-construite"). A read only: the events stay as they were recorded (JSON before/after).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, npgettext

from clusters.models import Cluster, FinancingYear, Member, TeamYear
from indicators import values
from indicators.spec import FrameworkSpec
from labelling.models import Assessment, Level

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
    "committee": gettext_lazy("Awarding committee"),
    "appeal": gettext_lazy("Appeals"),
    "area": gettext_lazy("Areas of improvement (Silver)"),
    "improvement": gettext_lazy("Improvement plan"),
    "prerequisites": gettext_lazy("Prerequisites"),
    "visit": gettext_lazy("Interview or visit"),
    "findings": gettext_lazy("Expert's findings"),
    "yearly_report": gettext_lazy("Yearly reports"),
    "contract": gettext_lazy("Performance contracts"),
    "programme": gettext_lazy("Reports shared with programmes"),
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


def datetime_text(iso) -> str:
    """A recorded ISO date and time in the reader's short format, in the site's time zone."""
    try:
        moment = datetime.datetime.fromisoformat(str(iso))
    except ValueError:
        return value_text(iso)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "SHORT_DATETIME_FORMAT")


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except (InvalidOperation, ValueError):
        return False
    return text.strip() not in ("", "NaN", "Infinity", "-Infinity")


def _fields(data) -> str:
    return ", ".join(sorted(str(k) for k in (data or {})))


# The record whose fields an action's event names, by the action's first part: a changed field is written with
# the model's own (translated) name, never the code's key ("created", "member_fees").
RECORDS = {
    "cluster": Cluster,
    "member": Member,
    "team_year": TeamYear,
    "financing_year": FinancingYear,
    "assessment": Assessment,
}
# The actions whose target is a person's user name: the sentence names the person (``names`` of event_sentence).
PERSON_TARGETS = frozenset({"assessment.assigned", "assessment.second_assigned", "assessment.resubmitted"})


def field_label(model, key: str) -> str:
    """A recorded field's name in the reader's language (the model field's verbose name; the key itself for a
    field the model no longer has)."""
    if isinstance(model, dict):  # the fields of a record labelling does not import, named here
        return str(model.get(key, key))
    try:
        return str(model._meta.get_field(key).verbose_name) if model is not None else key
    except Exception:  # noqa: BLE001 - FieldDoesNotExist and reverse relations: the key as recorded
        return key


def _changes(before, after, model=None) -> str:
    """``field: old → new`` for the fields that differ, each field by its name in the reader's language."""
    before, after = before or {}, after or {}
    parts = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            parts.append(
                _("%(field)s: %(before)s → %(after)s")
                % {
                    "field": field_label(model, key),
                    "before": value_text(before.get(key)),
                    "after": value_text(after.get(key)),
                }
            )
    return "; ".join(parts)


def names_needed(events) -> set[str]:
    """The user names the sentences of ``events`` write as people (for ``accounts.selectors.people_names``)."""
    return {event.target for event in events if event.action in PERSON_TARGETS and event.target}


def audit_rows(events, specs: dict[int, FrameworkSpec], names: dict[str, str] | None = None) -> list[dict]:
    """The rows of a trail's page: each event with its sentence; ``specs``: the framework of each event's
    assessment, by assessment id (``labelling.selectors.framework_specs_of``); ``names``: the people the events
    name, by user name (``accounts.selectors.people_names`` of ``names_needed``)."""
    return [
        {"event": event, "sentence": event_sentence(event, specs.get(event.assessment_id), names)} for event in events
    ]


@dataclass(frozen=True)
class _Event:
    """What a sentence is written from: the event's parts, read once."""

    who: str
    target: str
    before: dict
    after: dict
    spec: FrameworkSpec | None
    model: type | None = None

    def params(self, **extra) -> dict:
        return {"who": self.who, "target": self.target, **extra}

    def answer(self, key: str) -> str:
        """An answer's value recorded after the change, the way the reader names it."""
        return answer_text(self.spec, self.target, self.after.get(key))

    def changes(self) -> str:
        return _changes(self.before, self.after, self.model)


def _answer_declared(e: _Event) -> str:
    text = _("%(who)s answered %(target)s: %(before)s → %(after)s.") % e.params(
        before=answer_text(e.spec, e.target, e.before.get("value")), after=e.answer("value")
    )
    if (e.after.get("comment") or "") != (e.before.get("comment") or "") and e.after.get("comment"):
        text += " " + _("Comment: %(comment)s") % {"comment": e.after["comment"]}
    return text


def _answer_accepted(e: _Event) -> str:
    text = _("%(who)s accepted %(target)s as declared (%(value)s).") % e.params(value=e.answer("validated"))
    if e.after.get("bulk"):
        text += " " + _("(with the rest of its category)")
    return text


def _assessment_created(e: _Event) -> str:
    text = _("%(who)s started the assessment for %(year)s.") % e.params(year=e.after.get("reference_year", e.target))
    if e.after.get("previous"):
        files = int(e.after.get("evidence_copied") or 0)
        text += " " + ngettext(
            "(a renewal: the answers and %(files)d evidence file copied)",
            "(a renewal: the answers and %(files)d evidence files copied)",
            files,
        ) % {"files": files}
    return text


def _changes_requested(e: _Event) -> str:
    """Whole sentences whatever was recorded: never « requested changes: — On V12. »."""
    requests = list(e.after.get("requests") or {})
    comment = (e.after.get("comment") or "").strip()
    if requests:
        text = _("%(who)s requested changes on %(codes)s.") % e.params(codes=", ".join(requests))
    else:
        text = _("%(who)s requested changes.") % e.params()
    if comment:
        text += " " + _("Comment: %(comment)s") % {"comment": comment}
    return text


def _members_imported(e: _Event) -> str:
    counts = {key: int(e.after.get(key) or 0) for key in ("created", "updated", "unchanged")}
    parts = [
        npgettext("members imported", "%(counter)s created", "%(counter)s created", counts["created"]),
        npgettext("members imported", "%(counter)s updated", "%(counter)s updated", counts["updated"]),
        npgettext("members imported", "%(counter)s unchanged", "%(counter)s unchanged", counts["unchanged"]),
    ]
    texts = [part % {"counter": counts[key]} for part, key in zip(parts, counts, strict=True)]
    return _("%(who)s imported members: %(changes)s.") % e.params(changes=", ".join(texts))


def _decided(e: _Event) -> str:
    score = e.after.get("score")
    text = _("%(who)s decided the level %(level)s (computed: %(computed)s; score %(score)s).") % e.params(
        level=level_text(e.after.get("level", e.target)),
        computed=level_text(e.after.get("computed_level")),
        # 98 % in French, 98% in English (indicators.values, as every percentage).
        score=values.format_percent(Decimal(str(score))) if _is_number(str(score)) else "—",
    )
    if e.after.get("reason"):
        text += " " + _("Reason: %(reason)s") % {"reason": e.after["reason"]}
    return text


def _label_awarded(e: _Event) -> str:
    text = _("Label %(number)s awarded: %(level)s, valid through %(end)s.") % {
        "number": e.target,
        "level": level_text(e.after.get("level")),
        "end": date_text(e.after.get("expires_on")),
    }
    if e.after.get("conditions_until"):
        text += " " + _("Granted with conditions, reviewed on %(date)s.") % {
            "date": date_text(e.after["conditions_until"])
        }
    return text


# One sentence per action: the action's dotted name → the sentence written from the event.
# The awarding committee's outcomes (committee.models.Outcome), named here: labelling never imports the committee.
COMMITTEE_OUTCOMES = {
    "granted": gettext_lazy("granted"),
    "conditional": gettext_lazy("granted with conditions"),
    "refused": gettext_lazy("refused"),
    "deferred": gettext_lazy("deferred"),
}


def _committee_outcome(code: str) -> str:
    return str(COMMITTEE_OUTCOMES.get(code, code))


# The decisions a cluster appeals (appeals.models.Ground), named here: labelling never imports the appeals.
APPEAL_GROUNDS = {
    "refused": gettext_lazy("the refusal"),
    "conditional": gettext_lazy("the conditional grant"),
    "lower_level": gettext_lazy("the level lower than the one applied for"),
    "revoked": gettext_lazy("the revocation of the label"),
}


def _appeal_ground(code: str) -> str:
    return str(APPEAL_GROUNDS.get(code, code))


def _appeal_decided(e: _Event) -> str:
    if e.target == "overturned":
        text = _("%(who)s overturned the decision on appeal.") % e.params()
        if e.after.get("label"):
            text += " " + _("Label %(number)s: %(level)s.") % {
                "number": e.after["label"],
                "level": level_text(e.after.get("level")),
            }
    else:
        text = _("%(who)s upheld the decision on appeal.") % e.params()
    if e.after.get("reason"):
        text += " " + _("Reason: %(reason)s") % {"reason": e.after["reason"]}
    return text


# The assessor's verdicts on Silver's areas of improvement (areas.models.Verdict), named here: labelling never imports
# the areas.
AREA_VERDICTS = {
    "demonstrated": gettext_lazy("demonstrated"),
    "not_demonstrated": gettext_lazy("not demonstrated"),
}


def _area_verdict(e) -> str:
    verdict = e.after.get("verdict", "")
    return _("%(who)s judged the area of improvement “%(target)s”: %(verdict)s — %(comment)s") % e.params(
        verdict=str(AREA_VERDICTS.get(verdict, verdict)), comment=e.after.get("verdict_comment") or "—"
    )


# The improvement plan's actions (improvement.models.Action): their fields and statuses, named here.
IMPROVEMENT_FIELDS = {
    "indicator": gettext_lazy("indicator"),
    "description": gettext_lazy("description"),
    "owner": gettext_lazy("owner"),
    "due_on": gettext_lazy("due date"),
    "status": gettext_lazy("status"),
    "progress_note": gettext_lazy("progress note"),
}
IMPROVEMENT_STATUSES = {
    "not_started": gettext_lazy("not started"),
    "in_progress": gettext_lazy("in progress"),
    "done": gettext_lazy("done"),
}


def _improvement_values(values: dict) -> dict:
    values = dict(values or {})
    if values.get("status"):
        values["status"] = str(IMPROVEMENT_STATUSES.get(values["status"], values["status"]))
    if values.get("due_on"):
        values["due_on"] = date_text(values["due_on"])
    return values


def _improvement_updated(e: _Event) -> str:
    changes = _changes(_improvement_values(e.before), _improvement_values(e.after), IMPROVEMENT_FIELDS)
    return _("%(who)s updated the action “%(target)s” of the improvement plan: %(changes)s.") % e.params(
        changes=changes
    )


def _with_reason(text: str, e: _Event) -> str:
    if e.after.get("reason"):
        text += " " + _("Reason: %(reason)s") % {"reason": e.after["reason"]}
    return text


def _visit_proposed(e: _Event) -> str:
    slots = e.after.get("slots") or []
    return ngettext(
        "%(who)s proposed %(count)d slot for the interview or visit: %(slots)s.",
        "%(who)s proposed %(count)d slots for the interview or visit: %(slots)s.",
        len(slots),
    ) % e.params(count=len(slots), slots=", ".join(datetime_text(slot[0]) for slot in slots if slot) or "—")


def _visit_declined(e: _Event) -> str:
    text = _("%(who)s asked for other slots for the interview or visit.") % e.params()
    if e.after.get("comment"):
        text += " " + _("Comment: %(comment)s") % {"comment": e.after["comment"]}
    return text


def _findings_written(e: _Event) -> str:
    if e.before:
        return _("%(who)s updated the expert's findings.") % e.params()
    return _("%(who)s wrote the expert's findings.") % e.params()


SENTENCES: dict[str, Callable[[_Event], str]] = {
    "answer.corrected": lambda e: (
        _("%(who)s corrected %(target)s: %(declared)s → %(validated)s — justification: %(justification)s")
        % e.params(
            declared=e.answer("declared"),
            validated=e.answer("validated"),
            justification=e.after.get("justification") or "—",
        )
    ),
    "answer.accepted": _answer_accepted,
    "answer.declared": _answer_declared,
    "assessment.created": _assessment_created,
    "assessment.submitted": lambda e: _("%(who)s submitted the assessment for review.") % e.params(),
    "assessment.resubmitted": lambda e: (
        _("%(who)s submitted the assessment again, back to %(target)s; changed since the request: %(codes)s.")
        % e.params(codes=value_text(e.after.get("changed")) if e.after.get("changed") else _("nothing"))
    ),
    "assessment.assigned": lambda e: _("%(who)s assigned the assessment to %(target)s.") % e.params(),
    "assessment.second_assigned": lambda e: _("%(who)s made %(target)s the second assessor.") % e.params(),
    "assessment.changes_requested": _changes_requested,
    "assessment.validated": lambda e: (
        _("%(who)s validated the assessment (recommended level: %(level)s).")
        % e.params(level=level_text(e.after.get("recommended_level")))
    ),
    "assessment.decided": _decided,
    "assessment.proposals_refreshed": lambda e: (
        _("The values proposed from the records were updated for %(codes)s (saved by %(who)s).")
        % e.params(codes=value_text(e.after.get("changed")))
    ),
    "assessment.eligibility": lambda e: (
        _("%(who)s changed the eligibility: %(changes)s.") % e.params(changes=e.changes())
    ),
    "assessment.withdrawn": lambda e: (
        _("%(who)s withdrew the draft assessment for %(year)s.") % e.params(year=e.target)
    ),
    "evidence.added": lambda e: _("%(who)s attached %(file)s to %(target)s.") % e.params(file=e.after.get("file", "")),
    "evidence.deleted": lambda e: (
        _("%(who)s removed %(file)s from %(target)s.") % e.params(file=e.before.get("file", ""))
    ),
    "review.no_conflict_declared": lambda e: _("%(who)s declared no conflict of interest.") % e.params(),
    "review.conflict_declared": lambda e: (
        _("%(who)s declared a conflict of interest and was unassigned: %(reason)s")
        % e.params(reason=e.after.get("reason") or "—")
    ),
    "review.countersigned": lambda e: _("%(who)s countersigned the review.") % e.params(),
    "review.disagreed": lambda e: (
        _("%(who)s disagreed with the review: %(reason)s") % e.params(reason=e.after.get("disagreement") or "—")
    ),
    "label.awarded": _label_awarded,
    "label.superseded": lambda e: (
        _("Label %(number)s replaced by %(new)s.") % {"number": e.target, "new": e.after.get("superseded_by", "—")}
    ),
    "label.expired": lambda e: _("Label %(number)s expired.") % {"number": e.target},
    "label.revoked": lambda e: (
        _("%(who)s revoked the label %(number)s: %(reason)s")
        % e.params(number=e.target, reason=e.after.get("reason") or "—")
    ),
    "label.conditions_met": lambda e: (
        _("%(who)s recorded that the conditions of the label %(number)s are met: it is no longer conditional.")
        % e.params(number=e.target)
    ),
    "committee.case_added": lambda e: (
        _("%(who)s put the assessment on the agenda of the awarding committee of %(date)s (proposed level: %(level)s).")
        % e.params(date=date_text(e.target), level=level_text(e.after.get("proposed_level", "")))
    ),
    "committee.conflict_declared": lambda e: (
        _("%(who)s declared a conflict of interest on the committee's case.") % e.params()
    ),
    "committee.case_decided": lambda e: (
        _("%(who)s recorded the awarding committee's decision: %(outcome)s.")
        % e.params(outcome=_committee_outcome(e.target))
    ),
    "appeal.lodged": lambda e: (
        _("%(who)s appealed %(ground)s (last day to appeal: %(deadline)s).")
        % e.params(ground=_appeal_ground(e.target), deadline=date_text(e.after.get("deadline")))
    ),
    "appeal.question_asked": lambda e: (
        _("%(who)s asked the cluster about its appeal: %(question)s")
        % e.params(question=e.after.get("question") or "—")
    ),
    "appeal.question_answered": lambda e: (
        _("%(who)s answered the question on the appeal: %(answer)s") % e.params(answer=e.after.get("answer") or "—")
    ),
    "appeal.decided": _appeal_decided,
    "assessment.decision_revised": lambda e: (
        _("%(who)s revised the decision on appeal: %(before)s → %(level)s. Reason: %(reason)s")
        % e.params(
            before=level_text(e.before.get("level")),
            level=level_text(e.after.get("level", e.target)),
            reason=e.after.get("reason") or "—",
        )
    ),
    "label.restored": lambda e: (
        _("%(who)s restored the label %(number)s on appeal: %(reason)s")
        % e.params(number=e.target, reason=e.after.get("reason") or "—")
    ),
    "area.added": lambda e: (
        _("%(who)s added the area of improvement “%(target)s” (%(indicator)s).")
        % e.params(indicator=e.after.get("indicator", "—"))
    ),
    "area.changed": lambda e: _("%(who)s changed the area of improvement “%(target)s”.") % e.params(),
    "area.removed": lambda e: _("%(who)s removed the area of improvement “%(target)s”.") % e.params(),
    "area.judged": _area_verdict,
    "improvement.seeded": lambda e: (
        _(
            "The improvement plan took in the decision on the %(year)s assessment. Actions added for criteria not "
            "fully met: %(criteria)s; for the expert's recommendations: %(recommendations)s."
        )
        % e.params(
            year=e.target,
            criteria=value_text(e.after.get("criteria", 0)),
            recommendations=value_text(e.after.get("recommendations", 0)),
        )
    ),
    "improvement.action_created": lambda e: (
        _("%(who)s added the action “%(target)s” to the improvement plan.") % e.params()
    ),
    "improvement.action_updated": _improvement_updated,
    "improvement.evidence_added": lambda e: (
        _("%(who)s attached %(target)s to an action of the improvement plan.") % e.params()
    ),
    "improvement.evidence_deleted": lambda e: (
        _("%(who)s removed %(target)s from an action of the improvement plan.") % e.params()
    ),
    "cluster.update": lambda e: _("%(who)s updated the profile: %(changes)s.") % e.params(changes=e.changes()),
    "member.create": lambda e: _("%(who)s added the member %(target)s.") % e.params(),
    "member.update": lambda e: _("%(who)s updated the member %(target)s: %(changes)s.") % e.params(changes=e.changes()),
    "member.activate": lambda e: _("%(who)s reactivated the member %(target)s.") % e.params(),
    "member.deactivate": lambda e: _("%(who)s deactivated the member %(target)s.") % e.params(),
    "members.import": _members_imported,
    "team_year.create": lambda e: _("%(who)s recorded the team and governance facts of %(target)s.") % e.params(),
    "team_year.update": lambda e: (
        _("%(who)s updated the team and governance facts of %(target)s: %(changes)s.") % e.params(changes=e.changes())
    ),
    "financing_year.create": lambda e: _("%(who)s recorded the financing of %(target)s.") % e.params(),
    "financing_year.update": lambda e: (
        _("%(who)s updated the financing of %(target)s: %(changes)s.") % e.params(changes=e.changes())
    ),
    "prerequisites.exempted": lambda e: (
        _("%(who)s exempted the cluster from the prerequisites: %(reason)s")
        % e.params(reason=e.after.get("reason") or "—")
    ),
    "prerequisites.exemption_withdrawn": lambda e: (
        _("%(who)s withdrew the cluster's exemption from the prerequisites.") % e.params()
    ),
    "visit.proposed": _visit_proposed,
    "visit.accepted": lambda e: (
        _("%(who)s accepted the slot of %(start)s for the interview or visit.")
        % e.params(start=datetime_text(e.after.get("starts_at")))
    ),
    "visit.declined": _visit_declined,
    "visit.moved": lambda e: _with_reason(
        _("%(who)s moved the interview or visit to %(start)s.")
        % e.params(start=datetime_text(e.after.get("starts_at"))),
        e,
    ),
    "visit.cancelled": lambda e: _with_reason(_("%(who)s cancelled the interview or visit.") % e.params(), e),
    "findings.written": _findings_written,
    "committee.session_created": lambda e: (
        _("%(who)s scheduled the awarding committee of %(date)s.") % e.params(date=date_text(e.target))
    ),
    "committee.session_closed": lambda e: (
        _("%(who)s closed the awarding committee of %(date)s.") % e.params(date=date_text(e.target))
    ),
    "committee.attendance_recorded": lambda e: (
        _("%(who)s recorded who attended the awarding committee of %(date)s.") % e.params(date=date_text(e.target))
    ),
    "yearly_report.start": lambda e: _("%(who)s started the yearly report %(target)s.") % e.params(),
    "yearly_report.update": lambda e: _("%(who)s updated the yearly report %(target)s.") % e.params(),
    "yearly_report.submit": lambda e: _("%(who)s submitted the yearly report %(target)s.") % e.params(),
    "yearly_report.resubmit": lambda e: _("%(who)s submitted the yearly report %(target)s again.") % e.params(),
    "yearly_report.approve": lambda e: _("%(who)s approved the yearly report %(target)s.") % e.params(),
    "yearly_report.return": lambda e: _("%(who)s returned the yearly report %(target)s for changes.") % e.params(),
    "yearly_report.proof_added": lambda e: _("%(who)s attached %(target)s to a yearly report.") % e.params(),
    "contract.create": lambda e: (
        _("%(who)s recorded the performance contract with the programme %(target)s.") % e.params()
    ),
    "contract.update": lambda e: (
        _("%(who)s updated the performance contract with the programme %(target)s.") % e.params()
    ),
    "contract.targets": lambda e: (
        _("%(who)s updated the targets of the performance contract with the programme %(target)s.") % e.params()
    ),
    "programme.report_shared": lambda e: (
        _("%(who)s shared the assessment report with the programme %(target)s.") % e.params()
    ),
    "programme.report_withdrawn": lambda e: (
        _("%(who)s stopped sharing the assessment report with the programme %(target)s.") % e.params()
    ),
}


def event_sentence(event, spec: FrameworkSpec | None = None, names: dict[str, str] | None = None) -> str:
    """One event as a sentence in the current language (``SENTENCES``; an action without one: who, the action and
    its target); ``spec``: the framework of the event's assessment, which names a level's options (without it,
    their codes); ``names``: people by user name, for the actions whose target is a person."""
    target = event.target
    if event.action in PERSON_TARGETS and names:
        target = names.get(target, target)
    e = _Event(
        who=actor_name(event.actor),
        target=target,
        model=RECORDS.get(event.action.split(".", 1)[0]),
        before=event.before if isinstance(event.before, dict) else {},
        after=event.after if isinstance(event.after, dict) else {},
        spec=spec,
    )
    sentence = SENTENCES.get(event.action)
    if sentence is None:
        return _("%(who)s: %(action)s %(target)s") % e.params(action=event.action)
    return sentence(e)
