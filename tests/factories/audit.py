"""Audit entries (the services write them through `audit.services.record`)."""

import factory

from audit.models import AuditEntry

from .users import UserFactory


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    actor = factory.SubFactory(UserFactory)
    actor_label = factory.SelfAttribute("actor.email")
    action = "test.entry"
    target_label = "A target"
