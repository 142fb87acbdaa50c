"""Tasks through a real Celery worker, against Redis (REDIS_URL) and PostgreSQL (DATABASE_URL).

The worker runs in a thread of the test process (`celery.contrib.testing.worker.start_worker`),
consumes from the Redis broker and stores results in the Redis result backend. Its thread has its
own database connection, so these tests use `transactional_db`: the test thread's writes must be
committed for the worker to see them, and the worker's writes for the test to see them.
"""

import threading

import pytest
from celery.result import AsyncResult
from django.core import mail

from outbox.models import Email
from outbox.tasks import task_send_email

from .conftest import TIMEOUT

pytestmark = [
    pytest.mark.services,
    pytest.mark.slow,
    # Celery's Redis result backend stores results with SETEX, which redis-py 8 reports as
    # deprecated (a Redis-side note only; redis/redis-py#4337). It is raised in the worker thread,
    # so as an error it would stop the result from being stored.
    pytest.mark.filterwarnings(
        "ignore:Call to deprecated setex:DeprecationWarning:celery.backends.redis"
    ),
]


def _assert_ran_in_worker(worker, result, task):
    """The task went through Redis to the worker thread, not eagerly in the test thread."""
    assert not getattr(result, "is_eager", False)  # an EagerResult would have it
    # Read the state back through the Redis result backend with a fresh handle.
    assert AsyncResult(result.id, app=worker.app).state == "SUCCESS"
    assert [(r["task"], r["id"], r["eager"]) for r in worker.runs] == [
        (task.name, result.id, False)
    ]
    assert worker.runs[0]["thread"] != threading.current_thread().name


def test_send_email_through_worker_lands_in_outbox(worker):
    # Arrange: a stored outbox row, as queue_email writes it.
    mail.outbox = []
    email = Email.objects.create(
        to=["applicant@city.example"],
        subject="[Twinning] Your application was received",
        body="Thank you for applying.",
        html="<p>Thank you for applying.</p>",
    )

    # Act
    result = task_send_email.delay(email_id=email.pk)
    sent = result.get(timeout=TIMEOUT)

    # Assert
    _assert_ran_in_worker(worker, result, task_send_email)
    assert sent is True
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["applicant@city.example"]
    assert message.subject == "[Twinning] Your application was received"
    assert message.body == "Thank you for applying."
    assert message.alternatives[0][0] == "<p>Thank you for applying.</p>"
    email.refresh_from_db()
    assert (email.state, email.attempts) == (Email.State.SENT, 1)
