"""Whole-page caching of the public pages for visitors who are not signed in.

The catalogue, a Mission City's page, the home page and the eligibility self-check change only
when staff edit the call or the reference data. For a visitor without a session (no cookie that
could change the page: no sign-in, no messages), the rendered page is kept in the cache (Redis
when REDIS_URL is set, local memory otherwise) for `PUBLIC_PAGE_CACHE_SECONDS`, keyed by path,
query and HX-Request, under a version that every save or delete of a `cities` model bumps
(see cities.apps). Signed-in people always get a fresh page.
"""

import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

VERSION_KEY = "public-pages:version"


def version() -> str:
    current = cache.get(VERSION_KEY)
    if current is None:
        current = uuid.uuid4().hex[:12]
        cache.add(VERSION_KEY, current, None)
        current = cache.get(VERSION_KEY) or current
    return current


def invalidate(**kwargs) -> None:
    """Staff changed something the public pages show: start a new version."""
    cache.set(VERSION_KEY, uuid.uuid4().hex[:12], None)


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
        hit = cache.get(key)
        if hit is not None:
            content, content_type, vary = hit
            response = HttpResponse(content, content_type=content_type)
            if vary:
                response["Vary"] = vary
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(
                key,
                (response.content, response["Content-Type"], response.get("Vary", "")),
                settings.PUBLIC_PAGE_CACHE_SECONDS,
            )
        return response

    return wrapper
