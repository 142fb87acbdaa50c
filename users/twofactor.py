"""Two-factor sign-in for staff (issue 12): allauth's MFA app, TOTP with recovery codes.

- Staff accounts must have an authenticator app (TOTP) when STAFF_REQUIRE_MFA is on (the
  default; `make run` turns it off for the demo): a staff account without one is sent to set it
  up on every page outside /accounts/, so it reaches neither the admin nor any staff page first;
  it cannot remove it while the requirement stands. For everyone else it is optional (`/account/`
  links to it).
- The admin's /admin/login/ signs in through allauth's login flow, so the second step (the code
  from the app, or a recovery code) is asked there too; its form keeps the shared throttle.
"""

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import Login
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import AdminLoginForm

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz")


def required_for(user) -> bool:
    return bool(settings.STAFF_REQUIRE_MFA and user.is_authenticated and user.is_staff)


def has_authenticator_app(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffTwoFactorMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not request.path.startswith(EXEMPT_PREFIXES)
            and required_for(request.user)
            and not has_authenticator_app(request.user)
        ):
            messages.warning(
                request,
                _(
                    "Staff accounts need two-factor authentication. Set up an authenticator "
                    "app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        """Staff keep their authenticator app while it is required (an admin can still remove
        it for them, e.g. after a lost phone: README)."""
        if authenticator.type == Authenticator.Type.TOTP and required_for(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)


class AdminLoginView(LoginView):
    """/admin/login/: the admin's page and form (throttled), then allauth's login flow, which
    asks for the second factor when the account has one and records how the person signed in.
    The admin never asked to verify e-mail addresses; it still does not."""

    authentication_form = AdminLoginForm
    template_name = "admin/login.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return reverse("admin:index")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **admin.site.each_context(self.request),
            "title": gettext_lazy("Log in"),
            "subtitle": None,
            "app_path": self.request.get_full_path(),
            "username": self.request.user.get_username(),
        }

    def form_valid(self, form):
        user = form.get_user()
        login = Login(
            user=user,
            email_verification=account_settings.EmailVerificationMethod.NONE,
            redirect_url=self.get_success_url(),
            email=user.email,
        )
        credentials = {"email": user.email, "password": form.cleaned_data["password"]}
        return perform_password_login(self.request, credentials, login)


def admin_login(request, extra_context=None):
    """Replaces AdminSite.login (twinning/urls.py). A signed-in staff member goes to the index,
    as with Django's own view."""
    if request.method == "GET" and request.user.is_active and request.user.is_staff:
        return redirect("admin:index")
    return AdminLoginView.as_view(extra_context=extra_context)(request)
