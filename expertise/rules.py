"""Who may do what in the expert's process (registered with ``accounts.permissions`` when the app is ready)."""

from accounts.permissions import is_administrator, register_all

register_all(
    {
        # record or withdraw a cluster's exemption from the prerequisites to apply
        "prerequisites.exempt": lambda u, _=None: is_administrator(u),
    }
)
