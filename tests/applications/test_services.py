import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from applications import services
from applications.documents import inspect_pdf
from applications.models import Application, Document
from applications.selectors import application_missing
from cities.models import CallMissionCity
from tests.applications.pdfs import pdf_upload
from tests.builders import fill_application
from tests.factories import UserFactory


def test_missing_lists_every_step_of_an_empty_draft(draft):
    steps = [m.step for m in application_missing(draft)]
    assert sorted(set(steps)) == [
        "climate",
        "commitment",
        "learning",
        "organisation",
        "preferences",
    ]


def test_missing_is_empty_when_complete(complete_draft):
    assert application_missing(complete_draft) == []


def test_submit_locks_records_verdict_and_emails_after_commit(
    complete_draft, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.application_submit(application=complete_draft, by=applicant)
    complete_draft.refresh_from_db()
    assert result.submitted is True
    assert complete_draft.status == "submitted"
    assert complete_draft.submitted_at is not None
    assert complete_draft.verdict == "eligible"
    assert complete_draft.rules_version == "2025.1"
    assert [r["passed"] for r in complete_draft.verdict_reasons] == [True] * len(
        complete_draft.verdict_reasons
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["officer@plymouth.example"], "[Twinning] Your application was submitted")
    ]
    assert f"/applications/{complete_draft.pk}/" in mail.outbox[0].body
    with pytest.raises(ValidationError):
        services.application_update(
            application=complete_draft, data={"population": 1}, by=applicant
        )


def test_submit_twice_is_a_no_op(complete_draft, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=complete_draft, by=applicant)
        second = services.application_submit(application=complete_draft, by=applicant)
    assert (second.submitted, second.message) == (
        False,
        "This application has already been submitted.",
    )
    assert len(mail.outbox) == 1
    assert complete_draft.status_changes.filter(to_status="submitted").count() == 1


def test_submit_after_deadline_keeps_the_draft(complete_draft, applicant):
    call = complete_draft.call
    after = call.closes_at + dt.timedelta(seconds=1)
    result = services.application_submit(application=complete_draft, by=applicant, now=after)
    complete_draft.refresh_from_db()
    assert result.submitted is False
    assert "has passed" in result.message and "Your draft is kept" in result.message
    assert complete_draft.status == "draft"
    assert complete_draft.population == 264_700


