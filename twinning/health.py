"""`/healthz`: is this instance able to serve? Database, cache and broker, each with a short
timeout; JSON; 200 when all answer, 503 otherwise. Cheap: no session, no template, no ORM model."""

import threading
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

TIMEOUT = 1.0


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


# One client (with its connection pool) per Redis URL and process: a check reuses an open
# connection instead of connecting anew on every call. redis-py's pool is thread-safe and makes
# fresh connections after a fork; a connection broken by a Redis restart is dropped by the pool
# and the next check connects again.
_clients: dict = {}
_clients_lock = threading.Lock()


def _redis_client(url: str):
    client = _clients.get(url)
    if client is None:
        import redis

        with _clients_lock:
            client = _clients.get(url)
            if client is None:
                client = redis.Redis.from_url(
                    url,
                    socket_connect_timeout=TIMEOUT,
                    socket_timeout=TIMEOUT,
                )
                _clients[url] = client
    return client


def _redis_ping(url: str) -> None:
    _redis_client(url).ping()


def _cache() -> str | None:
    location = settings.CACHES["default"].get("LOCATION", "")
    if not str(location).startswith("redis"):
        return "local"  # per-process memory: nothing to reach
    _redis_ping(location)
    return None


def _broker() -> str | None:
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis"):
        return "eager"  # no broker: tasks run in the web process (make run)
    _redis_ping(url)
    return None


CHECKS = {"database": _database, "cache": _cache, "broker": _broker}


@never_cache
@require_GET
def healthz(request):
    checks, healthy = {}, True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            note = check()
        except Exception as exc:
            healthy = False
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            checks[name] = {"ok": True, **({"note": note} if note else {})}
        checks[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
