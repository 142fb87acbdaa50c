"""Fault injection with real services of the tests' own (see conftest): an SMTP outage, Redis
stopped or frozen during a submission, a worker killed during a run, a task delivered twice."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from matching import services as matching_services
from matching.demo import generate_applications
from matching.models import MatchingRun, Proposal
from matching.tasks import task_run_matching
from outbox.models import Email
from outbox.tasks import task_send_email, task_sweep_outbox
from tests.builders import fill_application
from tests.factories import UserFactory
from twinning.celery import app as celery_app
from twinning.emails import queue_email

from .conftest import reset_broker_connections, wait_until

FILTER_SETEX = pytest.mark.filterwarnings(
    "ignore:Call to deprecated setex:DeprecationWarning:celery.backends.redis"
)


def _queue_invitations(n):
    for i in range(n):
        queue_email(
            template="workspace_invitation",
            to=[f"person{i}@city.example"],
            context={
                "city": {"name": "Torino"},
                "invitation": {
                    "email": f"person{i}@city.example",
                    "token": "12345678-1234-1234-1234-123456789012",
                },
            },
        )


@pytest.mark.django_db
def test_smtp_sink_stopped_then_restarted_delivers_every_email_once(
    smtp_sink, settings, django_capture_on_commit_callbacks
):
    # Arrange: the mail server is down when five e-mails are queued (eager: tried at once).
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    smtp_sink.stop()
    with django_capture_on_commit_callbacks(execute=True):
        _queue_invitations(5)
    assert sorted(Email.objects.values_list("state", "attempts")) == [("pending", 1)] * 5
    assert all(
        "Connection refused" in e for e in Email.objects.values_list("last_error", flat=True)
    )

    # Act: the server comes back; the sweeper runs (twice, as beat would).
    smtp_sink.start()
    time.sleep(1.1)  # the rows are due again after their backoff
    task_sweep_outbox.apply().get()
    task_sweep_outbox.apply().get()

    # Assert: each e-mail delivered exactly once.
    assert sorted(rcpts for rcpts, _ in smtp_sink.messages) == [
        [f"person{i}@city.example"] for i in range(5)
    ]
    assert sorted(Email.objects.values_list("state", "attempts")) == [("sent", 2)] * 5


def _submit(client, application):
    started = time.monotonic()
    response = client.post(reverse("application_submit", args=[application.pk]))
    return response, time.monotonic() - started


@pytest.mark.services
@pytest.mark.slow
@FILTER_SETEX
def test_redis_stopped_during_a_submission_loses_nothing(
    transactional_db,
    call_data,
    open_call,
    on_private_redis,
    client,
):
    # Arrange: a complete draft; Redis (cache and broker) goes away.
    from applications import services as app_services

    user = UserFactory(email="lecce@city.example")
    organisation = app_services.organisation_start(user=user, name="Lecce", country="IT")
    application = app_services.application_start(organisation=organisation, call=open_call, by=user)
    fill_application(application, by=user, name="Lecce", country="IT")
    client.force_login(user)
    on_private_redis.stop()

    # Act
    response, seconds = _submit(client, application)

    # Assert: answered at once, stored, and the e-mail waits in the outbox.
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("application_detail", args=[application.pk]),
    )
    assert seconds < 5
    assert Application.objects.get(pk=application.pk).status == "submitted"
    email = Email.objects.get(template="application_submitted")
    assert email.state == "pending"

    # Redis returns; a worker and the sweeper send what was waiting, once.
    on_private_redis.start()
    reset_broker_connections()
    mail.outbox = []
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        task_sweep_outbox.delay()
        wait_until(lambda: Email.objects.get(pk=email.pk).state == "sent", what="the e-mail")
        task_sweep_outbox.delay()  # a second sweep sends nothing more
        time.sleep(1)
    assert [m.to for m in mail.outbox] == [email.to]


@pytest.mark.services
@pytest.mark.slow
@FILTER_SETEX
def test_redis_frozen_during_a_submission_answers_within_seconds(
    transactional_db,
    call_data,
    open_call,
    on_private_redis,
    client,
):
    from applications import services as app_services

    user = UserFactory(email="bari@city.example")
    organisation = app_services.organisation_start(user=user, name="Bari", country="IT")
    application = app_services.application_start(organisation=organisation, call=open_call, by=user)
    fill_application(application, by=user, name="Bari", country="IT")
    client.force_login(user)
    on_private_redis.freeze()  # kill -STOP: connections hang instead of failing

    response, seconds = _submit(client, application)

    assert response.status_code == 302
    assert seconds < 8
    assert Application.objects.get(pk=application.pk).status == "submitted"
    assert Email.objects.get(template="application_submitted").state == "pending"


@pytest.mark.services
@pytest.mark.slow
def test_worker_killed_during_a_large_run_leaves_it_failed_with_a_reason_then_restartable(
    call_data,
    open_call,
    worker_process,
    settings,
):
    # Arrange: a run over 10,000 applications, picked up by a worker in its own process.
    generate_applications(call=open_call, count=10000, seed=11)
    staff = UserFactory(email="ops@nzc.example", is_staff=True, is_superuser=True)
    worker = worker_process()
    run = matching_services.run_start(call=open_call, by=staff)
    wait_until(
        lambda: MatchingRun.objects.get(pk=run.pk).status == "running",
        timeout=60,
        what="the run to start",
    )

    # Act: the worker dies (SIGKILL) mid-run; time passes beyond the run's time limit.
    worker.kill()
    assert MatchingRun.objects.get(pk=run.pk).status == "running"
    settings.MATCHING_RUN_TIME_LIMIT = 1
    time.sleep(1.2)
    swept = matching_services.runs_sweep()

    # Assert: failed with a reason, not stuck; staff restart it and it finishes.
    run.refresh_from_db()
    assert swept["failed"] == [run.pk]
    assert run.status == "failed"
    assert "its worker stopped" in run.error
    matching_services.run_restart(run=run, by=staff)
    worker_process()
    wait_until(
        lambda: MatchingRun.objects.get(pk=run.pk).status in ("succeeded", "failed"),
        timeout=120,
        what="the restarted run",
    )
    run.refresh_from_db()
    assert (run.status, run.error) == ("succeeded", "")
    assert Proposal.objects.filter(run=run).exists()


@pytest.mark.services
@pytest.mark.slow
def test_two_deliveries_of_the_same_task_produce_one_result(
    call_data,
    open_call,
    worker_process,
    smtp_sink,
):
    # Arrange: a worker with two threads, sending to the SMTP sink.
    generate_applications(call=open_call, count=300, seed=5)
    staff = UserFactory(email="ops@nzc.example", is_staff=True, is_superuser=True)
    worker_process(
        concurrency=2,
        DJANGO_SETTINGS_MODULE="tests.faults.worker_settings",
        FAULT_SMTP_PORT=smtp_sink.port,
    )
    run = matching_services.run_start(call=open_call, by=staff, enqueue=False)
    email = Email.objects.create(to=["twin@city.example"], subject="Once", body="B")

    # Act: each task delivered twice, at once.
    results = [task_run_matching.delay(run_id=run.pk) for _ in range(2)]
    sends = [task_send_email.delay(email_id=email.pk) for _ in range(2)]
    outcomes = [r.get(timeout=120) for r in results]
    sent = sorted(r.get(timeout=60) for r in sends)

    # Assert: one computation, one e-mail.
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert sorted(o["status"] for o in outcomes) in (
        ["running", "succeeded"],
        ["succeeded", "succeeded"],
    )
    first = list(Proposal.objects.filter(run=run).values_list("pk", flat=True))
    assert first and len(first) == len(set(first))
    assert sent == [False, True]
    assert [rcpts for rcpts, _ in smtp_sink.messages] == [["twin@city.example"]]
    assert Email.objects.get(pk=email.pk).attempts == 1
    assert run.finished_at <= timezone.now()
