"""Context for every page of base.html, computed only when a template asks for it."""

# Set by the workspace (see `workspace.navigation`), read here so that base.html needs no tags of
# a higher app.
WORKSPACE_SESSION_KEY = "workspace_member"


def _shows_workspace_link(request) -> bool:
    """True for users with an active Mission City membership, remembered in the session
    (no query)."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and session is not None
        and session.get(WORKSPACE_SESSION_KEY)
    )


def navigation(request) -> dict:
    # A callable: templates call it (and read the session) only where the navigation is shown.
    return {"show_workspace_link": lambda: _shows_workspace_link(request)}
