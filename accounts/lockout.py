"""How django-axes locks (``AXES_HANDLER``) and what it answers once locked (``AXES_LOCKOUT_CALLABLE``).

A lock falls on the pair (user name, address) after ``AXES_FAILURE_LIMIT`` failures, so that nobody can lock
``admin`` or a manager out from another address, and one address's lock does not hold back the colleagues behind
it; an address that fails ``AXES_ADDRESS_FAILURE_LIMIT`` times in the cool-off, whatever the user names (password
spraying), is locked for every user name.
"""

from __future__ import annotations

import math

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class PairAndAddressHandler(AxesDatabaseHandler):
    """django-axes' database handler, with ``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]`` (the pair),
    and a ceiling per address over every user name: past it, the address counts as failed to the limit."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if self.address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures

    @staticmethod
    def address_failures(request) -> int:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0


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
