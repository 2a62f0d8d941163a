"""The optimistic lock of every service that changes a versioned record (one style for all apps).

The service reads the row with ``select_for_update``, hands it here with the version the user loaded, then saves
it with ``version + 1``. The version is mandatory: a write without one is refused, never saved unchecked."""

from __future__ import annotations

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from core.exceptions import ConflictError, InvalidFields


def version_check(locked: Model | None, expected_version: int | None) -> None:
    """``InvalidFields`` on ``version`` when no version was given; ``ConflictError`` when the locked row is gone or
    no longer has the version the user loaded."""
    if expected_version is None:
        raise InvalidFields({"version": [_("The version of the record you edited is missing.")]})
    if locked is None or locked.version != int(expected_version):
        raise ConflictError()
