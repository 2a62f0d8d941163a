"""One answer's values as the scoring engine takes them, and what an answer still asks for.

Pure functions of an ``Answer`` already read (with its indicator): no query, no write. Selectors, services,
presenters and serializers all read an answer's declared, proposed and validated values here.

Values travel as the engine takes them (``indicators.computations.Value``): a number for ``int``/``dec``/``pct``
indicators, an option code for ``level`` ones, ``None`` when unanswered.
"""

from __future__ import annotations

from decimal import Decimal

from indicators import values
from labelling.models import Answer


def engine_value(indicator, number: Decimal | None, option: str):
    """A stored answer column pair (number, option) as the scoring engine takes it."""
    if indicator.value_type == "level":
        return option or None
    if number is None:
        return None
    if indicator.value_type == "int":
        return int(number)
    return values.normalise(number)


def answer_declared(answer: Answer):
    """What the manager declared."""
    return engine_value(answer.indicator, answer.declared_number, answer.declared_option)


def answer_proposed(answer: Answer):
    """What the cluster's records propose."""
    return engine_value(answer.indicator, answer.proposed_number, answer.proposed_option)


def answer_validated(answer: Answer):
    """The validated value (None while not reviewed)."""
    return engine_value(answer.indicator, answer.validated_number, answer.validated_option)


def answer_validated_or_declared(answer: Answer):
    """The validated value when the assessor gave one, else the declared one."""
    validated = answer_validated(answer)
    return validated if validated is not None else answer_declared(answer)


def answer_previous_value(answer: Answer, previous_answer: Answer | None):
    """What the answer was last time (``previous_answer``: the same indicator's answer in the previous assessment)."""
    if previous_answer is None:
        return None
    return answer_validated_or_declared(previous_answer)


def answer_is_override(answer: Answer) -> bool:
    """The manager declared something else than what the records propose."""
    proposed = answer_proposed(answer)
    declared = answer_declared(answer)
    if proposed is None or declared is None:
        return False
    if answer.indicator.value_type == "level":
        return proposed != declared
    return Decimal(proposed) != Decimal(declared)


def answer_needs_comment(answer: Answer) -> bool:
    return answer_is_override(answer) and not answer.comment.strip()


def answer_needs_review(answer: Answer) -> bool:
    """Not reviewed yet, or accepted before the manager changed the declared value (after a change request)."""
    if not answer.reviewed:
        return True
    if answer.justification.strip():
        return False  # a correction stands on its own
    return answer_validated(answer) != answer_declared(answer)


def indicator_expects_evidence(indicator) -> bool:
    """Evidence is expected for every baseline indicator and for every value not computed from the records.

    (A value proposed from the cluster's records is proven by those records; the others by a document.)
    """
    return bool(indicator.baseline or not indicator.from_data)


def value_display(*, indicator, value) -> str:
    """A value as the pages show it, in the reader's language (level: the option's label)."""
    return values.format_value(indicator, value)


def proposal_fields(*, indicator, proposal) -> tuple[Decimal | None, str, list]:
    """``(proposed_number, proposed_option, proposal_explanation)`` of an answer for a proposal from the
    cluster's records (or None): a proposal that the indicator's type or range refuses is not offered."""
    if proposal is None:
        return None, "", []
    try:
        proposed = values.clean(indicator, proposal.value)
    except values.InvalidValue:
        return None, "", []
    if proposed is None:
        return None, "", []
    explanation = proposal.explanation.to_json()
    if indicator.value_type == "level":
        return None, proposed, explanation
    return Decimal(proposed).quantize(Decimal("0.001")), "", explanation


def proposal_set(answer: Answer, fields: tuple[Decimal | None, str, list]) -> bool:
    """Put ``proposal_fields``' values on the answer (in memory); whether they changed."""
    number, option, explanation = fields
    old_number = answer.proposed_number
    same_number = (old_number is None and number is None) or (
        old_number is not None and number is not None and Decimal(old_number) == number
    )
    # The explanation is kept as message keys and figures (written in the reader's language when read).
    if same_number and answer.proposed_option == option and answer.proposal_explanation == explanation:
        return False
    answer.proposed_number, answer.proposed_option, answer.proposal_explanation = number, option, explanation
    return True


def json_value(value):
    """A value as the audit trail and the API store it (a Decimal as its plain string)."""
    if isinstance(value, Decimal):
        return values.plain(value)
    return value
