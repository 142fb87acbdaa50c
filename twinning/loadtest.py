"""The load test's yardstick: the cheapest page the stack can serve, through every middleware.
Routed only when settings.LOADTEST_BARE_VIEW is True (twinning.settings.loadtest)."""

from django.http import HttpResponse


def bare_ok(request):
    return HttpResponse("ok", content_type="text/plain")
