"""The Redis cache keeps one client per connection pool (core/redis_cache.py), and the settings use it for redis://."""

import threading

import pytest
from django.core.cache import cache, caches

from config.settings.base import cache_from_env


def test_redis_urls_take_the_backend_that_keeps_its_clients_and_others_keep_theirs(monkeypatch):
    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/3")
    assert cache_from_env()["BACKEND"] == "core.redis_cache.RedisCache"
    monkeypatch.setenv("CACHE_URL", "locmemcache://")
    assert cache_from_env()["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    monkeypatch.delenv("CACHE_URL")
    assert cache_from_env(default="redis://127.0.0.1:6379/4")["LOCATION"] == "redis://127.0.0.1:6379/4"


def test_the_suites_cache_is_redis_through_one_client_that_threads_share():
    backend = cache._cache
    assert type(caches["default"]).__module__ == "core.redis_cache"
    client = backend.get_client()
    assert backend.get_client(write=True) is client  # one server: reads and writes share the pool
    found = {}

    def worker(n):
        cache.set(f"thread-{n}", n)
        found[n] = (cache.get(f"thread-{n}"), backend.get_client() is client)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == {n: (n, True) for n in range(8)}
    assert cache.incr("thread-3") == 4 and cache.delete("thread-3") and cache.get("thread-3") is None


@pytest.mark.parametrize("write", [False, True])
def test_a_client_is_made_once_per_pool(write, monkeypatch):
    backend = cache._cache
    made = []
    real = backend._client
    monkeypatch.setattr(backend, "_client", lambda **kw: made.append(kw) or real(**kw))
    monkeypatch.setattr(backend, "_clients", {})
    for _ in range(5):
        cache.get("anything") if not write else cache.set("anything", 1)
    assert len(made) == 1
