"""A real Celery worker in a thread of the test process, on Redis (REDIS_URL) and PostgreSQL."""

import os
import threading

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun

from twinning.celery import app as celery_app

TIMEOUT = 60


@pytest.fixture
def worker_app(settings):
    """The project's Celery app, made non-eager and pointed at REDIS_URL; restored afterwards."""
    redis_url = os.environ.get("REDIS_URL") or pytest.fail("REDIS_URL=redis://… is not set")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    overrides = {
        "task_always_eager": False,
        "broker_url": redis_url,
        "result_backend": redis_url,
        # Keep pytest's logging setup: the embedded worker must not take over the root logger.
        "worker_hijack_root_logger": False,
    }
    saved = {key: celery_app.conf[key] for key in overrides}
    celery_app.conf.update(overrides)
    try:
        yield celery_app
    finally:
        celery_app.conf.update(saved)


@pytest.fixture
def worker(worker_app, transactional_db):
    """A real worker consuming from Redis in a thread; records who ran each task."""
    runs = []

    def record(sender=None, task_id=None, task=None, **kwargs):
        runs.append(
            {
                "task": sender.name,
                "id": task_id,
                "eager": task.request.is_eager,
                "thread": threading.current_thread().name,
            }
        )

    task_prerun.connect(record, weak=False)
    try:
        with start_worker(
            worker_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30
        ) as started:
            started.runs = runs
            yield started
    finally:
        task_prerun.disconnect(record)
