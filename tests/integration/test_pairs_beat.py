"""A reminder through real `celery beat` and `celery worker` processes, on Redis (REDIS_URL) and
PostgreSQL (DATABASE_URL): beat sends `pairs.send_reminders` every 2 seconds (the test-only
TWINNING_BEAT_EVERY), the worker runs it several times, and the reminder is recorded once."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.utils import timezone

from cities.models import Call
from cities.services import call_copy
from pairs.models import Reminder
from pairs.selectors import side_users
from tests.pairs.helpers import make_pair, plan_template

pytestmark = [pytest.mark.services, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def _test_database_url() -> str:
    """DATABASE_URL pointing at the test database this test writes to."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def _start(args, env, log):
    return subprocess.Popen(
        [CELERY, "-A", "twinning", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_due_soon_reminder_through_beat_and_worker_is_sent_once(
    transactional_db, call_data, tmp_path
):
    call = call_copy(
        source=Call.objects.get(slug="2025"),
        slug="beat",
        title="Beat call",
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=30),
    )
    call.programme_start = timezone.localdate() - dt.timedelta(days=27)
    call.save()
    plan_template(call, rows=[("Kick-off meeting", 30, "twin", "date")])  # due in 3 days
    pair, twin, _host = make_pair(call)
    assert [m.due_date for m in pair.milestones.all()] == [
        timezone.localdate() + dt.timedelta(days=3)
    ]
    assert [u.email for u in side_users(pair, "twin")] == [twin.email]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "twinning.settings.test",
        "DATABASE_URL": _test_database_url(),
        "TWINNING_BEAT_EVERY": "2",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    worker_log = (tmp_path / "worker.log").open("w")
    beat_log = (tmp_path / "beat.log").open("w")
    worker = _start(
        [
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"pairs-beat-test-{os.getpid()}@%h",
        ],
        env,
        worker_log,
    )
    beat = _start(
        [
            "beat",
            "--loglevel=INFO",
            "-s",
            str(tmp_path / "beat-schedule"),
            "--pidfile",
            str(tmp_path / "beat.pid"),
        ],
        env,
        beat_log,
    )
    try:
        deadline = time.monotonic() + 90
        runs = 0
        while time.monotonic() < deadline:
            runs = sum(
                "pairs.send_reminders[" in line and "succeeded" in line
                for line in (tmp_path / "worker.log").read_text().splitlines()
            )
            if runs >= 3:
                break
            time.sleep(1)
    finally:
        for process in (beat, worker):
            process.terminate()
        for process in (beat, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        worker_log.close()
        beat_log.close()
    logs = (tmp_path / "worker.log").read_text() + (tmp_path / "beat.log").read_text()
    assert runs >= 3, logs[-3000:]
    assert "Sending due task pairs-send-reminders" in logs
    assert list(Reminder.objects.values_list("kind", "key", "recipients")) == [
        (
            "due_soon",
            f"due_soon:{pair.milestones.get().pk}:{pair.milestones.get().due_date.isoformat()}",
            [twin.email],
        )
    ]
