"""Every admin changelist: renders for staff, and its number of queries does not grow with rows."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.reviews import services as review_services
from matching import services
from matching.models import Proposal
from tests.builders import submitted_application

pytestmark = pytest.mark.django_db


def build(call, staff, n):
    """n submitted applications, each reviewed, shortlisted-free, and a run that proposes them."""
    apps = [
        submitted_application(
            call,
            f"Testtown {i}",
            country="GB",
            prefs=["Torino", "Sofia"],
            email=f"t{i}@example.org",
        )
        for i in range(n)
    ]
    for application in apps:
        review_services.review_assign(application=application, reviewer=staff, by=staff)
        criteria = review_services.review_setup(call=call)
        review_services.review_submit(
            application=application,
            reviewer=staff,
            scores={c.pk: 4 for c in criteria},
            comment="ok",
        )
    run = services.run_execute(run_id=services.run_start(call=call, enqueue=False).pk)
    for proposal in Proposal.objects.filter(run=run):
        services.proposal_decide(proposal=proposal, decision="approved", by=staff)
    services.run_publish(run=run, by=staff)
    return apps


def changelist_urls():
    return sorted(
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m in admin.site._registry
    )


def count_queries(client, url):
    client.get(url)  # warm the caches (content types, permissions, sessions)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.slow  # every changelist at 1 and 3 rows
def test_admin_changelists_query_count_does_not_grow(client, open_call, staff):
    client.force_login(staff)
    build(open_call, staff, 1)
    one = {url: count_queries(client, url) for url in changelist_urls()}
    build_more = [
        submitted_application(
            open_call, f"Othertown {i}", country="GB", prefs=["Torino"], email=f"o{i}@example.org"
        )
        for i in range(2)
    ]
    for application in build_more:
        review_services.review_assign(application=application, reviewer=staff, by=staff)
        review_services.review_submit(
            application=application,
            reviewer=staff,
            scores={c.pk: 3 for c in review_services.review_setup(call=open_call)},
        )
    run = services.run_execute(run_id=services.run_start(call=open_call, enqueue=False).pk)
    assert Proposal.objects.filter(run=run).count() == 3
    three = {url: count_queries(client, url) for url in changelist_urls()}
    assert three == one


def test_application_changelist_filters_and_annotations(client, open_call, staff):
    apps = build(open_call, staff, 3)
    client.force_login(staff)
    url = reverse("admin:applications_application_changelist")
    response = client.get(url, {"thresholds": "met"})
    assert sorted(a.pk for a in response.context["cl"].result_list) == sorted(a.pk for a in apps)
    rows = response.context["cl"].result_list
    assert [(r.review_count, float(r.review_mean)) for r in rows] == [(1, 16.0)] * 3
    assert client.get(url, {"thresholds": "unreviewed"}).context["cl"].result_count == 0
    assert client.get(url, {"topic": "energy-systems"}).context["cl"].result_count == 3
    assert client.get(url, {"topic": "afolu"}).context["cl"].result_count == 0
    torino = apps[0].preferences.get(rank=1).mission_city
    assert client.get(url, {"preferred": torino.pk}).context["cl"].result_count == 3
    assert client.get(url, {"documents": "yes"}).context["cl"].result_count == 3
    assert client.get(url, {"eligibility": "eligible"}).context["cl"].result_count == 3
    assert client.get(url, {"q": "Testtown 1"}).context["cl"].result_count == 1
    assert client.get(url, {"q": "contact@testtown1.example"}).context["cl"].result_count == 1


def test_conflict_of_interest_hides_the_application_from_the_reviewer(
    client, open_call, three_applicants, staff
):
    target = three_applicants[0]
    review_services.review_declare_conflict(application=target, reviewer=staff, reason="My city")
    client.force_login(staff)
    listing = client.get(reverse("admin:applications_application_changelist"))
    assert target.pk not in [a.pk for a in listing.context["cl"].result_list]
    change = client.get(reverse("admin:applications_application_change", args=[target.pk]))
    assert change.status_code == 302  # the admin redirects a missing object to the index
    review = client.get(reverse("admin:applications_application_review", args=[target.pk]))
    assert review.status_code == 404
