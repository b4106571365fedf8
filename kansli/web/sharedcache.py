"""Emptying Kansli's caches. On Redis (KANSLI_REDIS_URL) Django's `cache.clear()` empties
the whole Redis database (FLUSHDB), and with it RQ's queue of background work, which
KANSLI_TASKS=rq keeps in the same database: there only the keys under each cache's own
prefix are deleted."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from kansli.anonymous import forget_keys


def clear_caches() -> None:
    """Empty every cache of settings.CACHES, and nothing else (this process's copy of
    the hour's key for counting clients goes with them, kansli.anonymous)."""
    forget_keys()
    for alias, config in settings.CACHES.items():
        cache = caches[alias]
        if not isinstance(cache, RedisCache):
            cache.clear()
            continue
        import redis  # only with a Redis configured (kansli.cacheerrors)

        client = redis.Redis.from_url(cast(dict[str, Any], config)["LOCATION"])
        try:
            keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start : start + 1000])
        finally:
            client.close()
