"""Outbox tasks: thin, idempotent, by id. The retries live in the rows, not in the broker."""

from celery import shared_task

from . import services


# One SMTP conversation (EMAIL_TIMEOUT 20 s); a hung server is retried later from the row.
@shared_task(name="outbox.send_email", acks_late=True, soft_time_limit=60, time_limit=90)
def task_send_email(*, email_id: int) -> bool:
    return services.email_send(email_id=email_id)


@shared_task(name="outbox.sweep", ignore_result=True, soft_time_limit=60, time_limit=90)
def task_sweep_outbox() -> int:
    return services.outbox_sweep()
