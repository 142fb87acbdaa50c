"""allauth adapter: account e-mails are stored in the outbox and sent by the worker; sign-in
attempts go through the portal's one throttle (users/throttle.py), shared with /admin/login/."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django import forms
from django.apps import apps
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from outbox.services import email_enqueue

from . import throttle


def _login(credentials) -> str:
    return credentials.get("email") or credentials.get("username") or ""


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """Without a `next`, each role lands on its home: staff on the dashboard (on the admin's
        index if they may not see matching), Mission City members on the workspace, applicants
        on their applications."""
        user = request.user
        # By name: the users app sits below cities and applications.
        MissionCityMembership = apps.get_model("cities", "MissionCityMembership")
        OrganisationMember = apps.get_model("applications", "OrganisationMember")
        if user.is_staff:
            if user.has_perm("matching.view_matchingrun"):
                return reverse("staff_dashboard")
            return reverse("admin:index")
        if MissionCityMembership.objects.filter(user=user, revoked_at__isnull=True).exists():
            return reverse("workspace")
        if OrganisationMember.objects.filter(user=user).exists():
            return reverse("my_applications")
        return super().get_login_redirect_url(request)

    def get_client_ip(self, request):
        """allauth's other rate limits (sign-up, password reset) count the same address."""
        return throttle.client_address(request)

    def pre_authenticate(self, request, **credentials):
        super().pre_authenticate(request, **credentials)
        message = throttle.refusal(request, _login(credentials))
        if message:
            raise forms.ValidationError(message, code="too_many_login_attempts")

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            throttle.record_success(request, _login(credentials))
        return user

    def authentication_failed(self, request, **credentials):
        throttle.record_failure(request, _login(credentials))

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"),
            None,
        )
        email_enqueue(
            to=list(message.to),
            subject=message.subject,
            body=message.body,
            html=html or "",
            template=template_prefix.rsplit("/", 1)[-1],
        )
