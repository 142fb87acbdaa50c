"""Two-factor sign-in: required for staff, optional for everyone else (issue 12, item 3)."""

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.urls import reverse

from privacy.erasure import erase
from tests.factories import UserFactory
from tests.totp import STAFF_TOTP_SECRET, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def newcomer(db):
    """A staff account that has not set up two-factor yet."""
    return UserFactory(email="new@nzc.example", is_staff=True, is_superuser=True, two_factor=False)


def test_two_factor_is_required_for_staff_in_the_test_and_production_settings():
    assert settings.STAFF_REQUIRE_MFA is True
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "twinning.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "twinning.example.org",
        "DATABASE_URL": "postgres://u@localhost/db",
        "REDIS_URL": "redis://localhost:6379/0",
        "EMAIL_URL": "smtp://localhost:25",
        "SITE_URL": "https://twinning.example.org",
    }
    env.pop("STAFF_REQUIRE_MFA", None)
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.STAFF_REQUIRE_MFA)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True"


@pytest.mark.parametrize("path", ["/admin/", "/admin/applications/application/", "/staff/"])
def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, newcomer, path):
    client.force_login(newcomer)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE


def password_login(client, user):
    client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    assert signed_in_as(client) == str(user.pk)


def confirm_password(client):
    """Setting up an authenticator asks for the password again first (allauth)."""
    response = client.get(ACTIVATE)
    assert response["Location"] == f"/accounts/reauthenticate/?next={quote(ACTIVATE, safe='')}"
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == ACTIVATE


def test_the_setup_page_shows_the_secret_and_a_code_from_it_activates(client, newcomer):
    password_login(client, newcomer)
    assert client.get("/admin/")["Location"] == ACTIVATE
    confirm_password(client)
    page = client.get(ACTIVATE, follow=True)
    assert page.redirect_chain == []
    text = page.content.decode()
    assert "Staff accounts need two-factor authentication." in text
    secret = page.context["form"].secret
    assert f'value="{secret}"' in text

    response = client.post(ACTIVATE, {"code": totp_code(secret)})

    assert response["Location"] == reverse("mfa_view_recovery_codes")
    kinds = set(Authenticator.objects.filter(user=newcomer).values_list("type", flat=True))
    assert kinds == {"totp", "recovery_codes"}
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_does_not_activate(client, newcomer):
    password_login(client, newcomer)
    confirm_password(client)
    client.get(ACTIVATE)
    response = client.post(ACTIVATE, {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=newcomer).exists()
    assert client.get("/admin/")["Location"] == ACTIVATE


def test_staff_with_an_authenticator_reach_the_admin(client, staff):
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_staff_cannot_remove_their_authenticator_while_it_is_required(client, staff):
    client.force_login(staff)
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=staff, type="totp").exists()


def test_without_the_requirement_staff_need_no_authenticator(client, newcomer, settings):
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(newcomer)
    assert client.get("/admin/").status_code == 200


def test_two_factor_is_optional_for_everyone_else(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("my_applications")).status_code == 200
    account = client.get(reverse("account_data")).content.decode()
    assert reverse("mfa_index") in account
    assert "Set up or manage two-factor authentication" in account
    assert client.get(reverse("mfa_index")).status_code == 200


def test_admin_login_asks_for_the_code_after_the_password(client, staff):
    response = client.post(
        "/admin/login/?next=/admin/applications/application/",
        {"username": staff.email, "password": PASSWORD},
    )
    assert response["Location"] == AUTHENTICATE
    assert signed_in_as(client) is None  # not yet

    assert "Incorrect code." in client.post(AUTHENTICATE, {"code": "123456"}).content.decode()
    assert signed_in_as(client) is None

    response = client.post(AUTHENTICATE, {"code": totp_code(STAFF_TOTP_SECRET)})
    assert response["Location"] == "/admin/applications/application/"
    assert signed_in_as(client) == str(staff.pk)
    assert client.get("/admin/").status_code == 200


def test_portal_login_asks_for_the_code_after_the_password(client, staff):
    verified(staff)
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == AUTHENTICATE
    assert signed_in_as(client) is None
    client.post(AUTHENTICATE, {"code": totp_code(STAFF_TOTP_SECRET)})
    assert signed_in_as(client) == str(staff.pk)


def test_a_recovery_code_signs_in_once(client, staff):
    codes = RecoveryCodes.activate(staff).get_unused_codes()
    assert len(codes) == 10

    client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    client.post(AUTHENTICATE, {"code": codes[0]})
    assert signed_in_as(client) == str(staff.pk)
    client.logout()

    client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    again = client.post(AUTHENTICATE, {"code": codes[0]})
    assert "Incorrect code." in again.content.decode()
    assert signed_in_as(client) is None
    client.post(AUTHENTICATE, {"code": codes[1]})
    assert signed_in_as(client) == str(staff.pk)


def test_an_admin_can_remove_a_lost_authenticator(client, superuser):
    """A lost phone: an admin deletes the person's authenticators in the admin; at the next
    sign-in the person sets up a new one."""
    lost = UserFactory(email="lost@nzc.example", is_staff=True)
    totp = Authenticator.objects.get(user=lost, type="totp")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:mfa_authenticator_changelist"),
        {"action": "delete_selected", "_selected_action": [totp.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=lost).exists()


def test_erasure_deletes_the_authenticators(staff):
    RecoveryCodes.activate(staff)
    assert Authenticator.objects.filter(user=staff).count() == 2
    erase(staff)
    assert not Authenticator.objects.filter(user=staff).exists()


def test_the_admin_never_shows_a_secret(client, superuser):
    lost = UserFactory(email="lost@nzc.example", is_staff=True)
    totp = Authenticator.objects.get(user=lost, type="totp")
    client.force_login(superuser)
    page = client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk])).content.decode()
    assert lost.name in page
    assert STAFF_TOTP_SECRET not in page
    changelist = client.get(reverse("admin:mfa_authenticator_changelist")).content.decode()
    assert STAFF_TOTP_SECRET not in changelist and lost.name in changelist
