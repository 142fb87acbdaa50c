"""Matching runs as Celery tasks: thin, idempotent, retried on transient database errors.

The run row is the stored task: a run whose message was lost (broker outage) is queued again by
`task_sweep_runs`, a run whose worker died is marked failed by it, and a second delivery of the
same message finds the run already claimed and changes nothing.
"""

import contextlib

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
    reject_on_worker_lost=True,
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
        # If the database is still away, the sweeper fails the run past its time limit.
        with contextlib.suppress(*TRANSIENT):
            services.run_requeue(run_id=run_id)
        raise self.retry(exc=exc, countdown=min(2 ** (self.request.retries + 1), 60)) from exc
    except Exception as exc:
        services.run_fail(run_id=run_id, error=services.format_error(exc))
        raise
    return {"run": run.pk, "status": run.status}


@shared_task(name="matching.sweep_runs", ignore_result=True, soft_time_limit=60, time_limit=90)
def task_sweep_runs() -> dict:
    return services.runs_sweep()
