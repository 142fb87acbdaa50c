"""The stored outbox: rows written in the causing transaction, sent once, retried with backoff,
failed rows logged with recipients and subject, staff may send again."""

import logging
import smtplib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from outbox import services
from outbox.models import Email
from outbox.tasks import task_send_email, task_sweep_outbox
from tests.factories import UserFactory
from twinning.emails import queue_email

pytestmark = pytest.mark.django_db


def _queue(to=("a@city.example",)):
    context = {
        "city": {"name": "Torino"},
        "invitation": {"email": "a@x.example", "token": "12345678-1234-1234-1234-123456789012"},
    }
    queue_email(template="workspace_invitation", to=list(to), context=context)


@pytest.fixture
def smtp_down(monkeypatch):
    def fail(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", fail)


def test_queue_email_stores_a_row_and_sends_it_after_commit(django_capture_on_commit_callbacks):
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        _queue(to=["b@city.example", "a@city.example", "a@city.example", ""])
        assert Email.objects.get().state == Email.State.PENDING
        assert mail.outbox == []

    email = Email.objects.get()
    assert (email.to, email.template, email.state, email.attempts) == (
        ["a@city.example", "b@city.example"],
        "workspace_invitation",
        Email.State.SENT,
        1,
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [(email.to, email.subject)]


def test_queue_email_rolled_back_stores_nothing(django_capture_on_commit_callbacks):
    mail.outbox = []
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _queue()
        raise RuntimeError
    assert (Email.objects.count(), mail.outbox) == (0, [])


def test_queue_email_without_recipients_stores_nothing():
    _queue(to=["", None])
    assert Email.objects.count() == 0


def test_sending_the_same_row_twice_sends_once():
    mail.outbox = []
    email = Email.objects.create(to=["a@city.example"], subject="S", body="B")
    assert task_send_email.apply(kwargs={"email_id": email.pk}).get() is True
    assert task_send_email.apply(kwargs={"email_id": email.pk}).get() is False
    assert len(mail.outbox) == 1


def test_failed_send_is_rescheduled_with_exponential_backoff(smtp_down, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    email = Email.objects.create(to=["a@city.example"], subject="S", body="B")
    before = timezone.now()

    assert services.email_send(email_id=email.pk) is False

    email.refresh_from_db()
    assert (email.state, email.attempts) == (Email.State.PENDING, 1)
    assert email.last_error == "SMTPServerDisconnected: connection refused"
    assert before + timedelta(seconds=29) < email.next_attempt_at < before + timedelta(seconds=40)
    # Not due yet: a second delivery does nothing.
    assert services.email_send(email_id=email.pk) is False
    assert Email.objects.get(pk=email.pk).attempts == 1
    assert [services.retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [
        30,
        60,
        120,
        3600,
        3600,
    ]


def test_last_failure_marks_failed_and_logs_recipients_and_subject(smtp_down, settings, caplog):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    email = Email.objects.create(to=["a@city.example"], subject="Your pairing", body="B")
    services.email_send(email_id=email.pk)
    Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())

    with caplog.at_level(logging.ERROR, logger="outbox.services"):
        services.email_send(email_id=email.pk)

    email.refresh_from_db()
    assert (email.state, email.attempts) == (Email.State.FAILED, 2)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        f"Outbox e-mail {email.pk} failed for good after 2 attempts: to=a@city.example "
        "subject='Your pairing' error=SMTPServerDisconnected: connection refused"
    ]


def test_sweeper_sends_due_rows_and_releases_rows_of_a_dead_sender():
    mail.outbox = []
    now = timezone.now()
    due = Email.objects.create(to=["due@x.example"], subject="due", body="B")
    later = Email.objects.create(
        to=["later@x.example"], subject="later", body="B", next_attempt_at=now + timedelta(hours=1)
    )
    stuck = Email.objects.create(
        to=["stuck@x.example"],
        subject="stuck",
        body="B",
        state=Email.State.SENDING,
        attempts=1,
        claimed_until=now - timedelta(seconds=1),
    )

    task_sweep_outbox.apply().get()

    assert sorted(m.subject for m in mail.outbox) == ["due", "stuck"]
    states = dict(Email.objects.values_list("pk", "state"))
    assert states == {due.pk: "sent", later.pk: "pending", stuck.pk: "sent"}


def test_beat_schedules_the_sweepers(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"outbox.sweep", "matching.sweep_runs"} <= tasks


def test_admin_lists_rows_with_state_and_sends_again(client, django_capture_on_commit_callbacks):
    mail.outbox = []
    staff = UserFactory(email="ops@nzc.example", is_staff=True, is_superuser=True)
    failed = Email.objects.create(
        to=["a@city.example"], subject="Lost", body="B", state="failed", attempts=8
    )
    client.force_login(staff)

    page = client.get(reverse("admin:outbox_email_changelist"))
    assert page.status_code == 200
    assert "Lost" in page.text and "Send again" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:outbox_email_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk]},
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (Email.State.SENT, 1)
    assert [m.subject for m in mail.outbox] == ["Lost"]


def test_admin_send_again_needs_its_permission(client):
    viewer = UserFactory(email="viewer@nzc.example", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_email"))
    Email.objects.create(to=["a@city.example"], subject="Lost", body="B", state="failed")
    client.force_login(viewer)
    page = client.get(reverse("admin:outbox_email_changelist"))
    assert page.status_code == 200
    assert "Lost" in page.text and "Send again" not in page.text


@pytest.mark.parametrize("rows", [1, 3])
def test_admin_changelist_queries_do_not_grow(client, django_assert_max_num_queries, rows):
    staff = UserFactory(email="ops@nzc.example", is_staff=True, is_superuser=True)
    for n in range(rows):
        Email.objects.create(to=[f"{n}@x.example"], subject=f"S{n}", body="B")
    client.force_login(staff)
    with django_assert_max_num_queries(9):  # 8, and the staff member's authenticator app
        assert client.get(reverse("admin:outbox_email_changelist")).status_code == 200
