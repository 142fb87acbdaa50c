"""Runs survive a lost message or a dead worker: the sweeper queues again or fails with a reason,
staff restart a failed run, and a second delivery of the same task changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import MatchingRun, Proposal
from matching.tasks import task_run_matching, task_sweep_runs


def _started(call, staff, **fields):
    run = services.run_start(call=call, by=staff, enqueue=False)
    MatchingRun.objects.filter(pk=run.pk).update(**fields)
    return run


def test_sweeper_fails_a_run_running_past_its_time_limit(open_call, staff, settings):
    settings.MATCHING_RUN_TIME_LIMIT = 600
    stuck = _started(
        open_call,
        staff,
        status="running",
        progress=30,
        started_at=timezone.now() - timedelta(hours=1),
    )
    fresh = _started(open_call, staff, status="running", started_at=timezone.now())

    result = task_sweep_runs.apply().get()

    assert result["failed"] == [stuck.pk]
    stuck.refresh_from_db()
    assert stuck.status == "failed"
    assert stuck.error.startswith("The run was still running after 10.0 minutes")
    assert MatchingRun.objects.get(pk=fresh.pk).status == "running"


def test_sweeper_queues_again_a_run_whose_message_was_lost(open_call, three_applicants, staff):
    lost = _started(open_call, staff, created_at=timezone.now() - timedelta(minutes=5))

    result = task_sweep_runs.apply().get()  # eager Celery: the run is computed at once

    assert result["queued"] == [lost.pk]
    lost.refresh_from_db()
    assert (lost.status, Proposal.objects.filter(run=lost).exists()) == ("succeeded", True)


def test_second_delivery_while_running_leaves_the_run_to_the_first(
    open_call, three_applicants, staff
):
    run = _started(open_call, staff, status="running", started_at=timezone.now())
    assert task_run_matching.apply(kwargs={"run_id": run.pk}).get() == {
        "run": run.pk,
        "status": "running",
    }
    assert Proposal.objects.filter(run=run).count() == 0


def test_staff_restart_a_failed_run(
    client, open_call, three_applicants, staff, django_capture_on_commit_callbacks
):
    run = _started(open_call, staff, status="failed", error="Worker lost\nmore")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:matching_matchingrun_restart", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.error, run.warnings[-1]) == (
        "succeeded",
        "",
        "Restarted by staff@nzc.example after: Worker lost",
    )


def test_only_a_failed_run_can_be_restarted(open_call, three_applicants, staff):
    run = _started(open_call, staff, status="succeeded")
    with pytest.raises(ValidationError):
        services.run_restart(run=run, by=staff)
