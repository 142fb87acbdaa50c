"""Every write of the pair spaces. Each change is audited (`audit.services.record`) and recorded
as a `PairEvent` (who, when, what, from and to which status) in the same transaction, moves the
pair's last activity, and becomes a notification for the people of the other side (immediate,
daily digest or off, as each chose). E-mails go only through `twinning.emails.queue_email`."""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from cities.models import CityItem
from matching.models import Pairing
from twinning.emails import queue_email
from workspace.selectors import staff_recipients

from . import selectors, status
from .models import (
    LearningAgendaItem,
    Meeting,
    Message,
    Milestone,
    MilestoneTemplate,
    Notification,
    NotificationPreference,
    OutcomeSurvey,
    Pair,
    PairDocument,
    PairEvent,
    PlanFeedback,
    PlanVersion,
    Reminder,
    Side,
)

Mode = NotificationPreference.Mode


def _side_or_refuse(pair: Pair, by) -> str:
    side = selectors.side_of(by, pair)
    if side is None:
        raise ValidationError(_("You are not part of this pair."))
    return side


def _record(
    *,
    pair: Pair,
    kind: str,
    by,
    side: str,
    summary: str,
    action: str,
    target,
    from_status: str = "",
    to_status: str = "",
) -> PairEvent:
    """The audit entry, the pair's trail, its last activity, and a notice to each person of the
    other side."""
    _audit(
        pair=pair,
        by=by,
        action=action,
        target=target,
        note=summary,
        data={"from": from_status, "to": to_status} if to_status else None,
    )
    event = PairEvent.objects.create(
        pair=pair,
        kind=kind,
        actor=by,
        side=side,
        summary=summary[:300],
        from_status=from_status,
        to_status=to_status,
    )
    Pair.objects.filter(pk=pair.pk).update(last_activity_at=event.created_at)
    pair.last_activity_at = event.created_at
    _notify(event)
    return event


def _audit(*, pair: Pair, by, action: str, target, note: str = "", data=None) -> None:
    record(
        actor=by,
        action=action,
        target=target,
        application=pair.pairing.application,
        note=note[:300],
        data={"pair": pair.pk, **(data or {})},
    )


def _notify(event: PairEvent) -> None:
    if event.side == Side.TWIN:
        recipients = selectors.side_users(event.pair, Side.HOST)
    elif event.side == Side.HOST:
        recipients = selectors.side_users(event.pair, Side.TWIN)
    else:  # staff or the system: both sides
        recipients = selectors.side_users(event.pair, Side.BOTH)
    recipients = [u for u in recipients if u.pk != event.actor_id]
    modes = dict(
        NotificationPreference.objects.filter(user__in=recipients).values_list("user_id", "mode")
    )
    now = timezone.now()
    immediate = []
    for user in recipients:
        mode = modes.get(user.pk, Mode.DIGEST)
        if mode == Mode.OFF:
            continue
        Notification.objects.create(
            event=event, user=user, mode=mode, sent_at=now if mode == Mode.IMMEDIATE else None
        )
        if mode == Mode.IMMEDIATE:
            immediate.append(user.email)
    if immediate:
        queue_email(
            template="pair_event",
            to=immediate,
            context={"event": event, "pair": event.pair},
        )


# Opening a pair -----------------------------------------------------------------------------


@transaction.atomic
def pair_open(*, pairing: Pairing, by=None) -> Pair:
    """The pair space of a pairing both sides confirmed; idempotent (the existing pair is
    returned). Milestones come from the call's plan template and programme start; the learning
    agenda is prefilled with the Mission City's offered actions on the topics the Twin City asked
    to learn."""
    pairing = (
        Pairing.objects.select_for_update()
        .select_related("call", "application", "mission_city__mission_city")
        .get(pk=pairing.pk)
    )
    existing = Pair.objects.filter(pairing=pairing).first()
    if existing is not None:
        return existing
    if not (
        pairing.host_confirmation == Pairing.Confirmation.CONFIRMED
        and pairing.twin_confirmation == Pairing.Confirmation.CONFIRMED
    ):
        raise ValidationError(_("Both sides must confirm the pairing before its space opens."))
    now = timezone.now()
    pair = Pair.objects.create(pairing=pairing, call=pairing.call, last_activity_at=now)
    start = pairing.call.programme_start
    templates = MilestoneTemplate.objects.filter(template__call=pairing.call).order_by(
        "offset_days", "position"
    )
    Milestone.objects.bulk_create(
        Milestone(
            pair=pair,
            template=t,
            title=t.title,
            description=t.description,
            due_date=start + dt.timedelta(days=t.offset_days),
            owner_side=t.owner_side,
            evidence_kind=t.evidence_kind,
        )
        for t in templates
    )
    needed = pairing.application.learning_needs.values("topic")
    actions = (
        CityItem.objects.filter(
            participation=pairing.mission_city, kind=CityItem.Kind.ACTION, topics__in=needed
        )
        .distinct()
        .order_by("position")
    )
    LearningAgendaItem.objects.bulk_create(
        LearningAgendaItem(pair=pair, action=a, added_by=by) for a in actions
    )
    _audit(
        pair=pair,
        by=by,
        action="pair.open",
        target=pair,
        data={"pairing": pairing.pk, "milestones": templates.count()},
    )
    PairEvent.objects.create(
        pair=pair,
        kind=PairEvent.Kind.OPENED,
        actor=by,
        side=Side.STAFF,
        summary=_("The pair space opened with %(n)d milestones.") % {"n": templates.count()},
    )
    queue_email(
        template="pair_opened",
        to=[u.email for u in selectors.side_users(pair, Side.BOTH)],
        context={"pair": pair},
    )
    return pair


