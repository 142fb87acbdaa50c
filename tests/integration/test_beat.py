"""Celery beat's schedule through a real `celery beat` and a real `celery worker`, as processes.

The two are started the way docker-compose.yml starts them (`celery -A twinning beat|worker`),
with the project's settings (twinning.settings.local) pointed at the test database
(PostgreSQL), REDIS_URL, a queue of their own, e-mails written to files, and the reminder
schedule shortened to a few seconds (DEADLINE_REMINDERS_EVERY_SECONDS). Beat sends the task
again and again; the reminder is recorded and e-mailed exactly once.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils import timezone

from applications import services
from applications.models import DeadlineReminder
from applications.reminders import deadline_reminder_send
from tests.factories import CallFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
TASK = "applications.send_deadline_reminders"
EVERY = 2  # seconds between two runs of the reminder task
TIMEOUT = 180

pytestmark = [pytest.mark.services, pytest.mark.slow]


def database_url() -> str:
    """The URL of the test database (test_<name>), which the processes must use."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def draft_closing_in_3_days(transactional_db):
    call = CallFactory(closes_at=timezone.now() + dt.timedelta(days=3))
    user = UserFactory(email="officer@plymouth.example")
    organisation = services.organisation_start(user=user, name="Plymouth", country="GB")
    return services.application_start(organisation=organisation, call=call, by=user)


class Process:
    """A child process whose output is collected in a thread (so its pipe never fills)."""

    def __init__(self, args, env):
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "twinning", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.popen.stdout:
            self.lines.append(line)

    def count(self, *texts: str) -> int:
        """Lines of the output so far that hold every one of ``texts``."""
        return sum(all(text in line for text in texts) for line in list(self.lines))

    def stop(self):
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        self.reader.join(timeout=5)
        self.popen.stdout.close()
        return "".join(self.lines)


def wait_until(condition, what, processes):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        for p in processes:
            if p.popen.poll() is not None:
                pytest.fail(f"a process ended while waiting for {what}:\n" + "".join(p.lines))
        if time.monotonic() > deadline:
            logs = "\n---\n".join("".join(p.lines[-60:]) for p in processes)
            pytest.fail(f"timed out waiting for {what}:\n{logs}")
        time.sleep(0.5)


def test_beat_schedule_sends_the_deadline_reminder_through_a_worker_exactly_once(
    draft_closing_in_3_days, tmp_path
):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    queue = f"test-beat-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "twinning.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # django-environ drops the first slash of the path: "filemail://" + "/" + "/abs/path".
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "DEADLINE_REMINDERS_EVERY_SECONDS": str(EVERY),
    }
    worker = Process(["worker", "-l", "info", "--pool", "solo", "-n", "beat-test@%h"], env)
    beat = Process(
        ["beat", "-l", "info", "--schedule", str(tmp_path / "schedule"), "--max-interval", "1"],
        env,
    )
    done = "] succeeded in "
    try:
        # Act: let beat send the task at least three times, and the worker run it each time.
        wait_until(
            lambda: worker.count(f"Task {TASK}[", done) >= 3,
            "three runs of the task",
            [worker, beat],
        )
    finally:
        worker_log, beat_log = worker.stop(), beat.stop()
        redis.Redis.from_url(os.environ["REDIS_URL"]).delete(queue)

    # Assert: every run succeeded; the first sent one reminder, the others none.
    sent = [
        line.rsplit(": ", 1)[1]
        for line in worker_log.splitlines()
        if f"Task {TASK}[" in line and done in line
    ]
    assert beat_log.count(f"Sending due task deadline-reminders ({TASK})") >= 3, beat_log
    assert len(sent) >= 3, worker_log
    assert sent == ["1"] + ["0"] * (len(sent) - 1), worker_log
    assert list(DeadlineReminder.objects.values_list("application", "kind", "recipients")) == [
        (draft_closing_in_3_days.pk, "7d", "officer@plymouth.example")
    ]
    messages = [p.read_text() for p in mail_dir.iterdir()]
    subjects = [
        line for text in messages for line in text.splitlines() if line.startswith("Subject:")
    ]
    assert len(subjects) == 1, worker_log
    assert subjects[0].startswith("Subject: [Twinning] Reminder: submit your application by ")
    assert "To: officer@plymouth.example" in messages[0]


def test_concurrent_reminder_runs_send_once(draft_closing_in_3_days):
    barrier = threading.Barrier(2)
    results = []

    def send():
        try:
            barrier.wait(timeout=10)
            results.append(
                deadline_reminder_send(application_id=draft_closing_in_3_days.pk, kind="7d")
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == [False, True]
    assert DeadlineReminder.objects.count() == 1
