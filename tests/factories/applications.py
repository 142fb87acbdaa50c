"""Organisations, applications and their parts, documents, reviews. Rows only: for an application
as the applicant leaves it (complete, submitted), use the builders in `tests.builders`."""

import factory

from applications.models import (
    ActionInterest,
    Application,
    DeadlineReminder,
    Document,
    LearningNeed,
    Organisation,
    OrganisationInvitation,
    OrganisationMember,
    Preference,
    Representative,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewScore,
    ReviewSettings,
    ShareOffer,
    ShortlistEntry,
    StatusChange,
)
from tests.applications.pdfs import pdf_bytes

from .cities import CallFactory, CallMissionCityFactory, CityItemFactory, TopicFactory
from .users import UserFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Town {n}")
    country = "FR"


class OrganisationMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMember

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganisationMember.Role.OWNER


class OrganisationInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationInvitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"colleague{n}@example.org")
    invited_by = factory.SubFactory(UserFactory)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft with the organisation's name and country and nothing else."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    official_name = factory.SelfAttribute("organisation.name")
    country = factory.SelfAttribute("organisation.country")


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    application = factory.SubFactory(ApplicationFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Officer {n}")
    email = factory.Sequence(lambda n: f"officer{n}@example.org")


class LearningNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningNeed

    application = factory.SubFactory(ApplicationFactory)
    position = factory.Sequence(lambda n: n + 1)
    topic = factory.SubFactory(TopicFactory)
    text = "What we want to learn"


class ShareOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShareOffer

    application = factory.SubFactory(ApplicationFactory)
    position = factory.Sequence(lambda n: n + 1)
    topic = factory.SubFactory(TopicFactory)
    text = "What we can share"


class PreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Preference

    application = factory.SubFactory(ApplicationFactory)
    rank = factory.Sequence(lambda n: n + 1)
    mission_city = factory.SubFactory(
        CallMissionCityFactory, call=factory.SelfAttribute("..application.call")
    )
    reason = "Why this Mission City"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    application = factory.SubFactory(ApplicationFactory)
    organisation = factory.SelfAttribute("application.organisation")
    kind = Document.Kind.ENDORSEMENT
    file = factory.django.FileField(filename="letter.pdf", data=pdf_bytes())
    original_name = "letter.pdf"
    size = factory.LazyAttribute(lambda d: len(pdf_bytes()))
    pages = 1
    sha256 = "0" * 64
    uploaded_by = factory.SubFactory(UserFactory)


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    application = factory.SubFactory(ApplicationFactory)
    from_status = ""
    to_status = Application.Status.DRAFT


class ShortlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShortlistEntry

    application = factory.SubFactory(ApplicationFactory)
    mission_city = factory.SubFactory(
        CallMissionCityFactory, call=factory.SelfAttribute("..application.call")
    )
    rank = factory.Sequence(lambda n: n + 1)
    added_by = factory.SubFactory(UserFactory)


class ReviewCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewCriterion

    call = factory.SubFactory(CallFactory)
    slug = factory.Sequence(lambda n: f"criterion-{n}")
    name = factory.Sequence(lambda n: f"Criterion {n}")
    position = factory.Sequence(lambda n: n)


class ReviewSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewSettings

    call = factory.SubFactory(CallFactory)


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(ApplicationFactory)
    reviewer = factory.SubFactory(UserFactory, is_staff=True)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    application = factory.SubFactory(ApplicationFactory)
    reviewer = factory.SubFactory(UserFactory, is_staff=True)


class ReviewScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewScore

    review = factory.SubFactory(ReviewFactory)
    criterion = factory.SubFactory(
        ReviewCriterionFactory, call=factory.SelfAttribute("..review.application.call")
    )
    score = 3


class DeadlineReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeadlineReminder

    application = factory.SubFactory(ApplicationFactory)
    kind = DeadlineReminder.Kind.WEEK
    deadline = factory.SelfAttribute("application.call.closes_at")
    recipients = "officer@example.org"


class ActionInterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionInterest

    application = factory.SubFactory(ApplicationFactory)
    action = factory.SubFactory(
        CityItemFactory,
        participation__call=factory.SelfAttribute("...application.call"),
    )
