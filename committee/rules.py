"""Who may do what with the awarding committee (registered with ``accounts.permissions`` when the app is ready).

Administrators create sessions, put validated assessments on their agendas and close them; the session's chair (an
administrator) records each case's decision; a committee member sees only the sessions they sit on (404 elsewhere)
and declares their conflicts of interest there. A committee member gets nothing of the labelling desk: no
capability of ``labelling/rules.py`` names them."""

from accounts.permissions import is_administrator, is_committee_member, register_all, sits_on


def _session_of(obj):
    return getattr(obj, "session", obj)


def _chairs(user, session) -> bool:
    return session is not None and is_administrator(user) and session.chair_id == user.pk


register_all(
    {
        # obj: None (the list; creating a session; adding to and closing one)
        "committee.manage": lambda u, _=None: is_administrator(u),
        # obj: a user: who may chair a session, who may sit on one
        "committee.chair": lambda u, _=None: is_administrator(u),
        "committee.sit": lambda u, _=None: is_committee_member(u),
        # obj: a CommitteeSession (or a Case: its session)
        "committee_session.view": lambda u, s: is_administrator(u) or sits_on(u, _session_of(s)),
        # obj: a Case: the chair records the committee's decision
        "committee_case.decide": lambda u, c: _chairs(u, _session_of(c)),
        # obj: a Case: an administrator records a conditional label's conditions met, or revokes the label
        "committee_case.follow_up": lambda u, _=None: is_administrator(u),
        # obj: a CommitteeSession: its minutes (administrators and the session's members)
        "committee_session.minutes": lambda u, s: is_administrator(u) or sits_on(u, _session_of(s)),
        # obj: a Case: the members and the chair declare a conflict of interest on it
        "committee_case.declare_conflict": lambda u, c: sits_on(u, _session_of(c)) or _chairs(u, _session_of(c)),
    }
)
