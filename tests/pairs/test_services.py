import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from applications.documents import inspect_pdf
from matching.models import Pairing
from pairs import selectors, services, status
from pairs.models import (
    Milestone,
    Notification,
    NotificationPreference,
    OutcomeSurvey,
    Pair,
    PairEvent,
    PlanVersion,
    Reminder,
)
from tests.applications.pdfs import pdf_upload
from tests.builders import staff_member
from tests.factories import UserFactory
from tests.pairs.helpers import city, publish, submitted
from workspace import services as workspace_services

from .helpers import confirm, days

pytestmark = pytest.mark.django_db
Status = Milestone.Status


def milestone(pair, title) -> Milestone:
    return pair.milestones.get(title=title)


def share(pair, by, name="record.pdf"):
    upload = pdf_upload(name)
    return services.document_share(
        pair=pair, upload=upload, info=inspect_pdf(upload), title="Record", by=by
    )


# Opening ------------------------------------------------------------------------------------


def test_pair_open_generates_milestones_from_programme_start(pair_world):
    pair, _twin, _host = pair_world
    start = pair.call.programme_start
    assert list(pair.milestones.values_list("title", "due_date", "owner_side", "status")) == [
        ("Kick-off meeting", start + days(30), "both", "planned"),
        ("Learning agenda agreed", start + days(60), "twin", "planned"),
        ("Site visit", start + days(150), "host", "planned"),
        ("Replication plan", start + days(300), "twin", "planned"),
    ]


def test_pair_open_prefills_agenda_from_learning_needs(pair_world):
    pair, _twin, _host = pair_world
    agenda = list(pair.agenda_items.values_list("action__topics__slug", flat=True))
    assert agenda and set(agenda) == {"energy-systems"} | (set(agenda) - {"energy-systems"})
    assert all(
        "energy-systems" in list(item.action.topics.values_list("slug", flat=True))
        for item in pair.agenda_items.all()
    )


def test_pair_open_is_idempotent(pair_world):
    pair, _twin, _host = pair_world
    again = services.pair_open(pairing=pair.pairing)
    assert again.pk == pair.pk
    assert Pair.objects.count() == 1
    assert pair.milestones.count() == 4


def test_pair_open_refuses_unconfirmed(open_call):
    application = submitted(open_call, "Girona", country="ES", prefs=("Torino",))
    pairing = publish(application, city(open_call, "Torino"))
    with pytest.raises(ValidationError):
        services.pair_open(pairing=pairing)
    assert Pair.objects.count() == 0


def test_backfill_opens_confirmed_pairings_once(open_call):
    application = submitted(open_call, "Girona", country="ES", prefs=("Torino",))
    confirm(publish(application, city(open_call, "Torino")))
    other = submitted(open_call, "Lyon", country="FR", prefs=("Sofia",))
    publish(other, city(open_call, "Sofia"))  # not confirmed
    call_command("pairs_backfill", stdout=io.StringIO())
    call_command("pairs_backfill", stdout=io.StringIO())
    assert list(Pair.objects.values_list("pairing__application__official_name", flat=True)) == [
        "Girona"
    ]


def test_both_confirmations_open_the_pair_space(open_call, django_capture_on_commit_callbacks):
    from .helpers import member

    application = submitted(open_call, "Girona", country="ES", prefs=("Torino",))
    torino = city(open_call, "Torino")
    host = member("m@torino.example", torino)
    pairing = publish(application, torino)
    twin = application.organisation.members.get().user
    with django_capture_on_commit_callbacks(execute=True):
        workspace_services.pairing_answer_as_host(
            pairing=pairing, decision=Pairing.Confirmation.CONFIRMED, by=host
        )
    assert Pair.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        workspace_services.pairing_answer_as_twin(
            pairing=pairing, decision=Pairing.Confirmation.CONFIRMED, by=twin
        )
    assert list(Pair.objects.values_list("pairing_id", flat=True)) == [pairing.pk]


# Milestone transitions ----------------------------------------------------------------------


def test_planned_to_done_by_owner_with_evidence(pair_world):
    pair, twin, _host = pair_world
    m = milestone(pair, "Site visit")
    m.owner_side = "twin"
    m.save()
    services.milestone_complete(milestone=m, by=twin, document=share(pair, twin))
    m.refresh_from_db()
    assert (m.status, m.done_by) == (Status.DONE, twin)
    event = pair.events.filter(kind=PairEvent.Kind.MILESTONE).get()
    assert (event.from_status, event.to_status) == ("planned", "done")


