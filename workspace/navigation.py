"""Whether to show the "Workspace" link, remembered in the session so that pages other than the
workspace's own do not query the memberships on every request.

The flag (read for base.html by `twinning.context_processors.navigation`) is set at sign-in and
refreshed by every workspace page (which reads the memberships anyway); access itself is always
checked against the database (see `rules`).
"""

from twinning.context_processors import WORKSPACE_SESSION_KEY as SESSION_KEY

from . import selectors


def remember(request, *, is_member: bool) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) != is_member:
        session[SESSION_KEY] = is_member


def remember_on_login(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver."""
    if request is not None:
        remember(request, is_member=bool(selectors.member_city_ids(user)))
