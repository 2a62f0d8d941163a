"""The cache: django-redis wherever CACHE_URL says redis:// (config/settings/base.py, ``cache_from_env``), through
django-prometheus's subclass that counts the gets, and the test suite's keys under a prefix of the run's own
(config/settings/test.py)."""

import threading

from django.conf import settings
from django.core.cache import cache, caches
from django_redis.cache import RedisCache

from config.settings.base import cache_from_env
from core.throttles import hit


def test_redis_urls_take_django_redis_and_others_keep_their_backend(monkeypatch):
    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/3")
    assert cache_from_env()["BACKEND"] == "django_prometheus.cache.backends.redis.RedisCache"
    monkeypatch.setenv("CACHE_URL", "locmemcache://")
    assert cache_from_env()["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    monkeypatch.delenv("CACHE_URL")
    assert cache_from_env(default="redis://127.0.0.1:6379/4")["LOCATION"] == "redis://127.0.0.1:6379/4"


def test_the_suites_cache_is_redis_under_a_prefix_of_this_run_that_threads_share():
    assert settings.CACHES["default"]["BACKEND"] == "django_prometheus.cache.backends.redis.RedisCache"
    assert settings.CACHES["default"]["KEY_PREFIX"].startswith("grappe-test-")
    backend = caches["default"]  # this thread's backend object
    assert isinstance(backend, RedisCache)  # django-redis's, with its client (core/caching.py, core/throttles.py)
    client = backend.client.get_client(write=True)
    found = {}

    def worker(n):
        # One backend object used from eight threads (Django gives each thread its own by default).
        backend.set(f"thread-{n}", n)
        found[n] = (backend.get(f"thread-{n}"), backend.client.get_client(write=False) is client)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == {n: (n, True) for n in range(8)}  # one client, shared by the threads
    assert cache.incr("thread-3") == 4 and cache.delete("thread-3") and cache.get("thread-3") is None
    # The raw key carries the run's prefix, so that runs side by side never share keys.
    assert client.exists(cache.client.make_key("thread-4")) and not client.exists("thread-4")


def test_a_throttle_hit_counts_in_the_same_keys_as_the_cache():
    now = 1_000_000.0  # the counters are per window (``<key>:<window>``): a fixed time names the window
    tries = [hit("cache-settings-hit", limit=3, window_seconds=60, now=now) for _ in range(4)]
    assert tries == [True, True, True, False]
    assert cache.get(f"cache-settings-hit:{int(now // 60)}") == 3  # the refused hit counted nothing
