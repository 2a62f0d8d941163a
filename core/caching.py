"""Versioned cache entries: a computed value is stored with the version of the data it was computed from, and
a change of that data gives the version a new value, so the old entries are never taken again (they are
overwritten by the next computation, or expire on their own).

A version is a random token kept in Django's cache (``CACHES``: Redis in production and tests, one local
cache for ``make run``). When the token is missing (first use, eviction, a cache flush) a new one is drawn:
the worst case is a recomputation, never a stale answer. ``bump`` draws a new token at once (a read later in
the same transaction sees the change) and again after the transaction commits (a read that ran meanwhile
on the old rows cannot leave its result under the new version).

Versions in use:
- ``POPULATION``: the validated/decided assessments and the labels (benchmark and statistics);
- ``REGISTRY``: the labels and the clusters' public facts (the registry's filter choices and counts);
- ``ASSESSMENTS``: the assessments' rows (the counts by status at the top of the administrators' dashboard);
- ``assessor_work(user_id)``, one per assessor: the assessments assigned to that assessor (first or second), their
  answers and their reviews (the figures at the top of that assessor's dashboard). A manager's autosave on one
  cluster renews the versions of that assessment's assessors only, not every assessor's;
- ``FRAMEWORK``: the frameworks' indicators and thresholds (the public methodology page).
"""

from __future__ import annotations

import contextvars
import os
import threading
import uuid
from collections.abc import Callable
from contextlib import contextmanager, suppress
from typing import TypeVar

from django.core.cache import cache, caches
from django.db import transaction
from redis.exceptions import ResponseError

POPULATION = "population"
REGISTRY = "registry"
ASSESSMENTS = "assessments"
FRAMEWORK = "framework"

# Computed entries live a day at most: a version change makes them unreachable long before.
ENTRY_TIMEOUT = 24 * 3600

T = TypeVar("T")


def assessor_work(user_id: int) -> str:
    """The version of one assessor's own work (see the module's docstring)."""
    return f"review-work:{user_id}"


def _version_key(name: str) -> str:
    return f"version:{name}"


# Keys whose values each process keeps near, Redis telling it when one changes (below): the version tokens, and the
# public pages' validators (``core.public_cache``), which every conditional request of a public page reads.
NEAR_PREFIXES = ("version:", "public-validators:")
NEAR_MAX_KEYS = 10_000  # past this many (a crawler's distinct queries), the near values start again from empty


class _Reader:
    """One Redis connection per process and thread for ``_get_many``, and the values it keeps near.

    The connection asks Redis to track the keys under ``NEAR_PREFIXES`` (client-side caching: ``CLIENT TRACKING ON
    BCAST``, RESP3), so Redis pushes an invalidation on it whenever one of them is written, deleted, expired, evicted
    or flushed, by any process on any machine. Before each read the pushes already there are taken (a poll of the
    socket, no round trip), so a value kept here is the one Redis holds: a revocation's new version token is seen
    by the next request. The pushes leave Redis in the same turn of its event loop as the writer's answer, so
    another process sees a change microseconds after the writer (after the network's one-way delay on another
    machine), and the writing thread forgets its own version tokens at once (``_forget``). A new connection (the
    first, or after a broken one) starts with nothing kept and tracks again before its first command."""

    def __init__(self, backend, client):
        pool = client.get_client(write=False).connection_pool
        self.pid = os.getpid()
        self.backend = backend
        self.client = client
        self.near: dict[str, object] = {}
        self.tracking = False  # until Redis has said yes on this connection
        self.prefixes = tuple(client.make_key(prefix) for prefix in NEAR_PREFIXES)
        # RESP3 for the pushes; connected on its first command, and the callback runs on every (re)connection
        self.connection = pool.connection_class(**{**pool.connection_kwargs, "protocol": 3})
        self.connection.register_connect_callback(self._track)

    def _track(self, connection) -> None:
        self.near.clear()  # what was kept before this connection existed may have changed unseen
        prefixes = [arg for prefix in self.prefixes for arg in ("PREFIX", prefix)]
        connection.send_command("CLIENT", "TRACKING", "ON", "BCAST", *prefixes)
        try:
            connection.read_response()
        except ResponseError:  # a server that refuses tracking (a managed one may): every value is read each time
            self.tracking = False
            return
        self.tracking = True
        # redis-py's parser calls this for every invalidation push it reads (as its own client-side cache does)
        connection._parser.set_invalidation_push_handler(self._invalidated)

    def _invalidated(self, push) -> None:
        keys = push[1]
        if keys is None:  # the database was flushed
            self.near.clear()
            return
        for key in keys:
            self.near.pop(key.decode() if isinstance(key, bytes) else key, None)

    def get_many(self, keys: list[str]) -> dict[str, object]:
        connection = self.connection
        while connection.can_read(0):  # the invalidations already pushed (reading one calls ``_invalidated``)
            connection.read_response(push_request=True)
        near = self.near
        redis_keys = [self.client.make_key(key) for key in keys]
        far = [redis_key for redis_key in redis_keys if redis_key not in near]
        if far:
            connection.send_command("MGET", *far)  # redis-py packs and sends it; pushes read on the way are taken
            fetched = dict(zip(far, connection.read_response(), strict=True))
            if len(near) > NEAR_MAX_KEYS:
                near.clear()
            for redis_key, value in fetched.items():
                decoded = None if value is None else self.client.decode(value)
                if self.tracking and redis_key.startswith(self.prefixes):
                    near[redis_key] = decoded
                fetched[redis_key] = decoded
        else:
            fetched = {}
        found = {}
        for key, redis_key in zip(keys, redis_keys, strict=True):
            value = near[redis_key] if redis_key in near else fetched[redis_key]
            if value is not None:
                found[key] = value
        return found