def pairs_backfill(*, by=None) -> list[Pair]:
    """Open the space of every confirmed pairing that has none yet (safe to run again)."""
    opened = []
    for pairing in selectors.confirmed_pairings().filter(pair__isnull=True).order_by("pk"):
        opened.append(pair_open(pairing=pairing, by=by))
    return opened


# Milestones ---------------------------------------------------------------------------------


def _locked_milestone(milestone: Milestone) -> Milestone:
    return Milestone.objects.select_for_update().select_related("pair").get(pk=milestone.pk)


@transaction.atomic
def milestone_complete(
    *,
    milestone: Milestone,
    by,
    note: str = "",
    document: PairDocument | None = None,
    date: dt.date | None = None,
) -> Milestone:
    """The owner side (or staff) marks a milestone done with the evidence it asks for."""
    milestone = _locked_milestone(milestone)
    pair = milestone.pair
    side = _side_or_refuse(pair, by)
    if milestone.status == Milestone.Status.DONE:
        raise ValidationError(_("This milestone is already done."))
    if not status.may_complete(milestone, side=side):
        raise ValidationError(
            _("Only the %(side)s can mark this milestone done.")
            % {"side": milestone.get_owner_side_display()}
        )
    note = (note or "").strip()
    if document is not None and document.pair_id != pair.pk:
        raise ValidationError(_("Choose a document of this pair."))
    kind = milestone.evidence_kind
    if kind == "note" and not note:
        raise ValidationError(_("Write a short note on what was done."), code="evidence")
    if kind == "document" and document is None:
        raise ValidationError(_("Choose the document that shows it was done."), code="evidence")
    if kind == "date" and date is None:
        raise ValidationError(_("Give the date it took place."), code="evidence")
    if date is not None and date > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="evidence")
    before = status.effective_status(milestone)
    milestone.status = Milestone.Status.DONE
    milestone.done_at = timezone.now()
    milestone.done_by = by
    milestone.evidence_note = note
    milestone.evidence_document = document
    milestone.evidence_date = date
    milestone.full_clean()
    milestone.save()
    _record(
        pair=pair,
        kind=PairEvent.Kind.MILESTONE,
        by=by,
        side=side,
        action="milestone.complete",
        target=milestone,
        summary=_("Milestone done: %(title)s") % {"title": milestone.title},
        from_status=before,
        to_status=Milestone.Status.DONE,
    )
    return milestone


@transaction.atomic
def milestone_reopen(*, milestone: Milestone, by) -> Milestone:
    """Staff reopen a done milestone: planned again, or late if its date has passed."""
    milestone = _locked_milestone(milestone)
    if not getattr(by, "is_staff", False):
        raise ValidationError(_("Only the programme team can reopen a milestone."))
    if milestone.status != Milestone.Status.DONE:
        raise ValidationError(_("Only a done milestone can be reopened."))
    milestone.status = Milestone.Status.PLANNED
    milestone.status = status.effective_status(milestone)
    milestone.done_at = None
    milestone.done_by = None
    milestone.save(update_fields=["status", "done_at", "done_by"])
    _record(
        pair=milestone.pair,
        kind=PairEvent.Kind.MILESTONE,
        by=by,
        side=Side.STAFF,
        action="milestone.reopen",
        target=milestone,
        summary=_("Milestone reopened: %(title)s") % {"title": milestone.title},
        from_status=Milestone.Status.DONE,
        to_status=milestone.status,
    )
    return milestone


