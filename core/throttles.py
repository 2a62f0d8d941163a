"""Request throttles, shared by the API (DRF) and the login / password-reset pages.

Every class counts in the default cache (Redis in production and in the tests, so that all web processes share
the counters; one process's memory for `make run`). Rates are the ``DEFAULT_THROTTLE_RATES`` of
``REST_FRAMEWORK`` (docs/operations/security.md, "Throttling"), read at each request so that a test or an operator
can change them.

- ``AnonThrottle`` / ``UserThrottle``: every API endpoint (per address / per account).
- ``PublicAnonThrottle``: the public API endpoints (registry, certificate check), stricter, anonymous callers
  only; a logged-in or token caller is counted by ``UserThrottle`` alone. On the registry's list only the
  searches and filters count (``PublicSearchAnonThrottle``), a page of the list does not.
- ``PublicPageThrottle``: the public pages (registry, verification, certificate, open data), anonymous visitors per
  address at a rate sized for an office or a campus behind one address (``public_pages``): their searches and
  checks by number (``public_page``), every request of a certificate's page (``public_lookup``).

The public pages' kept copies and 304s are answered before any of these (core/public_cache.py): only what reaches
the view can be counted.

Every class counts in a sliding window (the current window's count plus the previous one's, weighted) with one
atomic operation per hit (``hit``: one Redis script), so parallel callers never get more than the rate through
(DRF's own throttles read a history, then write it back: parallel callers overwrite each other's hits), and a
burst across a window's edge is held back too.
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


# A sliding window counter (the window's count, plus the previous window's weighted by how much of it still lies
# within the last `duration`): refused without counting when the estimate has reached the limit, else counted.
# One script, so one atomic round trip: parallel callers never get more than the limit through, and a burst at a
# window's edge is still held back by the previous window's count.
_HIT_SCRIPT = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * tonumber(ARGV[1]) + current >= tonumber(ARGV[2]) then return 0 end
current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return 1
"""


def _redis_client_and_key(key: str):
    """The raw Redis client of the default cache and the key as the cache stores it, or ``None`` when the cache
    is not Redis (``make run``'s local memory cache)."""
    client = getattr(cache, "client", None)
    if client is not None and hasattr(client, "get_client"):  # django-redis
        return client.get_client(write=True), client.make_key(key)
    return None


def hit(key: str, *, limit: int, window_seconds: int, now: float | None = None) -> bool:
    """Count one hit on ``key`` if the sliding window's estimate is below ``limit``; whether it was allowed. One
    atomic Redis operation; elsewhere (``make run``'s local cache, one process) the same arithmetic in Python."""
    now = time.time() if now is None else now
    window = int(now // window_seconds)
    weight = 1 - (now - window * window_seconds) / window_seconds  # the share of the previous window still counted
    current_key, previous_key = f"{key}:{window}", f"{key}:{window - 1}"
    expiry = 2 * window_seconds + 1
    redis = _redis_client_and_key(current_key)
    if redis is not None:
        client, full_current = redis
        _client, full_previous = _redis_client_and_key(previous_key)
        return bool(client.eval(_HIT_SCRIPT, 2, full_current, full_previous, f"{weight:.6f}", limit, expiry))
    current, previous = cache.get(current_key, 0), cache.get(previous_key, 0)
    if previous * weight + current >= limit:
        return False
    if not cache.add(current_key, 1, timeout=expiry):
        cache.incr(current_key)
    return True


class _RateFromSettings:
    """Read the rate from the current settings at each request (DRF reads it once, at import), and count in a
    sliding window with one atomic operation per hit (``hit``)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = time.time()
        self.window_ends_at = (int(now // self.duration) + 1) * self.duration
        return hit(self.key, limit=self.num_requests, window_seconds=self.duration, now=now)

    def wait(self):
        # At most until the current window ends: by then the previous window weighs less than what was refused.
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


class PublicSearchAnonThrottle(PublicAnonThrottle):
    """Anonymous callers of a public list (the registry API): only its searches and filters count (``is_search``),
    a page of the list does not."""

    def allow_request(self, request, view):
        return not is_search(request) or super().allow_request(request, view)


PUBLIC_THROTTLES = [PublicAnonThrottle, UserThrottle]
PUBLIC_LIST_THROTTLES = [PublicSearchAnonThrottle, UserThrottle]


# The query parameters that only choose a page of a list (and, on the API, its format): a request with no other
# parameter reads a bounded set of answers, and the crawlers that page through the registry are never held back.
LIST_PAGE_PARAMETERS = frozenset({"page", "format"})


def is_search(request) -> bool:
    """Whether a public GET asks for more than a page of a list: a search, a filter, a number to check, or any
    other parameter (each its own copy in the public pages' cache, so each one can cost a rendering)."""
    return any(name not in LIST_PAGE_PARAMETERS for name in request.GET)


def throttle_page(throttle_class, methods=("POST",), counted=None):
    """Decorate a Django view so that its ``methods`` are counted by ``throttle_class`` (only the requests for
    which ``counted(request)`` is true, when given); beyond the rate the view is not called and the caller gets the
    translated page ``throttled.html`` (429, ``Retry-After``)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and (counted is None or counted(request)):
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


public_page = throttle_page(PublicPageThrottle, methods=("GET", "HEAD"), counted=is_search)
"""The public pages' decorator (the registry, a cluster's history, the verification form, open data): an anonymous
visitor's searches, filters and checks by number are counted at the ``public_pages`` rate; the pages themselves
(and a list's pages) are not. Only what reaches the view counts: the kept copies and 304s are answered before."""

public_lookup = throttle_page(PublicPageThrottle, methods=("GET", "HEAD"))
"""A public page found by a number in its path (a certificate): every request that reaches the view counts, so
that certificate numbers cannot be probed faster than the ``public_pages`` rate."""