_reader = threading.local()  # ``held``: this process and thread's ``_Reader``


def _get_many(keys: list[str]) -> dict[str, object]:
    """``cache.get_many(keys)``; on Redis (django-redis), through this process and thread's ``_Reader``: the keys
    under ``NEAR_PREFIXES`` from the values kept near (no round trip once read), the others in one ``MGET`` on its
    connection, without the client's per-command layers (the pool's checks, retries, metrics, events: most of a
    small read's CPU). These reads come with every answer of a public page, a 304 included. On any error the reader
    is dropped, with what it kept, and ``cache.get_many`` answers, with its usual retries and errors. The values
    kept near are shared by the callers: they are never changed in place."""
    backend = caches["default"]
    client = getattr(backend, "client", None)
    if not hasattr(client, "decode") or not hasattr(client, "make_key"):  # not django-redis: ``make run``'s cache
        return backend.get_many(keys)
    reader = getattr(_reader, "held", None)
    if reader is None or reader.pid != os.getpid() or reader.backend is not backend:
        reader = _reader.held = _Reader(backend, client)
    try:
        return reader.get_many(keys)
    except Exception:  # noqa: BLE001 - the usual client retries, or says what is wrong
        _reader.held = None
        with suppress(Exception):
            reader.connection.disconnect()
        return backend.get_many(keys)


def versions_with(names: tuple[str, ...], key: str, extra: tuple[str, ...] = ()) -> tuple[list[str], object, dict]:
    """The current tokens of these versions, the entry under ``key`` and the entries under ``extra`` (``None``
    for a missing one), in one cache round trip (a missing token is created, which costs more round trips once)."""
    version_keys = [_version_key(name) for name in names]
    found = _get_many([*version_keys, key, *extra])
    tokens = [found.get(version_key) for version_key in version_keys]
    if None in tokens:
        tokens = versions(*names)
    return tokens, found.get(key), {name: found.get(name) for name in extra}


# Entries of ``cached`` read ahead with another round trip (the public pages' lookup): (tokens by version name,
# entries by key). Set only while one request's view runs (``prefetched``).
_prefetched: contextvars.ContextVar[tuple[dict[str, str], dict[str, object]] | None] = contextvars.ContextVar(
    "grappe_cache_prefetched", default=None
)


@contextmanager
def prefetched(tokens: dict[str, str], entries: dict[str, object]):
    """Within this block, ``cached`` takes these version tokens and entries (read together, ahead, in one round
    trip) instead of asking the cache again; a key that is not among them is asked as usual."""
    reset = _prefetched.set((tokens, entries))
    try:
        yield
    finally:
        _prefetched.reset(reset)


def versions(*names: str) -> list[str]:
    """The current tokens of these versions (one cache round trip; a missing one is created)."""
    keys = [_version_key(name) for name in names]
    found = cache.get_many(keys)
    tokens = []
    for key in keys:
        token = found.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            token = cache.get(key) or uuid.uuid4().hex
        tokens.append(token)
    return tokens


def _renew(names: tuple[str, ...]) -> None:
    keys = [_version_key(name) for name in names]
    cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
    _forget(keys)


def _forget(keys: list[str]) -> None:
    """This thread's reader forgets these keys at once. Redis's push for a write reaches every reader in the same
    turn of its event loop as the writer's answer, but not necessarily before it: the thread that wrote (a
    revocation's request, bumping the registry's version) must not read its own old value in between."""
    reader = getattr(_reader, "held", None)
    if reader is not None:
        for key in keys:
            reader.near.pop(reader.client.make_key(key), None)


def bump(*names: str) -> None:
    """The data behind these versions changed: every entry computed before is out of date."""
    _renew(names)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _renew(names))


tokens = versions


def cached(key: str, compute: Callable[[], T], *, versions: tuple[str, ...], timeout: int = ENTRY_TIMEOUT) -> T:
    """``compute()`` once per value of ``versions``, kept in the cache under ``key`` with those versions' tokens.

    One round trip to the cache when the value is there: the entry (the tokens it was computed under, and the
    value) is read together with the current tokens, and taken only when they match; none when it was read ahead
    (``prefetched``)."""
    ahead = _prefetched.get()
    if ahead is not None and key in ahead[1] and all(name in ahead[0] for name in versions):
        current = [ahead[0][name] for name in versions]
        entry = ahead[1][key]
        if entry is not None and entry[0] == current:
            return entry[1]
        value = compute()
        cache.set(key, (current, value), timeout=timeout)
        ahead[1][key] = (current, value)
        return value
    version_keys = [_version_key(name) for name in versions]
    found = cache.get_many([*version_keys, key])
    current = [found.get(version_key) for version_key in version_keys]
    entry = found.get(key)
    if entry is not None and None not in current and entry[0] == current:
        return entry[1]
    if None in current:  # first use, or evicted: draw the missing tokens
        current = tokens(*versions)
    value = compute()
    cache.set(key, (current, value), timeout=timeout)
    return value
