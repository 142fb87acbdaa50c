"""Templated e-mails, stored in the outbox in the caller's transaction and sent by the worker.

Each e-mail has two templates: templates/emails/<name>_subject.txt and <name>_body.txt.
"""

from django.conf import settings
from django.template.loader import render_to_string


def render_email(*, template: str, context: dict) -> tuple[str, str]:
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = render_to_string(f"emails/{template}_subject.txt", context)
    body = render_to_string(f"emails/{template}_body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def queue_email(*, template: str, to: list[str], context: dict) -> None:
    """Render now and store an outbox row in the current transaction: it is sent by the worker
    after commit (retried with backoff, picked up by the sweeper after a broker outage), and
    never if the transaction rolls back."""
    from outbox.services import email_enqueue

    subject, body = render_email(template=template, context=context)
    email_enqueue(to=to, subject=subject, body=body, template=template)
