"""Whether to show the "Workspace" link, remembered in the session so that pages other than the
workspace's own do not query the memberships on every request.

The flag is set at sign-in and refreshed by every workspace page (which reads the memberships
anyway); access itself is always checked against the database (see `rules`).
"""

from . import selectors

SESSION_KEY = "workspace_member"


def remember(request, *, is_member: bool) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) != is_member:
        session[SESSION_KEY] = is_member


def remember_on_login(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver."""
    if request is not None:
        remember(request, is_member=bool(selectors.member_city_ids(user)))


def shows_link(request) -> bool:
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and session is not None
        and session.get(SESSION_KEY)
    )
