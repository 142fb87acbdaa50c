"""Public pages are cached for visitors without a session, and start afresh when staff edit."""

import pytest
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