def test_late_to_done_records_late_as_before(pair_world):
    pair, twin, _host = pair_world
    services.milestones_mark_late()
    m = milestone(pair, "Learning agenda agreed")
    assert m.status == Status.LATE
    services.milestone_complete(milestone=m, by=twin, note="Agreed on 3 actions")
    m.refresh_from_db()
    assert (m.status, m.evidence_note) == (Status.DONE, "Agreed on 3 actions")
    event = pair.events.filter(to_status="done").get()
    assert event.from_status == "late"


def test_planned_to_late_by_the_daily_job_only_when_overdue(pair_world):
    pair, _twin, _host = pair_world
    late = services.milestones_mark_late()
    assert sorted(m.title for m in late) == ["Kick-off meeting", "Learning agenda agreed"]
    assert milestone(pair, "Site visit").status == Status.PLANNED
    assert services.milestones_mark_late() == []  # re-run: nothing more


def test_late_is_derived_before_the_job_runs(pair_world):
    pair, _twin, _host = pair_world
    m = milestone(pair, "Kick-off meeting")
    assert (m.status, status.effective_status(m)) == (Status.PLANNED, Status.LATE)


def test_owner_side_is_enforced(pair_world):
    pair, _twin, host = pair_world
    with pytest.raises(ValidationError, match="Only the Twin City"):
        services.milestone_complete(
            milestone=milestone(pair, "Learning agenda agreed"), by=host, note="x"
        )
    stranger = UserFactory(email="stranger@example.org")
    with pytest.raises(ValidationError, match="not part of this pair"):
        services.milestone_complete(
            milestone=milestone(pair, "Kick-off meeting"), by=stranger, date=dt.date(2025, 1, 1)
        )


@pytest.mark.parametrize(
    ("title", "kwargs", "message"),
    [
        ("Kick-off meeting", {}, "Give the date"),
        ("Learning agenda agreed", {"note": "  "}, "Write a short note"),
        ("Replication plan", {"note": "no file"}, "Choose the document"),
    ],
)
def test_evidence_is_required_by_kind(pair_world, title, kwargs, message):
    pair, twin, _host = pair_world
    with pytest.raises(ValidationError, match=message):
        services.milestone_complete(milestone=milestone(pair, title), by=twin, **kwargs)
    assert milestone(pair, title).status == Status.PLANNED


def test_done_twice_is_refused(pair_world):
    pair, twin, _host = pair_world
    m = milestone(pair, "Kick-off meeting")
    services.milestone_complete(milestone=m, by=twin, date=timezone.localdate())
    with pytest.raises(ValidationError, match="already done"):
        services.milestone_complete(milestone=m, by=twin, date=timezone.localdate())


def test_reopen_by_staff_returns_to_late_when_overdue_and_planned_otherwise(pair_world):
    pair, twin, _host = pair_world
    staff = staff_member("staff@nzc.example", "pairs.view_pair", "pairs.change_pair")
    overdue = milestone(pair, "Kick-off meeting")
    ahead = milestone(pair, "Replication plan")
    services.milestone_complete(milestone=overdue, by=twin, date=timezone.localdate())
    services.milestone_complete(milestone=ahead, by=staff, document=share(pair, staff))
    with pytest.raises(ValidationError):
        services.milestone_reopen(milestone=overdue, by=twin)
    assert services.milestone_reopen(milestone=overdue, by=staff).status == Status.LATE
    assert services.milestone_reopen(milestone=ahead, by=staff).status == Status.PLANNED


def test_reschedule_moves_late_back_to_planned(pair_world):
    pair, _twin, _host = pair_world
    staff = staff_member("staff@nzc.example", "pairs.view_pair", "pairs.change_pair")
    services.milestones_mark_late()
    m = services.milestone_reschedule(
        milestone=milestone(pair, "Kick-off meeting"),
        due_date=timezone.localdate() + days(10),
        by=staff,
    )
    assert m.status == Status.PLANNED


# Activity, notifications --------------------------------------------------------------------


def test_message_notifies_the_other_side_by_preference(
    pair_world, django_capture_on_commit_callbacks
):
    pair, twin, host = pair_world
    services.notification_preference_set(user=host, mode=NotificationPreference.Mode.IMMEDIATE)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(pair=pair, body="Hello Torino", by=twin)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([host.email], f"[Twinning] {pair}: something changed")
    ]
    assert "New message: Hello Torino" in mail.outbox[0].body
    pair.refresh_from_db()
    assert pair.last_activity_at == pair.events.get(kind="message").created_at


