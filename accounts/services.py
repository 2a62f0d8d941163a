"""The accounts' writes that a view asks for: an API user's token, issued and revoked."""

from __future__ import annotations

from rest_framework.authtoken.models import Token


def api_token_issue(*, user) -> str:
    """The user's API token, made on first use (one per user, kept until revoked)."""
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


def api_token_revoke(*, user) -> None:
    """Revoke the user's API token: the next call with it is refused (401); a new one is issued on request."""
    Token.objects.filter(user=user).delete()
