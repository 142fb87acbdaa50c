"""Staff sign-in in the browser: the admin's form, then the code of the authenticator app that
UserFactory gives staff accounts (tests/totp.py)."""

import re

from playwright.sync_api import Page, expect

from tests.totp import STAFF_TOTP_SECRET, totp_code


def sign_in_staff(page: Page, live_server, email: str, password: str) -> None:
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + "/accounts/2fa/authenticate/")
    page.get_by_label(re.compile(r"^\s*Code\*?\s*$")).fill(totp_code(STAFF_TOTP_SECRET))
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(live_server.url + "/admin/")
