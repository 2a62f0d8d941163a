"""Public pages served from the cache: validators, ``Cache-Control`` and a rendered copy per version.

``public_cache(versions=…, max_age=…)`` wraps a public GET view (the registry, a certificate's verification, the
badge, open data, the methodology; page or API). For an anonymous caller:

- the validators are derived from what the page shows without reading it: the tokens of the cache versions the
  page depends on (``core.caching``: ``REGISTRY`` changes with every label and public cluster fact, so a
  revocation changes the ETag at once), the path and query, the language, and today's date for the pages whose
  validity depends on it. ``ETag`` and ``Last-Modified`` (when that version's page was first rendered);
- a conditional request whose ``If-None-Match`` (or, without it, ``If-Modified-Since``) still holds answers
  **304** before the view runs: no SQL, no rendering, and not even the kept copy read. Its round trip reads the
  version tokens and the page's small validators entry alone (the tokens and time the kept copy was rendered
  under, written with it), never the copy itself (tens of kilobytes to fetch and unpickle);
- otherwise the rendered answer is kept in the cache (one entry per path, query, language and Accept, holding the
  version tokens it was rendered under), and the next caller gets it with one cache round trip and no SQL. Only a
  miss runs the view, so only a miss is throttled (the view's own throttle);
- ``Cache-Control: public, max-age, s-maxage`` and ``Vary: Accept-Language, Cookie`` (plus ``Accept`` for the API)
  let browsers and a CDN keep it; a CDN may show the old state for at most ``s-maxage`` (docs, "Operations").

A logged-in caller (session or token) gets the view as it is, marked ``private``: pages show their name.

``PublicCacheMiddleware`` stands early in ``MIDDLEWARE`` (after WhiteNoise, before the session): a visitor with
neither a session cookie nor an ``Authorization`` header, asking for a route whose view is wrapped here, gets the
304 or the kept copy from it, without the session, CSRF, locale, authentication and later middlewares' work; a miss
goes on to the view, which renders it, and the middleware keeps the answer as the inner middlewares finished it
(their headers included, never a cookie). The decorator alone serves the anonymous visitors who carry a session
cookie, from the same entries. Each answer is counted in ``grappe_public_cache_total`` (``/metrics``) by view and
outcome: ``hit``, ``miss`` or ``not_modified``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache, wraps

import prometheus_client
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, get_resolver
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from core import caching

# Headers that are never kept with the rendered copy: they are computed again for each answer (the validators, the
# length, the request's id) or belong to one visitor (cookies are not headers in Django and are never kept).
NOT_KEPT_HEADERS = frozenset(
    name.lower()
    for name in ("Content-Length", "ETag", "Last-Modified", "Cache-Control", "Expires", "Date", "X-Request-ID")
)
CACHEABLE_STATUSES = (200, 301, 302, 404)
MAX_BODY_BYTES = 2 * 1024 * 1024  # larger answers (a big open-data file) get validators but no kept copy

ANSWERS = prometheus_client.Counter(
    "grappe_public_cache",
    "Anonymous GET and HEAD requests of the public pages, by how the cache answered: hit (the kept copy), "
    "miss (rendered) or not_modified (304)",
    ["view", "outcome"],
)
_MARK = "_public_cache_store"
_LOOKUP = "_public_cache_lookup"


@lru_cache(maxsize=256)
def _counter(view: str, outcome: str):
    """The counter's child for one view and outcome, looked up once per process (``labels`` takes a lock)."""
    return ANSWERS.labels(view, outcome)


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


@dataclass(frozen=True)
class Policy:
    """How one view's anonymous answers are cached (the arguments of :func:`public_cache`)."""

    names: tuple[str, ...]
    max_age: int
    shared_max_age: int
    daily: bool
    vary_on_accept: bool
    prefetch: Callable[[object], Iterable[str]] | None = None

    @property
    def vary(self) -> list[str]:
        return ["Accept-Language", "Cookie", *(["Accept"] if self.vary_on_accept else [])]

    # The headers' values, built once per view (a frozen dataclass's cached_property writes its __dict__).
    @cached_property
    def cache_control(self) -> str:
        return f"public, max-age={self.max_age}, s-maxage={self.shared_max_age}"

    @cached_property
    def vary_header(self) -> str:
        return ", ".join(self.vary)

    def headers_for(self, response, etag: str, modified: float) -> None:
        response["ETag"] = etag
        response["Last-Modified"] = _http_date(int(modified))
        response["Cache-Control"] = self.cache_control
        if response.has_header("Vary"):
            patch_vary_headers(response, self.vary)
        else:
            response["Vary"] = self.vary_header


