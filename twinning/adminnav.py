"""The admin's navigation sidebar, built once per set of permissions instead of on every page.

Django's admin builds the list of every registered model the user may see (a permission check and
two URL reversals per model) and renders it into the sidebar on every admin page and on the staff
pages that extend the admin's base template: about a third of a small admin page's time. What it
shows depends only on who asks (active, staff, superuser, their permissions), the language and
the URL prefix, and which entry is the current page; so the list is kept per such key and its
HTML per key and current entry, in the process (a few kilobytes each; they never go stale while
the process runs: the models registered and the templates change only with a deploy).
"""

from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.translation import get_language

_LISTS: dict = {}
_HTML: dict = {}
_MAX_ENTRIES = 512  # bounded: emptied when full (people × pages stay far below it)


def _remember(store: dict, key, make):
    value = store.get(key)
    if value is None:
        if len(store) >= _MAX_ENTRIES:
            store.clear()
        value = store[key] = make()
    return value


def nav_key(request) -> tuple:
    user = request.user
    # A superuser may do everything: their permissions are not listed (that is a query).
    perms = () if user.is_superuser else tuple(sorted(user.get_all_permissions()))
    return (
        user.is_active,
        user.is_staff,
        user.is_superuser,
        perms,
        get_language(),
        get_script_prefix(),
    )


class AppList(list):
    """The admin's app list for one request: the shared list, and its sidebar HTML."""

    def __init__(self, apps, *, key, request):
        super().__init__(apps)
        self.key, self.request = key, request

    @property
    def sidebar_html(self) -> str:
        path = urlencode(self.request.path)
        current = tuple(
            url
            for app in self
            for url in (app["app_url"], *(m.get("admin_url") for m in app["models"]))
            if url and url in path
        )
        return _remember(
            _HTML,
            (self.key, current),
            lambda: render_to_string(
                "admin/app_list.html",
                {"app_list": self, "show_changelinks": False},
                request=self.request,
            ),
        )


def install(site) -> None:
    """Make `site.get_app_list` (the whole list, as every page's sidebar asks it) remembered."""
    build = site.get_app_list

    def get_app_list(request, app_label=None):
        if app_label is not None or not getattr(request, "user", None):
            return build(request, app_label)
        key = nav_key(request)
        return AppList(_remember(_LISTS, key, lambda: build(request)), key=key, request=request)

    site.get_app_list = get_app_list
