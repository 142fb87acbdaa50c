"""The registry of former Twin and Pilot Cities: seeded with sourced rows, kept by staff in the
admin with a CSV import, and used by calls that exclude former participants."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cities import services
from cities.eligibility import Candidate
from cities.models import Call, FormerParticipant
from cities.selectors import eligibility_verdict
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seeded_rows_each_name_their_public_source():
    rows = list(FormerParticipant.objects.values_list("name", "country", "kind", "source_url"))
    assert sorted((n, str(c), k) for n, c, k, _s in rows) == [
        ("Amersfoort", "NL", "twin"),
        ("Chalkida", "GR", "twin"),
        ("Fuenlabrada", "ES", "twin"),
        ("Jakobstad", "FI", "pilot"),
        ("Jyväskylä", "FI", "pilot"),
        ("Milton Keynes", "GB", "twin"),
        ("Plymouth", "GB", "twin"),
    ]
    assert all(s.startswith("https://netzerocities.eu/") for *_x, s in rows)


def test_a_call_excluding_former_participants_refuses_jyvaskyla():
    call = Call.objects.get(slug="2025")
    call.excludes_former_participants = True
    verdict = eligibility_verdict(
        call=call,
        candidate=Candidate(
            name="Jyvaskyla", country="FI", authority_type="municipality", target_year=2040
        ),
    )
    assert verdict.verdict == "ineligible"
    assert verdict.reasons[-1].message == (
        "Jyväskylä took part before as a Twin or Pilot City, and this call is not open to "
        "former participants."
    )


def test_empty_registry_says_the_check_was_not_made():
    FormerParticipant.objects.all().delete()
    call = Call.objects.get(slug="2025")
    call.excludes_former_participants = True
    verdict = eligibility_verdict(
        call=call,
        candidate=Candidate(
            name="Jyväskylä", country="FI", authority_type="municipality", target_year=2040
        ),
    )
    assert verdict.verdict == "needs_review"
    assert "was not checked" in verdict.reasons[-1].message


def test_import_creates_and_updates_rows():
    report = services.former_participants_import(
        rows=[
            {
                "name": "Exeter",
                "country": "gb",
                "kind": "twin",
                "source_url": "https://example.org/a",
            },
            {
                "name": "Plymouth",
                "country": "GB",
                "kind": "twin",
                "cohort": "2024 (cohort 2)",
                "paired_with": "Lund",
                "source_url": "https://example.org/b",
            },
        ]
    )
    assert (report.created, report.updated) == (
        {"former Twin and Pilot Cities": 1},
        {"former Twin and Pilot Cities": 1},
    )
    assert FormerParticipant.objects.get(name="Plymouth").source_url == "https://example.org/b"


def test_import_refuses_every_row_when_one_is_bad():
    with pytest.raises(ValidationError) as exc:
        services.former_participants_import(
            rows=[
                {"name": "Exeter", "country": "GB", "kind": "twin", "source_url": "https://x.org"},
                {"name": "Nowhere", "country": "GB", "kind": "mayor", "source_url": ""},
            ]
        )
    assert exc.value.messages == [
        "Line 3: kind: Value 'mayor' is not a valid choice. source_url: This field cannot be blank."
    ]
    assert not FormerParticipant.objects.filter(name="Exeter").exists()


def test_admin_csv_import(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:cities_formerparticipant_import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile(
        "former.csv",
        b"name,country,kind,cohort,paired_with,source_url,source_note\n"
        b"Exeter,GB,twin,2023,,https://example.org/exeter,\n",
        content_type="text/csv",
    )
    response = client.post(url, {"file": upload}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Imported: 1 former Twin and Pilot Cities created."
    ]
    assert FormerParticipant.objects.filter(name="Exeter", kind="twin").exists()


def test_admin_import_is_refused_to_non_staff(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:cities_formerparticipant_import"))
    assert response.status_code == 302
