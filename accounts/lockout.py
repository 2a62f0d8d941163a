"""What django-axes answers once an account or an address is locked (``AXES_LOCKOUT_CALLABLE``)."""

from __future__ import annotations

import math

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def cooloff_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_response(request, original_response=None, credentials=None):
    """429 with ``Retry-After``: a JSON body on the API (the token endpoint), the translated page elsewhere."""
    seconds = cooloff_seconds()
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("Too many failed log-in attempts: try again later, or ask an administrator to unlock.")},
            status=429,
        )
    else:
        context = {"cooloff_minutes": math.ceil(seconds / 60)}
        response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