@transaction.atomic
def milestone_reschedule(*, milestone: Milestone, due_date: dt.date, by) -> Milestone:
    """Staff move a milestone's due date; a late one moved to today or later is planned again."""
    milestone = _locked_milestone(milestone)
    if not getattr(by, "is_staff", False):
        raise ValidationError(_("Only the programme team can move a due date."))
    if milestone.status == Milestone.Status.DONE:
        raise ValidationError(_("A done milestone keeps its date."))
    before = milestone.status
    milestone.due_date = due_date
    milestone.status = Milestone.Status.PLANNED
    milestone.status = status.effective_status(milestone)
    milestone.save(update_fields=["due_date", "status"])
    _record(
        pair=milestone.pair,
        kind=PairEvent.Kind.MILESTONE,
        by=by,
        side=Side.STAFF,
        action="milestone.reschedule",
        target=milestone,
        summary=_("Milestone moved to %(date)s: %(title)s")
        % {"date": due_date.isoformat(), "title": milestone.title},
        from_status=before,
        to_status=milestone.status,
    )
    return milestone


@transaction.atomic
def milestones_mark_late(*, today: dt.date | None = None) -> list[Milestone]:
    """Store "late" on every planned milestone whose due date has passed (the daily job)."""
    today = today or timezone.localdate()
    overdue = list(
        Milestone.objects.select_for_update()
        .select_related("pair")
        .filter(status=Milestone.Status.PLANNED, due_date__lt=today)
    )
    for milestone in overdue:
        milestone.status = Milestone.Status.LATE
        milestone.save(update_fields=["status"])
        _audit(
            pair=milestone.pair,
            by=None,
            action="milestone.late",
            target=milestone,
            data={"from": Milestone.Status.PLANNED, "to": Milestone.Status.LATE},
        )
        PairEvent.objects.create(
            pair=milestone.pair,
            kind=PairEvent.Kind.MILESTONE,
            side=Side.STAFF,
            summary=_("Milestone late: %(title)s") % {"title": milestone.title},
            from_status=Milestone.Status.PLANNED,
            to_status=Milestone.Status.LATE,
        )
    return overdue


# Learning agenda, meetings, documents, messages --------------------------------------------


@transaction.atomic
def agenda_set(*, pair: Pair, actions, by) -> list[CityItem]:
    """Both sides (and staff) choose which offered actions the pair works on."""
    side = _side_or_refuse(pair, by)
    actions = list(actions)
    offered = set(selectors.offered_actions(pair).values_list("pk", flat=True))
    if any(a.pk not in offered for a in actions):
        raise ValidationError(_("Choose among the Mission City's offered actions."))
    current = set(pair.agenda_items.values_list("action_id", flat=True))
    wanted = {a.pk for a in actions}
    if current == wanted:
        return actions
    pair.agenda_items.exclude(action_id__in=wanted).delete()
    LearningAgendaItem.objects.bulk_create(
        LearningAgendaItem(pair=pair, action_id=pk, added_by=by) for pk in sorted(wanted - current)
    )
    _record(
        pair=pair,
        kind=PairEvent.Kind.AGENDA,
        by=by,
        side=side,
        action="agenda.set",
        target=pair,
        summary=_("Learning agenda updated: %(n)d actions") % {"n": len(wanted)},
    )
    return actions


@transaction.atomic
def meeting_record(
    *,
    pair: Pair,
    by,
    kind: str,
    date: dt.date,
    format: str,
    participants: str,
    city: str = "",
    record: str = "",
    travel_plan: str = "",
) -> Meeting:
    side = _side_or_refuse(pair, by)
    if kind == Meeting.Kind.SITE_VISIT and format != Meeting.Format.ON_SITE:
        raise ValidationError(_("A site visit takes place on site."))
    if format == Meeting.Format.ON_SITE and not city.strip():
        raise ValidationError(_("Say in which city it takes place."))
    meeting = Meeting(
        pair=pair,
        kind=kind,
        date=date,
        format=format,
        city=city.strip() if format == Meeting.Format.ON_SITE else "",
        participants=participants.strip(),
        record=record.strip(),
        travel_plan=travel_plan.strip() if kind == Meeting.Kind.SITE_VISIT else "",
        created_by=by,
    )
    meeting.full_clean()
    meeting.save()
    _record(
        pair=pair,
        kind=PairEvent.Kind.MEETING,
        by=by,
        side=side,
        action="meeting.record",
        target=meeting,
        summary=_("%(kind)s recorded for %(date)s")
        % {"kind": meeting.get_kind_display(), "date": date.isoformat()},
    )
    return meeting


