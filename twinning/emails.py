"""Templated e-mails, queued through Celery once the surrounding transaction commits.

Each e-mail has two templates: templates/emails/<name>_subject.txt and <name>_body.txt.
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string


def render_email(*, template: str, context: dict) -> tuple[str, str]:
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = render_to_string(f"emails/{template}_subject.txt", context)
    body = render_to_string(f"emails/{template}_body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def queue_email(*, template: str, to: list[str], context: dict) -> None:
    """Render now, send after commit (and not at all if the transaction rolls back)."""
    from users.tasks import task_send_email

    subject, body = render_email(template=template, context=context)
    recipients = sorted({address for address in to if address})
    if recipients:
        transaction.on_commit(
            lambda: task_send_email.delay(to=recipients, subject=subject, body=body),
            robust=True,  # a broker outage is logged; what was saved stays saved
        )
