"""The matching run through a real worker: Redis broker, PostgreSQL, proposals written in bulk."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from cities.models import Call
from cities.services import call_copy
from matching import services
from matching.models import MatchingRun, Proposal
from matching.tasks import task_run_matching
from tests.builders import submitted_application

from .conftest import TIMEOUT

pytestmark = [pytest.mark.services, pytest.mark.slow]


def test_task_run_matching_through_worker_on_postgresql(worker, call_data):
    call = call_copy(
        source=Call.objects.get(slug="2025"),
        slug="open",
        title="Open call",
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=30),
    )
    applications = [
        submitted_application(call, "Plymouth", country="GB", prefs=["Torino", "Sofia"]),
        submitted_application(call, "Bergamo", country="IT", prefs=["Torino"]),
        submitted_application(call, "Girona", country="ES", prefs=["Gabrovo", "Torino"]),
    ]

    run = services.run_start(call=call, by=None)  # commits at once: queued on the broker
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in ("succeeded", "failed"):
            break
        time.sleep(0.2)

    assert (run.status, run.error) == ("succeeded", "")
    matching_runs = [r for r in worker.runs if r["task"] == task_run_matching.name]
    assert [r["eager"] for r in matching_runs] == [False]
    assert sorted(run.inputs["applications"]) == sorted(a.pk for a in applications)
    n_proposals = Proposal.objects.filter(run=run).count()
    assert n_proposals + run.unmatched.count() == 3
    assert n_proposals >= 1
    # A second delivery of the same run changes nothing.
    task_run_matching.delay(run_id=run.pk).get(timeout=TIMEOUT)
    assert Proposal.objects.filter(run=run).count() == n_proposals
    assert MatchingRun.objects.get(pk=run.pk).status == "succeeded"