@transaction.atomic
def document_share(*, pair: Pair, upload, info, title: str, by) -> PairDocument:
    """Store a PDF already checked by `applications.documents.inspect_pdf`."""
    side = _side_or_refuse(pair, by)
    document = PairDocument(
        pair=pair,
        title=(title or info.original_name).strip()[:200],
        original_name=info.original_name,
        size=info.size,
        pages=info.pages,
        sha256=info.sha256,
        side=side,
        uploaded_by=by,
    )
    document.file.save(info.original_name, upload, save=False)
    document.save()
    _record(
        pair=pair,
        kind=PairEvent.Kind.DOCUMENT,
        by=by,
        side=side,
        action="document.share",
        target=document,
        summary=_("Document shared: %(title)s") % {"title": document.title},
    )
    return document


@transaction.atomic
def message_post(*, pair: Pair, body: str, by) -> Message:
    side = _side_or_refuse(pair, by)
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write a message."))
    message = Message(pair=pair, author=by, side=side, body=body)
    message.full_clean()
    message.save()
    _record(
        pair=pair,
        kind=PairEvent.Kind.MESSAGE,
        by=by,
        side=side,
        action="message.post",
        target=message,
        summary=_("New message: %(start)s") % {"start": body[:120]},
    )
    return message


# Replication plan ---------------------------------------------------------------------------


@transaction.atomic
def plan_submit(
    *, pair: Pair, summary: str, by, document: PairDocument | None = None
) -> PlanVersion:
    """The Twin City submits a new version of its replication plan."""
    side = _side_or_refuse(pair, by)
    if side != Side.TWIN:
        raise ValidationError(_("The Twin City submits the replication plan."))
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError(_("Summarise the plan."))
    if document is not None and document.pair_id != pair.pk:
        raise ValidationError(_("Choose a document of this pair."))
    Pair.objects.select_for_update().filter(pk=pair.pk).first()
    number = (
        pair.plan_versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = PlanVersion.objects.create(
        pair=pair, number=number, summary=summary, document=document, submitted_by=by
    )
    _record(
        pair=pair,
        kind=PairEvent.Kind.PLAN,
        by=by,
        side=side,
        action="plan.submit",
        target=version,
        summary=_("Replication plan version %(n)d submitted") % {"n": number},
    )
    return version


@transaction.atomic
def plan_feedback_add(*, version: PlanVersion, body: str, by) -> PlanFeedback:
    """The Mission City (or staff) comments on a version of the replication plan."""
    pair = version.pair
    side = _side_or_refuse(pair, by)
    if side == Side.TWIN:
        raise ValidationError(_("The Mission City gives feedback on the plan."))
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write your feedback."))
    feedback = PlanFeedback.objects.create(version=version, author=by, body=body)
    _record(
        pair=pair,
        kind=PairEvent.Kind.FEEDBACK,
        by=by,
        side=side,
        action="plan.feedback",
        target=feedback,
        summary=_("Feedback on version %(n)d of the replication plan") % {"n": version.number},
    )
    return feedback


# Closing survey -----------------------------------------------------------------------------


@transaction.atomic
def survey_submit(
    *,
    pair: Pair,
    by,
    satisfaction: int,
    replicated_actions=(),
    gained: str = "",
    comment: str = "",
) -> OutcomeSurvey:
    side = _side_or_refuse(pair, by)
    if side not in (Side.TWIN, Side.HOST):
        raise ValidationError(_("The outcome survey is answered by the two cities."))
    if not selectors.survey_open(pair):
        raise ValidationError(_("The outcome survey opens 30 days before the programme ends."))
    if OutcomeSurvey.objects.filter(pair=pair, side=side).exists():
        raise ValidationError(_("Your side has already answered the survey."))
    actions = list(replicated_actions) if side == Side.TWIN else []
    offered = set(selectors.offered_actions(pair).values_list("pk", flat=True))
    if any(a.pk not in offered for a in actions):
        raise ValidationError(_("Choose among the Mission City's offered actions."))
    survey = OutcomeSurvey(
        pair=pair,
        side=side,
        respondent=by,
        satisfaction=satisfaction,
        gained=(gained or "").strip() if side == Side.HOST else "",
        comment=(comment or "").strip(),
    )
    survey.full_clean()
    try:
        with transaction.atomic():
            survey.save()
    except IntegrityError as exc:
        raise ValidationError(_("Your side has already answered the survey.")) from exc
    survey.replicated_actions.set(actions)
    _record(
        pair=pair,
        kind=PairEvent.Kind.SURVEY,
        by=by,
        side=side,
        action="survey.submit",
        target=survey,
        summary=_("Outcome survey answered"),
    )
    return survey


# Notifications ------------------------------------------------------------------------------


@transaction.atomic
def notification_preference_set(*, user, mode: str) -> NotificationPreference:
    if mode not in Mode.values:
        raise ValidationError(_("Choose how you want to hear of changes."))
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"mode": mode}
    )
    record(actor=user, action="notification.preference", target=preference, data={"mode": mode})
    return preference


