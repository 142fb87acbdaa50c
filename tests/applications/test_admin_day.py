"""The applications admin for a reviewer's day: key columns first, the country filter lists only
countries present, European dates, no raw JSON on the change page."""

import pytest
from django.urls import reverse

from applications import services
from tests.builders import fill_application
from tests.factories import UserFactory


def complete(application, user, *, target_year=2050):
    """Every answer given through the services (tests.builders), on this same object."""
    fill_application(application, by=user, target_year=target_year)
    application.refresh_from_db()
    return application


pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_changelist_key_columns_first_and_countries_present_only(staff_client, draft, applicant):
    complete(draft, applicant)
    services.application_submit(application=draft, by=applicant)
    response = staff_client.get(reverse("admin:applications_application_changelist"))
    cl = response.context["cl"]
    assert list(cl.list_display)[1:4] == ["official_name", "status", "effective_verdict_display"]
    country_filter = next(
        f for f in cl.filter_specs if getattr(f, "parameter_name", "") == "country"
    )
    assert country_filter.lookup_choices == [("GB", "United Kingdom")]


def test_change_page_shows_words_not_json_and_european_dates(staff_client, draft, applicant):
    complete(draft, applicant)
    services.application_submit(application=draft, by=applicant)
    draft.refresh_from_db()
    html = staff_client.get(
        reverse("admin:applications_application_change", args=[draft.pk])
    ).content.decode()
    assert '"rule":' not in html and "[&quot;secap&quot;]" not in html
    assert "Sustainable Energy and Climate Action Plan (SECAP)" in html
    from django.utils import formats, timezone

    shown = timezone.localtime(draft.submitted_at)  # the admin shows the portal's time zone
    assert shown.strftime("%Y") in html
    assert formats.date_format(shown, "DATETIME_FORMAT").split(",")[0] in html
    assert formats.get_format("SHORT_DATE_FORMAT") == "d/m/Y"


def test_staff_undo_a_withdrawal_from_the_admin_after_the_deadline(staff_client, draft, applicant):
    import datetime as dt

    from django.utils import timezone

    from applications.models import Application, StatusChange

    services.application_withdraw(application=draft, by=applicant, reason="")
    draft.call.closes_at = timezone.now() - dt.timedelta(days=1)
    draft.call.opens_at = timezone.now() - dt.timedelta(days=30)
    draft.call.save()
    url = reverse("admin:applications_application_changelist")
    response = staff_client.post(
        url,
        {
            "action": "restore_withdrawn",
            "_selected_action": [draft.pk],
            "apply": "1",
            "reason": "Withdrawn by mistake, says the mayor's office",
        },
        follow=True,
    )
    assert "Withdrawals undone: 1." in [str(m) for m in response.context["messages"]]
    assert Application.objects.get(pk=draft.pk).status == "draft"
    last = StatusChange.objects.filter(application=draft).last()
    assert last.note == "Withdrawal undone by staff: Withdrawn by mistake, says the mayor's office"
