"""Whole-page caching of the public pages for visitors who are not signed in.

The catalogue, a Mission City's page, the home page and the eligibility self-check change only
when staff edit the call or the reference data. For a visitor without a session (no cookie that
could change the page: no sign-in, no messages), the rendered page is kept in the cache (Redis
when REDIS_URL is set, local memory otherwise) for `PUBLIC_PAGE_CACHE_SECONDS`, keyed by path,
query and HX-Request, under a version that every save or delete of a `cities` model bumps
(see cities.apps). Signed-in people always get a fresh page.
"""

import hashlib
import time
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

VERSION_KEY = "public-pages:version"
# In front of the shared cache, each process keeps the pages it served and the current version
# for LOCAL_SECONDS: a page served again costs no round trip to Redis. A staff edit reaches every
# process within LOCAL_SECONDS.
LOCAL_SECONDS = 2.0
_local: dict[str, tuple[float, tuple]] = {}
_version: list = [0.0, None]  # [valid until (monotonic), version]
LOCAL_MAX_PAGES = 500


def version() -> str:
    now = time.monotonic()
    if _version[1] is not None and now < _version[0]:
        return _version[1]
    current = cache.get(VERSION_KEY)
    if current is None:
        current = uuid.uuid4().hex[:12]
        cache.add(VERSION_KEY, current, None)
        current = cache.get(VERSION_KEY) or current
    _version[:] = [now + LOCAL_SECONDS, current]
    return current


def invalidate(**kwargs) -> None:
    """Staff changed something the public pages show: start a new version."""
    cache.set(VERSION_KEY, uuid.uuid4().hex[:12], None)
    _version[:] = [0.0, None]
    _local.clear()


def _get(key):
    now = time.monotonic()
    local = _local.get(key)
    if local is not None and now < local[0]:
        return local[1]
    hit = cache.get(key)
    if hit is not None:
        _remember(key, hit, now)
    return hit


def _remember(key, value, now):
    if len(_local) >= LOCAL_MAX_PAGES:
        _local.clear()
    _local[key] = (now + LOCAL_SECONDS, value)


def _cacheable_request(request) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 60) > 0
    )


def cached_for_visitors(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        hx = "hx" if request.headers.get("HX-Request") else "full"
        key = f"public-pages:{version()}:{hx}:{digest}"
        hit = _get(key)
        if hit is not None:
            content, content_type, vary = hit
            response = HttpResponse(content, content_type=content_type)
            if vary:
                response["Vary"] = vary
            # The page differs for signed-in people: downstream caches must key on the cookie.
            patch_vary_headers(response, ("Cookie",))
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.cookies and not response.streaming:
            value = (response.content, response["Content-Type"], response.get("Vary", ""))
            cache.set(key, value, settings.PUBLIC_PAGE_CACHE_SECONDS)
            _remember(key, value, time.monotonic())
        return response

    return wrapper


def reset_local() -> None:
    """Tests: forget what this process remembers."""
    _local.clear()
    _version[:] = [0.0, None]
