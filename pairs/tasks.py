"""Thin periodic tasks of the pair spaces; each is idempotent and records what it sent."""

from celery import shared_task

from matching.models import Pairing

from . import services


@shared_task(name="pairs.open_pair", soft_time_limit=60, time_limit=90)
def task_open_pair(*, pairing_id: int) -> int:
    """Open the space of a pairing both sides confirmed (nothing if it is open already)."""
    return services.pair_open(pairing=Pairing.objects.get(pk=pairing_id)).pk


@shared_task(name="pairs.open_confirmed", soft_time_limit=240, time_limit=300)
def task_open_confirmed() -> int:
    """Sweep: open the space of every confirmed pairing still without one."""
    return len(services.pairs_backfill())


@shared_task(name="pairs.send_reminders", soft_time_limit=240, time_limit=300)
def task_send_reminders() -> dict:
    return services.reminders_send()


@shared_task(name="pairs.send_digests", soft_time_limit=240, time_limit=300)
def task_send_digests() -> int:
    return services.digests_send()
