import pytest
from django.urls import reverse

from matching.models import MatchingRun, Pairing, Proposal

pytestmark = pytest.mark.django_db


def test_staff_starts_a_run_sees_proposals_decides_and_publishes(
    client, open_call, three_applicants, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:matching_matchingrun_start"), {"call": open_call.pk, "mode": "optimal"}
        )
    run = MatchingRun.objects.get()
    assert response["Location"] == reverse("admin:matching_matchingrun_change", args=[run.pk])
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-status="succeeded"' in body
    proposal = Proposal.objects.filter(run=run).order_by("pk").first()
    assert proposal.explanation.split(":")[0] in body
    decide = reverse("admin:matching_matchingrun_decide", args=[run.pk, proposal.pk])
    client.post(decide, {"decision": "approved", "reason": ""})
    proposal.refresh_from_db()
    assert proposal.decision == "approved"
    client.post(reverse("admin:matching_matchingrun_publish", args=[run.pk]))
    assert list(Pairing.objects.values_list("application_id", flat=True)) == [
        proposal.application_id
    ]


def test_compare_two_runs(client, open_call, three_applicants, staff):
    from matching import services

    a = services.run_execute(run_id=services.run_start(call=open_call, enqueue=False).pk)
    b = services.run_execute(
        run_id=services.run_start(call=open_call, mode="stable", enqueue=False).pk
    )
    client.force_login(staff)
    response = client.get(
        reverse("admin:matching_matchingrun_compare", args=[b.pk]), {"other": a.pk}
    )
    assert response.status_code == 200
    diff = response.context["diff"]
    assert sorted(diff) == ["added", "changed", "removed", "total_new", "total_old", "unchanged"]
    assert (
        diff["unchanged"] + len(diff["changed"]) + len(diff["added"])
        == Proposal.objects.filter(run=b).count()
    )


def test_queued_run_page_refreshes_itself(client, open_call, staff):
    from matching import services

    run = services.run_start(call=open_call, enqueue=False)
    client.force_login(staff)
    body = client.get(reverse("admin:matching_matchingrun_change", args=[run.pk])).content.decode()
    assert "js/run-progress.js" in body
    assert 'data-poll="1"' in body
    assert 'data-status="queued"' in body


def test_non_staff_cannot_reach_the_matching_admin(client, open_call, applicant):
    client.force_login(applicant)
    response = client.get(reverse("admin:matching_matchingrun_start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_run_page_with_a_non_integer_id(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/matching/matchingrun/abc/change/")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_run_page_leads_with_a_summary_and_a_rank_column_formula_one_click_away(
    client, open_call, three_applicants, staff
):
    from matching import services

    run = services.run_execute(run_id=services.run_start(call=open_call, enqueue=False).pk)
    proposal = Proposal.objects.filter(run=run).select_related("application", "mission_city")[0]
    client.force_login(staff)

    body = client.get(reverse("admin:matching_matchingrun_change", args=[run.pk])).content.decode()

    assert "Its rank</th>" in body
    assert "Applicants' choices:" in body
    summary = body.index('<ul class="summary">')
    formula = body.index("<summary>Formula</summary>", summary)
    assert proposal.application.official_name in body[summary:formula]
    assert proposal.explanation.split(":")[0] in body[formula:]
