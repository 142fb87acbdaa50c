"""Users."""

import factory

from users.models import ConsentRecord, Notice, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password("correct-horse-battery")


class NoticeFactory(factory.django.DjangoModelFactory):
    """A draft (unpublished) notice; publish through `users.consents.notice_publish`."""

    class Meta:
        model = Notice

    kind = Notice.Kind.PRIVACY
    version = factory.Sequence(lambda n: 100 + n)
    title = "Privacy notice"
    body = "Who we are and what we do with your data."


class ConsentRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentRecord

    user = factory.SubFactory(UserFactory)
    notice = factory.SubFactory(NoticeFactory)
    source = ConsentRecord.Source.SIGNUP
