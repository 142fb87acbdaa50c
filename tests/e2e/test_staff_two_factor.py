"""Staff two-factor in the browser: a new staff account is made to set up an authenticator app
before the admin, then signs in with password and code, and with a recovery code, once.
axe-core on every page."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from tests.factories import UserFactory
from tests.totp import totp_code

from .axe import assert_accessible

pytestmark = pytest.mark.browser
EMAIL = "new-reviewer@nzc.example"
PASSWORD = "Review-Board-2025!"


def portal_sign_in(page: Page, live_server) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(live_server.url + "/accounts/2fa/authenticate/")
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()


def enter_code(page: Page, code: str) -> None:
    page.get_by_label(re.compile(r"^\s*Code\*?\s*$")).fill(code)
    page.get_by_role("main").get_by_role("button", name="Sign In").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile(r"^Sign out")).click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_staff_set_up_an_authenticator_then_sign_in_with_codes(
    call_data, live_server, watched_page
):
    page = watched_page
    staff = UserFactory(
        email=EMAIL, is_staff=True, is_superuser=True, password=PASSWORD, two_factor=False
    )
    EmailAddress.objects.create(user=staff, email=EMAIL, verified=True, primary=True)

    # Password at the admin's sign-in: the admin is not reached before two-factor is set up.
    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    assert_accessible(page)
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Setting it up asks for the password once more.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    expect(page.get_by_text("Staff accounts need two-factor authentication.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(live_server.url + "/accounts/2fa/totp/activate/")
    expect(page.get_by_role("img", name="QR code of the authenticator secret")).to_be_visible()
    assert_accessible(page)
    secret = page.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    # The recovery codes, shown once set up.
    expect(page).to_have_url(live_server.url + "/accounts/2fa/recovery-codes/")
    assert_accessible(page)
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10

    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()

    # Password, then the app's code; then a recovery code instead of the app's code.
    for code in (totp_code(secret), codes[0]):
        portal_sign_in(page, live_server)
        assert_accessible(page)
        enter_code(page, code)
        page.goto(live_server.url + "/admin/")
        expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
        page.goto(live_server.url + "/")
        sign_out(page)

    # That recovery code works once.
    portal_sign_in(page, live_server)
    enter_code(page, codes[0])
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))

    # The admin's pages link no favicon; the browser's own request for one is not ours.
    assert [e for e in page.errors if "/favicon.ico" not in e] == []
    assert page.foreign_requests == []
