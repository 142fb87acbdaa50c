"""The application steps read a fixed number of rows whatever the answers given, and keep the
options of their selects (topics, the call's Mission Cities and actions) until staff change them."""

import pytest
from django.urls import reverse

from applications import services
from cities.models import CallMissionCity, CityItem, Topic
from tests.builders import fill_application
from tests.factories import TopicFactory
from twinning import pagecache

pytestmark = pytest.mark.django_db

# Session and user (2), the application with its call, organisation and documents (1), its
# representatives, learning needs with their topics, shares with their topics, preferences with
# their Mission Cities (4); then what the step itself adds: the further topics of its rows (1),
# the actions of interest (1), and the options of its selects when they are not cached: the
# topics of the two topic fields (2), the call's Mission Cities and its actions (2).
STEP_QUERIES = {
    "organisation": 7,
    "climate": 7,
    "learning": 7 + 1 + 2,
    "sharing": 7 + 1 + 2,
    "preferences": 7 + 1 + 2,
    "commitment": 7,
}


def _answers(draft, applicant, n):
    fill_application(draft, by=applicant)
    topics = list(Topic.objects.order_by("pk")[:n])
    services.application_set_learning_needs(
        application=draft,
        rows=[{"topic": t, "more_topics": topics, "text": "x"} for t in topics],
        by=applicant,
    )
    services.application_set_shares(
        application=draft,
        rows=[{"topic": t, "more_topics": topics, "text": "s"} for t in topics],
        by=applicant,
    )
    cities = list(CallMissionCity.objects.filter(call=draft.call).order_by("pk")[:n])
    services.application_set_preferences(
        application=draft, rows=[{"mission_city": c, "reason": "y"} for c in cities], by=applicant
    )
    actions = CityItem.objects.filter(participation__call=draft.call, kind="action")
    services.application_set_action_interests(
        application=draft, actions=list(actions.order_by("pk")[:n]), by=applicant
    )


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("step", list(STEP_QUERIES))
def test_step_query_count_does_not_grow_with_the_answers(
    client, draft, applicant, django_assert_num_queries, step, n
):
    _answers(draft, applicant, n)
    client.force_login(applicant)
    url = reverse("application_step", args=[draft.pk, step])

    with django_assert_num_queries(STEP_QUERIES[step]):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("step", "cached_queries"), [("learning", 2), ("sharing", 2), ("preferences", 2)]
)
def test_step_options_are_kept_until_staff_change_the_reference_data(
    client, draft, applicant, settings, django_assert_num_queries, step, cached_queries
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    pagecache.reset_local()
    _answers(draft, applicant, 2)
    client.force_login(applicant)
    url = reverse("application_step", args=[draft.pk, step])
    first = client.get(url).content.decode()

    with django_assert_num_queries(STEP_QUERIES[step] - cached_queries):
        again = client.get(url).content.decode()
    assert again == first.replace(_csrf(first), _csrf(again))

    # Staff rename a topic, a Mission City of the call and one of its actions.
    topic = TopicFactory(name="Heat networks of tomorrow")
    city = CallMissionCity.objects.filter(call=draft.call).order_by("pk")[0]
    city.display_name = "Renamed City"
    city.save()
    action = CityItem.objects.filter(participation=city, kind="action").order_by("pk")[0]
    action.title = "A renamed action"
    action.save()
    changed = client.get(url).content.decode()

    if step == "preferences":
        assert f'<option value="{city.pk}" selected>Renamed City</option>' in changed
        assert "Renamed City: A renamed action" in changed
    else:
        assert f'<option value="{topic.pk}">Heat networks of tomorrow</option>' in changed


def _csrf(html):
    start = html.index('name="csrfmiddlewaretoken" value="') + len(
        'name="csrfmiddlewaretoken" value="'
    )
    return html[start : html.index('"', start)]


def test_review_keeps_the_eligibility_registry_until_staff_change_it(
    client, complete_draft, applicant, settings, django_assert_num_queries
):
    from cities.models import EligibleCountry

    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    pagecache.reset_local()
    client.force_login(applicant)
    url = reverse("application_step", args=[complete_draft.pk, "review"])
    client.get(url)
    with django_assert_num_queries(12 - 2):
        assert client.get(url).context["verdict"].verdict == "eligible"

    # Staff take the applicant's country off the eligible countries: the review says so at once.
    EligibleCountry.objects.get(country=complete_draft.country.code).delete()
    assert client.get(url).context["verdict"].verdict == "ineligible"
