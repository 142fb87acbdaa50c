import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cities.models import Call, Topic
from cities.selectors import call_current
from tests.factories import CallFactory, CallMissionCityFactory, CityItemFactory

pytestmark = pytest.mark.django_db


def _names(response):
    return [c.display_name for c in response.context["cities"]]


ALL_16 = [
    "2nd District of Bucharest Municipality",
    "Aachen",
    "Bristol",
    "Eindhoven-Helmond",
    "Elbasan",
    "Gabrovo",
    "Ioannina",
    "Kozani",
    "Liberec",
    "Padova",
    "Reykjavik",
    "Sarajevo",
    "Sofia",
    "Stockholm",
    "Torino",
    "Umeå",
]


def test_catalogue_lists_the_16_mission_cities_of_the_call(client):
    response = client.get(reverse("catalogue"))
    assert response.status_code == 200
    assert _names(response) == ALL_16
    assert response.context["call"].slug == "2025"


def test_catalogue_filter_energy_systems_includes_gabrovo_and_torino(client):
    response = client.get(reverse("catalogue"), {"topic": "energy-systems"})
    names = _names(response)
    assert {"Gabrovo", "Torino"} <= set(names)
    expected = sorted(
        {
            i.participation.display_name
            for i in Topic.objects.get(slug="energy-systems")
            .city_items.filter(participation__call__slug="2025")
            .select_related("participation")
        },
        key=lambda n: ALL_16.index(n),
    )
    assert names == expected
    assert "Reykjavik" not in names


def test_catalogue_filters_by_country(client):
    response = client.get(reverse("catalogue"), {"country": "SE"})
    assert _names(response) == ["Stockholm", "Umeå"]


def test_catalogue_search_is_free_text_over_the_profile(client):
    response = client.get(reverse("catalogue"), {"q": "heat pumps"})
    assert _names(response) == ["Bristol"]


def test_catalogue_filters_combine(client):
    response = client.get(
        reverse("catalogue"), {"country": "BG", "topic": "energy-systems", "q": "community"}
    )
    assert _names(response) == ["Gabrovo"]


def test_catalogue_with_unknown_topic_shows_form_error_not_500(client):
    response = client.get(reverse("catalogue"), {"topic": "no-such-topic"})
    assert response.status_code == 200
    assert "topic" in response.context["filter"].form.errors


def test_catalogue_htmx_request_returns_only_results(client):
    response = client.get(reverse("catalogue"), {"country": "SE"}, headers={"HX-Request": "true"})
    assert response.templates[0].name == "cities/includes/catalogue_results.html"
    assert b"<html" not in response.content


def test_city_detail_shows_sections_in_page_order(client):
    response = client.get(reverse("city_detail", args=["torino"]))
    assert response.status_code == 200
    sections = {s["kind"]: s["count"] for s in response.context["sections"]}
    assert sections == {"action": 2, "challenge": 4, "benefit": 3}
    assert "Renewable Energy Communities (RECs)" in response.content.decode()


def test_city_detail_unknown_slug_is_404(client):
    assert client.get(reverse("city_detail", args=["atlantis"])).status_code == 404


def test_city_detail_of_a_mission_city_not_in_the_call_is_404(client):
    assert client.get(reverse("city_detail", args=["paris"])).status_code == 404


def test_home_shows_the_current_call_and_deadline(client):
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert response.context["call"].slug == "2025"
    assert "12 September 2025, 17:00 CEST" in body
    assert "16 Mission Cities take part." in body


def test_current_call_prefers_the_open_call_then_the_latest_opened():
    later = CallFactory(
        slug="later",
        opens_at=timezone.now() + dt.timedelta(days=100),
        closes_at=timezone.now() + dt.timedelta(days=200),
    )
    open_call = CallFactory(slug="open-now")
    assert call_current() == open_call
    open_call.delete()
    assert call_current().slug == "2025"  # closed, but opened last: not the future call
    Call.objects.exclude(pk=later.pk).delete()
    assert call_current() == later
    Call.objects.all().delete()
    assert call_current() is None


@pytest.mark.parametrize("n_cities", [1, 3])
def test_catalogue_query_count_does_not_grow_with_cities(
    client, django_assert_num_queries, n_cities
):
    call = CallFactory(slug="qc")
    for _ in range(n_cities):
        city = CallMissionCityFactory(call=call)
        CityItemFactory(participation=city)
        CityItemFactory(participation=city)
    # call, country choices, cities, their actions, the actions' topics, the topic choices
    with django_assert_num_queries(6):
        response = client.get(reverse("catalogue"))
    assert len(response.context["cities"]) == n_cities


@pytest.mark.parametrize("n_items", [1, 3])
def test_city_detail_query_count_does_not_grow_with_items(
    client, django_assert_num_queries, n_items
):
    call = CallFactory(slug="qc")
    city = CallMissionCityFactory(call=call)
    for _ in range(n_items):
        CityItemFactory(participation=city)
    # call lookup, city, its items, the items' topics
    with django_assert_num_queries(4):
        client.get(reverse("city_detail", args=[city.mission_city.slug]))


def test_catalogue_search_with_many_words_stays_cheap(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("catalogue"), {"q": "e " * 12})
    assert response.status_code == 200
    assert len(response.context["cities"]) == 16


def test_reloading_the_call_keeps_a_deadline_extended_by_staff():
    import datetime as dt

    from django.core.management import call_command

    call = Call.objects.get(slug="2025")
    extended = call.closes_at + dt.timedelta(days=14)
    Call.objects.filter(pk=call.pk).update(closes_at=extended)
    call_command("load_call_data", stdout=None)
    call.refresh_from_db()
    assert call.closes_at == extended


def test_catalogue_history_restore_gets_the_whole_page(client, db):
    response = client.get(
        reverse("catalogue"),
        {"topic": "energy-systems"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert b"<html" in response.content
    assert "HX-Request" in response["Vary"]
