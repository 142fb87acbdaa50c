import json
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from applications.models import Application
from cities.models import CallMissionCity, MissionCity, MissionCityMembership
from matching import engine, services
from matching.models import MatchingRun, PairConstraint, Pairing, Proposal
from matching.tasks import task_run_matching
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def torino(call):
    return CallMissionCity.objects.get(call=call, display_name="Torino")


def test_task_runs_and_proposes_under_capacity(open_call, three_applicants, staff):
    torino(open_call).__class__.objects.filter(call=open_call).update(capacity=1)
    run = services.run_start(call=open_call, by=staff, enqueue=False)
    task_run_matching.apply(kwargs={"run_id": run.pk}).get()
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert run.progress == 100
    proposals = list(Proposal.objects.filter(run=run))
    cities = [p.mission_city_id for p in proposals]
    assert len(cities) == len(set(cities))  # capacity 1 everywhere
    assert len(proposals) + run.unmatched.count() == 3
    assert all(p.explanation for p in proposals)
    assert all(u.reasons for u in run.unmatched.all())
    assert run.inputs["applications"] == sorted(a.pk for a in three_applicants)
    assert run.parameters["weights"]["need_offer"] == 0.4


def test_second_delivery_does_not_duplicate_proposals(open_call, three_applicants, staff):
    run = services.run_start(call=open_call, by=staff, enqueue=False)
    task_run_matching.apply(kwargs={"run_id": run.pk}).get()
    first = list(Proposal.objects.filter(run=run).values_list("pk", "application_id"))
    task_run_matching.apply(kwargs={"run_id": run.pk}).get()
    assert list(Proposal.objects.filter(run=run).values_list("pk", "application_id")) == first


def test_run_start_queues_the_task_after_commit(
    open_call, three_applicants, staff, django_capture_on_commit_callbacks
):
    # The call's matching settings exist before (as in use): their first creation is a change
    # of the scores' inputs and queues the workspace recommendations' renewal too.
    services.settings_for(open_call)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = services.run_start(call=open_call, by=staff)
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == "succeeded"  # eager Celery in tests


def test_failed_run_leaves_earlier_runs_and_pairings_untouched(
    open_call, three_applicants, staff, monkeypatch
):
    good = services.run_start(call=open_call, by=staff, enqueue=False)
    services.run_execute(run_id=good.pk)
    proposal = Proposal.objects.filter(run=good).first()
    services.proposal_decide(proposal=proposal, decision="approved", by=staff)
    services.run_publish(run=good, by=staff)
    before = (
        list(Proposal.objects.filter(run=good).values_list("pk", "application_id", "score")),
        list(Pairing.objects.values_list("pk", "application_id", "mission_city_id")),
    )

    def explode(*args, **kwargs):
        raise RuntimeError("solver crashed midway")

    monkeypatch.setattr(engine, "run", explode)
    bad = services.run_start(call=open_call, by=staff, enqueue=False)
    with pytest.raises(RuntimeError):
        task_run_matching.apply(kwargs={"run_id": bad.pk}, throw=True).get()
    bad.refresh_from_db()
    assert bad.status == "failed"
    assert "RuntimeError: solver crashed midway" in bad.error
    assert Proposal.objects.filter(run=bad).count() == 0
    after = (
        list(Proposal.objects.filter(run=good).values_list("pk", "application_id", "score")),
        list(Pairing.objects.values_list("pk", "application_id", "mission_city_id")),
    )
    assert after == before


def test_infeasible_pin_fails_the_run_with_a_clear_message(open_call, three_applicants, staff):
    ineligible = three_applicants[0]
    Application.objects.filter(pk=ineligible.pk).update(status="withdrawn")
    services.constraint_set(
        application=ineligible, mission_city=torino(open_call), kind="pin", by=staff
    )
    run = services.run_start(call=open_call, by=staff, enqueue=False)
    run = services.run_execute(run_id=run.pk)
    assert run.status == "failed"
    assert run.error.startswith("Infeasible pins:")
    assert "Plymouth" in run.error


def test_forbid_is_honoured(open_call, three_applicants, staff):
    for application in three_applicants:
        services.constraint_set(
            application=application, mission_city=torino(open_call), kind="forbid", by=staff
        )
    run = services.run_execute(run_id=services.run_start(call=open_call, enqueue=False).pk)
    assert not Proposal.objects.filter(run=run, mission_city=torino(open_call)).exists()


def test_decide_override_needs_a_reason_and_a_city_of_the_call(open_call, three_applicants, staff):
    run = services.run_execute(run_id=services.run_start(call=open_call, enqueue=False).pk)
    proposal = Proposal.objects.filter(run=run).first()
    with pytest.raises(ValidationError):
        services.proposal_decide(
            proposal=proposal, decision="overridden", by=staff, override_city=torino(open_call)
        )
    other_call_city = CallMissionCity.objects.get(call__slug="2025", display_name="Sofia")
    with pytest.raises(ValidationError):
        services.proposal_decide(
            proposal=proposal,
            decision="overridden",
            by=staff,
            reason="closer",
            override_city=other_call_city,
        )
    sofia = CallMissionCity.objects.get(call=open_call, display_name="Sofia")
    services.proposal_decide(
        proposal=proposal, decision="overridden", by=staff, reason="closer", override_city=sofia
    )
    proposal.refresh_from_db()
    assert (proposal.final_city, proposal.decided_by) == (sofia, staff)


