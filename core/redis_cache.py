"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call, and redis-py's
constructor fills a table of about 170 response callbacks each time: a third of the cost of a ``get`` on a quiet
machine, and every API call makes four of them (the two throttles read and write their history). A client over a
connection pool is safe to share between threads (redis-py's documentation), and the pool checks the process id,
so a forked worker opens connections of its own. The settings put this backend in place of Django's wherever
``CACHE_URL`` says ``redis://`` (``config/settings/base.py``, ``cache_from_env``).
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # id of the connection pool -> redis.Redis

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # kept for the process's life: its id names it
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
