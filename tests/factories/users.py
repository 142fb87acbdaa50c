"""Users."""

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt

from tests.totp import STAFF_TOTP_SECRET
from users.models import ConsentRecord, Notice, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def two_factor(obj, create, extracted, **kwargs):
        """Staff accounts get an authenticator app (secret `tests.totp.STAFF_TOTP_SECRET`), as the
        portal requires of them before any staff page; `two_factor=False` makes a staff account
        that has not set one up yet, `two_factor=True` gives one to anybody."""
        wanted = obj.is_staff if extracted is None else extracted
        if create and wanted:
            Authenticator.objects.get_or_create(
                user=obj,
                type=Authenticator.Type.TOTP,
                defaults={"data": {"secret": encrypt(STAFF_TOTP_SECRET)}},
            )


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
