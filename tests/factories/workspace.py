"""Invitations to a Mission City's workspace."""

import factory

from workspace.models import MissionCityInvitation

from .cities import MissionCityFactory
from .users import UserFactory


class MissionCityInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionCityInvitation

    mission_city = factory.SubFactory(MissionCityFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    invited_by = factory.SubFactory(UserFactory, is_staff=True)
