"""A person's own data (account page, download, deletion) and the staff pages (register,
exports for a named person or organisation, retention); the privacy notice and the page
that asks for a new version of a notice to be accepted."""

from functools import wraps

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from twinning.forms import error_summary
from twinning.http import safe_next
from twinning.pagecache import cached_for_visitors
from users import consents
from users.forms import NoticeAcceptForm
from users.middleware import SESSION_KEY
from users.models import ConsentRecord, Notice

from . import services
from .forms import AccountDeleteForm, StaffExportForm
from .models import ErasureRequest
from .register import holdings_by_model


@cached_for_visitors
def privacy_notice(request):
    notice = consents.current_notice(Notice.Kind.PRIVACY)
    sharing = consents.current_notice(Notice.Kind.DATA_SHARING)
    return render(request, "pages/privacy.html", {"notice": notice, "sharing": sharing})


@login_required
@require_http_methods(["GET", "POST"])
def notice_accept(request):
    next_url = safe_next(request, "")
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


def _zip_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def staff_permission_required(permission: str):
    def decorator(view):
        @staff_member_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@login_required
def account(request):
    waiting = ErasureRequest.objects.filter(
        user=request.user, status=ErasureRequest.Status.WAITING
    ).first()
    return render(request, "privacy/account.html", {"waiting": waiting})


@login_required
@require_POST
def account_export(request):
    content = services.export_person(user=request.user, by=request.user)
    stamp = timezone.now().strftime("%Y%m%d")
    return _zip_response(content, f"twinning-my-data-{stamp}.zip")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        erasure_request = services.erasure_request(user=request.user)
        if erasure_request.status == ErasureRequest.Status.DONE:
            logout(request)
            messages.success(request, _("Your account and your personal data have been deleted."))
            return redirect("home")
        messages.info(
            request,
            _(
                "We have your request. Because the programme must keep a record of a published "
                "pairing, the programme team confirms it; you will get an e-mail."
            ),
        )
        return redirect("account_data")
    return render(
        request,
        "privacy/account_delete.html",
        {"form": form, "errors": error_summary(form) if request.method == "POST" else []},
    )


@staff_permission_required("privacy.view_personal_data_register")
def register(request):
    rows = []
    for holding in holdings_by_model().values():
        model = holding.model_class
        rows.append(
            {
                "holding": holding,
                "name": model._meta.verbose_name_plural,
                "fields": [
                    (model._meta.get_field(name).verbose_name, what)
                    for name, what in holding.personal.items()
                ],
            }
        )
    return render(request, "privacy/register.html", {"rows": rows})


@staff_permission_required("privacy.export_personal_data")
@require_http_methods(["GET", "POST"])
def staff_export(request):
    form = StaffExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        stamp = timezone.now().strftime("%Y%m%d")
        if form.cleaned_data.get("user"):
            user = form.cleaned_data["user"]
            content = services.export_person(user=user, by=request.user)
            return _zip_response(content, f"twinning-person-{user.pk}-{stamp}.zip")
        organisation = form.cleaned_data["organisation"]
        content = services.export_organisation(organisation=organisation, by=request.user)
        return _zip_response(content, f"twinning-organisation-{organisation.pk}-{stamp}.zip")
    return render(
        request,
        "privacy/staff_export.html",
        {"form": form, "errors": error_summary(form) if request.method == "POST" else []},
    )


@staff_permission_required("privacy.view_retentionrun")
def retention(request):
    return render(request, "privacy/retention.html", {"rows": services.retention_overview()})
