import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pairs import services
from pairs.models import Message, Pair, PairDocument, PlanVersion
from tests.applications.pdfs import pdf_upload
from tests.builders import staff_member
from tests.factories import UserFactory

from .helpers import make_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    """The programme team: reads and writes in every pair space."""
    return staff_member("staff@nzc.example", "pairs.view_pair", "pairs.change_pair")


def test_twin_posts_a_message_and_host_reads_it(client, pair_world):
    pair, twin, host = pair_world
    client.force_login(twin)
    url = reverse("pair_messages", args=[pair.pk])
    response = client.post(url, {"body": "Shall we meet on 3 March?"})
    assert (response.status_code, response["Location"]) == (302, url)
    client.force_login(host)
    page = client.get(url)
    assert "Shall we meet on 3 March?" in page.content.decode()
    assert list(Message.objects.values_list("side", "body")) == [
        ("twin", "Shall we meet on 3 March?")
    ]


def test_empty_message_gives_the_error_summary(client, pair_world):
    pair, twin, _host = pair_world
    client.force_login(twin)
    response = client.post(reverse("pair_messages", args=[pair.pk]), {"body": ""})
    assert response.status_code == 400
    assert response.context["errors"] == [("id_body", "Your message: This field is required.")]


def test_document_upload_is_checked_by_content(client, pair_world):
    pair, twin, _host = pair_world
    client.force_login(twin)
    url = reverse("pair_documents", args=[pair.pk])
    fake = io.BytesIO(b"MZ not a pdf")
    fake.name = "evil.pdf"
    response = client.post(url, {"title": "Evil", "file": fake})
    assert response.status_code == 400
    assert PairDocument.objects.count() == 0
    response = client.post(url, {"title": "Workshop notes", "file": pdf_upload("notes.pdf")})
    assert response.status_code == 302
    assert list(PairDocument.objects.values_list("title", "side", "original_name")) == [
        ("Workshop notes", "twin", "notes.pdf")
    ]


def test_document_is_never_served_outside_the_pair(client, open_call, pair_world):
    pair, twin, host = pair_world
    upload = pdf_upload()
    from applications.documents import inspect_pdf

    document = services.document_share(
        pair=pair, upload=upload, info=inspect_pdf(upload), title="Notes", by=twin
    )
    other_pair, other_twin, other_host = make_pair(
        open_call, "Girona", "Sofia", country="ES", host_email="m@sofia.example"
    )
    url = reverse("pair_document_download", args=[pair.pk, document.pk])
    wrong_pair_url = reverse("pair_document_download", args=[other_pair.pk, document.pk])
    for user, expected in [(twin, 200), (host, 200), (other_twin, 404), (other_host, 404)]:
        client.force_login(user)
        response = client.get(url)
        if response.status_code == 200:
            b"".join(response.streaming_content)
        assert response.status_code == expected, user
    client.force_login(other_twin)  # its own pair, someone else's document
    assert client.get(wrong_pair_url).status_code == 404


def test_site_visit_is_recorded_with_its_travel_plan(client, pair_world):
    pair, _twin, host = pair_world
    client.force_login(host)
    response = client.post(
        reverse("pair_meetings", args=[pair.pk]),
        {
            "kind": "site_visit",
            "date": "2025-05-14",
            "format": "on_site",
            "city": "Torino",
            "participants": "Anna (Torino)\nBen (Plymouth)",
            "record": "Visited the district heating plant.",
            "travel_plan": "Plymouth team by train on 13 May.",
        },
    )
    assert response.status_code == 302
    meeting = pair.meetings.get()
    assert (meeting.kind, meeting.city, meeting.travel_plan) == (
        "site_visit",
        "Torino",
        "Plymouth team by train on 13 May.",
    )


def test_plan_version_and_feedback_through_the_pages(client, pair_world):
    pair, twin, host = pair_world
    client.force_login(twin)
    url = reverse("pair_plan", args=[pair.pk])
    response = client.post(url, {"summary": "Heat network feasibility in 2026"})
    assert response.status_code == 302
    version = PlanVersion.objects.get()
    assert (
        client.post(
            reverse("pair_plan_feedback", args=[pair.pk, version.pk]), {"body": "x"}
        ).status_code
        == 404
    )  # the Twin City does not comment its own plan
    client.force_login(host)
    assert client.post(url, {"summary": "Host plan"}).status_code == 404
    response = client.post(
        reverse("pair_plan_feedback", args=[pair.pk, version.pk]), {"body": "Add costs"}
    )
    assert response.status_code == 302
    assert list(version.feedback.values_list("body", flat=True)) == ["Add costs"]


