"""A reviewer declares a conflict of interest, finds it among their assignments and withdraws
it with a reason; the application is theirs to review again. In the system Chromium, with axe."""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Page, expect

from applications.models import ReviewAssignment
from applications.reviews import services as review_services
from audit.models import AuditEntry
from tests.builders import submitted_application
from tests.e2e.axe import assert_accessible
from tests.e2e.test_staff_review import PASSWORD, sign_in_admin
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_reviewer_withdraws_their_declared_conflict(open_call, live_server, page: Page):
    application = submitted_application(open_call, "Plymouth")
    reviewer = UserFactory(email="reviewer@nzc.example", is_staff=True, password=PASSWORD)
    reviewer.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="applications",
            codename__in=["view_application", "add_review"],
        )
    )
    review_services.review_declare_conflict(
        application=application, reviewer=reviewer, reason="My city"
    )

    sign_in_admin(page, live_server, "reviewer@nzc.example")
    page.goto(live_server.url + "/admin/applications/reviewassignment/")
    expect(page.get_by_role("cell", name="My city")).to_be_visible()
    assert_accessible(page)  # the reviewer's own declarations
    page.get_by_role("checkbox", name="Select this object for an action").last.check()
    page.get_by_label("Action:").select_option(
        label="Withdraw the conflicts of interest (with a reason)…"
    )
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("A withdrawn conflict of interest no longer hides")).to_be_visible()
    assert_accessible(page)  # the reason form
    page.get_by_label("Reason (kept in the history)").fill("Another Plymouth")
    page.get_by_role("button", name="Withdraw").click()

    expect(page.get_by_text("Conflicts of interest withdrawn: 1.")).to_be_visible()
    assignment = ReviewAssignment.objects.get()
    assert (assignment.conflict, assignment.conflict_status) == (False, "withdrawn")
    assert AuditEntry.objects.filter(action="review.withdraw_conflict").get().note == (
        "Another Plymouth"
    )
    page.goto(live_server.url + "/admin/applications/application/")
    expect(page.get_by_role("link", name="Plymouth", exact=False).first).to_be_visible()
