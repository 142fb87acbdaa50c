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


@pytest.mark.parametrize("n", [1, 3])
def test_dashboard_query_count_does_not_grow(
    client, open_call, staff, django_assert_num_queries, n
):
    from tests.builders import submitted_application

    for i in range(n):
        submitted_application(open_call, f"Testtown {i}", country="GB", prefs=["Torino"])
    client.force_login(staff)
    # 16 for the page (the cities and their preferences in two), and the authenticator app
    with django_assert_num_queries(17):
        client.get(reverse("staff_dashboard"), {"call": open_call.slug})


def test_dashboard_is_staff_only(client, applicant):
    client.force_login(applicant)
    response = client.get(reverse("staff_dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
