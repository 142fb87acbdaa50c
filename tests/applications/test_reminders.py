"""Deadline reminders (applications/reminders.py): who gets them, when, and only once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from applications import services
from applications.models import DeadlineReminder
from applications.reminders import deadline_reminders_send, reminder_due
from applications.tasks import task_send_deadline_reminders
from audit.models import AuditEntry
from tests.factories import UserFactory

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def closing(open_call):
    """The open call, closing on Friday 5 December 2031 at 17:00 Brussels time."""
    open_call.closes_at = dt.datetime(2031, 12, 5, 17, 0, tzinfo=BRUSSELS)
    open_call.save(update_fields=["closes_at"])
    return open_call


def before(call, **delta):
    return call.closes_at - dt.timedelta(**delta)


def sent():
    return sorted((m.to[0], m.subject) for m in mail.outbox)


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        (dt.timedelta(days=8), None),
        (dt.timedelta(days=7, seconds=1), None),
        (dt.timedelta(days=7), "7d"),
        (dt.timedelta(days=1, seconds=1), "7d"),
        (dt.timedelta(days=1), "1d"),
        (dt.timedelta(seconds=1), "1d"),
        (dt.timedelta(0), None),
        (dt.timedelta(days=-1), None),
    ],
)
def test_reminder_due_by_time_left(left, expected):
    closes_at = dt.datetime(2031, 12, 5, 16, 0, tzinfo=dt.UTC)

    assert reminder_due(closes_at=closes_at, now=closes_at - left) == expected


def test_reminders_go_to_every_member_of_a_draft_7_days_and_1_day_before_once_each(
    closing, draft, applicant, django_capture_on_commit_callbacks
):
    coeditor = UserFactory(email="coeditor@plymouth.example")
    invitation = services.invitation_create(
        organisation=draft.organisation, email=coeditor.email, by=applicant
    )
    services.invitation_accept(invitation=invitation, user=coeditor)
    mail.outbox = []
    subject = "[Twinning] Reminder: submit your application by 5 December 2031, 17:00"

    with django_capture_on_commit_callbacks(execute=True):
        too_early = deadline_reminders_send(now=before(closing, days=8))
        week = deadline_reminders_send(now=before(closing, days=6, hours=23))
        week_again = deadline_reminders_send(now=before(closing, days=3))
    assert (too_early, week, week_again) == (0, 1, 0)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["coeditor@plymouth.example", "officer@plymouth.example"], subject)
    ]

    with django_capture_on_commit_callbacks(execute=True):
        day = deadline_reminders_send(now=before(closing, hours=20))
        day_again = deadline_reminders_send(now=before(closing, hours=2))
        closed = deadline_reminders_send(now=before(closing, hours=-1))
    assert (day, day_again, closed) == (1, 0, 0)
    assert len(mail.outbox) == 2
    assert list(
        DeadlineReminder.objects.values_list("application", "kind", "deadline", "recipients")
    ) == [
        (
            draft.pk,
            kind,
            closing.closes_at,
            "coeditor@plymouth.example, officer@plymouth.example",
        )
        for kind in ("1d", "7d")
    ]


def test_reminder_says_what_to_do_the_deadline_in_brussels_time_and_links_the_application(
    closing, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deadline_reminders_send(now=before(closing, days=2))

    (message,) = mail.outbox
    assert message.body == (
        "Dear applicant,\n\n"
        "The application of Plymouth to the Open call is still a draft: it has not been "
        "submitted.\n\n"
        "The call closes on Friday 5 December 2031, 17:00 (Europe/Brussels time). Applications "
        "not submitted by then cannot take part.\n\n"
        "What to do: open your application, complete the steps still marked as missing, and "
        "submit it from the last step:\n"
        f"http://127.0.0.1:8000/applications/{draft.pk}/\n\n"
        "If you no longer wish to apply, you can ignore this e-mail.\n\n"
        "The Twinning Learning Programme team, NetZeroCities\n"
    )


def test_a_late_draft_gets_only_the_reminder_due_and_submitted_ones_none(
    closing, draft, complete_draft, applicant, django_capture_on_commit_callbacks
):
    assert complete_draft.pk == draft.pk
    other = UserFactory(email="officer@girona.example")
    organisation = services.organisation_start(user=other, name="Girona", country="ES")
    late = services.application_start(organisation=organisation, call=closing, by=other)
    result = services.application_submit(application=complete_draft, by=applicant)
    assert result.submitted
    mail.outbox = []

    with django_capture_on_commit_callbacks(execute=True):
        count = deadline_reminders_send(now=before(closing, hours=12))

    assert count == 1
    assert sent() == [
        (
            "officer@girona.example",
            "[Twinning] Reminder: submit your application by 5 December 2031, 17:00",
        )
    ]
    assert list(DeadlineReminder.objects.values_list("application", "kind")) == [(late.pk, "1d")]
    assert list(
        AuditEntry.objects.filter(action="application.deadline_reminder").values_list(
            "application", "actor", "data"
        )
    ) == [(late.pk, None, {"kind": "1d", "recipients": ["officer@girona.example"]})]


def test_reminder_task_sends_what_is_due_now(closing, draft, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    closing.closes_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    closing.save(update_fields=["closes_at"])

    assert task_send_deadline_reminders.delay().get() == 1
    assert task_send_deadline_reminders.delay().get() == 0
    assert list(DeadlineReminder.objects.values_list("kind", flat=True)) == ["7d"]
