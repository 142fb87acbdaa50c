"""Exports of 3 applications, compared cell by cell with what was entered."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications import exports
from applications.models import Application
from applications.reviews import services as review_services
from cities.models import Topic
from tests.builders import submitted_application
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# name: (country, preferences, the verdict judged at submission, the Mission City it resembles)
ENTERED = {
    "Plymouth": ("GB", ["Torino", "Sofia"], "eligible", ""),
    "Łódź Bałuty": ("PL", ["Gabrovo"], "needs_review", "Łódź"),
    "Θεσσαλονίκη": ("GR", ["Sofia", "Torino", "Umeå"], "ineligible", ""),
}


@pytest.fixture
def three(open_call, staff):
    made = [
        submitted_application(open_call, name, country=country, prefs=prefs)
        for name, (country, prefs, _verdict, _resembles) in ENTERED.items()
    ]
    review_services.review_assign(application=made[0], reviewer=staff, by=staff)
    criteria = review_services.review_setup(call=open_call)
    review_services.review_submit(
        application=made[0],
        reviewer=staff,
        scores={c.pk: score for c, score in zip(criteria, [1, 2, 3, 4], strict=True)},
        comment="Solid",
    )
    return [Application.objects.get(pk=a.pk) for a in made]


def expected_row(a: Application, *, staff, xlsx: bool) -> dict:
    """Every column, from what the builder entered (and the stored judgement and review)."""
    name = a.official_name
    country, prefs, verdict, resembles = ENTERED[name]
    slug = name.lower().replace(" ", "")
    topic = dict(Topic.objects.values_list("slug", "name"))
    reviewed = name == "Plymouth"
    row = {
        "id": str(a.pk),
        "link": f"http://127.0.0.1:8000/admin/applications/application/{a.pk}/change/",
        "call": "open",
        "organisation": name,
        "official_name": name,
        "country": country,
        "authority_type": "municipality",
        "population": "264700",
        "website": f"https://www.{slug}.example/",
        "target_year": "2050",
        "plan_title": f"{name} Climate Plan",
        "plan_year": "2020",
        "plan_url": f"https://www.{slug}.example/plan",
        "climate_plans": "secap",
        "climate_plans_other": "",
        "hours_per_month": "16",
        "site_visits": "yes",
        "consent_share": "True",
        "consent_privacy": "True",
        "representative_1_name": f"Officer of {name}",
        "representative_1_role": "Climate officer",
        "representative_1_email": f"contact@{slug}.example",
        "representative_1_english_level": "C1",
        "representative_2_name": "",
        "representative_2_role": "",
        "representative_2_email": "",
        "representative_2_english_level": "",
        "learning_topics": "energy-systems",
        "learning_needs": f"{topic['energy-systems']}: Learn energy-systems",
        "share_topics": "built-environment",
        "shares": f"{topic['built-environment']}: Share built-environment",
        "documents": "Endorsement letter: letter.pdf",
        "verdict": verdict,
        "verdict_reasons": "\n".join(
            f"{'✔' if r['passed'] else '✘'} {r['message']}" for r in a.verdict_reasons
        ),
        "resembles": resembles,
        "verdict_override": "",
        "verdict_override_reason": "",
        "effective_verdict": verdict,
        "status": "submitted",
        "submitted_at": a.submitted_at.isoformat(),
        "reviews": "1" if reviewed else "0",
        "review_mean_total": ("10" if xlsx else "10.00") if reviewed else "",
        "review_scores": (
            f"{staff.pk}: relevance 1, commitment 2, replication 3, motivation 4"
            if reviewed
            else ""
        ),
    }
    for rank in (1, 2, 3):
        city = prefs[rank - 1] if rank <= len(prefs) else ""
        row[f"preference_{rank}"] = city
        row[f"preference_{rank}_reason"] = f"{name} likes {city}" if city else ""
    return row


def test_csv_export_cell_by_cell(three, staff):
    data = exports.to_csv(Application.objects.filter(pk__in=[a.pk for a in three]).order_by("pk"))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 3
    for row, application in zip(rows, sorted(three, key=lambda a: a.pk), strict=True):
        assert row == expected_row(application, staff=staff, xlsx=False)


def test_xlsx_export_cell_by_cell(three, staff):
    data = exports.to_xlsx(Application.objects.filter(pk__in=[a.pk for a in three]).order_by("pk"))
    sheet = load_workbook(io.BytesIO(data), read_only=True)["applications"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert len(header) == len(set(header)) == 49
    assert len(rows) == 4
    for values, application in zip(rows[1:], sorted(three, key=lambda a: a.pk), strict=True):
        row = {h: ("" if v is None else str(v)) for h, v in zip(header, values, strict=True)}
        assert row == expected_row(application, staff=staff, xlsx=True)


@pytest.mark.parametrize("fmt", ["export_csv", "export_xlsx"])
def test_admin_export_action_on_all_filtered_rows(client, three, fmt):

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


def test_xlsx_export_drops_control_characters(open_call):
    application = submitted_application(open_call, "Plymouth")
    Application.objects.filter(pk=application.pk).update(plan_title="Line one\x0bline two")
    data = exports.to_xlsx(Application.objects.filter(pk=application.pk))
    sheet = load_workbook(io.BytesIO(data))["applications"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("plan_title") + 1).value == "Line one line two"


def test_exports_keep_formulas_as_text(open_call):
    application = submitted_application(open_call, "Plymouth")
    Application.objects.filter(pk=application.pk).update(
        official_name='=HYPERLINK("http://evil.example","x")'
    )
    queryset = Application.objects.filter(pk=application.pk)
    row = next(csv.DictReader(io.StringIO(exports.to_csv(queryset).decode("utf-8-sig"))))
    assert row["official_name"] == '\'=HYPERLINK("http://evil.example","x")'
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(queryset)))["applications"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("official_name") + 1)
    assert (cell.data_type, cell.value) == ("s", '\'=HYPERLINK("http://evil.example","x")')
