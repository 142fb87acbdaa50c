"""Garbage in a request answers a clear 400 page, never a 500 (issue 12).

`RequestGarbageMiddleware`, early in MIDDLEWARE (before the session is read):

- A NUL byte anywhere the portal reads text from a request (the path, query-string names and
  values, cookies, form fields and upload names) answers 400. PostgreSQL cannot store or even
  compare text with a NUL byte, so such a value would fail in whatever query it reached (admin
  filters and searches, autocomplete, the dashboard's call, a session cookie); no real form
  or link ever sends one.
- A query-string number longer than any id, year or page number the database can hold (more
  than 18 digits) answers 400; the free-text search `q` is left alone, and so is the query of a
  view marked `validates_own_query` (a GET form such as the eligibility self-check, whose own
  validation tells the visitor which answer is wrong, beside the answer).
- The admin, where Django trusts the query string: a date-hierarchy year, month or day must be a
  real one (a 20-digit year overflows Python's date), and the prefilled values of an add form
  (`/admin/…/add/?application=abc`) are kept only when their form field accepts them; the others
  are dropped with a message, as a link can only suggest them.
"""

import logging
import re

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

NUL = "\x00"
# 9223372036854775807 (a bigint, the largest id) has 19 digits; no id, year or page has more
# than 18 in this portal.
HUGE_NUMBER = re.compile(r"^\s*[-+]?\d{19,}\s*$")
SMALL_NUMBER = re.compile(r"^[0-9]{1,4}$")
FREE_TEXT = {"q", "term"}
DATE_PARTS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def validates_own_query(view):
    """Marks a view whose GET form validates every query value itself (see the module)."""
    view.validates_own_query = True
    return view


def bad_request(request, reason: str):
    logger.info("Bad request refused: %s %s: %s", request.method, request.path[:200], reason)
    return render(request, "400.html", {"reason": reason}, status=400)


def _form_data(request):
    """(name, value) pairs of a submitted form, or nothing when there is no readable form."""
    if request.method != "POST" or not request.content_type.startswith(FORM_CONTENT_TYPES):
        return [], []
    try:
        return list(request.POST.lists()), list(request.FILES.lists())
    except Exception:  # a malformed body: the CSRF check and the view deal with it as before
        return [], []


def has_nul(request) -> bool:
    if NUL in request.path:
        return True
    fields, files = _form_data(request)
    for name, values in [*request.GET.lists(), *fields]:
        if NUL in name or any(NUL in value for value in values):
            return True
    if any(NUL in name or NUL in value for name, value in request.COOKIES.items()):
        return True
    return any(
        NUL in name or any(NUL in (upload.name or "") for upload in uploads)
        for name, uploads in files
    )


class RequestGarbageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            return bad_request(
                request,
                _(
                    "The request contains a NUL character (\\x00), which no page of the portal "
                    "accepts. Please remove it and try again."
                ),
            )
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "validates_own_query", False):
            for name, values in request.GET.lists():
                if name not in FREE_TEXT and any(HUGE_NUMBER.match(value) for value in values):
                    return bad_request(
                        request,
                        _("The number given for “%(name)s” in the address is too large.")
                        % {"name": name[:100]},
                    )
        model_admin = getattr(view_func, "model_admin", None)
        url_name = getattr(request.resolver_match, "url_name", "") or ""
        user = getattr(request, "user", None)
        if model_admin is None or request.method != "GET" or not (user and user.is_staff):
            return None
        if url_name.endswith("_changelist"):
            return self._check_date_hierarchy(request, model_admin)
        if url_name.endswith("_add"):
            self._drop_bad_initial(request, model_admin)
        return None

    def _check_date_hierarchy(self, request, model_admin):
        field = model_admin.date_hierarchy
        if not field:
            return None
        for part, (low, high) in DATE_PARTS.items():
            name = f"{field}__{part}"
            for value in request.GET.getlist(name):
                if not (SMALL_NUMBER.match(value) and low <= int(value) <= high):
                    return bad_request(
                        request,
                        _("“%(value)s” is not a valid %(part)s for “%(name)s”.")
                        % {"value": value[:30], "part": part, "name": name},
                    )
        return None

    def _drop_bad_initial(self, request, model_admin):
        """Keep a prefilled value only if its form field accepts it (as the admin would after a
        submit); an unusable one (`?application=abc`, `?opens_at=tomorrow`) would make the
        widget fail while drawing the form."""
        try:
            fields = model_admin.get_form(request, None, change=False).base_fields
        except Exception:  # a form that cannot be built here fails in the view as before
            return
        initial = model_admin.get_changeform_initial_data(request)
        dropped = []
        for name, value in initial.items():
            field = fields.get(name)
            if field is None:
                continue
            try:
                field.clean(value)
            except Exception:  # ValidationError, or a field that cannot take text (a file)
                dropped.append(name)
        if not dropped:
            return
        query = request.GET.copy()
        for name in dropped:
            query.pop(name, None)
        request.GET = query
        messages.warning(
            request,
            _("The address prefilled %(fields)s with a value that does not fit; it was left out.")
            % {"fields": ", ".join(f"“{name}”" for name in dropped)},
        )
