"""Staff run the matching in the admin, in the system Chromium: start a run, see its progress and
proposals with their explanations, approve one, publish; both sides receive an e-mail."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from cities.models import Call, MissionCity, MissionCityMembership
from cities.services import call_copy
from matching.models import Pairing
from tests.builders import submitted_application
from tests.e2e.staff import sign_in_staff
from tests.factories import UserFactory

pytestmark = pytest.mark.browser
PASSWORD = "Staff-Review-2025!"


def test_staff_start_run_approve_and_publish(call_data, live_server, page: Page):
    call = call_copy(
        source=Call.objects.get(slug="2025"),
        slug="open",
        title="Open call",
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=30),
    )
    submitted_application(
        call, "Plymouth", country="GB", prefs=["Torino", "Sofia"], email="twin@plymouth.example"
    )
    submitted_application(call, "Bergamo", country="IT", prefs=["Gabrovo"])
    UserFactory(email="staff@nzc.example", is_staff=True, is_superuser=True, password=PASSWORD)
    host = UserFactory(email="host@torino.example")
    MissionCityMembership.objects.create(
        user=host, mission_city=MissionCity.objects.get(name="Torino")
    )
    mail.outbox.clear()

    sign_in_staff(page, live_server, "staff@nzc.example", PASSWORD)
    page.goto(live_server.url + "/admin/matching/matchingrun/")
    page.get_by_role("link", name="Start a matching run").click()
    page.get_by_label("Call").select_option(label="Open call")
    page.get_by_label("Mode").select_option("choices")
    page.get_by_role("button", name="Start").click()

    status = page.locator("#run-status")
    expect(status).to_have_attribute("data-status", "succeeded")
    expect(page.get_by_role("heading", name="Proposed pairings by Mission City")).to_be_visible()
    row = page.locator("tr.proposal", has_text="Plymouth")
    expect(row.locator(".explanation")).to_contain_text("ranked Torino 1st")
    page.screenshot(path="/tmp/staff-run.png", full_page=True)

    row.get_by_label("Decision").select_option("approved")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("tr.proposal", has_text="Plymouth")).to_contain_text("Approved")
    page.get_by_role("link", name="Review and publish the approved pairings…").click()
    page.get_by_role("button", name="Publish and send the e-mails").click()
    expect(page.get_by_text("Published pairings: 1.")).to_be_visible()

    pairing = Pairing.objects.get()
    assert (pairing.application.official_name, pairing.mission_city.display_name) == (
        "Plymouth",
        "Torino",
    )
    assert sorted(
        (m.to[0], m.subject) for m in mail.outbox if "Your application to" not in m.subject
    ) == [
        ("host@torino.example", "[Twinning] New Twin City: Plymouth"),
        ("twin@plymouth.example", "[Twinning] You are paired with Torino"),
    ]