@transaction.atomic
def digests_send(*, now: dt.datetime | None = None) -> int:
    """One e-mail per person with every change not sent yet; what it carried is marked sent, so
    a re-run (or a crash after commit) sends nothing twice. Returns the number of e-mails."""
    now = now or timezone.now()
    pending = list(
        Notification.objects.select_for_update(of=("self",))
        .filter(sent_at__isnull=True, mode=Mode.DIGEST)
        .select_related(
            "user", "event__pair__pairing__application", "event__pair__pairing__mission_city"
        )
        .order_by("user_id", "event__created_at", "pk")
    )
    by_user = defaultdict(list)
    for notification in pending:
        by_user[notification.user].append(notification)
    for user, notifications in by_user.items():
        queue_email(
            template="pair_digest",
            to=[user.email],
            context={"user": user, "events": [n.event for n in notifications]},
        )
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(sent_at=now)
    for user, notifications in by_user.items():
        record(
            actor=None,
            action="digest.send",
            target=user,
            data={"notifications": [n.pk for n in notifications]},
        )
    return len(by_user)


# Reminders ----------------------------------------------------------------------------------


def _remind(
    *,
    kind: str,
    key: str,
    pair: Pair,
    to: list[str],
    template: str,
    context: dict,
    milestone: Milestone | None = None,
) -> bool:
    """Send one reminder unless its key was already used; True when sent now."""
    if not to:
        return False
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                kind=kind, key=key, pair=pair, milestone=milestone, recipients=sorted(to)
            )
    except IntegrityError:
        return False
    _audit(pair=pair, by=None, action="reminder.send", target=reminder, data={"kind": kind})
    queue_email(template=template, to=to, context=context)
    return True


@transaction.atomic
def _remind_milestones(milestones, kind: str, name: str) -> int:
    """One reminder per milestone and due date, to the side that owns it; returns how many."""
    sent = 0
    for m in milestones.select_related(
        "pair__pairing__application", "pair__pairing__mission_city"
    ).order_by("pk"):
        sent += _remind(
            kind=kind,
            key=f"{name}:{m.pk}:{m.due_date.isoformat()}",
            pair=m.pair,
            milestone=m,
            to=[u.email for u in selectors.side_users(m.pair, m.owner_side)],
            template=f"pair_reminder_{name}",
            context={"milestone": m, "pair": m.pair},
        )
    return sent


def reminders_send(*, today: dt.date | None = None, now: dt.datetime | None = None) -> dict:
    """The daily job: milestones due in 7 days (to their owner side), late milestones (to the
    owner side; the status is stored), pairs without activity for 30 days (to staff), and the
    outcome survey when it opens (to both sides). Each is sent once, whatever the re-runs."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    sent = {"due_soon": 0, "late": 0, "idle": 0, "survey": 0}
    milestones_mark_late(today=today)
    soon = Milestone.objects.filter(
        status=Milestone.Status.PLANNED,
        due_date__gte=today,
        due_date__lte=today + dt.timedelta(days=7),
    )
    sent["due_soon"] = _remind_milestones(soon, Reminder.Kind.DUE_SOON, "due_soon")
    late = Milestone.objects.filter(status=Milestone.Status.LATE)
    sent["late"] = _remind_milestones(late, Reminder.Kind.LATE, "late")
    idle = (
        Pair.objects.filter(last_activity_at__lt=now - dt.timedelta(days=selectors.IDLE_DAYS))
        .select_related("pairing__application", "pairing__mission_city")
        .order_by("pk")
    )
    for pair in idle:
        sent["idle"] += _remind(
            kind=Reminder.Kind.IDLE,
            key=f"idle:{pair.pk}:{pair.last_activity_at.isoformat()}",
            pair=pair,
            to=staff_recipients(),
            template="pair_reminder_idle",
            context={"pair": pair, "days": selectors.IDLE_DAYS},
        )
    for pair in selectors.pair_base().order_by("pk"):
        if selectors.survey_open(pair, today):
            sent["survey"] += _remind(
                kind=Reminder.Kind.SURVEY,
                key=f"survey:{pair.pk}",
                pair=pair,
                to=[u.email for u in selectors.side_users(pair, Side.BOTH)],
                template="pair_survey_open",
                context={"pair": pair},
            )
    return sent
