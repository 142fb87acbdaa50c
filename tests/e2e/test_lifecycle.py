"""The application lifecycle told to everyone, in the system Chromium, with axe-core on every page:
an ineligible submission told to the applicant, withdrawal and restoring; staff approving in bulk,
the publication confirmation and the e-mail to applicants not selected; a declined pairing
closed for the other side."""

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from playwright.sync_api import Page, expect

from applications import services as app_services
from applications.models import Application
from cities.models import CallMissionCity, MissionCity, MissionCityMembership
from matching import services as matching_services
from matching.models import Pairing
from tests.builders import city, fill_application, published_pairing, submitted_application
from tests.factories import UserFactory

from .axe import assert_accessible

pytestmark = pytest.mark.browser


def sign_in(page: Page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_ineligible_submission_is_told_then_withdrawn_and_restored(
    open_call, live_server, watched_page
):
    page = watched_page
    main = page.get_by_role("main")
    user = UserFactory(email="officer@plymouth.example")
    organisation = app_services.organisation_start(user=user, name="Plymouth", country="GB")
    draft = app_services.application_start(organisation=organisation, call=open_call, by=user)
    fill_application(draft, by=user, target_year=2055)  # saved by the service; not the form
    sign_in(page, live_server, user)

    # Before submitting: the review step says what the rules make of the answers.
    page.goto(f"{live_server.url}/applications/{draft.pk}/step/review/")
    verdict = main.locator("[data-verdict]")
    expect(verdict).to_have_attribute("data-verdict", "ineligible")
    expect(verdict).to_contain_text("As your answers stand, your application is not eligible.")
    expect(verdict).to_contain_text("The target year 2055 is later than 2050")
    assert_accessible(page)

    # The climate step refuses the same year as a form error.
    page.goto(f"{live_server.url}/applications/{draft.pk}/step/climate/")
    assert_accessible(page)

    # After submitting: no "Thank you!", the verdict and why.
    page.goto(f"{live_server.url}/applications/{draft.pk}/step/review/")
    main.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "by the call's rules it is not eligible"
    )
    expect(main.locator("[data-verdict]")).to_contain_text("Eligibility: not eligible")
    expect(main.locator("[data-verdict]")).to_contain_text("The target year 2055")
    assert_accessible(page)

    # Withdraw…
    main.get_by_role("link", name="Withdraw").click()
    expect(main).to_contain_text("You can undo it yourself until the deadline")
    assert_accessible(page)
    main.get_by_label("Yes, withdraw our application").check()
    main.get_by_role("button", name="Withdraw").click()
    expect(main.locator("[data-status]")).to_have_text("Withdrawn")
    assert_accessible(page)

    # …and undo it.
    main.get_by_role("link", name="Undo the withdrawal").click()
    assert_accessible(page)
    main.get_by_role("button", name="Restore").click()  # without a reason: an error
    expect(main).to_contain_text("Say why you want to restore the application.")
    assert_accessible(page)
    main.get_by_label("Why do you want to restore the application?").fill("Withdrawn by mistake")
    main.get_by_role("button", name="Restore").click()
    expect(main.locator("[data-status]")).to_have_text("Submitted")
    expect(main).to_contain_text("Withdrawal undone by applicant: Withdrawn by mistake")
    assert_accessible(page)
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert page.errors == []


