"""No 500 on garbage (issue 12): each request the penetration test answered with a 500 now gets a
clear page or a 400 (twinning/middleware.py, twinning/http.py, users/signup.py)."""

import threading
from http.cookies import SimpleCookie
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from applications.models import Organisation
from outbox.models import Email
from tests.builders import submitted_application
from tests.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "The request contains a NUL character"
HUGE = "99999999999999999999"


def shortlist_url(city):
    return reverse("workspace_shortlist", args=[city.mission_city.slug])


# next=foo ---------------------------------------------------------------------------------


def test_shortlist_actions_with_a_next_that_is_no_path_go_back_to_the_shortlist(
    client, open_call, torino, torino_member
):
    plymouth = submitted_application(open_call, "Plymouth", prefs=("Torino",))
    client.force_login(torino_member)
    slug = torino.mission_city.slug
    back = shortlist_url(torino)

    added = client.post(
        reverse("workspace_shortlist_add", args=[slug]),
        {"application": plymouth.pk, "next": "foo"},
    )
    moved = client.post(
        reverse("workspace_shortlist_move", args=[slug, plymouth.pk]),
        {"direction": "up", "next": "foo"},
    )
    noted = client.post(
        reverse("workspace_shortlist_note", args=[slug, plymouth.pk]),
        {"note": "Energy peers", "next": "foo"},
    )
    removed = client.post(
        reverse("workspace_shortlist_remove", args=[slug, plymouth.pk]) + "?next=foo"
    )

    assert (added.status_code, added["Location"]) == (302, back)
    assert (moved.status_code, moved["Location"]) == (302, f"{back}#entry-{plymouth.pk}")
    assert (noted.status_code, noted["Location"]) == (302, f"{back}#entry-{plymouth.pk}")
    assert (removed.status_code, removed["Location"]) == (302, back)


@pytest.mark.parametrize("target", ["foo", "home.html", "//evil.example/", "https://evil.example/"])
def test_shortlist_next_is_followed_only_when_it_is_a_path_here(
    client, open_call, torino, torino_member, target
):
    plymouth = submitted_application(open_call, "Plymouth", prefs=("Torino",))
    client.force_login(torino_member)
    slug = torino.mission_city.slug

    response = client.post(
        reverse("workspace_shortlist_add", args=[slug]),
        {"application": plymouth.pk, "next": target},
    )
    assert response["Location"] == shortlist_url(torino)
    response = client.post(
        reverse("workspace_shortlist_note", args=[slug, plymouth.pk]),
        {"note": "x", "next": "/workspace/torino/?topic=energy-systems"},
    )
    assert response["Location"] == f"/workspace/torino/?topic=energy-systems#entry-{plymouth.pk}"


def test_notice_page_with_a_next_that_is_no_path_goes_home(client, applicant):
    client.force_login(applicant)

    response = client.get(reverse("notice_accept"), {"next": "foo"})

    assert (response.status_code, response["Location"]) == (302, reverse("home"))


# NUL bytes --------------------------------------------------------------------------------


def assert_nul_refused(response):
    assert response.status_code == 400
    html = response.content.decode()
    assert NUL_MESSAGE in html
    assert "<h1>This request could not be used</h1>" in html


def test_nul_byte_in_an_admin_list_filter_and_search_is_a_400(client, staff):
    client.force_login(staff)
    changelist = reverse("admin:applications_application_changelist")

    assert_nul_refused(client.get(changelist, {"status__exact": "sub\x00mitted"}))
    assert_nul_refused(client.get(changelist, {"q": "\x00"}))
    assert_nul_refused(client.get(reverse("admin:audit_auditentry_changelist"), {"action": "\x00"}))
    assert client.get(changelist, {"status__exact": "submitted"}).status_code == 200


def test_nul_byte_in_the_dashboard_call_is_a_400(client, staff, open_call):
    client.force_login(staff)

    assert_nul_refused(client.get(reverse("staff_dashboard"), {"call": "op\x00en"}))
    assert client.get(reverse("staff_dashboard"), {"call": open_call.slug}).status_code == 200


def test_nul_byte_in_an_admin_autocomplete_term_is_a_400(client, staff):
    client.force_login(staff)
    query = {
        "app_label": "applications",
        "model_name": "organisationmember",
        "field_name": "organisation",
    }

    assert_nul_refused(client.get("/admin/autocomplete/", {**query, "term": "Ply\x00"}))
    assert client.get("/admin/autocomplete/", {**query, "term": "Ply"}).status_code == 200


def test_nul_byte_in_a_form_field_a_cookie_or_the_path_is_a_400(client, applicant):
    assert_nul_refused(
        client.post(reverse("account_login"), {"login": "a\x00@example.org", "password": "x"})
    )
    assert_nul_refused(client.post(reverse("account_login"), {"log\x00in": "a@example.org"}))
    assert_nul_refused(client.get("/mission-cities/tor%00ino/"))

    client.force_login(applicant)
    client.cookies[settings.SESSION_COOKIE_NAME] = "abc\x00def"
    assert_nul_refused(client.get(reverse("my_applications")))


