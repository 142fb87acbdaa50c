"""Bad input found in the browser walk-through: each gives a clear answer, never a 500."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications import exports
from applications.models import Application
from tests.applications.conftest import applicant, draft, open_call  # noqa: F401
from tests.factories import UserFactory
from tests.workspace.helpers import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@nzc.example", is_staff=True, is_superuser=True)


def test_overlong_invitation_address_is_a_message(client, draft, applicant):  # noqa: F811
    client.force_login(applicant)
    response = client.post(
        reverse("organisation_invite"), {"email": "a" * 250 + "@example.org"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Enter a valid e-mail address to invite a colleague."
    ]


def test_xlsx_export_drops_control_characters(open_call):  # noqa: F811
    application = submitted(open_call, "Plymouth")
    Application.objects.filter(pk=application.pk).update(plan_title="Line one\x0bline two")
    data = exports.to_xlsx(Application.objects.filter(pk=application.pk))
    sheet = load_workbook(io.BytesIO(data))["applications"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("plan_title") + 1).value == "Line one line two"


@pytest.mark.parametrize("query", ["?preferred=abc", "?call__id__exact=abc", "?preferred=999999"])
def test_admin_application_filters_with_garbage(client, superuser, query):
    client.force_login(superuser)
    response = client.get(reverse("admin:applications_application_changelist") + query)
    assert response.status_code in (200, 302)


def test_admin_run_page_with_a_non_integer_id(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/matching/matchingrun/abc/change/")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_catalogue_history_restore_gets_the_whole_page(client, db):
    response = client.get(
        reverse("catalogue"),
        {"topic": "energy-systems"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert b"<html" in response.content
    assert "HX-Request" in response["Vary"]
