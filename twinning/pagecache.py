"""Whole-page caching of the public pages for visitors who are not signed in.

The catalogue, a Mission City's page, the home page and the eligibility self-check change only
when staff edit the call or the reference data. A view opts in with `@cached_for_visitors`; the
work is done by `PublicPageCacheMiddleware`, which sits near the top of MIDDLEWARE (before the
session, locale, CSRF, auth, messages and notice middleware), so a page served again costs about
what the bare "ok" view costs: no session lookup, no user, no template.

Only a GET from a visitor without a session (no cookie that could change the page: no sign-in, no
messages) is looked up or stored, and only a 200 response that sets no cookie: a page that used a
CSRF token (a form for signed-in people) sets the CSRF cookie and is therefore never stored, and
the public pages render no token for visitors. The page is kept in the cache (Redis when REDIS_URL
is set, local memory otherwise) for `PUBLIC_PAGE_CACHE_SECONDS`, keyed by path and query, language
and HX-Request, under a version that every save or delete of a `cities` model bumps (see
cities.apps). Signed-in people always get a fresh page.
"""

import hashlib
import time
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

VERSION_KEY = "public-pages:version"
# In front of the shared cache, each process keeps the pages it served and the current version
# for LOCAL_SECONDS: a page served again costs no round trip to Redis. A staff edit reaches every
# process within LOCAL_SECONDS.
LOCAL_SECONDS = 2.0
_local: dict[str, tuple[float, tuple]] = {}
_version: list = [0.0, None]  # [valid until (monotonic), version]
LOCAL_MAX_PAGES = 500
# The paths whose view is marked @cached_for_visitors, as this process has seen them: any other
# request (the bare view, sign-in, a 404) passes through without asking the cache.
_marked_paths: set[str] = set()
MAX_MARKED_PATHS = 2000
# Headers added outside the middleware (on every response) or never to be replayed.
_NOT_STORED = {"set-cookie", "x-request-id", "x-page-cache"}


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
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 60) > 0
    )


def _language(request) -> str:
    if len(settings.LANGUAGES) == 1:
        return settings.LANGUAGE_CODE
    return translation.get_language_from_request(request)


def _key(request) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    hx = "hx" if request.headers.get("HX-Request") else "full"
    return f"public-pages:{version()}:{_language(request)}:{hx}:{digest}"


def cached_for_visitors(view):
    """Marks the view's pages as cacheable for visitors (see PublicPageCacheMiddleware)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page_cache = True
        return response

    return wrapper


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        if request.path_info not in _marked_paths:
            response = self.get_response(request)
            if getattr(response, "public_page_cache", False):
                if len(_marked_paths) >= MAX_MARKED_PATHS:
                    _marked_paths.clear()
                _marked_paths.add(request.path_info)
                self._store(_key(request), response)
            return response
        key = _key(request)
        hit = _get(key)
        if hit is not None:
            content, headers = hit
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        self._store(key, response)
        return response

    @staticmethod
    def _store(key, response):
        if (
            getattr(response, "public_page_cache", False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            # The page differs for signed-in people: downstream caches must key on the cookie.
            patch_vary_headers(response, ("Cookie",))
            headers = tuple(
                (name, value) for name, value in response.items() if name.lower() not in _NOT_STORED
            )
            value = (response.content, headers)
            cache.set(key, value, settings.PUBLIC_PAGE_CACHE_SECONDS)
            _remember(key, value, time.monotonic())


def reset_local() -> None:
    """Tests: forget what this process remembers."""
    _local.clear()
    _marked_paths.clear()
    _version[:] = [0.0, None]
