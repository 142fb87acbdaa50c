"""One sign-in throttle over /accounts/login/ and /admin/login/ (issue 12, item 2)."""

import logging

import pytest
from allauth.account.models import EmailAddress
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import UserFactory
from twinning import cache as resilient_cache
from users import throttle

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
ADMIN_LOGIN = "/admin/login/?next=/admin/"
WRONG = "Please enter the correct e-mail address and password for a staff account"
REFUSED = "Too many failed sign-in attempts. Please try again in 15 minutes."


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_THROTTLE = {"per_account": 5, "per_address": 20, "window_seconds": 15 * 60}
    settings.TRUSTED_PROXY_COUNT = 0


@pytest.fixture
def reviewer(db):
    """Without an authenticator app: the right password signs in at once (two-factor is tested
    in test_twofactor.py)."""
    return UserFactory(
        email="reviewer@nzc.example", is_staff=True, is_superuser=True, two_factor=False
    )


def admin_login(client, email, password, **extra):
    return client.post(ADMIN_LOGIN, {"username": email, "password": password}, **extra)


def portal_login(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_admin_login_refuses_the_right_password_after_five_wrong_ones(client, reviewer):
    for _ in range(5):
        response = admin_login(client, reviewer.email, "wrong-password-123")
        assert WRONG in response.content.decode()

    response = admin_login(client, reviewer.email, PASSWORD)

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert signed_in_as(client) is None


def test_the_forty_guesses_of_the_penetration_test_do_not_get_in(client, reviewer):
    for _ in range(40):
        admin_login(client, reviewer.email, "guess-guess-guess")
    assert REFUSED in admin_login(client, reviewer.email, PASSWORD).content.decode()
    assert signed_in_as(client) is None


def test_both_forms_share_one_count(client, reviewer):
    for _ in range(3):
        portal_login(client, reviewer.email, "wrong-password-123")
    for _ in range(2):
        admin_login(client, reviewer.email, "wrong-password-123")

    # The sixth attempt, on either form, is refused even with the right password.
    assert REFUSED in portal_login(client, reviewer.email, PASSWORD).content.decode()
    assert REFUSED in admin_login(client, reviewer.email, PASSWORD).content.decode()
    assert signed_in_as(client) is None


def test_the_message_says_how_long_to_wait(client, reviewer, monkeypatch):
    for _ in range(5):
        admin_login(client, reviewer.email, "wrong-password-123")
    start = throttle.time.time()
    monkeypatch.setattr(throttle.time, "time", lambda: start + 14 * 60 + 1)
    page = portal_login(client, reviewer.email, PASSWORD).content.decode()
    assert "Too many failed sign-in attempts. Please try again in 1 minute." in page


def test_another_address_and_another_account_still_sign_in(client, reviewer, applicant):
    for _ in range(5):
        admin_login(client, reviewer.email, "wrong-password-123", REMOTE_ADDR="203.0.113.9")

    # The account's owner, from their own address.
    admin_login(client, reviewer.email, PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert signed_in_as(client) == str(reviewer.pk)
    client.logout()

    # Another account from the attacker's address (per-address limit not reached).
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=True, primary=True)
    portal_login(client, applicant.email, PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert signed_in_as(client) == str(applicant.pk)


def test_password_spraying_from_one_address_is_refused(client, applicant):
    for n in range(20):
        portal_login(client, f"nobody{n}@example.org", "Spring-2025!", REMOTE_ADDR="203.0.113.9")
    page = portal_login(client, applicant.email, PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert REFUSED in page.content.decode()
    assert signed_in_as(client) is None


def test_a_forged_forwarded_for_does_not_reset_the_count(client, reviewer, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # one proxy of ours, which appends the client's address
    for n in range(5):
        admin_login(
            client,
            reviewer.email,
            "wrong-password-123",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9",
        )
    page = admin_login(
        client,
        reviewer.email,
        PASSWORD,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.200, 203.0.113.9",
    )
    assert REFUSED in page.content.decode()
    assert signed_in_as(client) is None


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # no proxy: the header is ignored
        (1, "10.0.0.2", "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (2, "10.0.0.2", "198.51.100.1, 203.0.113.9, 10.0.0.3", "203.0.113.9"),
        (2, "10.0.0.2", "203.0.113.9", "10.0.0.2"),  # fewer than the proxies: not trusted
        (0, "2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::/64"),
    ],
)
def test_client_address(settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **extra)
    assert throttle.client_address(request) == expected


def test_a_successful_sign_in_clears_the_accounts_count(client, reviewer):
    for _ in range(4):
        admin_login(client, reviewer.email, "wrong-password-123")
    admin_login(client, reviewer.email, PASSWORD)
    client.logout()
    for _ in range(4):
        admin_login(client, reviewer.email, "wrong-password-123")
    admin_login(client, reviewer.email, PASSWORD)
    assert signed_in_as(client) == str(reviewer.pk)


def test_sign_in_is_allowed_and_logged_when_redis_is_down(client, reviewer, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "twinning.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: refused at once
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    resilient_cache.reset_breaker()
    try:
        with caplog.at_level(logging.WARNING, logger="twinning.cache"):
            for _ in range(6):
                response = admin_login(client, reviewer.email, "wrong-password-123")
                assert response.status_code == 200
            admin_login(client, reviewer.email, PASSWORD)
        assert signed_in_as(client) == str(reviewer.pk)
        assert any("Cache unavailable" in r.getMessage() for r in caplog.records)
    finally:
        resilient_cache.reset_breaker()
