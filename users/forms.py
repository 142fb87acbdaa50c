"""Forms of the users app: the extra sign-up field, the notice (re)acceptance and the admin's
sign-in form (throttled like allauth's)."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import consents, throttle
from .models import ConsentRecord, Notice


def _privacy_label():
    return format_html(
        '{} <a href="{}">{}</a>',
        _("I have read and accept the"),
        reverse_lazy("privacy"),
        _("privacy notice"),
    )


class SignupForm(forms.Form):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    accept_privacy = forms.BooleanField(
        label=lazy(_privacy_label, str)(),
        required=True,
        error_messages={"required": _("Please accept the privacy notice to create an account.")},
    )

    def signup(self, request, user):
        consents.consent_record(
            user=user, kind=Notice.Kind.PRIVACY, source=ConsentRecord.Source.SIGNUP
        )


class NoticeAcceptForm(forms.Form):
    """One required checkbox per notice the person has to accept again."""

    def __init__(self, *args, notices, **kwargs):
        super().__init__(*args, **kwargs)
        self.notices = notices
        for notice in notices:
            self.fields[f"accept_{notice.pk}"] = forms.BooleanField(
                label=_("I accept %(title)s (version %(version)s)")
                % {"title": notice.title, "version": notice.version},
                required=True,
                error_messages={"required": _("Please accept this version to go on.")},
            )


class AdminLoginForm(AdminAuthenticationForm):
    """/admin/login/ counts and refuses attempts with the same throttle as /accounts/login/."""

    def clean(self):
        login = self.cleaned_data.get("username") or ""
        message = throttle.refusal(self.request, login)
        if message:
            raise forms.ValidationError(message, code="too_many_login_attempts")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(self.request, login)
            raise
        throttle.record_success(self.request, login)
        return cleaned
