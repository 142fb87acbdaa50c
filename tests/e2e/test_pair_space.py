"""Life after the match in the system Chromium (Playwright): a Twin City member and a Mission City
member exchange a message and a document, record a site visit, submit and comment a version of
the replication plan; staff see it in the cohort view. axe-core on every page (0 serious or
critical). Screenshots go to /tmp/pairs-*.png."""

import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, expect

from pairs.models import Meeting, Message, PairDocument, PlanFeedback, PlanVersion
from tests.applications.pdfs import pdf_bytes
from tests.factories import UserFactory
from tests.pairs.helpers import days, make_pair, plan_template

from .axe import assert_accessible
from .conftest import VIEWPORT

pytestmark = pytest.mark.browser


def signed_in(browser: Browser, live_server, user):
    """A browser page of its own, signed in as `user` (session cookie from Django's test client)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=VIEWPORT)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    return page


def visit(page, url, name):
    page.goto(url)
    check(page, name)


def check(page, name):
    page.screenshot(path=f"/tmp/pairs-{name}.png", full_page=True)
    assert_accessible(page)


def test_twin_and_host_work_together_and_staff_follow(
    call_data, open_call, live_server, browser: Browser, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    open_call.programme_start = timezone.localdate() - days(100)
    open_call.save()
    plan_template(open_call)
    pair, twin, host = make_pair(open_call)
    staff = UserFactory(email="staff@nzc.example", is_staff=True, is_superuser=True)
    base = f"{live_server.url}/pairs/{pair.pk}"
    pdf = tmp_path / "workshop-notes.pdf"
    pdf.write_bytes(pdf_bytes(2))

    # The Twin City: the space, a message, a document.
    t = signed_in(browser, live_server, twin)
    visit(t, live_server.url + "/pairs/", "00-list")
    t.get_by_role("link", name=re.compile("Plymouth")).click()
    expect(t.get_by_role("heading", level=1)).to_have_text("Plymouth ↔ Torino")
    expect(t.get_by_role("heading", name="Kick-off meeting")).to_be_visible()
    check(t, "01-detail")
    t.get_by_role("link", name="Messages").click()
    t.get_by_label("Your message").fill("Hello Torino, shall we plan the site visit?")
    t.get_by_role("button", name="Send").click()
    expect(t.get_by_text("Your message is sent.")).to_be_visible()
    check(t, "02-messages")
    t.get_by_role("link", name="Documents").click()
    t.get_by_label("Title").fill("Workshop notes")
    t.get_by_label("PDF file (at most 10 MB)").set_input_files(str(pdf))
    t.get_by_role("button", name="Share the document").click()
    expect(t.get_by_text("The document is shared with the pair.")).to_be_visible()
    check(t, "03-documents")

    # The Mission City: reads and replies, downloads the document, records the site visit.
    h = signed_in(browser, live_server, host)
    visit(h, base + "/messages/", "04-host-messages")
    expect(h.get_by_text("Hello Torino, shall we plan the site visit?")).to_be_visible()
    h.get_by_label("Your message").fill("Yes: come on 14 May.")
    h.get_by_role("button", name="Send").click()
    expect(h.get_by_text("Yes: come on 14 May.")).to_be_visible()
    visit(h, base + "/documents/", "05-host-documents")
    with h.expect_download() as download:
        h.get_by_role("link", name="Workshop notes").click()
    assert download.value.suggested_filename == "workshop-notes.pdf"
    h.get_by_role("link", name="Meetings and site visits").click()
    check(h, "06-meetings")
    h.get_by_role("radio", name="Site visit").check()
    h.get_by_label("Date").fill("2026-05-14")
    h.get_by_role("radio", name="On site").check()
    h.get_by_label("City (on site)").fill("Torino")
    h.get_by_label("Participants").fill("Anna Rossi (Torino)\nBen Hall (Plymouth)")
    h.get_by_label("Short record").fill("District heating plant and the energy agency.")
    h.get_by_label("Travel plan (site visit)").fill("Plymouth team by train on 13 May.")
    h.get_by_role("button", name="Record").click()
    expect(h.get_by_text("The meeting is recorded.")).to_be_visible()
    check(h, "07-meeting-recorded")

    # The Twin City submits version 1 of its replication plan; the Mission City comments it.
    visit(t, base + "/plan/", "08-plan")
    t.get_by_label("Summary of this version").fill("Heat network feasibility study in 2026.")
    t.get_by_role("button", name="Submit this version").click()
    expect(t.get_by_role("heading", name=re.compile("Version 1"))).to_be_visible()
    visit(h, base + "/plan/", "09-host-plan")
    h.get_by_label("Your feedback on this version").fill("Add a budget and a timeline.")
    h.get_by_role("button", name="Send feedback").click()
    expect(h.get_by_text("Add a budget and a timeline.")).to_be_visible()
    check(h, "10-feedback")
    visit(t, base + "/survey/", "11-survey")
    visit(t, live_server.url + "/pairs/notifications/", "12-notifications")

    # Staff: the cohort view shows the site visit held and the plan submitted.
    s = signed_in(browser, live_server, staff)
    visit(s, live_server.url + f"/staff/pairs/?call={open_call.slug}", "13-cohort")
    row = s.get_by_role("row", name=re.compile("Plymouth ↔ Torino"))
    expect(row).to_contain_text("0/4")
    expect(row.get_by_role("cell").nth(3)).to_have_text("yes")  # site visit held
    expect(row.get_by_role("cell").nth(4)).to_have_text("yes")  # plan submitted
    visit(s, live_server.url + f"/staff/pairs/outcomes/?call={open_call.slug}", "14-outcomes")
    visit(s, base + "/", "15-staff-detail")

    assert list(Message.objects.values_list("side", flat=True)) == ["twin", "host"]
    assert list(PairDocument.objects.values_list("title", "side")) == [("Workshop notes", "twin")]
    assert list(Meeting.objects.values_list("kind", "city")) == [("site_visit", "Torino")]
    assert list(PlanVersion.objects.values_list("number", flat=True)) == [1]
    assert list(PlanFeedback.objects.values_list("body", flat=True)) == [
        "Add a budget and a timeline."
    ]
    assert t.errors == h.errors == s.errors == []
