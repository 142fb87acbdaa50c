"""A person with a footprint in every corner of the portal, for the export and erasure tests."""

import datetime as dt
import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfWriter

from applications import services as app_services
from applications.documents import inspect_pdf
from applications.models import Document, ShortlistEntry, StatusChange
from cities.models import Call, CallMissionCity
from cities.services import call_copy
from tests.factories import UserFactory
from users.consents import consent_record
from users.models import ConsentRecord, Notice

NAME = "Quirina Vandersloot"
EMAIL = "q.vandersloot@tilburg.example"
SECOND_EMAIL = "quirina.private@mail.example"


def pdf_naming(author: str) -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Author": author, "/Title": f"Letter signed by {author}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("letter.pdf", buffer.getvalue(), content_type="application/pdf")


def staff_member(email: str = "dpo@netzerocities.example", *codenames: str):
    """A staff member who accepted the current notices, with these permissions."""
    from django.contrib.auth.models import Permission

    staff = UserFactory(email=email, is_staff=True)
    consent_record(user=staff, kind=Notice.Kind.PRIVACY, source=ConsentRecord.Source.SIGNUP)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return staff


@pytest.fixture
def notices(db):
    call_command("load_notices", stdout=io.StringIO())
    return {n.kind: n for n in Notice.objects.all()}


@pytest.fixture
def open_call(db):
    return call_copy(
        source=Call.objects.get(slug="2025"),
        slug="privacy-open",
        title="Open call",
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=30),
    )


@pytest.fixture
def person(notices, open_call):
    """The person, the only member of their organisation, with an application naming them."""
    user = UserFactory(email=EMAIL, name=NAME)
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    EmailAddress.objects.create(user=user, email=SECOND_EMAIL, verified=True, primary=False)
    consent_record(user=user, kind=Notice.Kind.PRIVACY, source=ConsentRecord.Source.SIGNUP)
    organisation = app_services.organisation_start(user=user, name="Tilburg", country="NL")
    application = app_services.application_start(organisation=organisation, call=open_call, by=user)
    app_services.application_update(
        application=application,
        data={"official_name": "Gemeente Tilburg", "population": 224_000, "target_year": 2045},
        by=user,
    )
    app_services.application_set_representatives(
        application=application,
        rows=[
            {"name": NAME, "role": "Climate officer", "email": EMAIL, "english_level": "C1"},
            {
                "name": "Bartholomeus Keij",
                "role": "Energy advisor",
                "email": "b.keij@tilburg.example",
                "english_level": "B2",
            },
        ],
        by=user,
    )
    upload = pdf_naming(NAME)
    app_services.document_store(
        application=application,
        kind=Document.Kind.ENDORSEMENT,
        upload=upload,
        info=inspect_pdf(upload),
        by=user,
    )
    host = CallMissionCity.objects.filter(call=open_call).first()
    ShortlistEntry.objects.create(
        mission_city=host, application=application, rank=1, note=f"Call {NAME} first"
    )
    StatusChange.objects.create(
        application=application,
        to_status=application.status,
        note=f"Phoned {NAME} ({EMAIL}) about the plan",
        internal=True,
    )
    LogEntry.objects.create(
        user=UserFactory(email="staff.privacy@example.org", is_staff=True),
        content_type=ContentType.objects.get_for_model(user),
        object_id=str(user.pk),
        object_repr=f"{NAME} <{EMAIL}>",
        action_flag=CHANGE,
        change_message=f"Changed name of {NAME}",
    )
    user.application = application
    return user