@lru_cache(maxsize=64)
def _http_date(seconds: int) -> str:
    """``Last-Modified``'s value (a page's time changes only when it is rendered again)."""
    return http_date(seconds)


@dataclass(frozen=True)
class Lookup:
    """What one request's validators are and what the cache holds for them (one round trip)."""

    key: str
    base: str
    etag: str
    tokens: list[str]
    entry: dict | None
    view: str
    prefetched: dict

    def ahead(self, policy: Policy):
        """While the view renders, ``core.caching.cached`` takes the entries read with the lookup."""
        return caching.prefetched(dict(zip(policy.names, self.tokens, strict=True)), self.prefetched)


@lru_cache(maxsize=4096)
def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _base(request, policy: Policy, language: str) -> str:
    """What the page's copy and validators are derived from besides the versions: the path and query, the
    language, today's date (``daily``) and ``Accept`` (``vary_on_accept``), hashed."""
    parts = [request.get_full_path(), language]
    if policy.daily:
        parts.append(timezone.localdate().isoformat())
    if policy.vary_on_accept:
        parts.append(request.META.get("HTTP_ACCEPT", ""))
    return _digest("\n".join(parts))


def _etag(base: str, tokens: list[str]) -> str:
    return '"' + _digest("\n".join([base, *tokens]))[:32] + '"'


def _validators_key(base: str) -> str:
    """The small entry kept beside each copy: the tokens it was rendered under and when (``Last-Modified``)."""
    return f"public-validators:{base}"


def _lookup(request, policy: Policy, base: str, view: str) -> Lookup:
    key = f"public-page:{base}"
    extra = tuple(policy.prefetch(request)) if policy.prefetch else ()
    tokens, entry, prefetched = caching.versions_with(policy.names, key, extra)
    if entry is not None and entry.get("tokens") != tokens:
        entry = None  # rendered under older versions: out of date
    return Lookup(
        key=key, base=base, etag=_etag(base, tokens), tokens=tokens, entry=entry, view=view, prefetched=prefetched
    )


def _not_modified(policy: Policy, etag: str, modified: float | None, view: str):
    response = HttpResponseNotModified()
    policy.headers_for(response, etag, modified or time.time())
    _counter(view, "not_modified").inc()
    return response


