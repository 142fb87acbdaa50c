"""The staff dashboard and the run comparison show applicant names, cities and scores: they need
the permission to view matching runs, not only a staff account."""

import pytest
from django.urls import reverse

from matching import services
from tests.builders import staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def runs(open_call, three_applicants):
    return [
        services.run_execute(run_id=services.run_start(call=open_call, enqueue=False).pk)
        for _ in range(2)
    ]


@pytest.mark.parametrize(
    ("permissions", "expected"),
    [((), 403), (("matching.view_matchingrun",), 200)],
    ids=["permissionless", "view-only"],
)
def test_dashboard_and_run_comparison_need_the_view_permission(client, runs, permissions, expected):
    client.force_login(staff_member("staff@nzc.example", *permissions))
    old, new = runs

    dashboard = client.get(reverse("staff_dashboard"))
    compare = client.get(
        reverse("admin:matching_matchingrun_compare", args=[new.pk]), {"other": old.pk}
    )

    assert (dashboard.status_code, compare.status_code) == (expected, expected)
    title = f"Run {old.pk} compared with run {new.pk}".encode()
    assert (title in compare.content) == (expected == 200)


def test_view_only_staff_cannot_decide_publish_or_restart(client, runs):
    client.force_login(staff_member("staff@nzc.example", "matching.view_matchingrun"))
    run = runs[1]
    proposal = run.proposals.first()

    statuses = [
        client.post(reverse(name, args=args), {"decision": "approved"}).status_code
        for name, args in [
            ("admin:matching_matchingrun_decide", [run.pk, proposal.pk]),
            ("admin:matching_matchingrun_approve", [run.pk]),
            ("admin:matching_matchingrun_publish", [run.pk]),
            ("admin:matching_matchingrun_restart", [run.pk]),
        ]
    ]

    assert statuses == [403, 403, 403, 403]
    proposal.refresh_from_db()
    assert proposal.decision == "pending"
