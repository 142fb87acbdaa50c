"""The audit service, and a walk over every service: each public function of every
`services.py` of our apps either writes an audit entry or is on the short allow-list below.

The services are found by introspection, so a new service fails `test_every_service_is_walked`
until it has a scenario here (and writes an entry) or a reason on the allow-list.
"""

import datetime as dt
import importlib
import inspect
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from applications import services as app_services
from applications.documents import inspect_pdf
from applications.models import Application, Document, OrganisationInvitation
from applications.reviews import services as review_services
from audit.models import AuditEntry
from audit.services import record
from cities import services as city_services
from cities.models import Call, Topic
from matching import services as matching_services
from matching.models import MatchingRun, Proposal
from outbox import services as outbox_services
from outbox.models import Email
from pairs import services as pair_services
from privacy import services as privacy_services
from tests.applications.pdfs import pdf_upload
from tests.builders import city, member, submitted_application
from tests.factories import CallFactory, UserFactory
from tests.pairs import helpers as pair_helpers
from workspace import services as ws_services
from workspace.models import MissionCityInvitation

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)

# Public service functions that change nothing, each with the reason.
NOT_STATE_CHANGING = {
    "audit.services.record": "the audit service itself",
    "workspace.services.invitation_check": "a check: raises ValidationError or returns",
    "matching.services.format_error": "formats an exception as text",
    "privacy.services.retention_overview": "reads what retention has due, per call",
    "applications.services.application_judge": "judges the answers as they stand; saves nothing",
    "matching.services.run_publication_plan": "what publishing would do; saves nothing",
    "matching.services.run_preview": "a what-if run computed in memory; saves nothing",
    "matching.services.run_enqueue": "hands a queued run to the broker; the run is unchanged",
    "outbox.services.retry_delay": "computes a delay",
    "outbox.services.email_enqueue": (
        "stores the e-mail of a change in the caller's transaction; the caller records the change"
    ),
    "outbox.services.email_send": (
        "delivers one outbox row; its state, attempts and last error are its record (admin)"
    ),
    "outbox.services.outbox_sweep": "queues due outbox rows for delivery (see email_send)",
    "matching.services.settings_for": (
        "reads a call's matching settings, creating the default row on first read; staff "
        "change the settings in the admin (Django's admin log)"
    ),
}


