"""Error reporting (e-mail to ADMINS, Sentry when SENTRY_DSN is set) and Celery time limits."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

from twinning.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import django, sentry_sdk
django.setup()
from django.conf import settings
client = sentry_sdk.get_client()
print(settings.ADMINS)
print(client.is_active())
print(",".join(sorted(getattr(client, "integrations", {}))))
"""


def settings_in_a_process(**env):
    base = {k: v for k, v in os.environ.items() if k not in ("SENTRY_DSN", "DJANGO_ADMINS")}
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "twinning.settings.test", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.splitlines()


@pytest.mark.slow  # a Python process of its own
def test_without_dsn_or_admins_nothing_is_reported():
    assert settings_in_a_process() == ["[]", "False", ""]


@pytest.mark.slow  # a Python process of its own
def test_admins_and_sentry_come_from_the_environment():
    admins, active, integrations = settings_in_a_process(
        DJANGO_ADMINS="Ops Team <ops@example.org>, dev@example.org",
        # Nothing is sent: no error happens in this process.
        SENTRY_DSN="http://public@127.0.0.1:9/1",
    )

    assert admins == "[('Ops Team', 'ops@example.org'), ('', 'dev@example.org')]"
    assert active == "True"
    assert {"celery", "django"} <= set(integrations.split(","))


def test_a_failed_task_is_mailed_to_admins(settings):
    settings.ADMINS = [("Ops", "ops@example.org")]
    mail.outbox = []

    try:
        raise RuntimeError("the database went away")
    except RuntimeError:
        # What Celery's worker logs when a task raises or hits its time limit.
        logging.getLogger("celery.app.trace").error(
            "Task matching.run_matching[abc] raised unexpected: RuntimeError", exc_info=True
        )

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["ops@example.org"],
            "[Django] ERROR: Task matching.run_matching[abc] raised unexpected: RuntimeError",
        )
    ]
    assert "the database went away" in mail.outbox[0].body


def test_every_scheduled_task_exists(settings):
    celery_app.loader.import_default_modules()

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled - set(celery_app.tasks) == set()


def test_every_task_has_explicit_soft_and_hard_time_limits():
    celery_app.loader.import_default_modules()
    ours = {name: task for name, task in celery_app.tasks.items() if not name.startswith("celery.")}

    limits = {name: (t.soft_time_limit, t.time_limit) for name, t in sorted(ours.items())}

    assert {
        "applications.send_deadline_reminders",
        "matching.run_matching",
        "matching.sweep_runs",
        "outbox.send_email",
        "outbox.sweep",
    } <= set(limits)
    assert [
        name for name, (soft, hard) in limits.items() if not (soft and hard and soft < hard)
    ] == []
