"""Issue 9 in the system Chromium, with axe-core on every page: the what-if preview of a run
(staff), and the three voices of a pairing's explanation — the staff run page (a readable
summary, a rank column, the formula one click away), the applicant's page and e-mail, and the
Mission City's pairings page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cities.models import CallMissionCity, MissionCity, MissionCityMembership
from matching import services as matching_services
from matching.models import MatchingRun, Proposal
from tests.builders import submitted_application
from tests.factories import UserFactory

from .axe import assert_accessible
from .test_lifecycle import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def one_place_run(open_call):
    """Plymouth and Girona both rank Torino first; every city has one place: Girona gets
    Torino, Plymouth its second choice, Sofia."""
    CallMissionCity.objects.filter(call=open_call).update(capacity=1)
    submitted_application(
        open_call,
        "Plymouth",
        country="GB",
        prefs=["Torino", "Sofia"],
        email="twin@plymouth.example",
    )
    submitted_application(open_call, "Girona", country="ES", prefs=["Torino"])
    staff = UserFactory(email="staff@nzc.example", is_staff=True, is_superuser=True)
    run = matching_services.run_start(call=open_call, by=staff, enqueue=False)
    run = matching_services.run_execute(run_id=run.pk)
    assert dict(
        Proposal.objects.filter(run=run).values_list(
            "application__official_name", "mission_city__display_name"
        )
    ) == {"Plymouth": "Sofia", "Girona": "Torino"}
    return run, staff


def test_staff_preview_more_places_then_save_as_a_run(
    open_call, one_place_run, live_server, watched_page
):
    page = watched_page
    run, staff = one_place_run
    sign_in(page, live_server, staff)
    page.goto(f"{live_server.url}/admin/matching/matchingrun/{run.pk}/change/")
    page.get_by_role("link", name="What if? Preview changed weights or capacities…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"What if? Preview changes to run {run.pk}"
    )
    assert_accessible(page)

    page.get_by_role("spinbutton", name="Torino:", exact=True).fill("2")
    page.get_by_role("button", name="Preview").click()
    result = page.locator(".what-if-result")
    expect(result.get_by_role("heading", name="Pairs changed (1)")).to_be_visible()
    expect(result.locator(".what-if-changed li")).to_have_text(
        [re.compile(r"Plymouth: Sofia \(\d\.\d{3}\) → Torino \(\d\.\d{3}\)")]
    )
    expect(result.locator(".what-if-first-choice td")).to_have_text(["50 %", "100 %"])
    expect(result.locator(".what-if-matched td")).to_have_text(["2", "2"])
    assert MatchingRun.objects.count() == 1  # a preview saves nothing
    assert_accessible(page)
    page.screenshot(path="/tmp/what-if.png", full_page=True)

    page.get_by_role("button", name="Save as a run").click()
    expect(page.locator("#run-status")).to_have_attribute("data-status", "succeeded")
    new = MatchingRun.objects.exclude(pk=run.pk).get()
    torino = CallMissionCity.objects.get(call=open_call, display_name="Torino")
    assert new.parameters["capacity"][str(torino.pk)] == 2
    assert sorted(
        Proposal.objects.filter(run=new).values_list("mission_city__display_name", flat=True)
    ) == ["Torino", "Torino"]
    assert [e for e in page.errors if "/favicon.ico" not in e] == []  # the admin has none


def test_three_voices_staff_applicant_and_mission_city(
    open_call, one_place_run, live_server, watched_page
):
    page = watched_page
    main = page.get_by_role("main")
    run, staff = one_place_run
    host = UserFactory(email="host@sofia.example")
    MissionCityMembership.objects.create(
        user=host, mission_city=MissionCity.objects.get(name="Sofia")
    )

    # Staff: a readable summary and a rank column; the formula is one click away.
    sign_in(page, live_server, staff)
    page.goto(f"{live_server.url}/admin/matching/matchingrun/{run.pk}/change/")
    row = page.locator("tr.proposal", has_text="Plymouth")
    expect(row.locator("td.rank")).to_have_text("2")
    expect(row.locator("ul.summary li").first).to_have_text("Plymouth ranked Sofia 2nd.")
    expect(row.locator("ul.summary")).to_contain_text(
        "Not Torino (ranked 1st): full, its last place went at"
    )
    formula = row.locator("details")
    assert formula.inner_text().strip() == "Formula"  # closed: only its summary shows
    formula.locator("summary").click()
    expect(formula).to_have_attribute("open", "")
    assert re.search(r"score \d\.\d{3} = ", formula.inner_text())
    assert_accessible(page)

    # Publish Plymouth ↔ Sofia; the e-mails go out in the applicant's and the city's voices.
    plymouth = Proposal.objects.get(run=run, application__official_name="Plymouth")
    matching_services.proposal_decide(proposal=plymouth, decision="approved", by=staff)
    mail.outbox.clear()
    matching_services.run_publish(run=run, by=staff)
    twin_mail = next(m for m in mail.outbox if m.to == ["twin@plymouth.example"])
    assert "You ranked Sofia 2nd." in twin_mail.body
    assert "Torino (your 1st choice) was full" in twin_mail.body
    host_mail = next(m for m in mail.outbox if m.to == ["host@sofia.example"])
    assert "The applicant ranked you 2nd." in host_mail.body

    # The applicant's page: "you".
    twin = UserFactory._meta.model.objects.get(email="twin@plymouth.example")
    page.context.clear_cookies()
    sign_in(page, live_server, twin)
    page.goto(f"{live_server.url}/applications/{plymouth.application_id}/")
    expect(main.get_by_text("You ranked Sofia 2nd.")).to_be_visible()
    expect(main.get_by_text(re.compile(r"Torino \(your 1st choice\) was full"))).to_be_visible()
    assert_accessible(page)

    # The Mission City's pairings page: "the applicant … your action".
    page.context.clear_cookies()
    sign_in(page, live_server, host)
    page.goto(f"{live_server.url}/workspace/sofia/pairings/")
    expect(main.get_by_text("The applicant ranked you 2nd.")).to_be_visible()
    expect(main.get_by_text(re.compile(r"^Your action “.+” answers its need"))).to_be_visible()
    assert_accessible(page)
    assert [e for e in page.errors if "/favicon.ico" not in e] == []  # the admin has none
