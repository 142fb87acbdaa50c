"""What-if (issue 9, item 7): staff preview a run with changed weights, minimum score or
capacities against a saved run, in memory, then save it as a normal run."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from cities.models import CallMissionCity
from matching import services
from matching.models import MatchingRun, Proposal
from tests.builders import submitted_application

pytestmark = pytest.mark.django_db


def _city(call, name):
    return CallMissionCity.objects.get(call=call, display_name=name)


@pytest.fixture
def base_run(open_call, three_applicants, staff):
    """All three applicants rank Torino first (Bergamo, a Mission City itself, is not
    eligible); every city has one place: Girona gets Torino, Plymouth its 2nd choice Sofia."""
    CallMissionCity.objects.filter(call=open_call).update(capacity=1)
    run = services.run_start(call=open_call, by=staff, enqueue=False)
    return services.run_execute(run_id=run.pk)


def _pairs(run):
    return dict(
        Proposal.objects.filter(run=run).values_list(
            "application__official_name", "mission_city__display_name"
        )
    )


def test_preview_with_more_places_at_torino_moves_the_others_there(base_run, open_call):
    before = _pairs(base_run)
    assert list(before.values()).count("Torino") == 1
    torino = _city(open_call, "Torino")
    runs, proposals = MatchingRun.objects.count(), Proposal.objects.count()

    with CaptureQueriesContext(connection) as queries:
        preview = services.run_preview(base=base_run, overrides={"capacity": {torino.pk: 3}})

    writes = [
        q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert (MatchingRun.objects.count(), Proposal.objects.count()) == (runs, proposals)
    moved = sorted(name for name, city in before.items() if city != "Torino")
    assert [(name, new) for name, _old, new, *_ in preview.diff["changed"]] == [
        (name, "Torino") for name in moved
    ]
    assert [old for _name, old, *_ in preview.diff["changed"]] == [before[n] for n in moved]
    assert preview.diff["added"] == [] and preview.diff["removed"] == []
    assert preview.diff["unchanged"] == 1
    assert preview.matched == (2, 2)
    assert preview.first_choice == (0.5, 1.0)
    assert preview.parameters["capacity"][str(torino.pk)] == 3
    assert preview.diff["total_old"] == round(sum(p.score for p in base_run.proposals.all()), 6)


def test_preview_with_a_high_minimum_score_removes_every_pair(base_run):
    preview = services.run_preview(base=base_run, overrides={"min_score": 9.0})
    assert preview.matched == (2, 0)
    assert sorted(name for name, _city, _score in preview.diff["removed"]) == [
        "Girona",
        "Plymouth",
    ]
    assert preview.diff["total_new"] == 0
    assert preview.first_choice[1] is None


def test_preview_weights_only_preference_keeps_torino_for_its_best_applicant(base_run):
    """Weights change the scores: with the preference weight alone every pair scores by rank."""
    weights = dict.fromkeys(base_run.parameters["weights"], 0.0) | {"preference": 1.0}
    preview = services.run_preview(base=base_run, overrides={"weights": weights})
    assert preview.parameters["weights"] == weights
    # Girona keeps Torino (1st choice: 1.0), Plymouth keeps Sofia (2nd choice: 1 − 0.2/3 with
    # the call's preference step 0.2).
    assert preview.diff["total_new"] == pytest.approx(1.933333, abs=1e-9)
    assert preview.diff["changed"] == []
    assert preview.diff["total_old"] > 1.933333


def test_preview_with_a_steeper_preference_step(base_run):
    weights = dict.fromkeys(base_run.parameters["weights"], 0.0) | {"preference": 1.0}
    preview = services.run_preview(
        base=base_run, overrides={"weights": weights, "preference_step": 0.9}
    )
    assert preview.parameters["preference_step"] == 0.9
    assert preview.diff["total_new"] == pytest.approx(1.7, abs=1e-9)


def test_preview_refuses_bad_weights(base_run):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.run_preview(base=base_run, overrides={"weights": {"text": -1.0}})


def test_preview_queries_do_not_grow_with_applications(base_run, open_call):
    with CaptureQueriesContext(connection) as small:
        services.run_preview(base=base_run)
    for name in ("Lyon", "Graz", "Tartu"):
        submitted_application(open_call, name, country="FR", prefs=["Sofia"])
    with CaptureQueriesContext(connection) as large:
        services.run_preview(base=base_run)
    assert len(large) == len(small)


def test_staff_preview_page_then_save_as_a_run(client, base_run, open_call, staff):
    torino = _city(open_call, "Torino")
    url = reverse("admin:matching_matchingrun_preview", args=[base_run.pk])
    client.force_login(staff)
    page = client.get(url)
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    assert data[f"capacity_{torino.pk}"] == 1
    assert data["weight_preference"] == base_run.parameters["weights"]["preference"]
    data[f"capacity_{torino.pk}"] = 3

    response = client.post(url, {**data, "preview": "Preview"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Preview compared with the current run" in body
    assert "Pairs changed (1)" in body
    assert MatchingRun.objects.count() == 1

    response = client.post(url, {**data, "save": "Save as a run"})
    new = MatchingRun.objects.exclude(pk=base_run.pk).get()
    assert response["Location"] == reverse("admin:matching_matchingrun_change", args=[new.pk])
    assert new.parameters["capacity"][str(torino.pk)] == 3
    assert new.started_by == staff
    entry = AuditEntry.objects.filter(action="matching_run.start").order_by("pk").last()
    assert entry.data["overrides"]["capacity"][str(torino.pk)] == 3
    services.run_execute(run_id=new.pk)
    assert list(_pairs(new).values()) == ["Torino"] * 2


def test_preview_page_query_count_is_fixed(
    client, base_run, open_call, staff, django_assert_max_num_queries
):
    url = reverse("admin:matching_matchingrun_preview", args=[base_run.pk])
    client.force_login(staff)
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    with CaptureQueriesContext(connection) as small:
        client.post(url, {**data, "preview": "Preview"})
    for name in ("Lyon", "Graz", "Tartu"):
        submitted_application(open_call, name, country="FR", prefs=["Sofia"])
    with CaptureQueriesContext(connection) as large:
        client.post(url, {**data, "preview": "Preview"})
    assert len(large) == len(small)


def test_preview_needs_the_permission_to_start_a_run(client, base_run):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    viewer = UserFactory(email="viewer@nzc.example", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_matchingrun"))
    client.force_login(viewer)
    url = reverse("admin:matching_matchingrun_preview", args=[base_run.pk])
    assert client.get(url).status_code == 403
    run_page = client.get(reverse("admin:matching_matchingrun_change", args=[base_run.pk]))
    assert url not in run_page.content.decode()
