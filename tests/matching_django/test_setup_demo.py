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
