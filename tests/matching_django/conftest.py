import pytest

from applications import services as app_services
from applications.models import Application
from cities.models import CallMissionCity, Topic
from tests.applications.conftest import applicant, complete, draft, open_call  # noqa: F401
from tests.factories import UserFactory


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@nzc.example", is_staff=True, is_superuser=True)


def submitted(call, name, country, prefs, topic="energy-systems", email=None):
    """A complete, submitted application to `call` ranking the named Mission Cities."""
    user = UserFactory(email=email or f"{name.lower().replace(' ', '')}@example.org")
    organisation = app_services.organisation_start(user=user, name=name, country=country)
    application = app_services.application_start(organisation=organisation, call=call, by=user)
    complete(application, user, name=name, country=country)
    app_services.application_set_learning_needs(
        application=application,
        rows=[{"topic": Topic.objects.get(slug=topic), "text": "energy communities"}],
        by=user,
    )
    app_services.application_set_preferences(
        application=application,
        rows=[
            {"mission_city": CallMissionCity.objects.get(call=call, display_name=c), "reason": "r"}
            for c in prefs
        ],
        by=user,
    )
    result = app_services.application_submit(application=application, by=user)
    assert result.submitted, result.message
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def three_applicants(open_call):  # noqa: F811
    return [
        submitted(open_call, "Plymouth", "GB", ["Torino", "Sofia"]),
        submitted(open_call, "Bergamo", "IT", ["Torino", "Gabrovo"]),
        submitted(open_call, "Girona", "ES", ["Torino"]),
    ]