def test_submit_deadline_is_judged_in_the_call_time_zone(complete_draft, applicant):
    call = complete_draft.call
    call.closes_at = dt.datetime(2030, 9, 12, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    call.save()
    just_before = dt.datetime(2030, 9, 12, 14, 59, 59, tzinfo=dt.UTC)  # 16:59:59 CEST
    just_after = dt.datetime(2030, 9, 12, 15, 0, 0, tzinfo=dt.UTC)  # 17:00:00 CEST
    late = services.application_submit(application=complete_draft, by=applicant, now=just_after)
    assert late.submitted is False
    assert "12 September 2030, 17:00 CEST" in late.message
    ok = services.application_submit(application=complete_draft, by=applicant, now=just_before)
    assert ok.submitted is True


def test_submit_incomplete_is_refused(draft, applicant):
    result = services.application_submit(application=draft, by=applicant)
    assert result.submitted is False
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_target_year_2051_saves_and_is_judged_ineligible(draft, applicant):
    fill_application(draft, by=applicant, target_year=2051)
    services.application_submit(application=draft, by=applicant)
    draft.refresh_from_db()
    assert draft.verdict == "ineligible"
    failed = [r["rule"] for r in draft.verdict_reasons if not r["passed"]]
    assert failed == ["target_year"]


def test_mission_city_applicant_is_ineligible(draft, applicant):
    fill_application(draft, by=applicant, name="Turin", country="IT")
    services.application_submit(application=draft, by=applicant)
    draft.refresh_from_db()
    assert draft.verdict == "ineligible"


def test_preferences_reject_a_city_of_another_call(draft, applicant):
    other = CallMissionCity.objects.get(call__slug="2025", mission_city__name="Torino")
    with pytest.raises(ValidationError):
        services.application_set_preferences(
            application=draft, rows=[{"mission_city": other, "reason": ""}], by=applicant
        )


def test_preferences_reject_the_same_city_twice(draft, applicant):
    torino = CallMissionCity.objects.get(call=draft.call, mission_city__name="Torino")
    with pytest.raises(ValidationError):
        services.application_set_preferences(
            application=draft,
            rows=[{"mission_city": torino, "reason": ""}, {"mission_city": torino, "reason": ""}],
            by=applicant,
        )


def test_withdraw_then_cannot_withdraw_again(complete_draft, applicant):
    services.application_withdraw(application=complete_draft, by=applicant, reason="Elections")
    complete_draft.refresh_from_db()
    assert complete_draft.status == "withdrawn"
    with pytest.raises(ValidationError):
        services.application_withdraw(application=complete_draft, by=applicant)


def test_request_info_reopens_and_resubmission_locks_again(
    complete_draft, applicant, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    staff = UserFactory(email="staff@nzc.example", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=complete_draft, by=applicant)
        services.application_request_info(
            application=complete_draft, by=staff, message="Please attach the signed letter."
        )
    complete_draft.refresh_from_db()
    assert complete_draft.status == "needs_info"
    assert complete_draft.is_editable
    assert [(m.to, m.subject) for m in mail.outbox][1] == (
        ["officer@plymouth.example"],
        "[Twinning] Please complete your application",
    )
    assert "Please attach the signed letter." in mail.outbox[1].body
    services.application_update(
        application=complete_draft, data={"population": 265_000}, by=applicant
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = services.application_submit(application=complete_draft, by=applicant)
    assert result.submitted
    assert mail.outbox[2].subject == "[Twinning] Your application was resubmitted"
    statuses = list(complete_draft.status_changes.values_list("to_status", flat=True))
    assert statuses == ["draft", "submitted", "needs_info", "submitted"]


def test_request_info_on_a_draft_is_refused(draft):
    with pytest.raises(ValidationError):
        services.application_request_info(application=draft, by=None, message="x")


def test_one_application_per_organisation_and_call(draft, applicant):
    again = services.application_start(
        organisation=draft.organisation, call=draft.call, by=applicant
    )
    assert again.pk == draft.pk
    assert Application.objects.filter(organisation=draft.organisation).count() == 1


def test_invitation_makes_a_coeditor(draft, applicant, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organisation=draft.organisation, email="colleague@plymouth.example", by=applicant
        )
    assert mail.outbox[0].to == ["colleague@plymouth.example"]
    assert str(invitation.token) in mail.outbox[0].body
    colleague = UserFactory(email="colleague@plymouth.example")
    member = services.invitation_accept(invitation=invitation, user=colleague)
    assert (member.organisation, member.role) == (draft.organisation, "editor")
    stranger = UserFactory(email="stranger@example.org")
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, user=stranger)


def test_call_not_yet_open_refuses_submission(complete_draft, applicant):
    before = complete_draft.call.opens_at - dt.timedelta(minutes=1)
    result = services.application_submit(application=complete_draft, by=applicant, now=before)
    assert (result.submitted, result.message) == (
        False,
        "The call is not open yet. Your draft is saved.",
    )
    assert timezone.now() > before


def test_a_stale_copy_cannot_undo_a_submission(complete_draft, applicant):
    stale = Application.objects.get(pk=complete_draft.pk)
    services.application_submit(application=complete_draft, by=applicant)
    with pytest.raises(ValidationError):
        services.application_update(application=stale, data={"population": 1234}, by=applicant)
    complete_draft.refresh_from_db()
    assert (complete_draft.status, complete_draft.population) == ("submitted", 264_700)
    assert complete_draft.submitted_at is not None


def test_status_cannot_be_set_by_hand_to_paired_or_from_paired(complete_draft, applicant):
    services.application_submit(application=complete_draft, by=applicant)
    with pytest.raises(ValidationError):
        services.application_set_status(application=complete_draft, to="paired", by=None)
    Application.objects.filter(pk=complete_draft.pk).update(status="paired")
    with pytest.raises(ValidationError):
        services.application_set_status(application=complete_draft, to="under_review", by=None)
    with pytest.raises(ValidationError):
        services.application_request_info(application=complete_draft, by=None, message="x")


def test_a_replaced_document_is_gone(draft, applicant):
    first = pdf_upload("first.pdf")
    services.document_store(
        application=draft, kind="endorsement", upload=first, info=inspect_pdf(first), by=applicant
    )
    old = Document.objects.get()
    second = pdf_upload("second.pdf")
    services.document_store(
        application=draft, kind="endorsement", upload=second, info=inspect_pdf(second), by=applicant
    )
    assert list(Document.objects.values_list("original_name", flat=True)) == ["second.pdf"]
    assert not old.file.storage.exists(old.file.name)


def test_only_owners_invite_and_only_once(draft, applicant):
    services.invitation_create(organisation=draft.organisation, email="c@x.example", by=applicant)
    with pytest.raises(ValidationError):
        services.invitation_create(
            organisation=draft.organisation, email="C@X.example", by=applicant
        )
    editor = UserFactory(email="c@x.example")
    services.invitation_accept(invitation=draft.organisation.invitations.get(), user=editor)
    with pytest.raises(ValidationError):
        services.invitation_create(organisation=draft.organisation, email="d@x.example", by=editor)
