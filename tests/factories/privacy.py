"""Personal data: erasure requests and retention."""

import factory

from privacy.models import AnonymisedApplication, ErasureRequest, RetentionPolicy, RetentionRun

from .applications import ApplicationFactory
from .cities import CallFactory
from .users import UserFactory


class ErasureRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ErasureRequest

    user = factory.SubFactory(UserFactory)
    user_label = factory.LazyAttribute(lambda o: f"user #{o.user.pk}")
    status = ErasureRequest.Status.WAITING
    reason = "The organisation has a published pairing."


class RetentionPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetentionPolicy

    call = factory.SubFactory(CallFactory)
    unpaired_days = 365
    pairs_days = 1825


class RetentionRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetentionRun

    call = factory.SubFactory(CallFactory)
    kind = "unpaired"
    applications = 1


class AnonymisedApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnonymisedApplication

    application = factory.SubFactory(ApplicationFactory)
    run = factory.SubFactory(RetentionRunFactory, call=factory.SelfAttribute("..application.call"))
