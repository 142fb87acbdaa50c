"""The cached scores behind "Recommended for you": served from the cache while nothing that
feeds them changes, scored again after each kind of change, correct with the cache cold or
Redis down."""

import pytest
from django.test import override_settings
from django.urls import reverse

from applications import services as app_services
from applications.models import Application
from cities.models import CityItem, Topic
from matching import selectors as matching_selectors
from matching.models import MatchingSettings
from tests.builders import submitted_application
from twinning.cache import reset_breaker
from workspace import recommendations, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def others(open_call):
    """Three applicants that did not rank Torino."""
    return {
        name: submitted_application(open_call, name, country=country, prefs=("Sofia",), needs=n)
        for name, country, n in [
            ("Graz", "AT", ("energy-systems", "mobility-transport")),
            ("Ghent", "BE", ("social-innovation",)),
            ("Brno", "CZ", ("built-environment",)),
        ]
    }


@pytest.fixture
def scorings(monkeypatch):
    """How often the engine scored a whole column (the work the cache saves)."""
    calls = []
    real = matching_selectors.host_scores

    def counting(*, city, ids=None):
        if ids is None:
            calls.append(city.pk)
        return real(city=city, ids=ids)

    monkeypatch.setattr(matching_selectors, "host_scores", counting)
    return calls


def score_of(city, application):
    return recommendations.column(city=city).scores[application.pk]


def recommended(client, city):
    response = client.get(reverse("workspace_city", args=[city.mission_city.slug]))
    assert response.status_code == 200
    return [
        (a.official_name, a.engine_score, a.engine_reasons)
        for a in response.context["recommended_rows"]
    ]


def test_second_request_is_served_from_the_cache_with_the_same_rows(
    client, torino, torino_member, others, scorings
):
    client.force_login(torino_member)

    first = recommended(client, torino)
    second = recommended(client, torino)

    assert second == first
    assert [name for name, _s, _r in first] == ["Graz", "Ghent", "Brno"]
    assert scorings == [torino.pk]


def test_a_few_applicants_alone_score_as_in_the_whole_column(torino, others):
    whole = matching_selectors.host_scores(city=torino)
    for application in others.values():
        alone = matching_selectors.host_scores(city=torino, ids=[application.pk])
        assert alone.scores == {application.pk: whole.scores[application.pk]}
        assert alone.evidence(application.pk) == whole.evidence(application.pk)


def test_a_new_submission_is_scored(client, open_call, torino, torino_member, others, scorings):
    client.force_login(torino_member)
    recommended(client, torino)

    submitted_application(open_call, "Girona", country="ES", prefs=("Sofia",))
    rows = recommended(client, torino)

    girona = Application.objects.get(official_name="Girona")
    assert ("Girona", score_of(torino, girona)) in [(name, score) for name, score, _r in rows]
    assert score_of(torino, girona) > 0
    assert scorings == [torino.pk, torino.pk]
    response = client.get(reverse("workspace_city", args=[torino.mission_city.slug]))
    countries = [
        str(label) for _v, label in response.context["filter"].form.fields["country"].choices
    ]
    assert countries == ["Any country", "Austria", "Belgium", "Czechia", "Spain"]


@pytest.mark.parametrize("n", [1, 3])
def test_the_opening_page_served_from_the_cache_costs_a_fixed_number_of_queries(
    client, open_call, torino, torino_member, django_assert_num_queries, n
):
    for i in range(n):
        submitted_application(open_call, ["Graz", "Ghent", "Brno"][i], prefs=("Sofia",))
        submitted_application(open_call, ["Girona", "Bergen", "Plymouth"][i], prefs=("Torino",))
    client.force_login(torino_member)
    client.get(reverse("workspace_city", args=[torino.mission_city.slug]))

    # session, user, memberships, the call, the user's cities in it, the city's actions and
    # their topics, the applications' stamp, a page of each list, the rows' learning needs,
    # the shortlist, the topic choices: the lists' order, the country choices, the scores and
    # the reasons come from the cache
    with django_assert_num_queries(12):
        response = client.get(reverse("workspace_city", args=[torino.mission_city.slug]))

    assert len(response.context["ranked_rows"]) == n
    assert len(response.context["recommended_rows"]) == n


