"""matching.selectors reads that pages share."""

from datetime import timedelta

import pytest
from django.utils import timezone

from matching import selectors
from matching.models import MatchingRun

pytestmark = pytest.mark.django_db


def run(call, *, finished_at, status=MatchingRun.Status.SUCCEEDED):
    return MatchingRun.objects.create(call=call, status=status, finished_at=finished_at)


def test_latest_run_is_the_last_finished_succeeded_run(open_call):
    now = timezone.now()
    run(open_call, finished_at=now - timedelta(hours=2))
    latest = run(open_call, finished_at=now - timedelta(hours=1))
    run(open_call, finished_at=now - timedelta(hours=3))  # made later, finished earlier
    run(open_call, finished_at=now, status=MatchingRun.Status.FAILED)

    assert selectors.latest_run(call=open_call) == latest


def test_latest_run_ranks_a_run_without_finish_time_oldest(open_call):
    # PostgreSQL sorts NULL first in a descending order: a run without a finish time (an older
    # published one) must not hide the latest run on either database.
    without = run(open_call, finished_at=None)
    latest = run(open_call, finished_at=timezone.now())

    assert selectors.latest_run(call=open_call) == latest
    latest.delete()
    assert selectors.latest_run(call=open_call) == without


def test_latest_run_ties_on_finish_time_go_to_the_newest(open_call):
    when = timezone.now()
    run(open_call, finished_at=when)
    newest = run(open_call, finished_at=when)

    assert selectors.latest_run(call=open_call) == newest


def test_latest_run_of_a_call_without_runs_is_none(open_call):
    assert selectors.latest_run(call=open_call) is None
