"""Pair spaces (issue 13)."""

import datetime as dt

import factory
from django.utils import timezone

from pairs.models import (
    LearningAgendaItem,
    Meeting,
    Message,
    Milestone,
    MilestoneTemplate,
    Notification,
    NotificationPreference,
    OutcomeSurvey,
    Pair,
    PairDocument,
    PairEvent,
    PlanFeedback,
    PlanTemplate,
    PlanVersion,
    Reminder,
)
from tests.applications.pdfs import pdf_bytes

from .cities import CallFactory, CityItemFactory
from .matching import PairingFactory
from .users import UserFactory


class PlanTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanTemplate

    call = factory.SubFactory(CallFactory)


class MilestoneTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MilestoneTemplate

    template = factory.SubFactory(PlanTemplateFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    offset_days = 30


class PairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pair

    pairing = factory.SubFactory(PairingFactory)
    call = factory.SelfAttribute("pairing.call")
    last_activity_at = factory.LazyFunction(timezone.now)


class PairDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PairDocument

    pair = factory.SubFactory(PairFactory)
    title = "Draft replication plan"
    file = factory.django.FileField(filename="plan.pdf", data=pdf_bytes())
    original_name = "plan.pdf"
    size = factory.LazyAttribute(lambda d: len(pdf_bytes()))
    pages = 1
    sha256 = "0" * 64
    side = "twin"
    uploaded_by = factory.SubFactory(UserFactory)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    pair = factory.SubFactory(PairFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    owner_side = "both"
    evidence_kind = "note"


class LearningAgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningAgendaItem

    pair = factory.SubFactory(PairFactory)
    action = factory.SubFactory(CityItemFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    pair = factory.SubFactory(PairFactory)
    kind = "meeting"
    date = factory.LazyFunction(timezone.localdate)
    format = "online"
    participants = "Both teams"
    created_by = factory.SubFactory(UserFactory)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    pair = factory.SubFactory(PairFactory)
    author = factory.SubFactory(UserFactory)
    side = "twin"
    body = "Hello from the Twin City."


class PlanVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanVersion

    pair = factory.SubFactory(PairFactory)
    number = 1
    summary = "First draft of the replication plan."
    submitted_by = factory.SubFactory(UserFactory)


class PlanFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanFeedback

    version = factory.SubFactory(PlanVersionFactory)
    author = factory.SubFactory(UserFactory)
    body = "Clear; add a timeline."


class PairEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PairEvent

    pair = factory.SubFactory(PairFactory)
    kind = "opened"
    summary = "The pair space opened."


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    event = factory.SubFactory(PairEventFactory)
    user = factory.SubFactory(UserFactory)
    mode = "digest"


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    kind = "idle"
    key = factory.Sequence(lambda n: f"idle:{n}")
    pair = factory.SubFactory(PairFactory)
    recipients = ["staff@example.org"]


class OutcomeSurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeSurvey

    pair = factory.SubFactory(PairFactory)
    side = "twin"
    satisfaction = 4
    respondent = factory.SubFactory(UserFactory)
