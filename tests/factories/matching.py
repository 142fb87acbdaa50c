"""Matching settings, constraints, runs and their results, published pairings. Rows only: for a
pairing published the way staff publish it, use `tests.builders.published_pairing`."""

import factory

from matching.models import (
    MatchingRun,
    MatchingSettings,
    PairConstraint,
    Pairing,
    Proposal,
    UnmatchedApplication,
)

from .applications import ApplicationFactory
from .cities import CallFactory, CallMissionCityFactory
from .users import UserFactory


class MatchingSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchingSettings

    call = factory.SubFactory(CallFactory)


class PairConstraintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PairConstraint

    application = factory.SubFactory(ApplicationFactory)
    mission_city = factory.SubFactory(
        CallMissionCityFactory, call=factory.SelfAttribute("..application.call")
    )
    kind = PairConstraint.Kind.PIN
    created_by = factory.SubFactory(UserFactory, is_staff=True)


class MatchingRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchingRun

    call = factory.SubFactory(CallFactory)
    mode = MatchingRun.Mode.OPTIMAL
    parameters = factory.LazyFunction(lambda: {"mode": "optimal"})
    inputs = factory.LazyFunction(lambda: {"applications": [], "mission_cities": []})


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    run = factory.SubFactory(MatchingRunFactory)
    application = factory.SubFactory(ApplicationFactory, call=factory.SelfAttribute("..run.call"))
    mission_city = factory.SubFactory(
        CallMissionCityFactory, call=factory.SelfAttribute("..run.call")
    )
    score = 0.5
    components = factory.LazyFunction(lambda: {"need_offer": 0.5})
    reasons = factory.LazyFunction(lambda: ["Shares energy communities."])
    explanation = "Shares energy communities."


class UnmatchedApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnmatchedApplication

    run = factory.SubFactory(MatchingRunFactory)
    application = factory.SubFactory(ApplicationFactory, call=factory.SelfAttribute("..run.call"))
    reasons = factory.LazyFunction(lambda: ["No Mission City above the minimum score."])


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    application = factory.SubFactory(ApplicationFactory)
    call = factory.SelfAttribute("application.call")
    mission_city = factory.SubFactory(
        CallMissionCityFactory, call=factory.SelfAttribute("..application.call")
    )
    run = factory.SubFactory(
        MatchingRunFactory, call=factory.SelfAttribute("..application.call"), status="succeeded"
    )
    published_by = factory.SubFactory(UserFactory, is_staff=True)
