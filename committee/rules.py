"""Who may do what with the awarding committee (registered with ``accounts.permissions`` when the app is ready).

Administrators create sessions, put validated assessments on their agendas and close them; the session's chair (an
administrator) records who is present and each case's decision; a committee member sees only the sessions they sit
on (404 elsewhere), reads their cases (the assessment, its scores, the expert's findings, the report) and declares
their conflicts of interest there. A committee member gets nothing of the labelling desk: no capability of
``labelling/rules.py`` names them.

With the committee switched off (``settings.LABELLING_COMMITTEE``), nobody has any of these capabilities: the
committee's pages and API answer 404 and administrators decide the assessments directly."""

from django.conf import settings

from accounts.permissions import is_administrator, is_committee_member, register_all, sits_on


def committee_on() -> bool:
    """The labelling body decides through its awarding committee (on by default)."""
    return bool(settings.LABELLING_COMMITTEE)


def _session_of(obj):
    return getattr(obj, "session", obj)


def _chairs(user, session) -> bool:
    return session is not None and is_administrator(user) and session.chair_id == user.pk


def _on(rule):
    return lambda u, obj=None: committee_on() and rule(u, obj)


register_all(
    {
        # obj: None: the committee's pages and API open at all (the list of sessions: empty for the other roles)
        "committee.use": _on(lambda u, _=None: True),
        # obj: None (creating a session; adding to and closing one)
        "committee.manage": _on(lambda u, _=None: is_administrator(u)),
        # obj: a user: who may chair a session, who may sit on one
        "committee.chair": _on(lambda u, _=None: is_administrator(u)),
        "committee.sit": _on(lambda u, _=None: is_committee_member(u)),
        # obj: a CommitteeSession (or a Case: its session): the session, its agenda and its cases' files
        "committee_session.view": _on(lambda u, s: is_administrator(u) or sits_on(u, _session_of(s))),
        # obj: a CommitteeSession (or a Case): the chair records who is present
        "committee_session.preside": _on(lambda u, s: _chairs(u, _session_of(s))),
        # obj: a Case: the chair records the committee's decision
        "committee_case.decide": _on(lambda u, c: _chairs(u, _session_of(c))),
        # obj: a Case: an administrator records a conditional label's conditions met, or revokes the label
        "committee_case.follow_up": _on(lambda u, _=None: is_administrator(u)),
        # obj: a CommitteeSession: its minutes (administrators and the session's members)
        "committee_session.minutes": _on(lambda u, s: is_administrator(u) or sits_on(u, _session_of(s))),
        # obj: a Case: the members and the chair declare a conflict of interest on it
        "committee_case.declare_conflict": _on(lambda u, c: sits_on(u, _session_of(c)) or _chairs(u, _session_of(c))),
    }
)
