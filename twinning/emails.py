"""Templated e-mails, stored in the outbox in the caller's transaction and sent by the worker.

Each e-mail has two templates: templates/emails/<name>_subject.txt and <name>_body.txt. Both are
plain text, so they are rendered without HTML autoescaping: a city called "L'Aquila & Co" must
arrive as written, not as "L&#x27;Aquila &amp; Co". (An HTML part, if one is ever added as
<name>_body.html, goes through the normal autoescaping `render_to_string`.)
"""

from django.conf import settings
from django.template import Context
from django.template.loader import get_template


def render_text(template_name: str, context: dict) -> str:
    """Render a plain-text template without autoescaping (the template is still looked up, cached
    and given the i18n and tz tags like any other)."""
    template = get_template(template_name)
    return template.template.render(Context(context, autoescape=False))


def render_email(*, template: str, context: dict) -> tuple[str, str]:
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = render_text(f"emails/{template}_subject.txt", context)
    body = render_text(f"emails/{template}_body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def queue_email(*, template: str, to: list[str], context: dict) -> None:
    """Render now and store an outbox row in the current transaction: it is sent by the worker
    after commit (retried with backoff, picked up by the sweeper after a broker outage), and
    never if the transaction rolls back."""
    from outbox.services import email_enqueue

    subject, body = render_email(template=template, context=context)
    email_enqueue(to=to, subject=subject, body=body, template=template)