def test_preference_off_sends_nothing(pair_world, django_capture_on_commit_callbacks):
    pair, twin, host = pair_world
    services.notification_preference_set(user=host, mode=NotificationPreference.Mode.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(pair=pair, body="Hello", by=twin)
        services.digests_send()
    assert mail.outbox == []
    assert Notification.objects.count() == 0


def test_digest_groups_changes_and_never_sends_twice(
    pair_world, django_capture_on_commit_callbacks
):
    pair, twin, host = pair_world
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(pair=pair, body="One", by=twin)
        services.message_post(pair=pair, body="Two", by=twin)
        services.message_post(pair=pair, body="Reply", by=host)
    assert mail.outbox == []  # digest is the default
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send() == 2
        assert services.digests_send() == 0
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert sorted(by_recipient) == sorted([(host.email,), (twin.email,)])
    assert by_recipient[(host.email,)].subject == "[Twinning] 2 changes in your pair spaces"
    assert "One" in by_recipient[(host.email,)].body and "Two" in by_recipient[(host.email,)].body
    assert "Reply" not in by_recipient[(host.email,)].body
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0


def test_agenda_is_editable_by_both_sides_within_offered_actions(pair_world):
    pair, twin, host = pair_world
    offered = list(selectors.offered_actions(pair))
    services.agenda_set(pair=pair, actions=offered[:2], by=twin)
    services.agenda_set(pair=pair, actions=offered[1:3], by=host)
    assert sorted(pair.agenda_items.values_list("action_id", flat=True)) == sorted(
        a.pk for a in offered[1:3]
    )
    foreign = selectors.offered_actions(
        Pair(pairing=Pairing(mission_city=city(pair.call, "Sofia")))
    ).first()
    with pytest.raises(ValidationError):
        services.agenda_set(pair=pair, actions=[foreign], by=twin)


def test_site_visit_needs_on_site_and_a_city(pair_world):
    pair, twin, _host = pair_world
    with pytest.raises(ValidationError, match="on site"):
        services.meeting_record(
            pair=pair,
            by=twin,
            kind="site_visit",
            date=dt.date(2025, 5, 1),
            format="online",
            participants="A, B",
        )
    visit = services.meeting_record(
        pair=pair,
        by=twin,
        kind="site_visit",
        date=dt.date(2025, 5, 1),
        format="on_site",
        city="Torino",
        participants="A, B",
        travel_plan="Train to Torino",
    )
    assert (visit.city, visit.travel_plan) == ("Torino", "Train to Torino")


def test_replication_plan_versions_and_feedback(pair_world):
    pair, twin, host = pair_world
    v1 = services.plan_submit(pair=pair, summary="First draft", by=twin)
    v2 = services.plan_submit(pair=pair, summary="Second draft", by=twin)
    assert (v1.number, v2.number) == (1, 2)
    with pytest.raises(ValidationError, match="Twin City submits"):
        services.plan_submit(pair=pair, summary="From host", by=host)
    services.plan_feedback_add(version=v1, body="Add a budget", by=host)
    with pytest.raises(ValidationError, match="Mission City gives feedback"):
        services.plan_feedback_add(version=v1, body="Self-praise", by=twin)
    assert list(PlanVersion.objects.get(pk=v1.pk).feedback.values_list("body", flat=True)) == [
        "Add a budget"
    ]


def test_survey_once_per_side_when_open(pair_world):
    pair, twin, host = pair_world
    with pytest.raises(ValidationError, match="opens 30 days"):
        services.survey_submit(pair=pair, by=twin, satisfaction=4)
    pair.call.programme_start = timezone.localdate() - days(350)
    pair.call.save()
    action = selectors.offered_actions(pair).first()
    services.survey_submit(pair=pair, by=twin, satisfaction=4, replicated_actions=[action])
    services.survey_submit(pair=pair, by=host, satisfaction=5, gained="New contacts")
    with pytest.raises(ValidationError, match="already answered"):
        services.survey_submit(pair=pair, by=twin, satisfaction=1)
    assert list(OutcomeSurvey.objects.values_list("side", "satisfaction", "gained")) == [
        ("host", 5, "New contacts"),
        ("twin", 4, ""),
    ]
    summary = selectors.survey_summary(pair.call)
    assert summary["n"] == 2
    assert summary["by_city"][0]["city"] == "Torino"
    assert summary["by_city"][0]["mean"] == 4.5


# Reminders ----------------------------------------------------------------------------------


def _run(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return services.reminders_send(**kwargs)


def test_due_soon_reminder_once_to_the_owner_side(pair_world, django_capture_on_commit_callbacks):
    pair, _twin, host = pair_world
    visit = milestone(pair, "Site visit")
    today = visit.due_date - days(7)
    first = _run(django_capture_on_commit_callbacks, today=today)
    again = _run(django_capture_on_commit_callbacks, today=today + days(1))
    assert (first["due_soon"], again["due_soon"]) == (1, 0)
    soon = [m for m in mail.outbox if "Due on" in m.subject]
    assert [(m.to, m.subject) for m in soon] == [
        ([host.email], f"[Twinning] Due on {visit.due_date:%-d %B %Y}: Site visit")
    ]


def test_due_soon_reminder_again_after_a_new_due_date(
    pair_world, django_capture_on_commit_callbacks
):
    pair, _twin, _host = pair_world
    staff = staff_member("staff@nzc.example", "pairs.view_pair", "pairs.change_pair")
    visit = milestone(pair, "Site visit")
    assert _run(django_capture_on_commit_callbacks, today=visit.due_date - days(3))["due_soon"] == 1
    services.milestone_reschedule(milestone=visit, due_date=visit.due_date + days(30), by=staff)
    later = visit.due_date + days(30) - days(2)
    assert _run(django_capture_on_commit_callbacks, today=later)["due_soon"] == 1
    assert Reminder.objects.filter(kind="due_soon").count() == 2


def test_late_reminder_once_and_status_stored(pair_world, django_capture_on_commit_callbacks):
    pair, twin, host = pair_world
    first = _run(django_capture_on_commit_callbacks)
    again = _run(django_capture_on_commit_callbacks)
    assert (first["late"], again["late"]) == (2, 0)
    late_mails = sorted(
        (m.subject, tuple(m.to)) for m in mail.outbox if m.subject.startswith("[Twinning] Late")
    )
    assert late_mails == [
        ("[Twinning] Late: Kick-off meeting", tuple(sorted([host.email, twin.email]))),
        ("[Twinning] Late: Learning agenda agreed", (twin.email,)),
    ]
    assert milestone(pair, "Kick-off meeting").status == Status.LATE


def test_idle_reminder_to_staff_once_per_quiet_stretch(
    pair_world, django_capture_on_commit_callbacks, settings
):
    pair, twin, _host = pair_world
    settings.DEFAULT_FROM_EMAIL = "Twinning <programme@nzc.example>"
    Pair.objects.filter(pk=pair.pk).update(last_activity_at=timezone.now() - days(31))
    first = _run(django_capture_on_commit_callbacks)
    again = _run(django_capture_on_commit_callbacks)
    assert (first["idle"], again["idle"]) == (1, 0)
    idle = [m for m in mail.outbox if "No activity" in m.subject]
    assert [m.to for m in idle] == [["programme@nzc.example"]]
    services.message_post(pair=pair, body="Back", by=twin)  # activity resets the stretch
    Pair.objects.filter(pk=pair.pk).update(last_activity_at=timezone.now() - days(40))
    assert _run(django_capture_on_commit_callbacks)["idle"] == 1


def test_survey_invitation_once_when_the_end_nears(pair_world, django_capture_on_commit_callbacks):
    pair, _twin, _host = pair_world
    assert _run(django_capture_on_commit_callbacks)["survey"] == 0
    end = selectors.programme_end(pair.call)
    assert _run(django_capture_on_commit_callbacks, today=end - days(30))["survey"] == 1
    assert _run(django_capture_on_commit_callbacks, today=end - days(29))["survey"] == 0


def test_reminders_skip_done_milestones(pair_world, django_capture_on_commit_callbacks):
    pair, twin, _host = pair_world
    services.milestone_complete(
        milestone=milestone(pair, "Kick-off meeting"), by=twin, date=timezone.localdate()
    )
    services.milestone_complete(
        milestone=milestone(pair, "Learning agenda agreed"), by=twin, note="Agreed"
    )
    assert _run(django_capture_on_commit_callbacks)["late"] == 0


def test_at_risk_rule():
    now = timezone.now()
    assert selectors.is_at_risk(late=2, last_activity=now, now=now) is True
    assert selectors.is_at_risk(late=1, last_activity=now - days(29), now=now) is False
    assert selectors.is_at_risk(late=0, last_activity=now - days(31), now=now) is True
