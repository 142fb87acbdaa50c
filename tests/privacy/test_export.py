import io
import json
import zipfile

import pytest
from django.urls import reverse

from applications.models import OrganisationMember
from privacy import services
from tests.factories import UserFactory

from .conftest import EMAIL, NAME, SECOND_EMAIL, staff_member

pytestmark = pytest.mark.django_db


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_person_export_holds_every_section_as_json_and_csv_and_the_documents(person):
    files = unzip(services.export_person(user=person, by=person))

    data = json.loads(files["data.json"])
    assert list(data) == [
        "account",
        "email_addresses",
        "consents",
        "organisations",
        "applications",
        "documents",
        "pairings",
        "invitations",
        "mission_city_memberships",
        "reviews_written",
        "shortlist_notes",
        "application_trail",
        "audit_entries",
    ]
    assert data["account"][0]["email"] == EMAIL and data["account"][0]["name"] == NAME
    assert sorted(e["email"] for e in data["email_addresses"]) == sorted([EMAIL, SECOND_EMAIL])
    assert [(c["notice"], c["version"]) for c in data["consents"]] == [("Privacy notice", 1)]
    assert data["organisations"][0]["organisation"] == "Gemeente Tilburg"
    [application] = data["applications"]
    assert application["official_name"] == "Gemeente Tilburg"
    assert [r["name"] for r in application["representatives"]] == [NAME, "Bartholomeus Keij"]
    assert "password" not in data["account"][0]
    assert {f"{name}.csv" for name in data} <= set(files)
    [document_file] = [name for name in files if name.startswith("documents/")]
    assert files[document_file].startswith(b"%PDF-")
    assert NAME.encode() in files["applications.csv"]


def test_person_export_holds_nothing_of_someone_else(person):
    other = UserFactory(email="someone.else@example.org", name="Somebody Else")

    data = json.loads(unzip(services.export_person(user=other, by=other))["data.json"])

    assert data["applications"] == [] and data["organisations"] == []
    assert NAME not in json.dumps(data) and EMAIL not in json.dumps(data)


def test_download_my_data_gives_a_zip_of_the_signed_in_person_only(client, person):
    client.force_login(person)

    response = client.post(reverse("account_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    data = json.loads(unzip(response.content)["data.json"])
    assert data["account"][0]["email"] == EMAIL
    assert client.get(reverse("account_export")).status_code == 405


def test_staff_export_needs_the_permission(client, person):
    client.force_login(staff_member())
    url = reverse("privacy_staff_export")

    assert client.post(url, {"email": EMAIL}).status_code == 403

    client.force_login(staff_member("dpo2@netzerocities.example", "export_personal_data"))
    response = client.post(url, {"email": EMAIL.upper()})
    assert response.status_code == 200
    assert json.loads(unzip(response.content)["data.json"])["account"][0]["email"] == EMAIL


def test_staff_export_of_an_organisation_lists_its_members(client, person):
    client.force_login(staff_member("dpo@netzerocities.example", "export_personal_data"))
    organisation = OrganisationMember.objects.get(user=person).organisation

    response = client.post(reverse("privacy_staff_export"), {"organisation": organisation.pk})

    data = json.loads(unzip(response.content)["data.json"])
    assert [m["email"] for m in data["members"]] == [EMAIL]
    assert [a["official_name"] for a in data["applications"]] == ["Gemeente Tilburg"]


def test_staff_export_form_says_what_is_wrong(client, person):
    client.force_login(staff_member("dpo@netzerocities.example", "export_personal_data"))

    neither = client.post(reverse("privacy_staff_export"), {})
    unknown = client.post(reverse("privacy_staff_export"), {"email": "nobody@example.org"})

    assert "Give either an e-mail address or an organisation." in neither.content.decode()
    assert "No account has this e-mail address." in unknown.content.decode()


def test_person_export_holds_the_rows_the_register_links_to_them(person):
    from tests.factories import MessageFactory

    MessageFactory(author=person, body="See you at the site visit in Torino.")

    data = json.loads(unzip(services.export_person(user=person, by=person))["data.json"])

    assert [m["body"] for m in data["pairs.message"]] == ["See you at the site visit in Torino."]
