"""Outbox services: record an e-mail, send one by id (once), sweep what is due, send again."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import Email

logger = logging.getLogger(__name__)
State = Email.State


def _setting(name: str, default):
    return getattr(settings, name, default)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt: base, 2×base, 4×base… capped."""
    base = _setting("OUTBOX_RETRY_BASE_SECONDS", 30)
    cap = _setting("OUTBOX_RETRY_MAX_SECONDS", 3600)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def _enqueue(email_id: int, countdown: float | None = None) -> None:
    """Hand the row to the worker; a broker outage is logged and the sweeper sends it later."""
    from .tasks import task_send_email

    try:
        task_send_email.apply_async(kwargs={"email_id": email_id}, countdown=countdown)
    except Exception:
        logger.warning(
            "Outbox e-mail %s not queued (broker unavailable); the sweeper will send it",
            email_id,
            exc_info=True,
        )


def email_enqueue(
    *, to: list[str], subject: str, body: str, html: str = "", template: str = ""
) -> Email | None:
    """Store an e-mail in the current transaction; it is handed to the worker once the
    transaction commits (never if it rolls back). Returns None when there is no recipient."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    email = Email.objects.create(
        template=template, to=recipients, subject=subject, body=body, html=html or ""
    )
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _claim(email_id: int) -> Email | None:
    """Move a due row from pending to sending, atomically: of two deliveries, one wins."""
    now = timezone.now()
    lease = timedelta(seconds=_setting("OUTBOX_SEND_LEASE_SECONDS", 300))
    with transaction.atomic():
        email = Email.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.state != State.PENDING or email.next_attempt_at > now:
            return None
        email.state = State.SENDING
        email.attempts += 1
        email.claimed_until = now + lease
        email.save(update_fields=["state", "attempts", "claimed_until"])
    return email


def email_send(*, email_id: int) -> bool:
    """Send one stored e-mail if it is due. Idempotent: a row already sent, being sent or not
    yet due is left alone. On failure the row is rescheduled with backoff, or marked failed
    (recipients and subject logged) once its attempts are used up. Returns True if sent."""
    email = _claim(email_id)
    if email is None:
        return False
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body, from_email=settings.DEFAULT_FROM_EMAIL, to=email.to
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    try:
        message.send()
    except Exception as exc:
        _record_failure(email, exc)
        return False
    Email.objects.filter(pk=email.pk, state=State.SENDING).update(
        state=State.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return True


def _record_failure(email: Email, exc: BaseException) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    max_attempts = _setting("OUTBOX_MAX_ATTEMPTS", 8)
    if email.attempts >= max_attempts:
        Email.objects.filter(pk=email.pk).update(
            state=State.FAILED, last_error=error, claimed_until=None
        )
        logger.error(
            "Outbox e-mail %s failed for good after %s attempts: to=%s subject=%r error=%s",
            email.pk,
            email.attempts,
            ", ".join(email.to),
            email.subject,
            error,
        )
        return
    delay = retry_delay(email.attempts)
    Email.objects.filter(pk=email.pk).update(
        state=State.PENDING,
        last_error=error,
        claimed_until=None,
        next_attempt_at=timezone.now() + delay,
    )
    logger.warning(
        "Outbox e-mail %s attempt %s failed (%s); next attempt in %ss",
        email.pk,
        email.attempts,
        error,
        int(delay.total_seconds()),
    )
    _enqueue(email.pk, countdown=delay.total_seconds())


def outbox_sweep(*, limit: int = 500) -> int:
    """Queue every due pending row, and give back rows whose sender died mid-send.
    Run periodically by Celery beat; safe to run any number of times at once."""
    now = timezone.now()
    released = Email.objects.filter(state=State.SENDING, claimed_until__lt=now).update(
        state=State.PENDING, claimed_until=None, last_error="The sender stopped before finishing."
    )
    if released:
        logger.warning("Outbox: %s e-mails whose sender stopped are pending again", released)
    due = list(
        Email.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for email_id in due:
        _enqueue(email_id)
    return len(due)


def email_resend(*, email: Email, by=None) -> None:
    """Staff: send a failed (or sent) e-mail again, with a fresh count of attempts."""
    from audit.services import record

    with transaction.atomic():
        changed = (
            Email.objects.filter(pk=email.pk)
            .exclude(state=State.SENDING)
            .update(
                state=State.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_until=None
            )
        )
        if changed:
            record(
                actor=by,
                action="outgoing_email.resend",
                target=email,
                data={"to": email.to, "previous_state": email.state},
            )
        transaction.on_commit(lambda: _enqueue(email.pk))