def test_new_answers_of_a_reopened_application_are_scored(torino, others, staff):
    graz = others["Graz"]
    app_services.application_request_info(application=graz, by=staff, message="Say more")
    before = score_of(torino, graz)

    app_services.application_set_learning_needs(
        application=Application.objects.get(pk=graz.pk),
        rows=[{"topic": Topic.objects.get(slug="social-innovation"), "text": ""}],
        by=staff,
    )

    assert score_of(torino, graz) != before
    assert score_of(torino, graz) == matching_selectors.host_scores(city=torino).scores[graz.pk]


def test_a_withdrawal_starts_a_new_version(torino, others, staff):
    before = recommendations._key(torino)

    app_services.application_withdraw(application=others["Brno"], by=staff)

    assert recommendations._key(torino) != before


def test_the_calls_matching_settings_are_scored(torino, others):
    graz = others["Graz"]
    before = score_of(torino, graz)

    MatchingSettings.objects.create(call=torino.call, weight_need_offer=0.0, weight_text=0.0)

    assert score_of(torino, graz) != before
    assert score_of(torino, graz) == matching_selectors.host_scores(city=torino).scores[graz.pk]


def test_the_mission_citys_offered_actions_are_scored(torino, others):
    brno = others["Brno"]
    before = score_of(torino, brno)
    action = CityItem.objects.filter(participation=torino, kind=CityItem.Kind.ACTION).first()

    action.topics.add(Topic.objects.get(slug="built-environment"))

    assert score_of(torino, brno) > before


def test_the_mission_citys_profile_is_scored(torino, others):
    before = recommendations._key(torino)

    torino.capacity += 1
    torino.save()

    assert recommendations._key(torino) != before


def test_the_topic_vocabulary_is_scored(torino, others):
    before = recommendations._key(torino)

    topic = Topic.objects.get(slug="social-innovation")
    topic.name = "Social innovation and citizens"
    topic.save()

    assert recommendations._key(torino) != before


def test_the_citys_shortlist_is_scored(torino, torino_member, others):
    graz, ghent = others["Graz"], others["Ghent"]
    services.shortlist_add(city=torino, application=ghent, by=torino_member)
    services.shortlist_add(city=torino, application=graz, by=torino_member)
    second = score_of(torino, graz)

    services.shortlist_move(city=torino, application=graz, direction="up", by=torino_member)

    assert score_of(torino, graz) > second
    assert score_of(torino, graz) == matching_selectors.host_scores(city=torino).scores[graz.pk]


def test_a_note_on_the_shortlist_keeps_the_scores(torino, torino_member, others, scorings):
    services.shortlist_add(city=torino, application=others["Graz"], by=torino_member)
    recommendations.column(city=torino)

    services.shortlist_set_note(
        city=torino, application=others["Graz"], note="Call them", by=torino_member
    )
    recommendations.column(city=torino)

    assert scorings == [torino.pk]


def test_another_citys_shortlist_keeps_this_citys_scores(
    torino, sofia, sofia_member, others, scorings
):
    recommendations.column(city=torino)

    services.shortlist_add(city=sofia, application=others["Graz"], by=sofia_member)
    recommendations.column(city=torino)

    assert scorings == [torino.pk]


def test_without_a_cache_the_rows_are_the_same(client, torino, torino_member, others, scorings):
    client.force_login(torino_member)
    cached = recommended(client, torino)

    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=dummy):
        uncached = [recommended(client, torino) for _ in range(2)]

    assert uncached == [cached, cached]
    assert scorings == [torino.pk] * 3


def test_redis_down_serves_the_computed_rows(client, torino, torino_member, others):
    client.force_login(torino_member)
    expected = recommended(client, torino)
    down = {
        "default": {
            "BACKEND": "twinning.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    try:
        with override_settings(CACHES=down):
            rows = recommended(client, torino)
    finally:
        reset_breaker()

    assert rows == expected