def test_milestone_done_through_the_page(client, pair_world):
    pair, twin, _host = pair_world
    client.force_login(twin)
    m = pair.milestones.get(title="Learning agenda agreed")
    url = reverse("pair_milestone_done", args=[pair.pk, m.pk])
    response = client.post(url, {"note": "Three actions agreed"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.status, m.evidence_note) == ("done", "Three actions agreed")


def test_notification_preference_page(client, pair_world):
    _pair, twin, _host = pair_world
    client.force_login(twin)
    url = reverse("pair_notifications")
    assert client.post(url, {"mode": "immediate"}).status_code == 302
    assert twin.pair_notifications.mode == "immediate"


# Cohort -------------------------------------------------------------------------------------


def _cohort_pairs(call, n):
    names = [("Girona", "ES"), ("Lyon", "FR"), ("Porto", "PT")]
    hosts = ["Torino", "Sofia", "Torino"]
    for i in range(n):
        name, country = names[i]
        make_pair(call, name, hosts[i], country=country, host_email=f"h{i}@host.example")


@pytest.mark.parametrize("n", [1, 3])
def test_cohort_query_count_does_not_grow(client, staff, pair_world, django_assert_num_queries, n):
    pair, twin, _host = pair_world
    _cohort_pairs(pair.call, n - 1)
    services.message_post(pair=pair, body="hi", by=twin)
    client.force_login(staff)
    url = reverse("pairs_cohort") + f"?call={pair.call.slug}"
    client.get(url)  # warm the session and the content types
    with django_assert_num_queries(10):  # 9, and the staff member's authenticator app
        response = client.get(url)
    assert len(response.context["rows"]) == n


def test_cohort_rows_and_filters(client, staff, pair_world):
    pair, _twin, _host = pair_world
    services.milestones_mark_late()  # 2 late → at risk
    client.force_login(staff)
    url = reverse("pairs_cohort")
    rows = client.get(url, {"call": pair.call.slug}).context["rows"]
    assert [(r.pair.pk, r.done, r.late, r.milestones, r.at_risk) for r in rows] == [
        (pair.pk, 0, 2, 4, True)
    ]
    assert client.get(url, {"call": pair.call.slug, "at_risk": "false"}).context["rows"] == []
    assert client.get(url, {"call": pair.call.slug, "q": "nowhere"}).context["rows"] == []


def test_cohort_exports_are_formula_safe(client, staff, open_call):
    from applications.models import Application
    from tests.pairs.helpers import city, publish, submitted

    from .helpers import confirm

    application = submitted(open_call, "Girona", country="ES", prefs=("Torino",))
    Application.objects.filter(pk=application.pk).update(official_name="=HYPERLINK(1)")
    services.pair_open(pairing=confirm(publish(application, city(open_call, "Torino"))))
    client.force_login(staff)
    response = client.get(reverse("pairs_cohort_export", args=["csv"]), {"call": open_call.slug})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["pair", "link", "twin_city"]
    assert rows[1][2] == "'=HYPERLINK(1)"
    response = client.get(reverse("pairs_cohort_export", args=["xlsx"]), {"call": open_call.slug})
    sheet = load_workbook(io.BytesIO(response.content))["pairs"]
    assert sheet.cell(row=2, column=3).value == "'=HYPERLINK(1)"


@pytest.mark.slow
def test_cohort_at_200_pairs_within_the_query_budget(
    client, staff, open_call, django_assert_max_num_queries
):
    """200 pairs of one call (made in bulk) render in the same 10 queries."""
    from applications.models import Application, Organisation
    from cities.models import CallMissionCity
    from matching.models import Pairing
    from pairs.models import Milestone

    hosts = list(CallMissionCity.objects.filter(call=open_call))
    now = timezone.now()
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Town {i}", country="GB") for i in range(200)
    )
    applications = Application.objects.bulk_create(
        Application(call=open_call, organisation=o, official_name=o.name, status="paired")
        for o in organisations
    )
    pairings = Pairing.objects.bulk_create(
        Pairing(call=open_call, application=a, mission_city=hosts[i % len(hosts)])
        for i, a in enumerate(applications)
    )
    pairs = Pair.objects.bulk_create(
        Pair(pairing=p, call=open_call, last_activity_at=now) for p in pairings
    )
    Milestone.objects.bulk_create(
        Milestone(
            pair=p,
            title=f"M{k}",
            due_date=open_call.programme_start,
            owner_side="both",
            evidence_kind="note",
        )
        for p in pairs
        for k in range(4)
    )
    client.force_login(staff)
    url = reverse("pairs_cohort") + f"?call={open_call.slug}"
    client.get(url)
    with django_assert_max_num_queries(10):  # as for 1 pair
        response = client.get(url)
    assert len(response.context["rows"]) == 200


def test_application_page_links_to_the_pair_space(client, pair_world):
    pair, twin, _host = pair_world
    client.force_login(twin)
    response = client.get(reverse("application_detail", args=[pair.pairing.application_id]))
    assert f'href="/pairs/{pair.pk}/"' in response.content.decode()


def test_admin_reopens_a_done_milestone(client, pair_world):
    pair, twin, _host = pair_world
    superuser = UserFactory(email="root@nzc.example", is_staff=True, is_superuser=True)
    m = pair.milestones.get(title="Learning agenda agreed")
    services.milestone_complete(milestone=m, by=twin, note="Agreed")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:pairs_milestone_changelist"),
        {"action": "reopen", "_selected_action": [m.pk]},
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == "late"  # due 40 days ago
