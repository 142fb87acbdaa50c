"""The privacy notice page and the page that asks for a new version to be accepted."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from twinning.forms import error_summary

from . import consents
from .forms import NoticeAcceptForm
from .middleware import SESSION_KEY
from .models import ConsentRecord, Notice


def privacy_notice(request):
    notice = consents.current_notice(Notice.Kind.PRIVACY)
    sharing = consents.current_notice(Notice.Kind.DATA_SHARING)
    return render(request, "pages/privacy.html", {"notice": notice, "sharing": sharing})


@login_required
@require_http_methods(["GET", "POST"])
def notice_accept(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    notices = consents.pending_notices(request.user)
    if not notices:
        return redirect(next_url or "home")
    form = NoticeAcceptForm(request.POST if request.method == "POST" else None, notices=notices)
    if request.method == "POST" and form.is_valid():
        for notice in notices:
            consents.consent_record(
                user=request.user, kind=notice.kind, source=ConsentRecord.Source.PROMPT
            )
        request.session.pop(SESSION_KEY, None)
        return redirect(next_url or "home")
    return render(
        request,
        "users/notice_accept.html",
        {
            "form": form,
            "notices": notices,
            "next": next_url,
            "errors": error_summary(form) if request.method == "POST" else [],
        },
    )