def _conditional_answer(request, policy: Policy, base: str, view: str):
    """The 304 of a conditional request whose validator still holds, from the version tokens and the page's
    validators entry alone (one round trip of a few small values: the kept copy is neither read nor unpickled);
    ``None`` when the request is not conditional or its copy is out of date."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if_modified_since = None if if_none_match is not None else request.META.get("HTTP_IF_MODIFIED_SINCE")
    if if_none_match is None and if_modified_since is None:
        return None
    tokens, validators, _ = caching.versions_with(policy.names, _validators_key(base))
    etag = _etag(base, tokens)
    modified = validators[1] if isinstance(validators, tuple) and validators[0] == tokens else None
    if if_none_match is not None:
        fresh = etag_matches(if_none_match, etag)
    else:
        since = parse_http_date_safe(if_modified_since)
        fresh = since is not None and modified is not None and int(modified) <= since
    return _not_modified(policy, etag, modified, view) if fresh else None


def _kept_answer(request, policy: Policy, lookup: Lookup):
    """The 304 or the kept copy for this request, or ``None`` when the view must render it."""
    entry = lookup.entry
    modified = entry["modified"] if entry else None
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        fresh = etag_matches(if_none_match, lookup.etag)
    else:
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        fresh = since is not None and modified is not None and int(modified) <= since
    if fresh:
        return _not_modified(policy, lookup.etag, modified, lookup.view)
    if entry is None:
        return None
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    policy.headers_for(response, lookup.etag, modified)
    _counter(lookup.view, "hit").inc()
    return response


def _anonymous(request) -> bool:
    if request.headers.get("Authorization"):
        return False
    return not request.user.is_authenticated


def public_cache(
    *,
    versions: Iterable[str] = (caching.REGISTRY,),
    max_age: int,
    s_maxage: int | None = None,
    daily: bool = False,
    vary_on_accept: bool = False,
    prefetch: Callable[[object], Iterable[str]] | None = None,
) -> Callable:
    """Serve a public GET view's anonymous answers from the cache (module docstring). ``daily``: the page
    depends on today's date (a label's validity); ``vary_on_accept``: the API, whose format follows ``Accept``;
    ``prefetch(request)``: the keys of ``core.caching.cached`` entries the view will read (under the same
    versions), read with the lookup so that a miss does not ask the cache for them again."""
    policy = Policy(
        names=tuple(versions),
        max_age=max_age,
        shared_max_age=max_age if s_maxage is None else s_maxage,
        daily=daily,
        vary_on_accept=vary_on_accept,
        prefetch=prefetch,
    )

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or not _anonymous(request):
                response = view(request, *args, **kwargs)
                if request.method in ("GET", "HEAD"):
                    patch_cache_control(response, private=True)
                return response
            lookup = getattr(request, _LOOKUP, None)  # the middleware's, when it looked and found nothing to answer
            if lookup is None:
                match = request.resolver_match
                view_name = match.view_name if match else ""
                base = _base(request, policy, translation.get_language() or "")
                kept = _conditional_answer(request, policy, base, view_name)
                if kept is not None:
                    return kept
                lookup = _lookup(request, policy, base, view_name)
                kept = _kept_answer(request, policy, lookup)
                if kept is not None:
                    return kept

            with lookup.ahead(policy):
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
            if response.status_code not in CACHEABLE_STATUSES:
                return response  # a 429 or an error: neither kept nor marked public
            _counter(lookup.view, "miss").inc()
            modified = time.time()
            if not response.streaming and len(response.content) <= MAX_BODY_BYTES:
                # kept by the middleware, once every inner middleware's header is there
                setattr(response, _MARK, (policy, lookup, modified))
            policy.headers_for(response, lookup.etag, modified)
            return response

        wrapped.public_cache_policy = policy
        return wrapped

    return decorator


@lru_cache(maxsize=4096)
def _route_policy(resolver, path: str) -> tuple[Policy | None, str | None]:
    """The policy and view name of the view a path leads to (``None`` when it is not a public cached view), per
    URLconf (``get_resolver()`` gives a new resolver when the URLconf changes): resolved once per path."""
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return None, None
    return getattr(match.func, "public_cache_policy", None), match.view_name


class PublicCacheMiddleware:
    """Answers anonymous visitors' 304s and kept copies before the session, CSRF, locale and authentication work,
    and keeps the answers the decorator rendered (module docstring). Stands after WhiteNoise, before the session."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def _policy(self, request):
        if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
            return None, None
        if self.session_cookie in request.COOKIES:
            return None, None  # perhaps logged in: the decorator decides once the user is known
        return _route_policy(get_resolver(), request.path_info)

    def __call__(self, request):
        policy, view_name = self._policy(request)
        if policy is not None:
            language = translation.get_language_from_request(request)  # as LocaleMiddleware will choose it
            base = _base(request, policy, language)
            kept = _conditional_answer(request, policy, base, view_name)
            if kept is not None:
                return kept  # the 304: the kept copy was not even read
            lookup = _lookup(request, policy, base, view_name)
            kept = _kept_answer(request, policy, lookup)
            if kept is not None:
                if not kept.has_header("Content-Length") and kept.status_code != 304:
                    kept["Content-Length"] = str(len(kept.content))
                return kept
            setattr(request, _LOOKUP, lookup)
        response = self.get_response(request)
        mark = getattr(response, _MARK, None)
        if mark is not None:
            kept_policy, lookup, modified = mark
            headers = [(name, value) for name, value in response.items() if name.lower() not in NOT_KEPT_HEADERS]
            entry = {
                "tokens": lookup.tokens,
                "content": response.content,
                "status": response.status_code,
                "headers": headers,
                "modified": modified,
            }
            # An entry is useless once its versions change (it is then replaced): ten times the longest age. The
            # validators are written beside the copy, in the same round trip (a pipeline), for the 304s.
            cache.set_many(
                {lookup.key: entry, _validators_key(lookup.base): (lookup.tokens, modified)},
                timeout=max(kept_policy.shared_max_age, kept_policy.max_age) * 10,
            )
        return response
