"""Request throttles, shared by the API (DRF) and the login / password-reset pages.

Every class counts in the default cache (Redis in production and in the tests, so that all web processes share
the counters; one process's memory for `make run`). Rates are the ``DEFAULT_THROTTLE_RATES`` of
``REST_FRAMEWORK`` (docs/operations/security.md, "Throttling"), read at each request so that a test or an operator
can change them.

- ``AnonThrottle`` / ``UserThrottle``: every API endpoint (per address / per account).
- ``PublicAnonThrottle``: the public endpoints (registry, certificate check, badge), stricter, anonymous callers
  only; a logged-in or token caller is counted by ``UserThrottle`` alone.
- ``LoginThrottle``, ``PasswordResetThrottle``, ``TokenThrottle``: per address, on the login page (site and admin),
  the password-reset form and ``POST /api/v1/auth/token/``; django-axes also locks after repeated failures.

A refused API call answers 429 with ``Retry-After`` (DRF); a refused page answers the translated page
``throttled.html`` with status 429 and ``Retry-After`` (``throttle_page``, ``public_page``).
"""

from __future__ import annotations

import math
from functools import wraps

from django.shortcuts import render
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, SimpleRateThrottle, UserRateThrottle


def client_ip(request) -> str:
    """The caller's address, as the throttles see it (``REMOTE_ADDR``, or ``X-Forwarded-For`` behind
    ``REST_FRAMEWORK["NUM_PROXIES"]`` trusted proxies). django-axes uses it too (``AXES_CLIENT_IP_CALLABLE``)."""
    return BaseThrottle().get_ident(request)


def axes_client_ip(request, *args) -> str:
    return client_ip(request)


class _RateFromSettings:
    """Read the rate from the current settings at each request (DRF reads it once, at import)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RateFromSettings, AnonRateThrottle):
    scope = "anon"


class UserThrottle(_RateFromSettings, UserRateThrottle):
    scope = "user"


class PublicAnonThrottle(_RateFromSettings, AnonRateThrottle):
    """Anonymous callers of the public endpoints: the registry, the certificate check and the badge."""

    scope = "public_anon"


class _PerAddressThrottle(_RateFromSettings, SimpleRateThrottle):
    """Counted per client address, whoever is logged in."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginThrottle(_PerAddressThrottle):
    scope = "login"


class PasswordResetThrottle(_PerAddressThrottle):
    scope = "password_reset"


class TokenThrottle(_PerAddressThrottle):
    scope = "token"


PUBLIC_THROTTLES = [PublicAnonThrottle, UserThrottle]


def throttle_page(throttle_class, methods=("POST",)):
    """Decorate a Django view so that its ``methods`` are counted by ``throttle_class``; beyond the rate the view
    is not called and the caller gets the translated page ``throttled.html`` (429, ``Retry-After``)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                throttle = throttle_class()
                if not throttle.allow_request(request, None):
                    wait = max(1, math.ceil(throttle.wait() or 1))
                    response = render(request, "throttled.html", {"wait_seconds": wait}, status=429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def throttle_posts(throttle_class):
    return throttle_page(throttle_class, methods=("POST",))


public_page = throttle_page(PublicAnonThrottle, methods=("GET", "HEAD"))
"""The public pages' decorator (registry, certificate check): anonymous visitors at the ``public_anon`` rate."""
