"""Who may manage the indicator frameworks (registered with ``accounts.permissions`` when the app is ready)."""

from accounts.permissions import is_administrator, register_all

register_all(
    {
        "framework.manage": lambda u, _=None: is_administrator(u),
    }
)
