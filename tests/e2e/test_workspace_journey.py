"""A Mission City member's journey in the system Chromium (Playwright).

Staff invite a person to Torino's workspace; the person opens the link from the e-mail, signs up,
confirms the address through the link in the confirmation e-mail, comes back to the invitation and
accepts it; browses the applicants, shortlists two and reorders them; then confirms the pairing
staff published. The live server runs in a thread of the test process: e-mails (Celery eager,
after commit) land in `mail.outbox`.

Screenshots of each page go to /tmp/workspace-*.png (1280×900).
"""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from applications.models import ShortlistEntry
from cities.models import MissionCityMembership
from matching.models import Pairing
from tests.builders import city, published_pairing, submitted_application
from tests.e2e.axe import assert_accessible
from tests.factories import UserFactory
from workspace import services

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("/tmp")
EMAIL = "anna.rossi@comune.torino.example"
PASSWORD = "Mole-Antonelliana-1889!"


def shot(page: Page, name: str) -> None:
    """A screenshot of each page of the journey, and axe-core on it (0 serious or critical)."""
    page.screenshot(path=str(SCREENSHOTS / f"workspace-{name}.png"), full_page=True)
    assert_accessible(page)


def test_invited_member_accepts_browses_shortlists_and_confirms_a_pairing(
    call_data, open_call, live_server, watched_page, settings
):
    settings.SITE_URL = live_server.url
    page = watched_page
    main = page.get_by_role("main")
    torino = city(open_call, "Torino")
    staff = UserFactory(email="staff@nzc.example", is_staff=True, is_superuser=True)
    plymouth = submitted_application(open_call, "Plymouth", prefs=("Torino", "Sofia"))
    submitted_application(open_call, "Girona", country="ES", prefs=("Sofia", "Torino"))
    submitted_application(
        open_call, "Graz", country="AT", prefs=("Sofia",), needs=("mobility-transport",)
    )
    published_pairing(plymouth, torino, by=staff)
    mail.outbox.clear()  # the applicants' confirmations

    # Staff invite Anna; the e-mail carries the link.
    services.invitation_create(mission_city=torino.mission_city, email=EMAIL, by=staff)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([EMAIL], "[Twinning] Join the workspace of Torino")
    ]
    link = re.search(r"https?://\S+/workspace/invitations/[0-9a-f-]+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    # The link, signed out: create an account, and come back here afterwards.
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the workspace of Torino")
    shot(page, "00-invitation")
    main.get_by_role("link", name="Create an account").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/\?next=/workspace/invitations/"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("I have read and accept the privacy notice").check()
    main.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    # The confirmation e-mail, its link opened, confirmed: back at the invitation.
    assert [(m.to, m.subject) for m in mail.outbox[1:]] == [
        ([EMAIL], "[Twinning] Please Confirm Your Email Address")
    ]
    confirm = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    assert confirm, mail.outbox[-1].body
    page.goto(confirm.group(0))
    main.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(link.group(0))
    shot(page, "01-accept")
    main.get_by_role("button", name="Accept the invitation").click()

    # The workspace: who chose Torino, and why each fits.
    expect(page).to_have_url(f"{live_server.url}/workspace/torino/")
    expect(page.get_by_role("status").filter(has_text="Welcome")).to_have_text(
        "Welcome to the workspace of Torino."
    )
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Workspace")
    ).to_be_visible()
    ranked = main.get_by_role("table").first
    expect(ranked.locator("tbody tr td:first-child")).to_have_text(["1", "2"])
    expect(ranked.locator("tbody tr td:nth-child(2) a")).to_have_text(["Plymouth", "Girona"])
    expect(ranked.locator("[data-fit-topics]")).to_have_text(["Energy systems", "Energy systems"])
    recommended = main.get_by_role("table").nth(1)
    expect(recommended.locator("tbody tr td:first-child a")).to_have_text(["Graz"])
    shot(page, "02-workspace")

    # A filter, kept in the URL.
    page.get_by_label("Rank they gave you").select_option("2")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"rank=2"))
    expect(main.get_by_role("table").first.locator("tbody tr td:nth-child(2) a")).to_have_text(
        ["Girona"]
    )
    page.get_by_role("link", name="Reset").click()

    # An applicant's page: what they shared, contacts not yet.
    main.get_by_role("link", name="Girona").click()
    expect(main.locator("[data-preference-rank]")).to_have_text("They ranked your city number 2.")
    expect(main.locator("[data-contacts-hidden]")).to_be_visible()
    shot(page, "03-applicant")

    # Shortlist Girona from its page, Plymouth from the list; then put Plymouth first.
    page.get_by_label("Note for the programme team (optional)").fill("Strong on mobility")
    main.get_by_role("button", name="Add to the shortlist").click()
    expect(page.get_by_role("status").filter(has_text="shortlist")).to_have_text(
        "Girona is number 1 on your shortlist."
    )
    main.get_by_role("link", name="Back to the applicants").click()
    main.get_by_role("button", name="Shortlist Plymouth").click()
    expect(page.get_by_role("status").filter(has_text="shortlist")).to_have_text(
        "Plymouth is number 2 on your shortlist."
    )
    page.get_by_role("navigation", name="Workspace sections").get_by_role(
        "link", name="Shortlist"
    ).click()
    items = main.locator("[data-shortlist] > li")
    expect(items.locator("[data-name]")).to_have_text(["Girona", "Plymouth"])
    main.get_by_role("button", name="Move up Plymouth").click()
    expect(items.locator("[data-name]")).to_have_text(["Plymouth", "Girona"])
    expect(items.locator("[data-rank]")).to_have_text(["1", "2"])
    shot(page, "04-shortlist")
    assert list(
        ShortlistEntry.objects.filter(mission_city=torino)
        .order_by("rank")
        .values_list("rank", "application__official_name", "note", "added_by__email")
    ) == [(1, "Plymouth", "", EMAIL), (2, "Girona", "Strong on mobility", EMAIL)]

    # The pairings: Plymouth published, with its contacts; confirm it.
    page.get_by_role("navigation", name="Workspace sections").get_by_role(
        "link", name="Pairings"
    ).click()
    published = main.locator(f"#pairing-{Pairing.objects.get().pk}")
    expect(published.get_by_role("link", name="contact@plymouth.example")).to_be_visible()
    answer = published.get_by_role("group", name="Do you confirm the pairing with Plymouth?")
    answer.get_by_label("We confirm this pairing").check()
    answer.get_by_label("Reason or comment for the programme team").fill("Looking forward!")
    shot(page, "05-pairings")
    answer.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_role("status").filter(has_text="Thank you")).to_have_text(
        "Thank you: you confirmed the pairing. The programme team has been told."
    )
    expect(published.locator("[data-host-confirmation]")).to_have_text("Confirmed")
    expect(published.get_by_role("group")).to_have_count(0)
    shot(page, "06-confirmed")

    pairing = Pairing.objects.get()
    assert (pairing.host_confirmation, pairing.host_reason, pairing.twin_confirmation) == (
        "confirmed",
        "Looking forward!",
        "pending",
    )
    assert MissionCityMembership.objects.filter(
        user__email=EMAIL, mission_city_id=torino.mission_city_id, revoked_at__isnull=True
    ).exists()
    assert [(m.to, m.subject) for m in mail.outbox[2:]] == [
        (["twinning@localhost"], "[Twinning] Torino confirmed the pairing with Plymouth")
    ]
    assert page.errors == []
    assert page.foreign_requests == []
