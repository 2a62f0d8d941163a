"""Public pages served from the cache: validators, ``Cache-Control`` and a rendered copy per version.

``public_cache(versions=…, max_age=…)`` wraps a public GET view (the registry, a certificate's verification, the
badge, open data, the methodology; page or API). For an anonymous caller:

- the validators are derived from what the page shows without reading it: the tokens of the cache versions the
  page depends on (``core.caching``: ``REGISTRY`` changes with every label and public cluster fact, so a
  revocation changes the ETag at once), the path and query, the language, and today's date for the pages whose
  validity depends on it. ``ETag`` and ``Last-Modified`` (when that version's page was first rendered);
- a conditional request whose ``If-None-Match`` (or, without it, ``If-Modified-Since``) still holds answers
  **304** before the view runs: no SQL, no rendering;
- otherwise the rendered answer is kept in the cache under those validators, and the next caller gets it with one
  cache round trip and no SQL. Only a miss runs the view, so only a miss is throttled (the view's own throttle);
- ``Cache-Control: public, max-age, s-maxage`` and ``Vary: Accept-Language, Cookie`` (plus ``Accept`` for the API)
  let browsers and a CDN keep it; a CDN may show the old state for at most ``s-maxage`` (docs, "Operations").

A logged-in caller (session or token) gets the view as it is, marked ``private``: pages show their name.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language

from core import caching

# Headers of the view's answer that are kept with the rendered copy (the middlewares add the rest on each answer).
KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Access-Control-Allow-Origin",
    "Link",
    "Location",
)
CACHEABLE_STATUSES = (200, 301, 302, 404)
MAX_BODY_BYTES = 2 * 1024 * 1024  # larger answers (a big open-data file) get validators but no kept copy


def _anonymous(request) -> bool:
    if request.headers.get("Authorization"):
        return False
    return not request.user.is_authenticated


def etag_matches(header: str, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, RFC 9110 13.1.2); a malformed header
    matches nothing, so the caller gets the full answer."""
    if header.strip() == "*":
        return True
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate == etag:
            return True
    return False


def public_cache(
    *,
    versions: Iterable[str] = (caching.REGISTRY,),
    max_age: int,
    s_maxage: int | None = None,
    daily: bool = False,
    vary_on_accept: bool = False,
) -> Callable:
    """Serve a public GET view's anonymous answers from the cache (module docstring). ``daily``: the page
    depends on today's date (a label's validity); ``vary_on_accept``: the API, whose format follows ``Accept``."""
    names = tuple(versions)
    shared_max_age = max_age if s_maxage is None else s_maxage

    def headers_for(response, etag: str, modified: float) -> None:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(modified)
        response.headers.pop("Cache-Control", None)
        patch_cache_control(response, public=True, max_age=max_age, s_maxage=shared_max_age)
        patch_vary_headers(response, ["Accept-Language", "Cookie", *(["Accept"] if vary_on_accept else [])])

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or not _anonymous(request):
                response = view(request, *args, **kwargs)
                if request.method in ("GET", "HEAD"):
                    patch_cache_control(response, private=True)
                return response
            parts = [request.get_full_path(), get_language() or "", *caching.versions(*names)]
            if daily:
                parts.append(timezone.localdate().isoformat())
            if vary_on_accept:
                parts.append(request.headers.get("Accept", ""))
            digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
            etag = f'"{digest[:32]}"'
            key = f"public-page:{digest}"
            entry = cache.get(key)
            modified = entry["modified"] if entry else None

            if_none_match = request.headers.get("If-None-Match")
            if if_none_match is not None:
                fresh = etag_matches(if_none_match, etag)
            else:
                since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
                fresh = since is not None and modified is not None and int(modified) <= since
            if fresh:
                response = HttpResponseNotModified()
                headers_for(response, etag, modified or time.time())
                return response

            if entry is not None:
                response = HttpResponse(entry["content"], status=entry["status"])
                for name, value in entry["headers"].items():
                    response[name] = value
                headers_for(response, etag, modified)
                return response

            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            if response.status_code not in CACHEABLE_STATUSES:
                return response  # a 429 or an error: neither kept nor marked public
            modified = time.time()
            if not response.streaming and len(response.content) <= MAX_BODY_BYTES:
                kept = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
                entry = {"content": response.content, "status": response.status_code, "headers": kept}
                cache.set(key, {**entry, "modified": modified}, timeout=max(shared_max_age, max_age) * 10)
            headers_for(response, etag, modified)
            return response

        return wrapped

    return decorator
