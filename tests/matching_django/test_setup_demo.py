import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from applications.models import Application
from cities.models import Call, MissionCityMembership
from users.models import User

pytestmark = pytest.mark.django_db


def test_setup_demo_creates_an_open_call_accounts_and_applications_once():
    out = StringIO()
    call_command("setup_demo", stdout=out)
    call_command("setup_demo", "--quiet", stdout=StringIO())
    demo = Call.objects.get(slug="demo")
    assert demo.is_open()
    assert demo.mission_cities.count() == 16
    assert Application.objects.filter(call=demo).count() == 60
    emails = [
        "applicant@twinning.example",
        "staff@twinning.example",
        "torino@twinning.example",
        "twin@twinning.example",  # the demo pair's Twin City (pairs.demo)
    ]
    assert sorted(User.objects.values_list("email", flat=True)) == emails
    assert User.objects.get(email="staff@twinning.example").is_superuser
    assert EmailAddress.objects.filter(verified=True).count() == 4
    assert list(MissionCityMembership.objects.values_list("user__email", "mission_city__name")) == [
        ("torino@twinning.example", "Torino")
    ]
    assert "password for all: twinning-demo" in out.getvalue()
    assert User.objects.get(email="applicant@twinning.example").check_password("twinning-demo")


def test_setup_demo_gives_a_twin_city_account_with_a_paired_application(client):
    out = StringIO()
    call_command("setup_demo", stdout=out)
    call_command("setup_demo", "--quiet", stdout=StringIO())  # idempotent

    from matching.models import Pairing

    twin = User.objects.get(email="twin@twinning.example")
    (application,) = Application.objects.filter(organisation__members__user=twin)
    assert (application.official_name, application.status, application.verdict) == (
        "Vila Nova (demo)",
        "paired",
        "eligible",
    )
    assert application.submitted_at is not None
    pairing = Pairing.objects.get(application=application)
    assert (
        pairing.mission_city.display_name,
        pairing.host_confirmation,
        pairing.twin_confirmation,
    ) == ("Torino", "confirmed", "confirmed")
    assert pairing.published_at is not None
    assert Pairing.objects.count() == 1
    assert twin.check_password("twinning-demo")
    printed = out.getvalue()
    assert "  twin@twinning.example        Twin City with a submitted application paired" in (
        printed
    )
    assert "  applicant@twinning.example   Twin City without an application" in printed

    client.force_login(twin)
    html = client.get(f"/applications/{application.pk}/").content.decode()
    assert re.search(r"Your Mission City: Torino\s*</h2>", html)
    assert re.findall(r"data-(host|twin)-confirmation>([^<]+)<", html) == [
        ("host", "Confirmed"),
        ("twin", "Confirmed"),
    ]
    assert 'href="/pairs/' in html
    assert len(application.status_changes.all()) == 2
    assert [p.mission_city.display_name for p in application.preferences.all()] == ["Torino"]


def test_demo_call_texts_follow_their_own_dates():
    call_command("setup_demo", "--quiet", stdout=StringIO())

    for call in Call.objects.filter(slug__in=["demo", "demo-running"]):
        years = {str(call.opens_at.year), str(call.closes_at.year), str(call.programme_start.year)}
        assert "2025" not in call.summary or "2025" in years, call.summary
        assert call.programme_start.strftime("%B %Y") in call.summary
        assert call.closes_at.strftime("%Y") in call.summary
