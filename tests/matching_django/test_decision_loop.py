"""Staff's decision loop: bulk approval, the publication plan and confirmation, e-mails to the
applicants not selected, unpublishing instead of deleting, declined pairings closed for the
other side, contacts exchanged when both confirm, and the dashboard's pairing answers."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import Application, StatusChange
from cities.models import CallMissionCity, MissionCity, MissionCityMembership
from matching import services
from matching.models import PairConstraint, Pairing, Proposal
from tests.factories import UserFactory
from workspace import services as workspace_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(open_call, three_applicants):
    CallMissionCity.objects.filter(call=open_call).update(capacity=3)
    return services.run_execute(run_id=services.run_start(call=open_call, enqueue=False).pk)


@pytest.fixture
def host(open_call):
    user = UserFactory(email="host@torino.example", name="Anna Host")
    MissionCityMembership.objects.create(
        user=user, mission_city=MissionCity.objects.get(name="Torino")
    )
    return user


def pending(run):
    return Proposal.objects.filter(run=run, decision="pending").count()


def test_bulk_approve_all(run, staff):
    n = pending(run)
    assert n >= 2
    assert services.proposals_approve_bulk(run=run, by=staff) == n
    assert pending(run) == 0
    assert StatusChange.objects.filter(action="matching").count() == n


def test_bulk_approve_one_city(run, staff):
    torino = CallMissionCity.objects.get(call=run.call, display_name="Torino")
    expected = Proposal.objects.filter(run=run, mission_city=torino).count()
    assert services.proposals_approve_bulk(run=run, by=staff, city=torino) == expected
    assert set(
        Proposal.objects.filter(run=run, decision="approved").values_list(
            "mission_city_id", flat=True
        )
    ) == ({torino.pk} if expected else set())


def test_bulk_approve_above_a_score(run, staff):
    scores = sorted(set(Proposal.objects.filter(run=run).values_list("score", flat=True)))
    threshold = scores[-1]
    above = list(Proposal.objects.filter(run=run).values_list("score", flat=True))
    above = [s for s in above if s >= threshold]
    assert services.proposals_approve_bulk(run=run, by=staff, min_score=threshold) == len(above)
    approved = Proposal.objects.filter(run=run, decision="approved").values_list("score", flat=True)
    assert list(approved) == above
    assert pending(run) == Proposal.objects.filter(run=run).count() - len(above)


def test_bulk_approve_refused_after_publication(run, staff):
    services.proposals_approve_bulk(run=run, by=staff)
    services.run_publish(run=run, by=staff)
    run.refresh_from_db()
    with pytest.raises(ValidationError):
        services.proposals_approve_bulk(run=run, by=staff)


def test_admin_bulk_approve_by_city(client, run, staff):
    client.force_login(staff)
    torino = CallMissionCity.objects.get(call=run.call, display_name="Torino")
    response = client.post(
        reverse("admin:matching_matchingrun_approve", args=[run.pk]),
        {"scope": "city", "city": torino.pk},
        follow=True,
    )
    n = Proposal.objects.filter(run=run, mission_city=torino).count()
    assert [str(m) for m in response.context["messages"]] == [f"Approved proposals: {n}."]


def test_publish_confirmation_shows_what_and_to_whom_and_sends_nothing(
    client, run, staff, host, django_capture_on_commit_callbacks
):
    services.proposals_approve_bulk(run=run, by=staff)
    client.force_login(staff)
    url = reverse("admin:matching_matchingrun_publish", args=[run.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)
    plan = response.context["plan"]
    assert mail.outbox == []
    assert not Pairing.objects.exists()
    html = response.content.decode()
    assert "Publish and send the e-mails" in html
    templates = {e.template for e in plan.emails}
    assert {"pairing_published_host", "pairing_published_twin"} <= templates
    for p in plan.pairings:
        assert p.application.official_name in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert Pairing.objects.count() == len(plan.pairings)
    assert sorted((m.subject, tuple(m.to)) for m in mail.outbox) == sorted(
        (e.subject, tuple(e.to)) for e in plan.emails if e.to
    )


def test_unmatched_applicants_get_a_kind_specific_email_without_internal_reasons(
    open_call, three_applicants, staff, django_capture_on_commit_callbacks
):
    CallMissionCity.objects.filter(call=open_call).update(capacity=1)
    run = services.run_execute(run_id=services.run_start(call=open_call, enqueue=False).pk)
    first = Proposal.objects.filter(run=run).order_by("-score").first()
    services.proposal_decide(proposal=first, decision="approved", by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_publish(run=run, by=staff)
    letters = [
        m for m in mail.outbox if m.subject == "[Twinning] Your application to the Open call"
    ]
    assert len(letters) == 2
    for letter in letters:
        assert "1 Twin City was paired with a Mission City" in letter.body
        assert "is not among them this time" in letter.body
        assert "score" not in letter.body.lower()
        assert "run " not in letter.body.lower()
    statuses = Application.objects.exclude(pk=first.application_id).values_list("status", flat=True)
    assert sorted(statuses) == ["not_selected", "not_selected"]


def test_published_pairings_cannot_be_deleted_but_unpublished_with_a_reason(
    client, run, staff, host, django_capture_on_commit_callbacks
):
    services.proposals_approve_bulk(run=run, by=staff)
    services.run_publish(run=run, by=staff)
    pairing = Pairing.objects.filter(mission_city__display_name="Torino").first()
    client.force_login(staff)
    changelist = reverse("admin:matching_pairing_changelist")
    assert "delete_selected" not in client.get(changelist).content.decode()
    with pytest.raises(ValidationError):
        services.pairing_unpublish(pairing=pairing, by=staff, reason=" ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {
                "action": "unpublish",
                "_selected_action": [pairing.pk],
                "apply": "1",
                "reason": "Torino asked",
            },
            follow=True,
        )
    assert "Unpublished pairings: 1; both sides were told." in [
        str(m) for m in response.context["messages"]
    ]
    application = Application.objects.get(pk=pairing.application_id)
    assert application.status == "under_review"
    assert not Pairing.objects.filter(pk=pairing.pk).exists()
    assert [m.subject for m in mail.outbox] == ["[Twinning] A published pairing was withdrawn"]
    assert "host@torino.example" in mail.outbox[0].to
    assert "Torino asked" not in mail.outbox[0].body
    note = StatusChange.objects.filter(application=application, internal=True).last().note
    assert note == "Pairing with Torino unpublished: Torino asked"


def test_a_pairing_whose_pair_space_is_open_is_not_unpublished(
    client, run, staff, host, django_capture_on_commit_callbacks
):
    from pairs.models import Pair
    from pairs.services import pair_open

    services.proposals_approve_bulk(run=run, by=staff)
    services.run_publish(run=run, by=staff)
    pairing = Pairing.objects.filter(mission_city__display_name="Torino").first()
    twin = pairing.application.organisation.members.get().user
    workspace_services.pairing_answer_as_host(pairing=pairing, decision="confirmed", by=host)
    workspace_services.pairing_answer_as_twin(pairing=pairing, decision="confirmed", by=twin)
    pair = pair_open(pairing=pairing, by=staff)  # what the worker does (idempotent)
    mail.outbox.clear()
    refusal = (
        f"{pairing} cannot be unpublished: its pair space is open, so both sides already work "
        "in it. Close the pair's work in the pair space instead."
    )

    with pytest.raises(ValidationError) as refused:
        services.pairing_unpublish(pairing=pairing, by=staff, reason="Torino asked")
    assert refused.value.messages == [refusal]

    client.force_login(staff)
    changelist = reverse("admin:matching_pairing_changelist")
    confirm = client.post(changelist, {"action": "unpublish", "_selected_action": [pairing.pk]})
    assert "cannot be unpublished: its pair space is open" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {
                "action": "unpublish",
                "_selected_action": [pairing.pk],
                "apply": "1",
                "reason": "Torino asked",
            },
            follow=True,
        )
    assert [str(m) for m in response.context["messages"]] == [refusal]
    assert Pair.objects.get(pairing=pairing) == pair
    assert Application.objects.get(pk=pairing.application_id).status == "paired"
    assert not StatusChange.objects.filter(
        application_id=pairing.application_id, note__contains="unpublished"
    ).exists()
    assert mail.outbox == []


def _published_torino(run, staff):
    services.proposals_approve_bulk(run=run, by=staff)
    services.run_publish(run=run, by=staff)
    return (
        Pairing.objects.select_related("application")
        .filter(mission_city__display_name="Torino")
        .first()
    )


def test_declined_by_the_host_is_closed_for_the_twin(
    run, staff, host, django_capture_on_commit_callbacks
):
    pairing = _published_torino(run, staff)
    twin = pairing.application.organisation.members.get().user
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workspace_services.pairing_answer_as_host(
            pairing=pairing, decision="declined", reason="No capacity", by=host
        )
    with pytest.raises(ValidationError, match="declined this pairing, so it is closed"):
        workspace_services.pairing_answer_as_twin(pairing=pairing, decision="confirmed", by=twin)
    application = Application.objects.get(pk=pairing.application_id)
    assert application.status == "under_review"
    assert PairConstraint.objects.filter(
        application=application, mission_city=pairing.mission_city, kind="forbid"
    ).exists()
    closed = [m for m in mail.outbox if m.subject == "[Twinning] Your pairing is closed"]
    assert [m.to for m in closed] == [[twin.email]]
    assert "No capacity" not in closed[0].body


def test_contacts_exchanged_when_both_confirm(run, staff, host, django_capture_on_commit_callbacks):
    pairing = _published_torino(run, staff)
    twin = pairing.application.organisation.members.get().user
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workspace_services.pairing_answer_as_twin(pairing=pairing, decision="confirmed", by=twin)
        assert not [m for m in mail.outbox if "Both cities confirmed" in m.subject]
        workspace_services.pairing_answer_as_host(pairing=pairing, decision="confirmed", by=host)
    contacts = {m.subject: m for m in mail.outbox if "Both cities confirmed" in m.subject}
    name = pairing.application.official_name
    to_twin = contacts["[Twinning] Both cities confirmed: your contacts in Torino"]
    to_host = contacts[f"[Twinning] Both cities confirmed: your contacts at {name}"]
    assert (to_twin.to, to_host.to) == ([twin.email], ["host@torino.example"])
    assert "Anna Host <host@torino.example>" in to_twin.body
    slug = name.lower()
    assert f"Officer of {name} <contact@{slug}.example>" in to_host.body


def test_dashboard_pairing_answers_link_to_filtered_lists(client, run, staff, host):
    pairing = _published_torino(run, staff)
    workspace_services.pairing_answer_as_host(
        pairing=pairing, decision="declined", reason="No", by=host
    )
    client.force_login(staff)
    response = client.get(reverse("staff_dashboard"), {"call": run.call.slug})
    total = Pairing.objects.count()
    assert response.context["data"]["answers"] == {
        "confirmed": 0,
        "declined": 1,
        "waiting": total - 1,
    }
    changelist = reverse("admin:matching_pairing_changelist")
    assert f"{changelist}?call__id__exact={run.call.pk}&amp;answers=declined" in (
        response.content.decode()
    )
    listed = client.get(changelist, {"answers": "declined"}).context["cl"].result_count
    assert listed == 1


def test_pin_form_lists_the_calls_mission_cities_and_records_the_author(
    client, open_call, three_applicants, staff
):
    client.force_login(staff)
    url = reverse("admin:matching_pairconstraint_add")
    form = client.get(url).context["adminform"].form
    assert set(form.fields["mission_city"].queryset.values_list("call__slug", flat=True)) == {
        "open"
    }
    assert "created_by" not in form.fields
    plymouth = three_applicants[0]
    torino = CallMissionCity.objects.get(call=open_call, display_name="Torino")
    response = client.post(
        url,
        {"application": plymouth.pk, "mission_city": torino.pk, "kind": "pin", "reason": "Asked"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "was added successfully" in messages[0]
    assert PairConstraint.objects.get().created_by == staff
