"""Every action the code records in the audit trail is read as a translated sentence.

The actions are found in the source (every ``audit_log(action=…)`` and every workflow step's ``_record(…)``), so an
action added without its sentence fails here instead of showing its code (« Marc Vasseur : findings.written ») on
an assessment's page."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import translation

from labelling.audit_sentences import ACTION_GROUPS, SENTENCES, event_sentence

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {"tests", ".venv", "node_modules", "migrations", "site", "static"}

# An action not written as a literal, with the actions it stands for; a new one must be listed here.
DYNAMIC = {
    # clusters.services._year_upsert, called for the team and governance facts and for the financing of a year.
    ("clusters/services.py", "f'{action}.create'"): {"team_year.create", "financing_year.create"},
    ("clusters/services.py", "f'{action}.update'"): {"team_year.update", "financing_year.update"},
    # labelling.services.workflow._record: its callers' actions are collected as the calls of _record.
    ("labelling/services/workflow.py", "action"): set(),
}


def _literals(node: ast.expr) -> set[str] | None:
    """The strings an action's expression can be, or None when it is not made of literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _literals(node.body), _literals(node.orelse)
        return None if body is None or orelse is None else body | orelse
    return None


def _recorded_actions() -> set[str]:
    actions: set[str] = set()
    unexplained = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED & set(relative.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "audit_log":
                expressions = [kw.value for kw in node.keywords if kw.arg == "action"]
            elif name == "_record" and relative.as_posix() == "labelling/services/workflow.py":
                expressions = node.args[2:3] + [kw.value for kw in node.keywords if kw.arg == "action"]
            else:
                continue
            for expression in expressions:
                found = _literals(expression)
                if found is None:
                    key = (relative.as_posix(), ast.unparse(expression))
                    if key not in DYNAMIC:
                        unexplained.append(f"{key[0]}:{node.lineno} {key[1]}")
                    found = DYNAMIC.get(key, set())
                actions |= found
    assert not unexplained, f"actions not written as literals, to list in DYNAMIC: {unexplained}"
    return actions


RECORDED = sorted(_recorded_actions())


def test_the_scan_finds_the_actions_of_every_app():
    prefixes = {action.split(".", 1)[0] for action in RECORDED}
    assert {"answer", "assessment", "review", "visit", "findings", "prerequisites", "yearly_report"} <= prefixes
    assert {"assessment.assigned", "team_year.update", "findings.written", "committee.session_created"} <= set(RECORDED)


def test_every_recorded_action_has_a_sentence_and_a_kind():
    assert [action for action in RECORDED if action not in SENTENCES] == []
    assert sorted({action.split(".", 1)[0] for action in RECORDED} - set(ACTION_GROUPS)) == []


@pytest.mark.parametrize("action", RECORDED)
def test_each_sentence_is_written_in_french_from_an_event_with_nothing_recorded(action):
    """Never the action's code, and translated: the French sentence is not the English one."""
    event = SimpleNamespace(
        action=action, target="X", before=None, after=None, actor=None, assessment_id=None, cluster_id=None
    )
    with translation.override("fr"):
        french = event_sentence(event)
    with translation.override("en"):
        english = event_sentence(event)
    assert action not in french and action not in english
    assert french != english