def test_publish_sets_status_and_emails_both_sides(
    open_call, three_applicants, staff, django_capture_on_commit_callbacks
):
    host = UserFactory(email="host@torino.example")
    MissionCityMembership.objects.create(
        user=host, mission_city=MissionCity.objects.get(name="Torino")
    )
    run = services.run_execute(run_id=services.run_start(call=open_call, enqueue=False).pk)
    proposal = Proposal.objects.filter(run=run, mission_city__display_name="Torino").first()
    assert proposal is not None
    services.proposal_decide(proposal=proposal, decision="approved", by=staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pairings = services.run_publish(run=run, by=staff)
    assert [(p.application_id, p.mission_city.display_name) for p in pairings] == [
        (proposal.application_id, "Torino")
    ]
    application = Application.objects.get(pk=proposal.application_id)
    assert application.status == "paired"
    twin_address = application.organisation.members.get().user.email
    others = [a for a in three_applicants if a.pk != application.pk]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            (twin_address, "[Twinning] You are paired with Torino"),
            ("host@torino.example", f"[Twinning] New Twin City: {application.official_name}"),
        ]
        + [
            (
                a.organisation.members.get().user.email,
                "[Twinning] Your application to the Open call",
            )
            for a in three_applicants
            if a.pk != application.pk
        ]
    )
    assert sorted(
        Application.objects.filter(pk__in=[a.pk for a in others]).values_list("status", flat=True)
    ) == ["not_selected", "not_selected"]
    with pytest.raises(ValidationError):
        services.run_publish(run=run, by=staff)


def test_publish_without_approvals_is_refused(open_call, three_applicants, staff):
    run = services.run_execute(run_id=services.run_start(call=open_call, enqueue=False).pk)
    with pytest.raises(ValidationError):
        services.run_publish(run=run, by=staff)


def test_stable_mode_reports_zero_blocking_pairs(open_call, three_applicants):
    run = services.run_start(call=open_call, mode="stable", enqueue=False)
    run = services.run_execute(run_id=run.pk)
    assert (run.status, run.blocking_pairs) == ("succeeded", 0)


def test_run_matching_command_prints_the_documented_json(open_call, three_applicants):
    out = StringIO()
    call_command("run_matching", "--call", open_call.slug, "--json", "--candidates", stdout=out)
    data = json.loads(out.getvalue())
    assert sorted(data) == [
        "candidates",
        "capacity",
        "mode",
        "proposals",
        "run",
        "stats",
        "unmatched",
    ]
    assert data["mode"] == "choices"
    assert data["capacity"]["Torino"] == 2
    assert len(data["capacity"]) == 16
    for p in data["proposals"]:
        assert sorted(p) == [
            "applicant",
            "application",
            "components",
            "explanation",
            "mission_city",
            "score",
        ]
    assert len(data["proposals"]) + len(data["unmatched"]) == 3
    assert {c["application"] for c in data["candidates"]} <= {a.pk for a in three_applicants}
    assert MatchingRun.objects.get(pk=data["run"]).status == "succeeded"


def test_generate_demo_applications_is_reproducible(open_call):
    call_command(
        "generate_demo_applications",
        "--call",
        open_call.slug,
        "--count",
        "20",
        "--seed",
        "3",
        stdout=StringIO(),
    )
    first = list(
        Application.objects.filter(call=open_call)
        .order_by("pk")
        .values_list("official_name", "country", "target_year", "verdict")
    )
    prefs = list(
        Application.objects.filter(call=open_call)
        .order_by("pk")
        .values_list("preferences__mission_city__display_name", flat=True)
    )
    Application.objects.filter(call=open_call).delete()
    call_command(
        "generate_demo_applications",
        "--call",
        open_call.slug,
        "--count",
        "20",
        "--seed",
        "3",
        stdout=StringIO(),
    )
    assert first == list(
        Application.objects.filter(call=open_call)
        .order_by("pk")
        .values_list("official_name", "country", "target_year", "verdict")
    )
    assert prefs == list(
        Application.objects.filter(call=open_call)
        .order_by("pk")
        .values_list("preferences__mission_city__display_name", flat=True)
    )
    assert {v for *_x, v in first} >= {"eligible"}


def test_pins_are_read_into_the_run_parameters(open_call, three_applicants, staff):
    services.constraint_set(
        application=three_applicants[2], mission_city=torino(open_call), kind="pin", by=staff
    )
    run = services.run_start(call=open_call, enqueue=False)
    assert run.parameters["pins"] == [[three_applicants[2].pk, torino(open_call).pk]]
    run = services.run_execute(run_id=run.pk)
    pinned = Proposal.objects.get(run=run, application=three_applicants[2])
    assert (pinned.mission_city, pinned.pinned) == (torino(open_call), True)
    assert PairConstraint.objects.count() == 1
