"""Staff sessions end after 30 idle minutes and at the latest 12 hours after sign-in (issue 12).

Staff accounts reach every application and the admin, so a forgotten browser must not stay
signed in for Django's usual two weeks. Other people keep normal sessions. Both limits are
settings (STAFF_SESSION_IDLE_SECONDS, STAFF_SESSION_MAX_SECONDS).
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

STARTED_KEY = "staff_session_started"
SEEN_KEY = "staff_session_seen"
# The last-seen time is written back at most this often, so a staff page load does not save the
# session on every request (the idle limit is then exact to within this many seconds).
SEEN_REFRESH_SECONDS = 60


def _now() -> float:
    return time.time()


def _stamp(session, *, started: float, now: float) -> None:
    session[STARTED_KEY] = started
    session[SEEN_KEY] = now
    # The session row and cookie expire with the idle limit too.
    session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)


def start_staff_session(sender, request, user, **kwargs):
    """`user_logged_in` receiver: a staff session's clock starts at sign-in, so the first page
    load after it has nothing to write."""
    if user.is_staff and request is not None and hasattr(request, "session"):
        now = _now()
        _stamp(request.session, started=now, now=now)


class StaffSessionTimeoutMiddleware:
    """Placed after AuthenticationMiddleware and MessageMiddleware. A staff session past either
    limit is ended; a page load is sent to the sign-in page with `next` kept and a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff:
            now = _now()
            started = request.session.get(STARTED_KEY, now)
            seen = request.session.get(SEEN_KEY, now)
            idle = settings.STAFF_SESSION_IDLE_SECONDS
            if now - seen > idle or now - started > settings.STAFF_SESSION_MAX_SECONDS:
                logout(request)
                messages.info(request, _("Your staff session has ended. Please sign in again."))
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('account_login')}?{query}")
            if STARTED_KEY not in request.session or now - seen >= SEEN_REFRESH_SECONDS:
                _stamp(request.session, started=started, now=now)
        return self.get_response(request)