def test_staff_bulk_approve_confirm_publication_and_unmatched_email(
    open_call, live_server, watched_page
):
    page = watched_page
    CallMissionCity.objects.filter(call=open_call).update(capacity=1)
    for name, country, prefs in [
        ("Plymouth", "GB", ["Torino"]),
        ("Girona", "ES", ["Torino"]),
        ("Bergamo", "IT", ["Gabrovo"]),
    ]:
        submitted_application(open_call, name, country=country, prefs=prefs)
    host = UserFactory(email="host@torino.example")
    MissionCityMembership.objects.create(
        user=host, mission_city=MissionCity.objects.get(name="Torino")
    )
    run = matching_services.run_execute(
        run_id=matching_services.run_start(call=open_call, enqueue=False).pk
    )
    staff = UserFactory(email="staff@nzc.example", is_staff=True, is_superuser=True)
    sign_in(page, live_server, staff)
    mail.outbox.clear()

    page.goto(f"{live_server.url}/admin/matching/matchingrun/{run.pk}/change/")
    expect(page.locator("#run-status")).to_have_attribute("data-status", "succeeded")
    assert_accessible(page)
    n = run.proposals.count()
    page.get_by_role("button", name="Approve").first.click()
    expect(page.get_by_text(f"Approved proposals: {n}.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Review and publish the approved pairings…").click()
    expect(page.get_by_role("heading", name=f"Publish run {run.pk}?")).to_be_visible()
    left_out = sorted(
        set(Application.objects.values_list("official_name", flat=True))
        - set(run.proposals.values_list("application__official_name", flat=True))
    )
    expect(page.locator("#publish-not-selected li")).to_have_text(left_out or ["None."])
    page.locator("#publish-emails summary").first.click()
    expect(page.locator("#publish-emails pre").first).to_be_visible()
    assert_accessible(page)
    assert mail.outbox == [] and not Pairing.objects.exists()

    page.get_by_role("button", name="Publish and send the e-mails").click()
    expect(page.get_by_text(f"Published pairings: {n}.")).to_be_visible()
    assert_accessible(page)
    letters = [
        m for m in mail.outbox if m.subject == "[Twinning] Your application to the Open call"
    ]
    assert len(letters) == len(left_out)
    for letter in letters:
        assert "is not among them this time" in letter.body
    assert (
        sorted(
            Application.objects.filter(status="not_selected").values_list(
                "official_name", flat=True
            )
        )
        == left_out
    )

    page.goto(f"{live_server.url}/staff/dashboard/?call={open_call.slug}")
    expect(page.locator("#pairing-answers")).to_contain_text("Waiting for an answer")
    assert_accessible(page)
    page.locator("#pairing-answers").get_by_role("link", name="Waiting for an answer").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(n)
    assert_accessible(page)
    assert [e for e in page.errors if "favicon.ico" not in e] == []


def test_a_pairing_declined_by_the_mission_city_is_closed_for_the_twin_city(
    open_call, live_server, watched_page
):
    page = watched_page
    main = page.get_by_role("main")
    torino = city(open_call, "Torino")
    plymouth = submitted_application(open_call, "Plymouth", prefs=("Torino",))
    pairing = published_pairing(plymouth, torino)
    host = UserFactory(email="host@torino.example")
    MissionCityMembership.objects.create(user=host, mission_city_id=torino.mission_city_id)
    twin = plymouth.organisation.members.get().user

    # The Mission City declines, with a reason for staff.
    sign_in(page, live_server, host)
    page.goto(f"{live_server.url}/workspace/{torino.mission_city.slug}/pairings/")
    answer = main.get_by_role("group", name="Do you confirm the pairing with Plymouth?")
    answer.get_by_label("We decline this pairing").check()
    answer.get_by_label("Reason or comment for the programme team").fill("No capacity this year")
    answer.get_by_role("button", name="Send your answer").click()
    expect(main.locator(f"#pairing-{pairing.pk} [data-pairing-closed]")).to_contain_text(
        "The Mission City declined this pairing, so it is closed"
    )
    assert_accessible(page)

    # The Twin City can no longer confirm: it is told the pairing is closed.
    page.context.clear_cookies()
    sign_in(page, live_server, twin)
    page.goto(f"{live_server.url}/applications/{plymouth.pk}/")
    expect(main.locator("[data-status]")).to_have_text("Under review")
    expect(main).to_contain_text("The pairing with Torino was declined, so it is closed.")
    expect(main.get_by_role("group", name="Do you confirm the pairing with Torino?")).to_have_count(
        0
    )
    assert "No capacity" not in main.inner_text()
    assert_accessible(page)
    page.goto(f"{live_server.url}/applications/{plymouth.pk}/pairing/")
    expect(page.get_by_role("status").first).to_contain_text(
        "This pairing was declined, so it is closed"
    )
    assert page.errors == []


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/applications/application/",
        "/admin/matching/matchingrun/",
        "/admin/matching/pairing/",
        "/admin/matching/pairconstraint/add/",
        "/admin/cities/formerparticipant/",
        "/admin/cities/formerparticipant/import/",
        "/admin/audit/auditentry/",
        "/staff/dashboard/",
    ],
)
def test_admin_pages_staff_use_are_accessible(open_call, live_server, watched_page, path):
    page = watched_page
    submitted_application(open_call, "Plymouth", prefs=["Torino"])
    sign_in(page, live_server, UserFactory(is_staff=True, is_superuser=True))
    page.goto(live_server.url + path)
    expect(page.locator("#content")).to_be_visible()
    assert_accessible(page)
