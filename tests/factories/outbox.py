"""Outgoing e-mails (the services write them through `twinning.emails.queue_email`)."""

import factory

from outbox.models import Email


class EmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Email

    to = factory.Sequence(lambda n: [f"person{n}@city.example"])
    subject = factory.Sequence(lambda n: f"[Twinning] Message {n}")
    body = "Hello."