def test_a_quoted_cookie_with_an_escaped_nul_is_a_400():
    client = Client()
    cookie = SimpleCookie()
    cookie.load(f'{settings.SESSION_COOKIE_NAME}="abc\\000def"')
    assert cookie[settings.SESSION_COOKIE_NAME].value == "abc\x00def"  # how Django parses it
    client.cookies = cookie

    assert_nul_refused(client.get(reverse("home")))


# 20-digit numbers -------------------------------------------------------------------------


def test_a_20_digit_id_in_an_admin_filter_is_a_400(client, staff):
    client.force_login(staff)

    response = client.get(reverse("admin:matching_pairing_changelist"), {"call__id__exact": HUGE})

    assert response.status_code == 400
    assert "The number given for “call__id__exact” in the address is too large." in (
        response.content.decode()
    )


@pytest.mark.parametrize("year", [HUGE, "-" + HUGE, "12345", "0", "20x6", "²"])
def test_a_year_that_is_no_year_in_a_date_hierarchy_is_a_400(client, staff, year):
    client.force_login(staff)

    response = client.get(reverse("admin:audit_auditentry_changelist"), {"at__year": year})

    assert response.status_code == 400
    assert "for “at__year”" in response.content.decode()


def test_real_date_hierarchy_steps_and_a_long_number_in_a_search_still_work(client, staff):
    client.force_login(staff)
    changelist = reverse("admin:audit_auditentry_changelist")

    assert client.get(changelist, {"at__year": "2026", "at__month": "11"}).status_code == 200
    assert client.get(changelist, {"q": HUGE}).status_code == 200
    assert client.get(changelist, {"at__month": "13", "at__year": "2026"}).status_code == 400


# application=abc on admin add forms -------------------------------------------------------


def test_an_unusable_prefilled_value_on_an_admin_add_form_is_left_out(client, staff):
    client.force_login(staff)
    add = reverse("admin:applications_organisationmember_add")

    response = client.get(add, {"organisation": "abc", "user": "\N{SNOWMAN}"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "prefilled “organisation”, “user” with a value that does not fit" in html
    assert response.context["adminform"].form.initial == {}


def test_a_good_prefilled_value_on_an_admin_add_form_is_kept(client, staff):
    client.force_login(staff)
    organisation = Organisation.objects.create(name="Plymouth City Council", country="GB")

    response = client.get(
        reverse("admin:applications_organisationmember_add"), {"organisation": organisation.pk}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.initial == {"organisation": str(organisation.pk)}
    assert "does not fit" not in response.content.decode()
    assert f'<option value="{organisation.pk}" selected>Plymouth City Council' in (
        response.content.decode()
    )


@pytest.mark.parametrize("value", ["abc", "2026-13-01", HUGE[:18]])
def test_a_datetime_prefilled_with_text_is_left_out(client, staff, value):
    client.force_login(staff)

    response = client.get(reverse("admin:cities_call_add"), {"opens_at": value})

    assert response.status_code == 200
    assert "prefilled “opens_at”" in response.content.decode()


def test_former_participant_add_form_renders(client, staff):
    """Its URL field takes https as the scheme (the add form used to warn, an error in tests)."""
    client.force_login(staff)

    response = client.get(reverse("admin:cities_formerparticipant_add"))

    assert response.status_code == 200


# Simultaneous sign-ups with one address ---------------------------------------------------

SIGNUP = {
    "email": "race@example.org",
    "password1": "a-long-passphrase-1",
    "password2": "a-long-passphrase-1",
    "accept_privacy": "on",
}


def test_a_signup_that_loses_the_race_gets_the_check_your_email_page(client):
    """The address was free when the form checked it and taken when the account was saved (as
    when two sign-ups run at once): the page every sign-up gets, and no second account."""
    UserFactory(email=SIGNUP["email"])
    with mock.patch(
        "allauth.account.internal.flows.manage_email.email_already_exists",
        side_effect=lambda email, **kwargs: (email, False),
    ):
        response = client.post(reverse("account_signup"), SIGNUP)

    assert (response.status_code, response["Location"]) == (
        302,
        reverse("account_email_verification_sent"),
    )
    assert User.objects.filter(email=SIGNUP["email"]).count() == 1
    assert Email.objects.filter(template="account_already_exists", to=[SIGNUP["email"]]).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_six_simultaneous_signups_with_one_address_make_one_account():
    assert connection.vendor == "postgresql"
    barrier = threading.Barrier(6)
    results = []

    def sign_up():
        try:
            barrier.wait(timeout=30)
            response = Client().post(reverse("account_signup"), SIGNUP)
            results.append((response.status_code, response["Location"]))
        except Exception as exc:  # a 500 raises in the test client
            results.append(("error", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    sent = reverse("account_email_verification_sent")
    assert results == [(302, sent)] * 6
    assert User.objects.filter(email=SIGNUP["email"]).count() == 1
