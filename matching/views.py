"""Staff pages outside the model admin: the dashboard."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from cities.models import Call
from cities.selectors import call_current

from .dashboard import dashboard_data


@staff_member_required
@permission_required("matching.view_matchingrun", raise_exception=True)
def dashboard(request):
    slug = request.GET.get("call")
    call = get_object_or_404(Call, slug=slug) if slug else call_current()
    data = dashboard_data(call=call) if call else None
    return render(
        request,
        "matching/dashboard.html",
        {
            **admin.site.each_context(request),
            "title": _("Dashboard"),
            "call": call,
            "calls": Call.objects.order_by("-opens_at"),
            "data": data,
        },
    )
