from celery import shared_task

from . import services


@shared_task(name="privacy.apply_retention", soft_time_limit=600, time_limit=660)
def task_apply_retention() -> int:
    """Daily (beat): anonymise what the calls' retention periods say is due."""
    return len(services.retention_apply())
