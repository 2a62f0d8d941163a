"""Who may do what with clusters and their records (registered with ``accounts.permissions`` when the app is
ready)."""

from accounts.permissions import is_administrator, manages, register_all

register_all(
    {
        "cluster.view": lambda u, c: is_administrator(u) or manages(u, c),
        "cluster.edit": lambda u, c: is_administrator(u) or manages(u, c),
        "cluster.create": lambda u, _=None: is_administrator(u),
    }
)
