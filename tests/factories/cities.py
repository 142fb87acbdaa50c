"""Reference data, calls and Mission City profiles, memberships."""

import datetime as dt

import factory
from django.utils import timezone

from cities.models import (
    Call,
    CallMissionCity,
    CityItem,
    EligibleCountry,
    FormerParticipant,
    MissionCity,
    MissionCityMembership,
    Topic,
)

from .users import UserFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")
    axis = Topic.Axis.FIELD


class EligibleCountryFactory(factory.django.DjangoModelFactory):
    """The reference data lists every eligible country: this returns the row of `country`."""

    class Meta:
        model = EligibleCountry
        django_get_or_create = ["country"]

    country = "FR"
    status = EligibleCountry.Status.EU_MEMBER
    effective_from = dt.date(2021, 1, 1)


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    slug = factory.Sequence(lambda n: f"call-{n}")
    title = factory.Sequence(lambda n: f"Call {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    programme_start = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))


class MissionCityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionCity

    name = factory.Sequence(lambda n: f"Testville {n}")
    slug = factory.Sequence(lambda n: f"testville-{n}")
    country = "DE"


class CallMissionCityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallMissionCity

    call = factory.SubFactory(CallFactory)
    mission_city = factory.SubFactory(MissionCityFactory)
    display_name = factory.SelfAttribute("mission_city.name")
    capacity = 2


class CityItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityItem
        skip_postgeneration_save = True

    participation = factory.SubFactory(CallMissionCityFactory)
    kind = CityItem.Kind.ACTION
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Action {n}")

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create:
            self.topics.set(extracted or [Topic.objects.get(slug="energy-systems")])


class MissionCityMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionCityMembership

    user = factory.SubFactory(UserFactory)
    mission_city = factory.SubFactory(MissionCityFactory)


class FormerParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormerParticipant

    name = factory.Sequence(lambda n: f"Formerville {n}")
    country = "NL"
    kind = FormerParticipant.Kind.TWIN
    cohort = "2024"
    source_url = "https://netzerocities.eu/twin-cities-cohort-2-2024/"
