import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_dashboard_counts_demand_supply_and_preferences(client, open_call, three_applicants, staff):
    client.force_login(staff)
    response = client.get(reverse("staff_dashboard"), {"call": open_call.slug})
    data = response.context["data"]
    assert data["total"] == 3
    assert {r["status"]: r["count"] for r in data["statuses"]}["Submitted"] == 3
    energy = next(t for t in data["topics"] if t["name"] == "Energy systems")
    assert energy["demand"] == 3  # each applicant's need is energy systems
    assert energy["supply"] > 0
    torino = next(h for h in data["hosts"] if h["name"] == "Torino")
    assert (torino["capacity"], torino["first_choice"], torino["preferences"]) == (2, 3, 3)
    body = response.content.decode()
    assert 'id="dashboard-data"' in body
    assert "vendor/chartjs/chart.umd.js" in body


def test_dashboard_status_eligibility_and_country_figures(client, open_call, staff):
    from applications.models import Application
    from tests.builders import submitted_application

    gb = submitted_application(open_call, "Plymouth", country="GB", prefs=["Torino", "Sofia"])
    submitted_application(open_call, "Exeter", country="GB", prefs=["Sofia"])
    it = submitted_application(open_call, "Bergamo", country="IT", prefs=["Torino", "Gabrovo"])
    submitted_application(open_call, "Girona", country="ES", submit=False)  # a draft
    Application.objects.filter(pk=gb.pk).update(verdict_override="ineligible")
    Application.objects.filter(pk=it.pk).update(status=Application.Status.WITHDRAWN)
    client.force_login(staff)

    data = client.get(reverse("staff_dashboard"), {"call": open_call.slug}).context["data"]

    assert data["total"] == 4
    assert {r["status"]: r["count"] for r in data["statuses"] if r["count"]} == {
        "Draft": 1,
        "Submitted": 2,
        "Withdrawn": 1,
    }
    # submitted ones only (the withdrawn one too, not the draft), staff's override first
    assert {r["verdict"]: r["count"] for r in data["verdicts"]} == {
        "eligible": 1,
        "ineligible": 2,
        "needs_review": 0,
    }
    assert data["countries"] == [{"country": "GB", "count": 2}, {"country": "IT", "count": 1}]
    assert data["preference_count"] == 3  # the withdrawn application's preferences left out


@pytest.mark.parametrize("n", [1, 3])
def test_dashboard_query_count_does_not_grow(
    client, open_call, staff, django_assert_num_queries, n
):
    from tests.builders import submitted_application

    for i in range(n):
        submitted_application(open_call, f"Testtown {i}", country="GB", prefs=["Torino"])
    client.force_login(staff)
    # 12 for the page (status, eligibility, country and total in one grouped query; the cities
    # and their preferences in two), and the authenticator app
    with django_assert_num_queries(13):
        client.get(reverse("staff_dashboard"), {"call": open_call.slug})


def test_dashboard_is_staff_only(client, applicant):
    client.force_login(applicant)
    response = client.get(reverse("staff_dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
