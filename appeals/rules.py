"""Who may do what with appeals (registered with ``accounts.permissions`` when the app is ready).

A manager lodges an appeal against a decision on one of their clusters' assessments and answers the administrator's
questions; an administrator who took no part in the decision appealed handles it (asks, upholds or overturns).
Administrators and the cluster's managers see the appeal; nobody else (404)."""

from accounts.permissions import is_administrator, is_manager, manages, register_all


def _handles(user, appeal) -> bool:
    return appeal is not None and is_administrator(user) and user.pk not in appeal.recused_ids()


register_all(
    {
        # obj: None: the list of appeals (each lists only what they may see)
        "appeal.list": lambda u, _=None: is_administrator(u) or is_manager(u),
        # obj: an Assessment: a manager of its cluster appeals one of its decisions
        "appeal.lodge": lambda u, a: a is not None and manages(u, a.cluster),
        # obj: an Appeal
        "appeal.view": lambda u, a: a is not None and (is_administrator(u) or manages(u, a.cluster)),
        "appeal.handle": _handles,
        "appeal.answer": lambda u, a: a is not None and manages(u, a.cluster),
    }
)
