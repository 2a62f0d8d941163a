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


# The connection of this process and thread kept for ``_get_many`` (process id, cache backend, connection).
_reader = threading.local()


def _reader_connection(backend):
    held = getattr(_reader, "held", None)
    if held is not None and held[0] == os.getpid() and held[1] is backend:
        return held[2]
    pool = backend.client.get_client(write=False).connection_pool
    connection = pool.connection_class(**pool.connection_kwargs)  # connected on its first command
    _reader.held = (os.getpid(), backend, connection)
    return connection


def _get_many(keys: list[str]) -> dict[str, object]:
    """``cache.get_many(keys)``; on Redis (django-redis), one ``MGET`` on a connection this process and thread keep
    for these reads, without the client's per-command layers (the pool's checks, retries, metrics, events: most of
    a small read's CPU). These reads come with every answer of a public page, a 304 included. On any error the
    connection is dropped and ``cache.get_many`` answers, with its usual retries and errors."""
    backend = caches["default"]
    client = getattr(backend, "client", None)
    if not hasattr(client, "decode") or not hasattr(client, "make_key"):  # not django-redis: ``make run``'s cache
        return backend.get_many(keys)
    connection = _reader_connection(backend)
    try:
        connection.send_command("MGET", *(client.make_key(key) for key in keys))  # redis-py packs and sends it
        values = connection.read_response()
    except Exception:  # noqa: BLE001 - the usual client retries, or says what is wrong
        _reader.held = None
        with suppress(Exception):
            connection.disconnect()
        return backend.get_many(keys)
    return {key: client.decode(value) for key, value in zip(keys, values, strict=True) if value is not None}


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
    cache.set_many({_version_key(name): uuid.uuid4().hex for name in names}, timeout=None)


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
