"""A Redis cache that degrades instead of failing.

When Redis is down or frozen, every cache call fails fast (short socket timeouts in settings),
is logged, and answers as a cache miss; writes are dropped. After a failure the cache is skipped
altogether for `REDIS_CACHE_RETRY_SECONDS`, so a frozen Redis costs at most one timeout per
process and period, not one per call. What uses the cache keeps working: pages are rendered
without it, and allauth's rate limits allow the request (allow-and-log) instead of answering 500.
"""

import logging
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_down_until = 0.0  # per process: monotonic time until which Redis is not asked


def _retry_seconds() -> float:
    return getattr(settings, "REDIS_CACHE_RETRY_SECONDS", 5.0)


class ResilientRedisCache(RedisCache):
    def _guard(self, name, default, *args, **kwargs):
        global _down_until
        if time.monotonic() < _down_until:
            return default
        try:
            return getattr(super(), name)(*args, **kwargs)
        except Exception as exc:
            if isinstance(exc, ValueError) and name in ("incr", "decr"):
                raise  # a missing key, not an outage
            _down_until = time.monotonic() + _retry_seconds()
            logger.warning(
                "Cache unavailable (%s: %s) during %s; served without it for %ss",
                type(exc).__name__,
                exc,
                name,
                _retry_seconds(),
            )
            return default

    def get(self, key, default=None, version=None):
        return self._guard("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set", None, key, value, timeout, version)

    # A lock that cannot be taken is granted: allauth's rate limits then allow the request.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("add", True, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guard("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._guard("get_many", {}, keys, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set_many", [], data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guard("delete_many", None, keys, version)

    def has_key(self, key, version=None):
        return self._guard("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._guard("incr", delta, key, delta, version)

    def clear(self):
        return self._guard("clear", None)


def reset_breaker() -> None:
    """Tests: forget an earlier failure."""
    global _down_until
    _down_until = 0.0
