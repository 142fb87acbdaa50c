"""Needs and shares carry several topics; applicants can name offered actions they want to learn."""

import pytest
from django.core.exceptions import ValidationError

from applications import services
from applications.models import ActionInterest, LearningNeed, ShareOffer
from cities.models import CityItem, Topic

pytestmark = pytest.mark.django_db


def _topics(*slugs):
    by_slug = Topic.objects.in_bulk(slugs, field_name="slug")
    return [by_slug[s] for s in slugs]


def test_learning_need_keeps_all_its_topics_in_order(draft, applicant):
    heating, energy, finance = _topics(
        "district-heating-waste-heat", "energy-systems", "finance-funding"
    )
    services.application_set_learning_needs(
        application=draft,
        rows=[
            {"topics": [heating, energy, finance], "text": "heat networks"},
            {"topic": energy, "more_topics": [heating], "text": "another energy need"},
        ],
        by=applicant,
    )
    needs = list(LearningNeed.objects.filter(application=draft).order_by("position"))
    assert [n.topic.slug for n in needs] == ["district-heating-waste-heat", "energy-systems"]
    assert {t.slug for t in needs[0].all_topics()} == {
        "district-heating-waste-heat",
        "energy-systems",
        "finance-funding",
    }
    assert [t.slug for t in needs[1].all_topics()] == [
        "energy-systems",
        "district-heating-waste-heat",
    ]


def test_shares_replace_their_topics(draft, applicant):
    (assemblies,) = _topics("citizen-assemblies")
    services.application_set_shares(
        application=draft, rows=[{"topics": [assemblies], "text": "our assembly"}], by=applicant
    )
    services.application_set_shares(
        application=draft, rows=[{"topics": [assemblies], "text": "our assembly"}], by=applicant
    )
    assert [s.text for s in ShareOffer.objects.filter(application=draft)] == ["our assembly"]


def test_action_interest_toggle_and_set(draft, applicant):
    actions = list(
        CityItem.objects.filter(participation__call=draft.call, kind="action").order_by("pk")[:3]
    )
    assert services.application_toggle_action_interest(
        application=draft, action=actions[0], by=applicant
    )
    assert not services.application_toggle_action_interest(
        application=draft, action=actions[0], by=applicant
    )
    services.application_set_action_interests(
        application=draft, actions=[actions[1], actions[2], actions[1]], by=applicant
    )
    assert sorted(
        ActionInterest.objects.filter(application=draft).values_list("action_id", flat=True)
    ) == sorted([actions[1].pk, actions[2].pk])


def test_action_interest_refuses_a_challenge(draft, applicant):
    challenge = CityItem.objects.filter(participation__call=draft.call, kind="challenge").first()
    with pytest.raises(ValidationError):
        services.application_toggle_action_interest(
            application=draft, action=challenge, by=applicant
        )
