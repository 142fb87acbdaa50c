import datetime as dt

import pytest
from django.utils import timezone

from applications import services
from applications.documents import inspect_pdf
from applications.models import Application, Document
from cities.models import Call, CallMissionCity, Topic
from cities.services import call_copy
from tests.factories import UserFactory

from .pdfs import pdf_upload


@pytest.fixture
def open_call(db):
    return call_copy(
        source=Call.objects.get(slug="2025"),
        slug="open",
        title="Open call",
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=30),
    )


@pytest.fixture
def applicant(db):
    return UserFactory(email="officer@plymouth.example")


@pytest.fixture
def draft(open_call, applicant):
    organisation = services.organisation_start(user=applicant, name="Plymouth", country="GB")
    return services.application_start(organisation=organisation, call=open_call, by=applicant)


def complete(application: Application, user, *, name="Plymouth", country="GB", target_year=2050):
    """Fill every answer through the services, as the steps do."""
    services.application_update(
        application=application,
        data={
            "official_name": name,
            "country": country,
            "authority_type": "municipality",
            "population": 264_700,
            "website": "https://www.plymouth.gov.uk/",
            "target_year": target_year,
            "plan_title": "Net Zero Action Plan",
            "plan_year": 2019,
            "plan_url": "https://www.plymouth.gov.uk/net-zero",
            "climate_plans": ["secap"],
            "hours_per_month": 16,
            "site_visits": "yes",
            "consent_share": True,
            "consent_privacy": True,
        },
        by=user,
    )
    services.application_set_representatives(
        application=application,
        rows=[
            {
                "name": "Ada Lovelace",
                "role": "Climate officer",
                "email": "ada@plymouth.example",
                "english_level": "C2",
            }
        ],
        by=user,
    )
    services.application_set_learning_needs(
        application=application,
        rows=[{"topic": Topic.objects.get(slug="energy-systems"), "text": "Energy communities"}],
        by=user,
    )
    services.application_set_preferences(
        application=application,
        rows=[
            {
                "mission_city": CallMissionCity.objects.get(
                    call=application.call, mission_city__name="Torino"
                ),
                "reason": "Energy communities",
            }
        ],
        by=user,
    )
    upload = pdf_upload()
    services.document_store(
        application=application,
        kind=Document.Kind.ENDORSEMENT,
        upload=upload,
        info=inspect_pdf(upload),
        by=user,
    )
    application.refresh_from_db()
    return application


@pytest.fixture
def complete_draft(draft, applicant):
    return complete(draft, applicant)
