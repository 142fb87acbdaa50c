"""E-mail delivery through Celery, retried with backoff when the mail server fails."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives


@shared_task(
    name="users.send_email",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=60,  # one SMTP conversation; a hung server is retried later
    time_limit=90,
)
def task_send_email(*, to: list[str], subject: str, body: str, html: str | None = None) -> int:
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
