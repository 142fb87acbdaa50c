"""The matching run as a Celery task: thin, idempotent, retried on transient database errors."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

TRANSIENT = (OperationalError, InterfaceError)


# A run at 10,000 applications takes about 3 s (benchmarks/RESULTS.md); the soft limit
# raises SoftTimeLimitExceeded, which marks the run failed like any other error.
@shared_task(
    bind=True,
    name="matching.run_matching",
    max_retries=5,
    acks_late=True,
    soft_time_limit=300,
    time_limit=360,
)
def task_run_matching(self, *, run_id: int) -> dict:
    try:
        run = services.run_execute(run_id=run_id)
    except TRANSIENT as exc:
        if self.request.retries >= self.max_retries:
            services.run_fail(run_id=run_id, error=services.format_error(exc))
            raise
        raise self.retry(exc=exc, countdown=min(2 ** (self.request.retries + 1), 60)) from exc
    except Exception as exc:
        services.run_fail(run_id=run_id, error=services.format_error(exc))
        raise
    return {"run": run.pk, "status": run.status}
