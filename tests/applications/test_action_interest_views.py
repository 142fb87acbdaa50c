"""'I want to learn this' on the Mission City pages; the actions field of the preferences step."""

import pytest
from django.urls import reverse

from applications.models import ActionInterest
from cities.models import CityItem

pytestmark = pytest.mark.django_db


def _action(call, city="Stockholm"):
    return CityItem.objects.filter(
        participation__call=call, participation__display_name=city, kind="action"
    ).order_by("position")[0]


def test_city_page_offers_the_button_and_anonymous_visitors_sign_in_first(client, draft):
    action = _action(draft.call)
    page = client.get(reverse("city_detail", args=[action.participation.mission_city.slug]))
    body = page.content.decode()

    assert "I want to learn this" in body
    assert (
        f"?next=/mission-cities/{action.participation.mission_city.slug}/%23action-{action.pk}"
        in body
    )
    response = client.post(reverse("action_interest_toggle", args=[action.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_button_keeps_the_action_in_the_draft_and_a_second_click_removes_it(
    client, draft, applicant
):
    action = _action(draft.call)
    client.force_login(applicant)
    url = reverse("action_interest_toggle", args=[action.pk])

    response = client.post(url)

    slug = action.participation.mission_city.slug
    assert response["Location"] == f"/mission-cities/{slug}/#action-{action.pk}"
    assert list(
        ActionInterest.objects.filter(application=draft).values_list("action", flat=True)
    ) == [action.pk]
    client.post(url)
    assert not ActionInterest.objects.filter(application=draft).exists()


def test_preferences_step_saves_the_actions_ticked(client, draft, applicant):
    actions = [_action(draft.call, "Stockholm"), _action(draft.call, "Torino")]
    client.force_login(applicant)
    url = reverse("application_step", args=[draft.pk, "preferences"])
    data = {
        "pref-TOTAL_FORMS": "3",
        "pref-INITIAL_FORMS": "0",
        "pref-MIN_NUM_FORMS": "0",
        "pref-MAX_NUM_FORMS": "3",
        "interest-actions": [str(a.pk) for a in actions],
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert sorted(
        ActionInterest.objects.filter(application=draft).values_list("action", flat=True)
    ) == sorted(a.pk for a in actions)
    page = client.get(url)
    assert sorted(page.context["form"].initial["actions"]) == sorted(a.pk for a in actions)
