import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from applications.models import Application, Document, Representative
from matching.models import Pairing
from privacy import services
from privacy.models import ErasureRequest
from tests.factories import UserFactory

from .conftest import EMAIL, NAME, SECOND_EMAIL

pytestmark = pytest.mark.django_db(transaction=False)


def scan_database(needles) -> list[str]:
    """Every text column of every table, read with SQL, not through the models."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            description = connection.introspection.get_table_description(cursor, table)
            for column in description:
                cursor.execute(
                    f"SELECT CAST({connection.ops.quote_name(column.name)} AS TEXT) "
                    f"FROM {connection.ops.quote_name(table)}"
                )
                for (value,) in cursor.fetchall():
                    if value is None:
                        continue
                    text = value.lower() if isinstance(value, str) else str(value).lower()
                    found += [f"{table}.{column.name}: {n}" for n in needles if n.lower() in text]
    return found


def scan_files(root, needles) -> list[str]:
    found = []
    for path in root.rglob("*") if root.exists() else []:
        if path.is_file():
            content = path.read_bytes().lower()
            found += [f"{path}: {n}" for n in needles if n.lower().encode() in content]
    return found


@pytest.fixture
def media_root(settings):
    from pathlib import Path

    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


def test_erasure_leaves_none_of_the_persons_strings_in_any_table_or_upload(person, media_root):
    needles = [NAME, EMAIL, SECOND_EMAIL]
    assert scan_database(needles), "the footprint must be there before"
    assert scan_files(media_root, needles), "the uploaded PDF names the person before"

    request = services.erasure_request(user=person)

    assert request.status == ErasureRequest.Status.DONE
    assert scan_database(needles) == []
    assert scan_files(media_root, needles) == []


def test_erasure_keeps_the_statistical_record(person):
    application = person.application

    services.erasure_request(user=person)

    application.refresh_from_db()
    assert (application.official_name, application.country, application.population) == (
        "Gemeente Tilburg",
        "NL",
        224_000,
    )
    assert list(
        Representative.objects.filter(application=application).values_list("name", "email")
    ) == [("[removed]", ""), ("Bartholomeus Keij", "b.keij@tilburg.example")]
    person.refresh_from_db()
    assert (person.is_active, person.name, person.has_usable_password()) == (False, "", False)
    assert person.email == f"erased-{person.pk}@erased.invalid"


def test_erasure_keeps_a_document_another_member_still_needs(person):
    colleague = UserFactory(email="colleague@tilburg.example")
    from applications.models import OrganisationMember

    OrganisationMember.objects.create(
        organisation=person.application.organisation, user=colleague, role="editor"
    )
    document = Document.objects.get(application=person.application)

    services.erasure_request(user=person)

    document.refresh_from_db()
    assert document.uploaded_by is None
    assert document.file.storage.exists(document.file.name)


def test_erasure_waits_for_staff_when_the_organisation_has_a_published_pairing(
    person, django_capture_on_commit_callbacks
):
    application = person.application
    host = application.call.mission_cities.first()
    Pairing.objects.create(call=application.call, application=application, mission_city=host)

    with django_capture_on_commit_callbacks(execute=True):
        request = services.erasure_request(user=person)

    assert request.status == ErasureRequest.Status.WAITING
    assert "published pairing" in request.reason
    person.refresh_from_db()
    assert person.is_active and person.email == EMAIL
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([EMAIL], "We have your request to delete your account")
    ]


def test_staff_confirm_erases_and_refuse_needs_a_reason(person):
    application = person.application
    Pairing.objects.create(
        call=application.call,
        application=application,
        mission_city=application.call.mission_cities.first(),
    )
    staff = UserFactory(email="dpo@netzerocities.example", is_staff=True)
    request = services.erasure_request(user=person)

    with pytest.raises(ValidationError):
        services.erasure_refuse(request=request, by=staff, note="  ")
    services.erasure_confirm(request=request, by=staff)

    request.refresh_from_db()
    person.refresh_from_db()
    assert (request.status, request.decided_by) == (ErasureRequest.Status.DONE, staff)
    assert person.email.endswith("@erased.invalid")
    assert Application.objects.filter(pk=application.pk).exists()
    with pytest.raises(ValidationError):
        services.erasure_confirm(request=request, by=staff)


def test_refusal_tells_the_person_why(person, django_capture_on_commit_callbacks):
    application = person.application
    Pairing.objects.create(
        call=application.call,
        application=application,
        mission_city=application.call.mission_cities.first(),
    )
    staff = UserFactory(email="dpo@netzerocities.example", is_staff=True)
    request = services.erasure_request(user=person)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.erasure_refuse(request=request, by=staff, note="The pairing is still running.")

    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([EMAIL], "About your request to delete your account")
    ]
    assert "The pairing is still running." in mail.outbox[0].body


def test_delete_page_needs_the_password_then_signs_out(client, person):
    client.force_login(person)

    wrong = client.post(reverse("account_delete"), {"password": "nope", "understood": "on"})
    assert wrong.status_code == 200
    assert "This is not your password." in wrong.content.decode()
    assert ErasureRequest.objects.count() == 0

    response = client.post(
        reverse("account_delete"), {"password": "correct-horse-battery", "understood": "on"}
    )
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("account_data")).status_code == 302  # signed out
    person.refresh_from_db()
    assert not person.is_active
