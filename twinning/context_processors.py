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


def _account_next(request) -> str:
    """Where "Sign in" and "Create an account" should bring the visitor back to: the page's own
    `next` on the account pages, else the page itself (never an account page)."""
    from urllib.parse import quote

    path = request.path
    if path.startswith("/accounts/"):
        target = request.GET.get("next", "")
    else:
        target = request.get_full_path()
    return f"?next={quote(target, safe='/')}" if target and target != "/" else ""


def navigation(request) -> dict:
    # Callables: templates call them (and read the session) only where the navigation is shown.
    return {
        "show_workspace_link": lambda: _shows_workspace_link(request),
        "account_next": lambda: _account_next(request),
    }
