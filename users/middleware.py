"""Ask a signed-in person to accept the current version of a notice before going on."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from . import consents

SESSION_KEY = "notices_accepted"
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/privacy/", "/healthz", "/account/notices/")


class NoticeAcceptanceMiddleware:
    """For signed-in people on page loads (GET, not htmx): when a notice they must accept has a new
    version, send them to the acceptance page with `next` kept. The answer is remembered in the
    session for the current set of versions, so this costs a query once per session and version."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._needs_check(request):
            current = sorted(consents.current_notices().values())
            if current and request.session.get(SESSION_KEY) != current:
                if consents.pending_notices(request.user):
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse('notice_accept')}?{query}")
                request.session[SESSION_KEY] = current
        return self.get_response(request)

    @staticmethod
    def _needs_check(request) -> bool:
        return (
            request.method == "GET"
            and request.user.is_authenticated
            and not request.headers.get("HX-Request")
            and not request.path.startswith(EXEMPT_PREFIXES)
        )
