"""Password, session and header policies (issue 12, item 4)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from twinning.security import PERMISSIONS_POLICY
from users import sessions

pytestmark = pytest.mark.django_db

MINUTE = 60
HOUR = 60 * MINUTE


def errors(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return exc.messages
    return []


def test_passwords_need_twelve_characters():
    assert errors("Tamar-Bri9e") == [
        "This password is too short. It must contain at least 12 characters."
    ]
    assert errors("Tamar-Bri9e!") == []


def test_common_and_numeric_passwords_are_refused_even_when_long():
    assert errors("password1234") == ["This password is too common."]
    assert errors("839201746501") == ["This password is entirely numeric."]


def test_a_password_like_the_e_mail_address_is_refused():
    user = UserFactory.build(email="annemarie.plymouth@example.org")
    similar = ["The password is too similar to the e-mail address."]
    assert errors("annemarie.plymouth", user) == similar


def test_signup_refuses_a_short_password(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "Short-pw-1", "password2": "Short-pw-1"},
    )
    assert "This password is too short. It must contain at least 12 characters." in (
        response.content.decode()
    )
    assert not UserFactory._meta.model.objects.filter(email="new@example.org").exists()


class Clock:
    def __init__(self, monkeypatch, start=1_800_000_000.0):
        self.now = start
        monkeypatch.setattr(sessions, "_now", lambda: self.now)

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def signed_in(client, user):
    client.force_login(user)
    return client


def test_staff_session_ends_after_thirty_idle_minutes(client, clock, staff):
    signed_in(client, staff)
    assert client.get("/admin/").status_code == 200

    clock.advance(29 * MINUTE)
    assert client.get("/admin/").status_code == 200  # activity moves the idle limit
    clock.advance(29 * MINUTE)
    assert client.get("/admin/").status_code == 200

    clock.advance(30 * MINUTE + 1)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session  # signed out, not only redirected


def test_staff_session_ends_twelve_hours_after_sign_in_however_active(client, clock, staff):
    signed_in(client, staff)
    for _ in range(12 * 4):  # a request every 15 minutes for 12 hours
        assert client.get("/admin/").status_code == 200
        clock.advance(15 * MINUTE)
    clock.advance(1)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_staff_session_cookie_expires_with_the_idle_limit(client, clock, staff):
    signed_in(client, staff)
    client.get("/admin/")
    assert client.session.get_expiry_age() == 30 * MINUTE


def test_other_people_keep_normal_sessions(client, clock, applicant):
    signed_in(client, applicant)
    assert client.get(reverse("my_applications")).status_code == 200
    clock.advance(13 * HOUR)
    assert client.get(reverse("my_applications")).status_code == 200
    assert client.session.get_expiry_age() == 14 * 24 * HOUR
    assert sessions.STARTED_KEY not in client.session


def test_signed_in_pages_are_not_stored(client, applicant):
    signed_in(client, applicant)
    response = client.get(reverse("my_applications"))
    assert "no-store" in response["Cache-Control"].split(", ")
    assert "private" in response["Cache-Control"].split(", ")


def test_public_pages_for_visitors_may_be_cached(client):
    response = client.get(reverse("home"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_static_files_keep_their_caching_when_signed_in(client, applicant):
    signed_in(client, applicant)
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    response.close()
    assert "no-store" not in response.get("Cache-Control", "")
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/healthz", "/admin/login/"])
def test_every_response_has_a_permissions_policy(client, path):
    response = client.get(path)
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY and "geolocation=()" in PERMISSIONS_POLICY


def _session_saves(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    sql = [query["sql"] for query in ctx.captured_queries]
    return [q for q in sql if "django_session" in q and "UPDATE" in q]


def test_staff_page_loads_within_a_minute_do_not_save_the_session(client, clock, staff):
    signed_in(client, staff)
    assert _session_saves(client, "/admin/") == []  # the clock started at sign-in
    clock.advance(30)
    assert _session_saves(client, "/admin/") == []
    clock.advance(31)
    assert len(_session_saves(client, "/admin/")) == 1  # last seen moves once a minute
