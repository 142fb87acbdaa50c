"""Public pages are cached for visitors without a session, and start afresh when staff edit."""

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache

from cities.models import CallMissionCity
from tests.factories import UserFactory
from twinning import pagecache

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    pagecache.reset_local()
    yield
    cache.clear()
    pagecache.reset_local()


def test_catalogue_is_served_from_the_cache_until_staff_edit(client, open_call, page_cache):
    first = client.get("/mission-cities/")
    second = client.get("/mission-cities/")
    assert (first.status_code, second.status_code) == (200, 200)
    assert "X-Page-Cache" not in first and second["X-Page-Cache"] == "hit"
    assert "Cookie" in second["Vary"]
    assert second.content == first.content

    city = CallMissionCity.objects.filter(call=open_call).first()
    city.display_name = "Renamed by staff"
    city.save()

    third = client.get("/mission-cities/")
    assert "X-Page-Cache" not in third
    assert "Renamed by staff" in third.text


def test_signed_in_people_get_fresh_pages(client, open_call, page_cache):
    client.force_login(UserFactory(email="someone@x.example"))
    client.get("/mission-cities/")
    assert "X-Page-Cache" not in client.get("/mission-cities/")


def test_eligibility_answers_are_cached_per_query(client, open_call, page_cache):
    url = "/eligibility/?name=Lecce&country=IT&authority_type=municipality&target_year=2040"
    first = client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    other = client.get(url.replace("Lecce", "Bari"))
    assert "X-Page-Cache" not in other
    assert "Bari" in other.text and "Bari" not in first.text


def test_a_cached_page_is_answered_before_the_session_and_auth_middleware(
    client, open_call, page_cache, django_assert_num_queries, monkeypatch
):
    city = CallMissionCity.objects.filter(call=open_call).first()
    url = f"/mission-cities/{city.mission_city.slug}/"
    first = client.get(url)
    sessions = []
    original = SessionMiddleware.process_request
    monkeypatch.setattr(
        SessionMiddleware,
        "process_request",
        lambda self, request: sessions.append(request) or original(self, request),
    )
    with django_assert_num_queries(0):
        second = client.get(url)
    assert sessions == []
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # What the middleware inside the cache added is replayed; the outer ones still run.
    for header in ("X-Frame-Options", "Content-Security-Policy", "Content-Type", "Vary"):
        assert second[header] == first[header], header
    assert "Cookie" in second["Vary"] and "HX-Request" not in second["Vary"]
    assert second["X-Request-ID"] != first["X-Request-ID"]
    assert "Set-Cookie" not in second and not second.cookies


def test_public_pages_carry_no_csrf_token_for_visitors(client, open_call, page_cache):
    city = CallMissionCity.objects.filter(call=open_call).first()
    for url in (
        "/",
        "/mission-cities/",
        f"/mission-cities/{city.mission_city.slug}/",
        "/eligibility/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "csrfmiddlewaretoken" not in response.text, url
        assert django_settings.CSRF_COOKIE_NAME not in response.cookies, url


def test_a_response_that_sets_a_cookie_is_never_stored(rf, page_cache):
    from django.http import HttpResponse

    calls = []

    def view(request):
        calls.append(request)
        response = HttpResponse("with a token")
        response.set_cookie("csrftoken", "abc")
        response.public_page_cache = True
        return response

    middleware = pagecache.PublicPageCacheMiddleware(view)
    middleware(rf.get("/form/"))
    again = middleware(rf.get("/form/"))
    assert len(calls) == 2 and "X-Page-Cache" not in again


def test_only_marked_views_are_stored_and_others_never_ask_the_cache(rf, page_cache, monkeypatch):
    from django.http import HttpResponse

    asked = []
    monkeypatch.setattr(pagecache, "_get", lambda key: asked.append(key))
    middleware = pagecache.PublicPageCacheMiddleware(lambda request: HttpResponse("plain"))
    middleware(rf.get("/plain/"))
    assert "X-Page-Cache" not in middleware(rf.get("/plain/"))
    assert asked == []


def test_visitors_with_a_session_cookie_are_not_served_from_the_cache(
    client, open_call, page_cache
):
    client.get("/mission-cities/")
    client.cookies["sessionid"] = "whatever"
    assert "X-Page-Cache" not in client.get("/mission-cities/")


def test_privacy_notice_page_is_cached_until_a_notice_changes(client, page_cache):
    from tests.factories import NoticeFactory

    first = client.get("/privacy/")
    assert client.get("/privacy/")["X-Page-Cache"] == "hit"
    NoticeFactory()
    assert "X-Page-Cache" not in client.get("/privacy/")
    assert first.status_code == 200
