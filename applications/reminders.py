"""Deadline reminders: an e-mail to the organisation behind each unsubmitted draft, 7 days and
then 1 day before its call closes.

Celery beat runs ``applications.send_deadline_reminders`` (see ``CELERY_BEAT_SCHEDULE``) every
hour; each run sends what is due and not sent yet. Each reminder is sent once: the
``DeadlineReminder`` row (unique per draft and kind) is written in the same transaction as the
e-mail is queued, with the draft locked, so re-runs and concurrent runs send nothing twice.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit.services import record
from cities.models import Call
from twinning.emails import queue_email

from .models import Application, DeadlineReminder
from .selectors import application_recipients

Kind = DeadlineReminder.Kind
# Nearest first: a draft started 3 days before the deadline gets the 7-day reminder then,
# and a run less than a day before the deadline sends only the 1-day one.
REMINDERS = ((Kind.DAY, timedelta(days=1)), (Kind.WEEK, timedelta(days=7)))
LONGEST = max(before for _, before in REMINDERS)


def reminder_due(*, closes_at, now) -> str | None:
    """The reminder due when a call closes at ``closes_at``, or None (too early, or closed)."""
    left = closes_at - now
    if left <= timedelta(0):
        return None
    for kind, before in REMINDERS:
        if left <= before:
            return kind
    return None


def deadline_reminders_send(*, now=None) -> int:
    """Send every reminder due now and not sent yet; returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    calls = Call.objects.filter(opens_at__lte=now, closes_at__gt=now, closes_at__lte=now + LONGEST)
    for call in calls.order_by("closes_at", "pk"):
        kind = reminder_due(closes_at=call.closes_at, now=now)
        drafts = (
            Application.objects.filter(call=call, status=Application.Status.DRAFT)
            .exclude(deadline_reminders__kind=kind)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for pk in list(drafts):
            sent += deadline_reminder_send(application_id=pk, kind=kind)
    return sent


@transaction.atomic
def deadline_reminder_send(*, application_id: int, kind: str) -> bool:
    """Queue one reminder unless it was sent already or the draft was submitted meanwhile."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "organisation")
        .filter(pk=application_id, status=Application.Status.DRAFT)
        .first()
    )
    if (
        application is None
        or DeadlineReminder.objects.filter(application=application, kind=kind).exists()
    ):
        return False
    recipients = application_recipients(application)
    if not recipients:
        return False
    reminder = DeadlineReminder.objects.create(
        application=application,
        kind=kind,
        deadline=application.call.closes_at,
        recipients=", ".join(recipients),
    )
    record(
        actor=None,  # Celery beat
        action="application.deadline_reminder",
        target=reminder,
        application=application,
        data={"kind": kind, "recipients": recipients},
    )
    queue_email(
        template="deadline_reminder",
        to=recipients,
        context={"application": application, "call": application.call, "kind": kind},
    )
    return True
