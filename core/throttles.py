"""Request throttles, shared by the API (DRF) and the login / password-reset pages.

Every class counts in the default cache (Redis in production and in the tests, so that all web processes share
the counters; one process's memory for `make run`). Rates are the ``DEFAULT_THROTTLE_RATES`` of
``REST_FRAMEWORK`` (docs/operations/security.md, "Throttling"), read at each request so that a test or an operator
can change them.

- ``AnonThrottle`` / ``UserThrottle``: every API endpoint (per address / per account).
- ``PublicAnonThrottle``: the public API endpoints (registry, certificate check), stricter, anonymous callers
  only; a logged-in or token caller is counted by ``UserThrottle`` alone.
- ``PublicPageThrottle``: the public pages (registry, verification, certificate, badge, open data), anonymous
  visitors per address at a rate sized for an office or a campus behind one address (``public_pages``).

Every class counts in a fixed window with one atomic operation per hit (``hit``: Redis ``INCR`` and its expiry in
one script), so parallel callers never get more than the rate through (DRF's own throttles read a history, then
write it back: parallel callers overwrite each other's hits).
- ``LoginThrottle``, ``PasswordResetThrottle``, ``TokenThrottle``: per address, on the login page (site and admin),
  the password-reset form and ``POST /api/v1/auth/token/``; django-axes also locks after repeated failures.

A refused API call answers 429 with ``Retry-After`` (DRF); a refused page answers the translated page
``throttled.html`` with status 429 and ``Retry-After`` (``throttle_page``, ``public_page``).
"""

from __future__ import annotations

import math
import time
from functools import wraps

from django.core.cache import cache
from django.shortcuts import render
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, SimpleRateThrottle, UserRateThrottle


def client_ip(request) -> str:
    """The caller's address, as the throttles see it (``REMOTE_ADDR``, or ``X-Forwarded-For`` behind
    ``REST_FRAMEWORK["NUM_PROXIES"]`` trusted proxies). django-axes uses it too (``AXES_CLIENT_IP_CALLABLE``)."""
    return BaseThrottle().get_ident(request)


def axes_client_ip(request, *args) -> str:
    return client_ip(request)


# INCR, then set the expiry on the window's first hit: one round trip, atomic on the server.
_HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


def _redis_client_and_key(key: str):
    """The raw Redis client of the default cache and the key as the cache stores it, or ``None`` when the cache
    is not Redis (``make run``'s local memory cache)."""
    client = getattr(cache, "client", None)
    if client is not None and hasattr(client, "get_client"):  # django-redis
        return client.get_client(write=True), client.make_key(key)
    return None


def hit(key: str, window_seconds: int) -> int:
    """Count one hit on ``key`` in the current window and return the window's count so far: one atomic Redis
    operation; elsewhere ``add`` then ``incr`` (atomic enough in one process)."""
    redis = _redis_client_and_key(key)
    if redis is not None:
        client, full_key = redis
        return int(client.eval(_HIT_SCRIPT, 1, full_key, window_seconds + 1))
    cache.add(key, 0, timeout=window_seconds + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds + 1)
        return 1


class _RateFromSettings:
    """Read the rate from the current settings at each request (DRF reads it once, at import), and count in a
    fixed window with one atomic operation per hit (``hit``)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        self.window_ends_at = (window + 1) * self.duration
        return hit(f"{self.key}:{window}", self.duration) <= self.num_requests

    def wait(self):
        return max(1.0, self.window_ends_at - time.time())


class AnonThrottle(_RateFromSettings, AnonRateThrottle):
    scope = "anon"


class UserThrottle(_RateFromSettings, UserRateThrottle):
    scope = "user"


class PublicAnonThrottle(_RateFromSettings, AnonRateThrottle):
    """Anonymous callers of the public endpoints: the registry, the certificate check and the badge."""

    scope = "public_anon"


class PublicPageThrottle(_RateFromSettings, AnonRateThrottle):
    """Anonymous visitors of the public pages and the badge: many people may share one address."""

    scope = "public_pages"


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


public_page = throttle_page(PublicPageThrottle, methods=("GET", "HEAD"))
"""The public pages' decorator (registry, certificate check, badge, open data): anonymous visitors at the
``public_pages`` rate."""
