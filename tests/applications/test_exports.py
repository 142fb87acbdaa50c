"""Exports of 3 applications, compared cell by cell with what was entered."""

import csv
import io

import pytest
from openpyxl import load_workbook

from applications import exports
from applications.models import Application
from tests.matching_django.conftest import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(open_call):
    return [
        submitted(open_call, "Plymouth", "GB", ["Torino", "Sofia"]),
        submitted(open_call, "Łódź Bałuty", "PL", ["Gabrovo"]),
        submitted(open_call, "Θεσσαλονίκη", "GR", ["Sofia", "Torino", "Umeå"]),
    ]


def expected_row(a: Application) -> dict:
    prefs = {p.rank: p for p in a.preferences.select_related("mission_city")}
    return {
        "id": str(a.pk),
        "link": f"http://127.0.0.1:8000/admin/applications/application/{a.pk}/change/",
        "call": "open",
        "official_name": a.official_name,
        "country": a.country.code,
        "authority_type": "municipality",
        "population": "264700",
        "website": "https://www.plymouth.gov.uk/",
        "target_year": "2050",
        "plan_title": "Net Zero Action Plan",
        "plan_url": "https://www.plymouth.gov.uk/net-zero",
        "climate_plans": "secap",
        "hours_per_month": "16",
        "site_visits": "yes",
        "consent_share": "True",
        "representative_1_name": "Ada Lovelace",
        "representative_1_email": "ada@plymouth.example",
        "representative_1_english_level": "C2",
        "representative_2_name": "",
        "learning_topics": "energy-systems",
        "learning_needs": "Energy systems: energy communities",
        "preference_1": prefs[1].mission_city.display_name,
        "preference_1_reason": "r",
        "preference_2": prefs[2].mission_city.display_name if 2 in prefs else "",
        "preference_3": prefs[3].mission_city.display_name if 3 in prefs else "",
        "documents": "Endorsement letter: letter.pdf",
        "status": "submitted",
        "effective_verdict": a.effective_verdict,
    }


def test_csv_export_cell_by_cell(three):
    data = exports.to_csv(Application.objects.filter(pk__in=[a.pk for a in three]).order_by("pk"))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 3
    for row, application in zip(rows, sorted(three, key=lambda a: a.pk), strict=True):
        expected = expected_row(application)
        assert {k: row[k] for k in expected} == expected


def test_xlsx_export_cell_by_cell(three):
    data = exports.to_xlsx(Application.objects.filter(pk__in=[a.pk for a in three]).order_by("pk"))
    sheet = load_workbook(io.BytesIO(data), read_only=True)["applications"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:5] == ["id", "link", "call", "organisation", "official_name"]
    assert "verdict_reasons" in header and "review_scores" in header
    assert len(rows) == 4
    for values, application in zip(rows[1:], sorted(three, key=lambda a: a.pk), strict=True):
        row = {h: ("" if v is None else str(v)) for h, v in zip(header, values, strict=True)}
        expected = expected_row(application)
        assert {k: row[k] for k in expected} == expected
    assert [r[header.index("official_name")] for r in rows[1:]] == [
        "Plymouth",
        "Łódź Bałuty",
        "Θεσσαλονίκη",
    ]


@pytest.mark.parametrize("fmt", ["export_csv", "export_xlsx"])
def test_admin_export_action_on_all_filtered_rows(client, three, fmt):
    from django.urls import reverse

    from tests.factories import UserFactory

    staff = UserFactory(email="boss@nzc.example", is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = reverse("admin:applications_application_changelist") + "?country__exact=GB"
    response = client.post(
        url, {"action": fmt, "select_across": "1", "index": "0", "_selected_action": [three[0].pk]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="applications.')
    if fmt == "export_csv":
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [r["official_name"] for r in rows] == ["Plymouth"]
