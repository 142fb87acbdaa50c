"""Background jobs of the applications app."""

from celery import shared_task

from .reminders import deadline_reminders_send


@shared_task(name="applications.send_deadline_reminders", soft_time_limit=240, time_limit=300)
def task_send_deadline_reminders() -> int:
    """Run by Celery beat (CELERY_BEAT_SCHEDULE); idempotent: sends only what is due and unsent."""
    return deadline_reminders_send()