def _service_modules():
    """Every services.py of our apps (the directories with an apps.py), sub-packages included."""
    apps = [p.parent for p in ROOT.glob("*/apps.py")]
    for app in sorted(apps):
        for path in sorted(app.rglob("services.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield importlib.import_module(module)


def public_services() -> dict:
    found = {}
    for module in _service_modules():
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and fn.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = (module, name)
    return found


# Scenarios: arrange with the world, return (expected action, act). Only `act` is watched. ------


@pytest.fixture
def world(db):
    source = Call.objects.get(slug="2025")
    call = city_services.call_copy(
        source=source,
        slug="audit-walk",
        title="Audit walk",
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=30),
    )
    staff = UserFactory(email="staff@nzc.example", is_staff=True, is_superuser=True)
    return {"call": call, "staff": staff, "torino": city(call, "Torino")}


def _draft(w, name="Plymouth"):
    return submitted_application(w["call"], name, submit=False)


def _submitted(w, name="Plymouth"):
    return submitted_application(w["call"], name)


def _owner(application):
    return application.organisation.members.get().user


def _eligible(w, name="Plymouth"):
    application = _submitted(w, name)
    assert application.effective_verdict == Application.Verdict.ELIGIBLE
    return application


def _succeeded_run(w):
    _eligible(w)
    run = matching_services.run_start(call=w["call"], by=w["staff"], enqueue=False)
    return matching_services.run_execute(run_id=run.pk)


def _published(w):
    run = _succeeded_run(w)
    proposal = Proposal.objects.filter(run=run).first()
    matching_services.proposal_decide(proposal=proposal, decision="approved", by=w["staff"])
    return matching_services.run_publish(run=run, by=w["staff"])[0]


def _invitation(w):
    return ws_services.invitation_create(
        mission_city=w["torino"].mission_city, email="anna@torino.example", by=w["staff"]
    )


def _shortlisted(w, *names):
    user = member("member@torino.example", w["torino"])
    apps = [_submitted(w, n) for n in names]
    for a in apps:
        ws_services.shortlist_add(city=w["torino"], application=a, by=user)
    return user, apps


def s_organisation_start(w):
    user = UserFactory()
    return "organisation.start", lambda: app_services.organisation_start(
        user=user, name="Brest", country="FR"
    )


def s_org_invitation_create(w):
    a = _draft(w)
    return "organisation_invitation.create", lambda: app_services.invitation_create(
        organisation=a.organisation, email="colleague@plymouth.example", by=_owner(a)
    )


def s_org_invitation_accept(w):
    a = _draft(w)
    invitation = app_services.invitation_create(
        organisation=a.organisation, email="colleague@plymouth.example", by=_owner(a)
    )
    user = UserFactory(email="colleague@plymouth.example")
    return "organisation_invitation.accept", lambda: app_services.invitation_accept(
        invitation=OrganisationInvitation.objects.get(pk=invitation.pk), user=user
    )


def s_application_start(w):
    user = UserFactory()
    organisation = app_services.organisation_start(user=user, name="Brest", country="FR")
    return "application.status", lambda: app_services.application_start(
        organisation=organisation, call=w["call"], by=user
    )


def s_application_update(w):
    a = _draft(w)
    return "application.update", lambda: app_services.application_update(
        application=a, data={"population": 1000}, by=_owner(a)
    )


def s_set_representatives(w):
    a = _draft(w)
    return "application.set_representatives", lambda: app_services.application_set_representatives(
        application=a, rows=[{"name": "Ada", "email": "ada@plymouth.example"}], by=_owner(a)
    )


def s_set_learning_needs(w):
    a = _draft(w)
    rows = [{"topic": Topic.objects.get(slug="energy-systems"), "text": "x"}]
    return "application.set_learning_needs", lambda: app_services.application_set_learning_needs(
        application=a, rows=rows, by=_owner(a)
    )


def s_set_shares(w):
    a = _draft(w)
    rows = [{"topic": Topic.objects.get(slug="built-environment"), "text": "x"}]
    return "application.set_shares", lambda: app_services.application_set_shares(
        application=a, rows=rows, by=_owner(a)
    )


def _torino_action(w):
    return w["torino"].items.filter(kind="action").order_by("position").first()


def s_set_action_interests(w):
    a = _draft(w)
    action = _torino_action(w)
    return (
        "application.set_action_interests",
        lambda: app_services.application_set_action_interests(
            application=a, actions=[action], by=_owner(a)
        ),
    )


def s_toggle_action_interest(w):
    a = _draft(w)
    action = _torino_action(w)
    return (
        "application.toggle_action_interest",
        lambda: app_services.application_toggle_action_interest(
            application=a, action=action, by=_owner(a)
        ),
    )


def s_set_preferences(w):
    a = _draft(w)
    rows = [{"mission_city": w["torino"], "reason": "r"}]
    return "application.set_preferences", lambda: app_services.application_set_preferences(
        application=a, rows=rows, by=_owner(a)
    )


def s_document_store(w):
    a = _draft(w)
    upload = pdf_upload()
    info = inspect_pdf(upload)
    return "document.upload", lambda: app_services.document_store(
        application=a, kind=Document.Kind.PLAN, upload=upload, info=info, by=_owner(a)
    )


def s_application_submit(w):
    a = _draft(w)
    return "application.status", lambda: app_services.application_submit(
        application=a, by=_owner(a)
    )


def s_application_submit_imported(w):
    a = _draft(w)
    return "application.status", lambda: app_services.application_submit_imported(
        application=a, by=w["staff"], source="file.json"
    )


def s_applications_import(w):
    from applications.imports import parse_applications

    row = {
        "organisation": "Stadt Graz",
        "country": "AT",
        "authority_type": "municipality",
        "population": 300000,
        "target_year": 2040,
        "climate_plan": {"title": "Klimaschutzplan", "year": 2022, "url": "https://graz.example/"},
        "contact": {
            "name": "Martin Hofer",
            "email": "martin@graz.example",
            "role": "Climate officer",
            "english_level": "B2",
        },
        "needs": [{"text": "Green tenders", "topics": ["public-procurement"]}],
        "shares": [],
        "preferences": [],
        "hours_per_month": 20,
        "site_visits": True,
    }
    rows, errors = parse_applications(call=w["call"], data=[row])
    assert errors == []
    return "application.import", lambda: app_services.applications_import(
        call=w["call"], rows=rows, by=w["staff"], source="file.json"
    )


def s_application_withdraw(w):
    a = _submitted(w)
    return "application.status", lambda: app_services.application_withdraw(
        application=a, by=_owner(a), reason="No time"
    )


def s_application_request_info(w):
    a = _submitted(w)
    return "application.status", lambda: app_services.application_request_info(
        application=a, by=w["staff"], message="Send the plan"
    )


def s_application_set_status(w):
    a = _submitted(w)
    return "application.status", lambda: app_services.application_set_status(
        application=a, to=Application.Status.UNDER_REVIEW, by=w["staff"]
    )


def s_application_override_verdict(w):
    a = _submitted(w)
    return "application.eligibility", lambda: app_services.application_override_verdict(
        application=a, verdict=Application.Verdict.INELIGIBLE, reason="Not a city", by=w["staff"]
    )


def s_application_mark_paired(w):
    a = _submitted(w)
    return "application.publication", lambda: app_services.application_mark_paired(
        application=a, city_name="Torino", by=w["staff"]
    )


def s_application_log(w):
    a = _submitted(w)
    return "application.status", lambda: app_services.application_log(
        application=a, by=w["staff"], internal=True, note="Called the city"
    )


def s_review_setup(w):
    call = CallFactory()
    return "review_criterion.create_defaults", lambda: review_services.review_setup(call=call)


def s_review_assign(w):
    a = _submitted(w)
    return "review.assign", lambda: review_services.review_assign(
        application=a, reviewer=w["staff"], by=w["staff"]
    )


def s_review_declare_conflict(w):
    a = _submitted(w)
    return "review.declare_conflict", lambda: review_services.review_declare_conflict(
        application=a, reviewer=w["staff"], reason="My city"
    )


def _declared(w):
    a = _submitted(w)
    review_services.review_declare_conflict(application=a, reviewer=w["staff"], reason="My city")
    return a.review_assignments.get()


def s_review_confirm_conflict(w):
    assignment = _declared(w)
    return "review.confirm_conflict", lambda: review_services.review_confirm_conflict(
        assignment=assignment, by=w["staff"]
    )


def s_review_withdraw_conflict(w):
    assignment = _declared(w)
    return "review.withdraw_conflict", lambda: review_services.review_withdraw_conflict(
        assignment=assignment, by=w["staff"], reason="Mistake"
    )


def s_review_submit(w):
    a = _submitted(w)
    review_services.review_assign(application=a, reviewer=w["staff"], by=w["staff"])
    scores = {c.pk: 4 for c in review_services.review_setup(call=a.call)}
    return "application.review", lambda: review_services.review_submit(
        application=a, reviewer=w["staff"], scores=scores
    )


def s_reference_data_load(w):
    Topic.objects.filter(slug="energy-systems").update(name="Changed by hand")
    return "reference_data.load", lambda: city_services.reference_data_load()


def s_call_data_load(w):
    w["torino"].__class__.objects.filter(call__slug="2025", display_name="Torino").update(
        display_name="Changed by hand"
    )
    path = Path(city_services.DATA_DIR) / "call_2025.json"
    return "call.load", lambda: city_services.call_data_load(path=path)


def s_call_copy(w):
    return "call.copy", lambda: city_services.call_copy(
        source=w["call"],
        slug="copy",
        title="Copy",
        opens_at=timezone.now(),
        closes_at=timezone.now() + dt.timedelta(days=3),
    )


def s_run_start(w):
    return "matching_run.start", lambda: matching_services.run_start(
        call=w["call"], by=w["staff"], enqueue=False
    )


def s_run_execute(w):
    _eligible(w)
    run = matching_services.run_start(call=w["call"], by=w["staff"], enqueue=False)
    return "matching_run.succeed", lambda: matching_services.run_execute(run_id=run.pk)


def s_run_fail(w):
    run = matching_services.run_start(call=w["call"], by=w["staff"], enqueue=False)
    return "matching_run.fail", lambda: matching_services.run_fail(run_id=run.pk, error="Boom")


def s_run_requeue(w):
    run = matching_services.run_start(call=w["call"], by=w["staff"], enqueue=False)
    MatchingRun.objects.filter(pk=run.pk).update(status="running")
    return "matching_run.requeue", lambda: matching_services.run_requeue(run_id=run.pk)


def s_runs_sweep(w):
    run = matching_services.run_start(call=w["call"], by=w["staff"], enqueue=False)
    MatchingRun.objects.filter(pk=run.pk).update(
        status="running", started_at=timezone.now() - dt.timedelta(days=1)
    )
    return "matching_run.fail", lambda: matching_services.runs_sweep()


def s_run_restart(w):
    run = matching_services.run_start(call=w["call"], by=w["staff"], enqueue=False)
    MatchingRun.objects.filter(pk=run.pk).update(status="failed", error="Worker lost")
    run.refresh_from_db()
    return "matching_run.restart", lambda: matching_services.run_restart(run=run, by=w["staff"])


def s_email_resend(w):
    email = Email.objects.create(to=["a@x.example"], subject="S", body="B", state="failed")
    return "outgoing_email.resend", lambda: outbox_services.email_resend(email=email, by=w["staff"])


def s_proposal_decide(w):
    proposal = Proposal.objects.filter(run=_succeeded_run(w)).first()
    return "application.matching", lambda: matching_services.proposal_decide(
        proposal=proposal, decision="approved", by=w["staff"]
    )


def s_constraint_set(w):
    a = _submitted(w)
    return "pair_constraint.forbid", lambda: matching_services.constraint_set(
        application=a, mission_city=w["torino"], kind="forbid", by=w["staff"], reason="Too close"
    )


def s_run_publish(w):
    run = _succeeded_run(w)
    proposal = Proposal.objects.filter(run=run).first()
    matching_services.proposal_decide(proposal=proposal, decision="approved", by=w["staff"])
    return "matching_run.publish", lambda: matching_services.run_publish(run=run, by=w["staff"])


def s_ws_invitation_create(w):
    return "mission_city_invitation.create", lambda: _invitation(w)


def s_ws_invitation_resend(w):
    invitation = _invitation(w)
    return "mission_city_invitation.resend", lambda: ws_services.invitation_resend(
        invitation=invitation, by=w["staff"]
    )


def s_ws_invitation_revoke(w):
    invitation = _invitation(w)
    return "mission_city_invitation.revoke", lambda: ws_services.invitation_revoke(
        invitation=invitation, by=w["staff"]
    )


def s_ws_invitation_accept(w):
    invitation = _invitation(w)
    user = UserFactory(email="anna@torino.example")
    return "mission_city_invitation.accept", lambda: ws_services.invitation_accept(
        invitation=MissionCityInvitation.objects.get(pk=invitation.pk), user=user
    )


def s_membership_revoke(w):
    user = member("member@torino.example", w["torino"])
    membership = user.mission_city_memberships.get()
    return "membership.revoke", lambda: ws_services.membership_revoke(
        membership=membership, by=w["staff"]
    )


def s_shortlist_add(w):
    a = _submitted(w)
    user = member("member@torino.example", w["torino"])
    return "shortlist.add", lambda: ws_services.shortlist_add(
        city=w["torino"], application=a, by=user, note="Good fit"
    )


def s_shortlist_remove(w):
    user, (a,) = _shortlisted(w, "Plymouth")
    return "shortlist.remove", lambda: ws_services.shortlist_remove(
        city=w["torino"], application=a, by=user
    )


def s_shortlist_move(w):
    user, (_a, b) = _shortlisted(w, "Plymouth", "Bergamo")
    return "shortlist.move", lambda: ws_services.shortlist_move(
        city=w["torino"], application=b, direction="up", by=user
    )


def s_shortlist_set_note(w):
    user, (a,) = _shortlisted(w, "Plymouth")
    return "shortlist.set_note", lambda: ws_services.shortlist_set_note(
        city=w["torino"], application=a, note="Call them", by=user
    )


def s_pairing_answer_as_host(w):
    pairing = _published(w)
    user = member("member@host.example", pairing.mission_city)
    return "application.confirmation", lambda: ws_services.pairing_answer_as_host(
        pairing=pairing, decision="confirmed", by=user
    )


def s_pairing_answer_as_twin(w):
    pairing = _published(w)
    return "application.confirmation", lambda: ws_services.pairing_answer_as_twin(
        pairing=pairing, decision="confirmed", by=_owner(pairing.application)
    )


def s_export_person(w):
    user = _owner(_draft(w))
    return "personal_data.export", lambda: privacy_services.export_person(user=user, by=user)


def s_export_organisation(w):
    organisation = _draft(w).organisation
    return "personal_data.export", lambda: privacy_services.export_organisation(
        organisation=organisation, by=w["staff"]
    )


def s_erasure_request(w):
    user = _owner(_draft(w))
    return "personal_data.erase", lambda: privacy_services.erasure_request(user=user)


def _waiting_erasure(w):
    user = UserFactory(is_staff=True)  # a staff account waits for confirmation
    return privacy_services.erasure_request(user=user)


def s_erasure_confirm(w):
    request = _waiting_erasure(w)
    return "personal_data.erase", lambda: privacy_services.erasure_confirm(
        request=request, by=w["staff"]
    )


def s_erasure_refuse(w):
    request = _waiting_erasure(w)
    return "personal_data.erasure_refuse", lambda: privacy_services.erasure_refuse(
        request=request, by=w["staff"], note="Still reviewing"
    )


def s_retention_apply(w):
    _draft(w)
    later = w["call"].closes_at + dt.timedelta(days=10 * 365)
    return "personal_data.retention", lambda: privacy_services.retention_apply(now=later)


# The pair spaces ------------------------------------------------------------------------------


def _pair(w, *, days_in=100):
    w["call"].programme_start = timezone.localdate() - dt.timedelta(days=days_in)
    w["call"].save()
    pair_helpers.plan_template(w["call"])
    return pair_helpers.make_pair(w["call"])


def _pair_pdf(pair, by):
    upload = pdf_upload()
    return pair_services.document_share(
        pair=pair, upload=upload, info=inspect_pdf(upload), title="Notes", by=by
    )


def s_pair_open(w):
    application = pair_helpers.submitted(w["call"], "Plymouth")
    pairing = pair_helpers.confirm(pair_helpers.publish(application, w["torino"]))
    return "pair.open", lambda: pair_services.pair_open(pairing=pairing)


def s_pairs_backfill(w):
    application = pair_helpers.submitted(w["call"], "Plymouth")
    pair_helpers.confirm(pair_helpers.publish(application, w["torino"]))
    return "pair.open", lambda: pair_services.pairs_backfill()


def s_milestone_complete(w):
    pair, twin, _host = _pair(w)
    m = pair.milestones.get(title="Learning agenda agreed")
    return "milestone.complete", lambda: pair_services.milestone_complete(
        milestone=m, by=twin, note="Agreed"
    )


def s_milestone_reopen(w):
    pair, twin, _host = _pair(w)
    m = pair.milestones.get(title="Learning agenda agreed")
    pair_services.milestone_complete(milestone=m, by=twin, note="Agreed")
    return "milestone.reopen", lambda: pair_services.milestone_reopen(milestone=m, by=w["staff"])


def s_milestone_reschedule(w):
    pair, _twin, _host = _pair(w)
    m = pair.milestones.get(title="Site visit")
    return "milestone.reschedule", lambda: pair_services.milestone_reschedule(
        milestone=m, due_date=m.due_date + dt.timedelta(days=7), by=w["staff"]
    )


def s_milestones_mark_late(w):
    _pair(w)
    return "milestone.late", lambda: pair_services.milestones_mark_late()


def s_agenda_set(w):
    pair, twin, _host = _pair(w)
    return "agenda.set", lambda: pair_services.agenda_set(pair=pair, actions=[], by=twin)


def s_meeting_record(w):
    pair, twin, _host = _pair(w)
    return "meeting.record", lambda: pair_services.meeting_record(
        pair=pair,
        by=twin,
        kind="meeting",
        date=timezone.localdate(),
        format="online",
        participants="A, B",
    )


def s_document_share(w):
    pair, twin, _host = _pair(w)
    return "document.share", lambda: _pair_pdf(pair, twin)


def s_message_post(w):
    pair, twin, _host = _pair(w)
    return "message.post", lambda: pair_services.message_post(pair=pair, body="Hi", by=twin)


def s_plan_submit(w):
    pair, twin, _host = _pair(w)
    return "plan.submit", lambda: pair_services.plan_submit(pair=pair, summary="v1", by=twin)


def s_plan_feedback_add(w):
    pair, twin, host = _pair(w)
    version = pair_services.plan_submit(pair=pair, summary="v1", by=twin)
    return "plan.feedback", lambda: pair_services.plan_feedback_add(
        version=version, body="Good", by=host
    )


def s_survey_submit(w):
    pair, twin, _host = _pair(w, days_in=350)
    return "survey.submit", lambda: pair_services.survey_submit(pair=pair, by=twin, satisfaction=4)


def s_notification_preference_set(w):
    _p, twin, _host = _pair(w)
    return "notification.preference", lambda: pair_services.notification_preference_set(
        user=twin, mode="off"
    )


def s_digests_send(w):
    pair, twin, _host = _pair(w)
    pair_services.message_post(pair=pair, body="Hi", by=twin)
    return "digest.send", lambda: pair_services.digests_send()


def s_reminders_send(w):
    _pair(w)
    return "reminder.send", lambda: pair_services.reminders_send()


def s_application_restore(w):
    a = _submitted(w)
    app_services.application_withdraw(application=a, by=_owner(a))
    return "application.status", lambda: app_services.application_restore(
        application=a, by=_owner(a), reason="By mistake"
    )


def s_application_unpair(w):
    pairing = _published(w)
    return "application.publication", lambda: app_services.application_unpair(
        application=pairing.application, by=w["staff"], note="Unpublished"
    )


def s_application_mark_not_selected(w):
    a = _submitted(w)
    return "application.status", lambda: app_services.application_mark_not_selected(
        application=a, by=w["staff"], note="Not paired"
    )


def s_former_participants_import(w):
    rows = [{"name": "Exeter", "country": "GB", "kind": "twin", "source_url": "https://x.org"}]
    return "former_participants.import", lambda: city_services.former_participants_import(
        rows=rows, by=w["staff"]
    )


def s_proposals_approve_bulk(w):
    run = _succeeded_run(w)
    return "application.matching", lambda: matching_services.proposals_approve_bulk(
        run=run, by=w["staff"]
    )


def s_pairing_unpublish(w):
    pairing = _published(w)
    return "application.publication", lambda: matching_services.pairing_unpublish(
        pairing=pairing, by=w["staff"], reason="Asked by Torino"
    )


def s_pairing_declined(w):
    pairing = _published(w)
    return "application.publication", lambda: matching_services.pairing_declined(
        pairing=pairing, side="host", by=w["staff"]
    )


def s_pairing_confirmed_by_both(w):
    pairing = _published(w)
    return "pairing.contacts_exchanged", lambda: matching_services.pairing_confirmed_by_both(
        pairing=pairing
    )


SCENARIOS = {
    "privacy.services.export_person": s_export_person,
    "privacy.services.export_organisation": s_export_organisation,
    "privacy.services.erasure_request": s_erasure_request,
    "privacy.services.erasure_confirm": s_erasure_confirm,
    "privacy.services.erasure_refuse": s_erasure_refuse,
    "privacy.services.retention_apply": s_retention_apply,
    "pairs.services.pair_open": s_pair_open,
    "pairs.services.pairs_backfill": s_pairs_backfill,
    "pairs.services.milestone_complete": s_milestone_complete,
    "pairs.services.milestone_reopen": s_milestone_reopen,
    "pairs.services.milestone_reschedule": s_milestone_reschedule,
    "pairs.services.milestones_mark_late": s_milestones_mark_late,
    "pairs.services.agenda_set": s_agenda_set,
    "pairs.services.meeting_record": s_meeting_record,
    "pairs.services.document_share": s_document_share,
    "pairs.services.message_post": s_message_post,
    "pairs.services.plan_submit": s_plan_submit,
    "pairs.services.plan_feedback_add": s_plan_feedback_add,
    "pairs.services.survey_submit": s_survey_submit,
    "pairs.services.notification_preference_set": s_notification_preference_set,
    "pairs.services.digests_send": s_digests_send,
    "pairs.services.reminders_send": s_reminders_send,
    "applications.services.application_restore": s_application_restore,
    "applications.services.application_unpair": s_application_unpair,
    "applications.services.application_mark_not_selected": s_application_mark_not_selected,
    "cities.services.former_participants_import": s_former_participants_import,
    "matching.services.proposals_approve_bulk": s_proposals_approve_bulk,
    "matching.services.pairing_unpublish": s_pairing_unpublish,
    "matching.services.pairing_declined": s_pairing_declined,
    "matching.services.pairing_confirmed_by_both": s_pairing_confirmed_by_both,
    "applications.services.organisation_start": s_organisation_start,
    "applications.services.invitation_create": s_org_invitation_create,
    "applications.services.invitation_accept": s_org_invitation_accept,
    "applications.services.application_start": s_application_start,
    "applications.services.application_update": s_application_update,
    "applications.services.application_set_representatives": s_set_representatives,
    "applications.services.application_set_learning_needs": s_set_learning_needs,
    "applications.services.application_set_shares": s_set_shares,
    "applications.services.application_set_action_interests": s_set_action_interests,
    "applications.services.application_toggle_action_interest": s_toggle_action_interest,
    "applications.services.application_set_preferences": s_set_preferences,
    "applications.services.document_store": s_document_store,
    "applications.services.application_submit": s_application_submit,
    "applications.services.application_submit_imported": s_application_submit_imported,
    "applications.services.applications_import": s_applications_import,
    "applications.services.application_withdraw": s_application_withdraw,
    "applications.services.application_request_info": s_application_request_info,
    "applications.services.application_set_status": s_application_set_status,
    "applications.services.application_override_verdict": s_application_override_verdict,
    "applications.services.application_mark_paired": s_application_mark_paired,
    "applications.services.application_log": s_application_log,
    "applications.reviews.services.review_setup": s_review_setup,
    "applications.reviews.services.review_assign": s_review_assign,
    "applications.reviews.services.review_declare_conflict": s_review_declare_conflict,
    "applications.reviews.services.review_confirm_conflict": s_review_confirm_conflict,
    "applications.reviews.services.review_withdraw_conflict": s_review_withdraw_conflict,
    "applications.reviews.services.review_submit": s_review_submit,
    "cities.services.reference_data_load": s_reference_data_load,
    "cities.services.call_data_load": s_call_data_load,
    "cities.services.call_copy": s_call_copy,
    "matching.services.run_start": s_run_start,
    "matching.services.run_execute": s_run_execute,
    "matching.services.run_fail": s_run_fail,
    "matching.services.run_requeue": s_run_requeue,
    "matching.services.runs_sweep": s_runs_sweep,
    "matching.services.run_restart": s_run_restart,
    "outbox.services.email_resend": s_email_resend,
    "matching.services.proposal_decide": s_proposal_decide,
    "matching.services.constraint_set": s_constraint_set,
    "matching.services.run_publish": s_run_publish,
    "workspace.services.invitation_create": s_ws_invitation_create,
    "workspace.services.invitation_resend": s_ws_invitation_resend,
    "workspace.services.invitation_revoke": s_ws_invitation_revoke,
    "workspace.services.invitation_accept": s_ws_invitation_accept,
    "workspace.services.membership_revoke": s_membership_revoke,
    "workspace.services.shortlist_add": s_shortlist_add,
    "workspace.services.shortlist_remove": s_shortlist_remove,
    "workspace.services.shortlist_move": s_shortlist_move,
    "workspace.services.shortlist_set_note": s_shortlist_set_note,
    "workspace.services.pairing_answer_as_host": s_pairing_answer_as_host,
    "workspace.services.pairing_answer_as_twin": s_pairing_answer_as_twin,
}


def test_every_service_is_walked():
    found = set(public_services())
    assert sorted(found - set(SCENARIOS) - set(NOT_STATE_CHANGING)) == [], (
        "new service(s): add a scenario that shows the audit entry, or a reason to the allow-list"
    )
    assert sorted((set(SCENARIOS) | set(NOT_STATE_CHANGING)) - found) == [], "stale names"
    assert set(SCENARIOS).isdisjoint(NOT_STATE_CHANGING)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_service_writes_an_audit_entry(name, world):
    module, attr = public_services()[name]
    action, act = SCENARIOS[name](world)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with mock.patch.object(module, attr, wraps=getattr(module, attr)) as spy:
        act()
    assert spy.called, f"the scenario of {name} does not call it"
    written = list(AuditEntry.objects.filter(pk__gt=last).values_list("action", flat=True))
    assert action in written


# The service itself --------------------------------------------------------------------------


def test_record_keeps_actor_target_and_labels(world):
    staff, torino = world["staff"], world["torino"]
    with transaction.atomic():
        entry = record(
            actor=staff,
            action="test.thing",
            target=torino,
            note="why",
            data={"at": dt.date(2026, 1, 2)},
        )
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_label, entry.action) == (
        staff,
        "staff@nzc.example",
        "test.thing",
    )
    assert entry.target_type == ContentType.objects.get_for_model(torino)
    assert (entry.target_id, entry.target_label) == (str(torino.pk), str(torino))
    assert (entry.note, entry.data) == ("why", {"at": "2026-01-02"})


def test_record_label_survives_the_target(world):
    a = _submitted(world)
    with transaction.atomic():
        entry = record(actor=None, action="test.delete", target=a, application=a)
    label = str(a)
    Application.objects.filter(pk=a.pk).delete()
    entry.refresh_from_db()
    assert (entry.target_label, entry.application, entry.actor_label) == (label, None, "")


def test_record_refuses_a_bare_action():
    with transaction.atomic(), pytest.raises(ValueError):
        record(actor=None, action="thing")
