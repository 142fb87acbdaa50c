"""Staff review an application and ask for more information; the applicant edits and resubmits;
staff export the applications. In the system Chromium."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from applications.models import Application
from cities.models import Call
from cities.services import call_copy
from tests.builders import submitted_application
from tests.e2e.axe import assert_accessible
from tests.e2e.staff import sign_in_staff
from tests.factories import UserFactory

pytestmark = pytest.mark.browser
PASSWORD = "Review-Board-2025!"


def sign_in_admin(page, live_server, email):
    sign_in_staff(page, live_server, email, PASSWORD)


def test_review_request_information_resubmit_and_export(
    call_data, live_server, page: Page, browser: Browser
):
    call = call_copy(
        source=Call.objects.get(slug="2025"),
        slug="open",
        title="Open call",
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=30),
    )
    application = submitted_application(
        call, "Plymouth", country="GB", prefs=["Torino"], email="twin@plymouth.example"
    )
    twin = application.organisation.members.get().user
    twin.set_password(PASSWORD)
    twin.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=twin, email=twin.email, verified=True, primary=True)
    UserFactory(email="reviewer@nzc.example", is_staff=True, is_superuser=True, password=PASSWORD)
    mail.outbox.clear()

    # Staff: assign to self, score, then ask for more information.
    sign_in_admin(page, live_server, "reviewer@nzc.example")
    page.goto(live_server.url + "/admin/applications/application/")
    page.get_by_role("checkbox", name="Select this object for an action - Plymouth").check()
    page.get_by_label("Action:").select_option(label="Assign to me for review")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("Assigned to you: 1.")).to_be_visible()
    assert_accessible(page)  # the changelist
    page.goto(live_server.url + f"/admin/applications/application/{application.pk}/review/")
    for radio in page.locator("input[type=radio][value='4']").all():
        radio.check()
    assert_accessible(page)  # the review page
    page.get_by_label("Comment").fill("Strong commitment.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Your review is saved.")).to_be_visible()

    page.goto(live_server.url + "/admin/applications/application/")
    page.get_by_role("checkbox", name="Select this object for an action - Plymouth").check()
    page.get_by_label("Action:").select_option(label="Ask for more information…")
    page.get_by_role("button", name="Go").click()
    assert_accessible(page)  # the action's form
    page.get_by_label("What information is needed? (sent to the applicant)").fill(
        "Please give the population from the latest census."
    )
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Asked for more information: 1.")).to_be_visible()
    page.goto(live_server.url + f"/admin/applications/application/{application.pk}/change/")
    assert_accessible(page)  # the change page
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["twin@plymouth.example"], "[Twinning] Please complete your application")
    ]

    # Applicant: sees the request, edits and resubmits.
    context = browser.new_context()
    twin_page = context.new_page()
    twin_page.goto(live_server.url + "/accounts/login/")
    twin_page.get_by_label("Email").fill("twin@plymouth.example")
    twin_page.get_by_label("Password").fill(PASSWORD)
    twin_page.get_by_role("button", name="Sign In").click()
    twin_page.goto(live_server.url + f"/applications/{application.pk}/")
    expect(
        twin_page.get_by_text("Please give the population from the latest census.")
    ).to_be_visible()
    twin_page.get_by_role("link", name="Edit your application").click()
    twin_page.get_by_label("Population").fill("266000")
    twin_page.get_by_role("button", name="Save draft").click()
    twin_page.goto(live_server.url + f"/applications/{application.pk}/step/review/")
    twin_page.get_by_role("button", name="Submit the application").click()
    expect(twin_page.locator("[data-status]")).to_have_attribute("data-status", "submitted")
    context.close()
    application.refresh_from_db()
    assert (application.status, application.population) == ("submitted", 266000)
    assert mail.outbox[-1].subject == "[Twinning] Your application was resubmitted"

    # Staff: export everything as CSV; the file has the expected columns and answers.
    page.goto(live_server.url + "/admin/applications/application/")
    page.locator("#action-toggle").check()
    page.get_by_label("Action:").select_option(label="Export as CSV")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Go").click()
    content = download_info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [(r["official_name"], r["population"], r["status"], r["reviews"]) for r in rows] == [
        ("Plymouth", "266000", "submitted", "1")
    ]
    assert {"learning_topics", "preference_1", "verdict_reasons", "review_scores"} <= set(rows[0])
    assert Application.objects.get().status_changes.filter(action="review").count() == 1
