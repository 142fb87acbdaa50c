"""The applications admin (applications/admin/): changelist filters."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["?preferred=abc", "?call__id__exact=abc", "?preferred=999999"])
def test_admin_application_filters_with_garbage(client, superuser, query):
    client.force_login(superuser)
    response = client.get(reverse("admin:applications_application_changelist") + query)
    assert response.status_code in (200, 302)


def test_change_page_form_with_its_read_only_inlines_saves_a_staff_verdict(
    client, superuser, open_call
):
    """The page's own form, posted back as a browser would (the inlines' hidden counts and row
    ids included), overrides the verdict."""
    import html.parser

    from tests.builders import submitted_application

    application = submitted_application(open_call, "Plymouth", prefs=["Torino", "Sofia"])
    client.force_login(superuser)
    url = reverse("admin:applications_application_change", args=[application.pk])
    page = client.get(url).content.decode()

    class Inputs(html.parser.HTMLParser):
        data: dict = {}

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and attrs.get("type") == "hidden" and "name" in attrs:
                self.data[attrs["name"]] = attrs.get("value", "")

    parser = Inputs()
    parser.data = {}
    parser.feed(page)
    assert parser.data["preferences-TOTAL_FORMS"] == "2"
    assert parser.data["preferences-INITIAL_FORMS"] == "2"
    response = client.post(
        url,
        {
            **parser.data,
            "verdict_override": "ineligible",
            "verdict_override_reason": "Population checked by phone",
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    application.refresh_from_db()
    assert (application.verdict_override, application.verdict_override_reason) == (
        "ineligible",
        "Population checked by phone",
    )


def test_changelist_rows_written_in_python_are_djangos_rows(client, superuser, open_call):
    """The list's rows (applications/templatetags/admin_quick.py) are the HTML of Django's
    items_for_result: the checkbox, the link with the preserved filters, each column's class,
    choices, dates, numbers, empty values and escaping; sorted and filtered too."""
    from django.contrib.admin.templatetags.admin_list import results
    from django.test.html import parse_html

    from applications.templatetags.admin_quick import _quick_rows
    from tests.builders import draft_application, submitted_application
    from tests.factories.applications import ReviewFactory

    submitted = submitted_application(open_call, "Plymouth", prefs=["Torino", "Sofia"])
    submitted.verdict_override = "ineligible"
    submitted.save(update_fields=["verdict_override"])
    ReviewFactory(application=submitted)
    odd = draft_application(open_call, 'Brest & "Quimper" <b>', country="FR")
    odd.target_year = 2031
    odd.save(update_fields=["target_year"])
    client.force_login(superuser)
    url = reverse("admin:applications_application_changelist")
    for query in ("", "?o=-3.2", f"?call__id__exact={open_call.pk}&q=e"):
        response = client.get(url + query)
        cl = response.context["cl"]
        django_rows = ["".join(row) for row in results(cl)]
        assert len(django_rows) == 2
        quick_rows = ["".join(row) for row in _quick_rows(cl)]
        assert [parse_html(row) for row in quick_rows] == [parse_html(row) for row in django_rows]
        assert quick_rows == django_rows  # the very same text, not only the same elements
        for row in django_rows:
            client_html = f"<tr>{row}</tr>"
            assert parse_html(client_html) in parse_html(response.content.decode())
