"""Staff in the pair spaces and on the cohort pages: reading needs `pairs.view_pair`, writing
`pairs.change_pair` too, and a declared conflict of interest on the pair's application hides the
pair (404) from that staff member."""

import pytest
from django.urls import reverse

from applications.reviews import services as review_services
from pairs.models import Milestone
from tests.builders import staff_member

from .helpers import make_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return {
        "bare": staff_member("bare@nzc.example"),
        "viewer": staff_member("viewer@nzc.example", "pairs.view_pair"),
        "team": staff_member("team@nzc.example", "pairs.view_pair", "pairs.change_pair"),
    }


@pytest.fixture
def conflicted(pair_world, people):
    """The programme team member, with a conflict declared on Plymouth (the pair's Twin City)."""
    pair, _twin, _host = pair_world
    team = people["team"]
    review_services.review_declare_conflict(
        application=pair.pairing.application, reviewer=team, reason="I live there"
    )
    return team


STAFF_PAGES = ["pairs_cohort", "pairs_outcomes"]


@pytest.mark.parametrize(("role", "expected"), [("bare", 403), ("viewer", 200), ("team", 200)])
def test_cohort_pages_need_the_view_permission(client, pair_world, people, role, expected):
    client.force_login(people[role])
    statuses = [client.get(reverse(name)).status_code for name in STAFF_PAGES]
    statuses.append(client.get(reverse("pairs_cohort_export", args=["csv"])).status_code)
    assert statuses == [expected] * 3


@pytest.mark.parametrize(("role", "expected"), [("bare", 404), ("viewer", 200), ("team", 200)])
def test_pair_space_needs_the_view_permission(client, pair_world, people, role, expected):
    pair, _twin, _host = pair_world
    client.force_login(people[role])
    assert client.get(reverse("pair_detail", args=[pair.pk])).status_code == expected
    listed = [p.pk for p in client.get(reverse("pair_list")).context["pairs"]]
    assert listed == ([pair.pk] if expected == 200 else [])


@pytest.mark.parametrize(("role", "expected"), [("bare", 404), ("viewer", 403), ("team", 302)])
def test_marking_a_milestone_done_needs_the_change_permission(
    client, pair_world, people, role, expected
):
    pair, _twin, _host = pair_world
    milestone = (
        pair.milestones.filter(evidence_kind__in=["note", "date"]).order_by("due_date").first()
    )
    client.force_login(people[role])

    response = client.post(
        reverse("pair_milestone_done", args=[pair.pk, milestone.pk]),
        {"note": "Held on Monday", "date": "2026-01-05"},
    )

    assert response.status_code == expected
    milestone.refresh_from_db()
    assert (milestone.status == Milestone.Status.DONE) == (expected == 302)


def test_a_conflict_hides_the_pair_from_that_staff_member(client, pair_world, conflicted):
    pair, _twin, _host = pair_world
    milestone = pair.milestones.order_by("due_date").first()
    client.force_login(conflicted)

    detail = client.get(reverse("pair_detail", args=[pair.pk]))
    done = client.post(reverse("pair_milestone_done", args=[pair.pk, milestone.pk]), {"note": "x"})
    cohort = client.get(reverse("pairs_cohort"), {"call": pair.call.slug})
    export = client.get(reverse("pairs_cohort_export", args=["csv"]), {"call": pair.call.slug})
    listing = client.get(reverse("pair_list"))

    assert (detail.status_code, done.status_code) == (404, 404)
    assert (cohort.status_code, export.status_code) == (200, 200)
    assert cohort.context["rows"] == []
    assert b"Plymouth" not in cohort.content
    assert "Plymouth" not in export.content.decode("utf-8-sig")
    assert list(listing.context["pairs"]) == []


def test_a_conflict_hides_only_that_pair(client, pair_world, conflicted):
    pair, _twin, _host = pair_world
    other, _t, _h = make_pair(pair.call, "Girona", "Sofia", country="ES")
    client.force_login(conflicted)
    cohort = client.get(reverse("pairs_cohort"), {"call": pair.call.slug})
    assert [row.pair.pk for row in cohort.context["rows"]] == [other.pk]
    assert client.get(reverse("pair_detail", args=[other.pk])).status_code == 200
