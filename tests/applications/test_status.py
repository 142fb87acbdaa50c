"""The application lifecycle (applications/status.py): every transition, every predicate, and
the services that make the transitions (who may, and what the audit trail says)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications import status as lifecycle
from applications.management.commands.lifecycle_table import lifecycle_document
from applications.models import Application, StatusChange
from tests.builders import fill_application, staff_member
from tests.factories import UserFactory
from tests.totp import STAFF_TOTP_SECRET, totp_code


def complete(application, user, *, target_year=2050):
    """Every answer given through the services (tests.builders), on this same object."""
    fill_application(application, by=user, target_year=target_year)
    application.refresh_from_db()
    return application


S = Application.Status
A, ST, SY = lifecycle.Actor.APPLICANT, lifecycle.Actor.STAFF, lifecycle.Actor.SYSTEM


def app(status=S.SUBMITTED, **kwargs):
    defaults = {
        "submitted_at": timezone.now(),
        "verdict": "eligible",
        "consent_share": True,
    }
    return Application(status=status, **{**defaults, **kwargs})


# Transitions: sources, target and actors, one test each -------------------------------------

EXPECTED = {
    "start": ([""], S.DRAFT, {A}),
    "submit": ([S.DRAFT, S.NEEDS_INFO], S.SUBMITTED, {A}),
    "start_review": ([S.SUBMITTED], S.UNDER_REVIEW, {ST}),
    "request_info": ([S.SUBMITTED, S.UNDER_REVIEW], S.NEEDS_INFO, {ST}),
    "not_select": ([S.SUBMITTED, S.UNDER_REVIEW], S.NOT_SELECTED, {ST, SY}),
    "reconsider": ([S.NOT_SELECTED], S.UNDER_REVIEW, {ST}),
    "pair": ([S.SUBMITTED, S.UNDER_REVIEW], S.PAIRED, {ST}),
    "unpair": ([S.PAIRED], S.UNDER_REVIEW, {ST, SY}),
    "withdraw": ([S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.NEEDS_INFO], S.WITHDRAWN, {A, ST}),
    "restore": ([S.WITHDRAWN], None, {A, ST}),
}


def test_every_transition_is_listed():
    assert sorted(t.name for t in lifecycle.TRANSITIONS) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_transition_sources_target_and_actors(name):
    sources, target, actors = EXPECTED[name]
    t = lifecycle.transition(name)
    assert (list(t.sources), t.target, set(t.actors)) == (sources, target, actors)
    for source in ["", *S.values]:
        for actor in lifecycle.Actor:
            assert t.allows(source, actor) == (source in sources and actor in actors)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_refuses_a_transition_from_a_wrong_status(name):
    sources, _target, actors = EXPECTED[name]
    wrong = next(s for s in S.values if s not in sources)
    with pytest.raises(ValidationError):
        lifecycle.check(app(wrong), name, next(iter(actors)))


def test_every_status_is_reached_by_a_transition():
    reached = {t.target for t in lifecycle.TRANSITIONS if t.target} | set(lifecycle.RESTORABLE)
    assert reached == set(S.values)


def test_targets_from_submitted_for_staff():
    assert lifecycle.targets_from(S.SUBMITTED, ST) == [
        S.UNDER_REVIEW,
        S.NEEDS_INFO,
        S.NOT_SELECTED,
        S.PAIRED,
        S.WITHDRAWN,
    ]


# Predicates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", S.values)
def test_is_editable(status):
    assert lifecycle.is_editable(app(status)) == (status in (S.DRAFT, S.NEEDS_INFO))


@pytest.mark.parametrize("status", S.values)
def test_can_withdraw(status):
    assert lifecycle.can_withdraw(app(status)) == (
        status in (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.NEEDS_INFO)
    )


def test_can_restore_applicant_until_deadline_staff_always(open_call):
    withdrawn = app(S.WITHDRAWN, call=open_call)
    after = open_call.closes_at + dt.timedelta(minutes=1)
    assert lifecycle.can_restore(withdrawn, actor=A) is True
    assert lifecycle.can_restore(withdrawn, actor=A, now=after) is False
    assert lifecycle.can_restore(withdrawn, actor=ST, now=after) is True
    assert lifecycle.can_restore(app(S.SUBMITTED, call=open_call), actor=ST) is False


@pytest.mark.parametrize(
    ("kwargs", "visible"),
    [
        ({}, True),
        ({"consent_share": False}, False),
        ({"submitted_at": None}, False),
        ({"status": S.WITHDRAWN}, False),
        ({"status": S.NOT_SELECTED}, False),
        ({"status": S.DRAFT}, False),
        ({"verdict": "ineligible"}, False),
        ({"verdict": "ineligible", "verdict_override": "eligible"}, True),
        ({"verdict": "needs_review"}, True),
    ],
)
def test_visible_to_cities(kwargs, visible):
    assert lifecycle.visible_to_cities(app(**kwargs)) is visible


@pytest.mark.parametrize(
    ("kwargs", "candidate"),
    [
        ({}, True),
        ({"status": S.UNDER_REVIEW}, True),
        ({"status": S.PAIRED}, True),
        ({"status": S.NEEDS_INFO}, False),
        ({"status": S.NOT_SELECTED}, False),
        ({"status": S.WITHDRAWN}, False),
        ({"verdict": "needs_review"}, False),
        ({"verdict": "needs_review", "verdict_override": "eligible"}, True),
        ({"verdict_override": "ineligible"}, False),
        ({"submitted_at": None}, False),
    ],
)
def test_candidate_for_matching_and_publishable(kwargs, candidate):
    a = app(**kwargs)
    assert lifecycle.candidate_for_matching(a) is candidate
    assert lifecycle.publishable(a) is candidate


@pytest.mark.parametrize("status", S.values)
def test_is_reviewable(status):
    assert lifecycle.is_reviewable(app(status)) == (status not in (S.DRAFT, S.WITHDRAWN))


def test_queryset_predicates_agree_with_the_python_ones(open_call):
    rows = [
        ({}, "a"),
        ({"consent_share": False}, "b"),
        ({"status": S.WITHDRAWN}, "c"),
        ({"verdict": "ineligible"}, "d"),
        ({"verdict": "ineligible", "verdict_override": "eligible"}, "e"),
        ({"verdict": "needs_review"}, "f"),
        ({"status": S.NOT_SELECTED}, "g"),
    ]
    from applications.models import Organisation

    base = {
        "status": S.SUBMITTED,
        "submitted_at": timezone.now(),
        "verdict": "eligible",
        "consent_share": True,
    }
    apps = [
        Application.objects.create(
            call=open_call,
            organisation=Organisation.objects.create(name=name, country="GB"),
            official_name=name,
            **{**base, **kwargs},
        )
        for kwargs, name in rows
    ]
    qs = Application.objects.filter(call=open_call)
    assert sorted(qs.visible_to_cities().values_list("official_name", flat=True)) == sorted(
        a.official_name for a in apps if lifecycle.visible_to_cities(a)
    )
    assert sorted(qs.candidates_for_matching().values_list("official_name", flat=True)) == sorted(
        a.official_name for a in apps if lifecycle.candidate_for_matching(a)
    )
    eligible = sorted(qs.eligible().values_list("official_name", flat=True))
    assert eligible == ["a", "b", "c", "e", "g"]
    assert sorted(qs.ineligible().values_list("official_name", flat=True)) == ["d"]


# The generated table ----------------------------------------------------------------------------


def test_committed_lifecycle_table_is_the_generated_one():
    committed = (Path(settings.BASE_DIR) / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    assert committed == lifecycle_document()


def test_lifecycle_table_command_prints_the_table(capsys):
    call_command("lifecycle_table")
    assert capsys.readouterr().out == lifecycle_document()


# Services making the transitions ------------------------------------------------------------


def test_submit_of_an_ineligible_application_says_so(
    draft, applicant, django_capture_on_commit_callbacks
):
    complete(draft, applicant, target_year=2055)
    result = services.application_submit(application=draft, by=applicant)
    draft.refresh_from_db()
    assert (result.submitted, draft.status, draft.verdict) == (True, "submitted", "ineligible")
    assert "not eligible" in result.message
    assert "Thank you" not in result.message


def test_withdraw_then_restore_by_applicant_returns_to_the_status_before(
    complete_draft, applicant, django_capture_on_commit_callbacks
):
    services.application_submit(application=complete_draft, by=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_withdraw(application=complete_draft, by=applicant, reason="oops")
        to = services.application_restore(
            application=complete_draft, by=applicant, reason="We withdrew by mistake"
        )
    complete_draft.refresh_from_db()
    assert (to, complete_draft.status) == ("submitted", "submitted")
    last = StatusChange.objects.filter(application=complete_draft).last()
    assert (last.from_status, last.to_status, last.by) == ("withdrawn", "submitted", applicant)
    assert last.note == "Withdrawal undone by applicant: We withdrew by mistake"
    assert [m.subject for m in mail.outbox] == [
        "[Twinning] Your application was withdrawn",
        "[Twinning] Your application was restored",
    ]
    assert mail.outbox[1].to == ["officer@plymouth.example"]


def test_restore_by_applicant_after_deadline_is_refused_but_staff_may(draft, applicant):
    services.application_withdraw(application=draft, by=applicant)
    after = draft.call.closes_at + dt.timedelta(hours=1)
    with pytest.raises(ValidationError, match="only NetZeroCities staff"):
        services.application_restore(application=draft, by=applicant, reason="x", now=after)
    staff = UserFactory(is_staff=True)
    assert (
        services.application_restore(application=draft, by=staff, reason="appeal", now=after)
        == "draft"
    )
    last = StatusChange.objects.filter(application=draft).last()
    assert (last.by, last.note) == (staff, "Withdrawal undone by staff: appeal")


def test_restore_needs_a_reason(draft, applicant):
    services.application_withdraw(application=draft, by=applicant)
    with pytest.raises(ValidationError, match="Say why"):
        services.application_restore(application=draft, by=applicant, reason=" ")


def test_withdraw_of_a_paired_application_is_refused(draft, applicant):
    Application.objects.filter(pk=draft.pk).update(status=S.PAIRED)
    with pytest.raises(ValidationError):
        services.application_withdraw(application=draft, by=applicant)


def test_set_status_under_review_not_selected_and_reconsidered(complete_draft, applicant):
    services.application_submit(application=complete_draft, by=applicant)
    staff = UserFactory(is_staff=True)
    for to in [S.UNDER_REVIEW, S.NOT_SELECTED, S.UNDER_REVIEW]:
        services.application_set_status(application=complete_draft, to=to, by=staff)
    complete_draft.refresh_from_db()
    assert [c.to_status for c in complete_draft.status_changes.all()] == [
        "draft",
        "submitted",
        "under_review",
        "not_selected",
        "under_review",
    ]
    with pytest.raises(ValidationError, match="not set by hand"):
        services.application_set_status(application=complete_draft, to=S.PAIRED, by=staff)


def test_unpair_and_not_selected_services(complete_draft, applicant):
    services.application_submit(application=complete_draft, by=applicant)
    staff = UserFactory(is_staff=True)
    services.application_mark_paired(application=complete_draft, city_name="Torino", by=staff)
    services.application_unpair(application=complete_draft, by=staff, note="unpublished")
    complete_draft.refresh_from_db()
    assert complete_draft.status == S.UNDER_REVIEW
    assert services.application_mark_not_selected(application=complete_draft, by=None) is True
    complete_draft.refresh_from_db()
    assert complete_draft.status == S.NOT_SELECTED
    assert services.application_mark_not_selected(application=complete_draft, by=None) is False


# What the applicant is told -------------------------------------------------------------------


def test_review_page_shows_the_verdict_before_submitting(client, draft, applicant):
    complete(draft, applicant, target_year=2055)
    client.force_login(applicant)
    response = client.get(reverse("application_step", args=[draft.pk, "review"]))
    html = response.content.decode()
    assert 'data-verdict="ineligible"' in html
    assert "As your answers stand, your application is not eligible." in html
    assert "The target year 2055 is later than 2050" in html


def test_detail_after_an_ineligible_submission_tells_why(client, draft, applicant):
    complete(draft, applicant, target_year=2055)
    client.force_login(applicant)
    response = client.post(reverse("application_submit", args=[draft.pk]), follow=True)
    html = response.content.decode()
    assert [str(m) for m in response.context["messages"]] == [
        "Your application has been submitted, but by the call's rules it is not eligible (see "
        "why below). NetZeroCities staff will confirm this; you may withdraw it."
    ]
    assert "Eligibility: not eligible" in html
    assert "The target year 2055 is later than 2050" in html


def test_climate_step_refuses_a_plan_adopted_in_the_future(client, draft, applicant):
    client.force_login(applicant)
    next_year = timezone.localdate().year + 1
    response = client.post(
        reverse("application_step", args=[draft.pk, "climate"]),
        {"climate-plan_year": str(next_year), "save": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["plan_year"] == [
        f"{next_year} is in the future: enter the year the plan or decision was adopted "
        f"({next_year - 1} or earlier)."
    ]


def test_withdraw_and_restore_views(client, complete_draft, applicant):
    services.application_submit(application=complete_draft, by=applicant)
    client.force_login(applicant)
    detail = reverse("application_detail", args=[complete_draft.pk])
    assert "Undo the withdrawal" not in client.get(detail).content.decode()
    client.post(
        reverse("application_withdraw", args=[complete_draft.pk]), {"confirm": "on", "reason": ""}
    )
    assert "Undo the withdrawal" in client.get(detail).content.decode()
    restore = reverse("application_restore", args=[complete_draft.pk])
    empty = client.post(restore, {"reason": ""})
    assert empty.context["form"].errors["reason"] == [
        "Say why you want to restore the application."
    ]
    response = client.post(restore, {"reason": "mistake"}, follow=True)
    complete_draft.refresh_from_db()
    assert complete_draft.status == "submitted"
    assert [str(m) for m in response.context["messages"]] == ["Your application has been restored."]


def test_restore_view_is_404_for_another_organisation(client, draft, applicant):
    services.application_withdraw(application=draft, by=applicant)
    client.force_login(UserFactory())
    assert client.get(reverse("application_restore", args=[draft.pk])).status_code == 404


# Small things -----------------------------------------------------------------------------------


def test_apply_resumes_a_draft_at_the_first_unfinished_step(client, draft, applicant):
    from applications.models import Representative

    client.force_login(applicant)
    assert client.get(reverse("apply")).url == reverse(
        "application_step", args=[draft.pk, "organisation"]
    )
    complete(draft, applicant)
    Application.objects.filter(pk=draft.pk).update(hours_per_month=None)
    assert client.get(reverse("apply")).url == reverse(
        "application_step", args=[draft.pk, "commitment"]
    )
    Application.objects.filter(pk=draft.pk).update(hours_per_month=16)
    assert client.get(reverse("apply")).url == reverse(
        "application_step", args=[draft.pk, "review"]
    )
    assert Representative.objects.filter(application=draft).count() == 1


@pytest.mark.parametrize(
    ("role", "home"),
    [
        ("staff", "/staff/dashboard/"),
        ("staff_noperm", "/admin/"),
        ("applicant", "/my-applications/"),
        ("nobody", "/"),
    ],
)
def test_sign_in_lands_each_role_on_its_home(client, draft, applicant, role, home):
    user = {
        "staff": staff_member("staff@nzc.example", "matching.view_matchingrun"),
        "staff_noperm": UserFactory(is_staff=True, password="pw-Staff-2025!"),
        "applicant": applicant,
        "nobody": UserFactory(password="pw-Staff-2025!"),
    }[role]
    user.set_password("pw-Staff-2025!")
    user.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "pw-Staff-2025!"}
    )
    if role.startswith("staff"):  # staff accounts have an authenticator app: its code comes second
        assert response.url == reverse("mfa_authenticate")
        response = client.post(response.url, {"code": totp_code(STAFF_TOTP_SECRET)})
    assert response.status_code == 302
    assert response.url == home


def test_top_bar_account_links_keep_next(client, db):
    html = client.get("/mission-cities/?topic=energy").content.decode()
    assert 'href="/accounts/signup/?next=/mission-cities/%3Ftopic%3Denergy"' in html
    html = client.get("/accounts/login/?next=/apply/").content.decode()
    assert 'href="/accounts/signup/?next=/apply/"' in html


def test_a_negative_population_gives_one_message(client, draft, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("application_step", args=[draft.pk, "organisation"]),
        {
            "org-official_name": "Plymouth",
            "org-population": "-5",
            "rep-TOTAL_FORMS": "0",
            "rep-INITIAL_FORMS": "0",
            "save": "",
        },
    )
    assert response.context["form"].errors["population"] == [
        "Enter the number of inhabitants, a whole number above 0."
    ]
