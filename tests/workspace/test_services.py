"""The workspace services: invitations, memberships, shortlists, answers to pairings."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications import selectors as app_selectors
from applications.models import Application, ShortlistEntry, StatusChange
from cities.models import MissionCityMembership
from matching import selectors as matching_selectors
from matching.models import Pairing
from tests.builders import member, published_pairing, submitted_application
from tests.factories import UserFactory
from workspace import selectors, services
from workspace.models import MissionCityInvitation

pytestmark = pytest.mark.django_db


# Invitations and memberships --------------------------------------------------------------


def test_invitation_create_saves_and_emails_the_link_after_commit(
    torino, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            mission_city=torino.mission_city, email=" Anna@Torino.example ", by=staff
        )

    invitation.refresh_from_db()
    assert (invitation.email, invitation.mission_city, invitation.invited_by, invitation.state) == (
        "Anna@Torino.example",
        torino.mission_city,
        staff,
        "pending",
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["Anna@Torino.example"], "[Twinning] Join the workspace of Torino")
    ]
    assert f"http://127.0.0.1:8000/workspace/invitations/{invitation.token}/" in mail.outbox[0].body


def test_invitation_create_sends_nothing_when_the_transaction_rolls_back(
    torino, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.invitation_create(mission_city=torino.mission_city, email="a@b.example", by=staff)
    assert len(callbacks) == 1

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(ValidationError),
    ):
        services.invitation_create(
            mission_city=torino.mission_city, email="not an address", by=staff
        )
    assert callbacks == []
    assert MissionCityInvitation.objects.count() == 1


def test_invitation_create_refuses_an_active_member(torino, torino_member, staff):
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(
            mission_city=torino.mission_city, email="MEMBER@torino.example", by=staff
        )
    assert exc.value.messages == ["MEMBER@torino.example is already a member of Torino."]


def test_invitation_accept_creates_the_membership_case_insensitively(torino, staff):
    invitation = services.invitation_create(
        mission_city=torino.mission_city, email="Anna@Torino.example", by=staff
    )
    user = UserFactory(email="anna@torino.example")

    membership = services.invitation_accept(invitation=invitation, user=user)

    invitation.refresh_from_db()
    assert (membership.user, membership.mission_city_id, membership.revoked_at) == (
        user,
        torino.mission_city_id,
        None,
    )
    assert (invitation.state, invitation.accepted_by) == ("accepted", user)
    assert selectors.member_city_ids(user) == {torino.mission_city_id}


def test_a_user_may_belong_to_several_cities(torino, sofia, staff):
    user = UserFactory(email="anna@example.org")
    for host in (torino, sofia):
        invitation = services.invitation_create(
            mission_city=host.mission_city, email=user.email, by=staff
        )
        services.invitation_accept(invitation=invitation, user=user)

    assert sorted(
        MissionCityMembership.objects.filter(user=user).values_list("mission_city__name", flat=True)
    ) == sorted([torino.mission_city.name, sofia.mission_city.name])


def test_invitation_accept_refuses_another_address(torino, staff):
    invitation = services.invitation_create(
        mission_city=torino.mission_city, email="anna@torino.example", by=staff
    )
    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation=invitation, user=UserFactory(email="eve@x.example"))
    assert MissionCityMembership.objects.count() == 0


def test_invitation_is_used_once(torino, staff):
    invitation = services.invitation_create(
        mission_city=torino.mission_city, email="anna@torino.example", by=staff
    )
    user = UserFactory(email="anna@torino.example")
    services.invitation_accept(invitation=invitation, user=user)
    with pytest.raises(ValidationError) as exc:
        services.invitation_accept(invitation=invitation, user=user)
    assert exc.value.messages == ["This invitation has already been used."]


def test_revoked_invitation_cannot_be_accepted(torino, staff):
    invitation = services.invitation_create(
        mission_city=torino.mission_city, email="anna@torino.example", by=staff
    )
    services.invitation_revoke(invitation=invitation, by=staff)
    with pytest.raises(ValidationError) as exc:
        services.invitation_accept(
            invitation=invitation, user=UserFactory(email="anna@torino.example")
        )
    assert exc.value.messages == ["This invitation has been withdrawn."]
    assert MissionCityMembership.objects.count() == 0


def test_accepting_a_new_invitation_restores_a_revoked_membership(torino, torino_member, staff):
    membership = MissionCityMembership.objects.get(user=torino_member)
    services.membership_revoke(membership=membership, by=staff)
    invitation = services.invitation_create(
        mission_city=torino.mission_city, email=torino_member.email, by=staff
    )

    services.invitation_accept(invitation=invitation, user=torino_member)

    membership.refresh_from_db()
    assert membership.revoked_at is None
    assert MissionCityMembership.objects.filter(user=torino_member).count() == 1


def test_membership_revoke_keeps_the_row_and_ends_access(torino, torino_member, staff):
    membership = MissionCityMembership.objects.get(user=torino_member)
    before = timezone.now()

    services.membership_revoke(membership=membership, by=staff)

    membership.refresh_from_db()
    assert membership.revoked_at >= before
    fresh = type(torino_member).objects.get(pk=torino_member.pk)
    assert selectors.member_city_ids(fresh) == frozenset()


# Visibility ------------------------------------------------------------------------------


def test_visible_applications_only_submitted_shared_eligible_or_pending(open_call, staff):
    shown = submitted_application(open_call, "Plymouth")
    review = submitted_application(open_call, "Girona", country="ES")
    from applications import services as app_services

    app_services.application_override_verdict(
        application=review, verdict="needs_review", reason="check the name", by=staff
    )
    submitted_application(open_call, "Graz", country="AT", submit=False)  # draft
    withdrawn = submitted_application(open_call, "Brno", country="CZ")
    app_services.application_withdraw(application=withdrawn, by=staff)
    submitted_application(open_call, "Tartu", country="EE")  # a Mission City: judged ineligible
    overridden = submitted_application(open_call, "Ghent", country="BE")
    app_services.application_override_verdict(
        application=overridden, verdict="ineligible", reason="not a local authority", by=staff
    )
    unshared = submitted_application(open_call, "Kaunas", country="LT")
    Application.objects.filter(pk=unshared.pk).update(consent_share=False)
    not_selected = submitted_application(open_call, "Esbjerg", country="DK")
    app_services.application_set_status(application=not_selected, to="not_selected", by=staff)

    assert sorted(
        app_selectors.shared_with_cities(call=open_call).values_list("official_name", flat=True)
    ) == [review.official_name, shown.official_name]


# Shortlists -------------------------------------------------------------------------------


@pytest.fixture
def three(open_call):
    return [
        submitted_application(open_call, "Plymouth"),
        submitted_application(open_call, "Girona", country="ES"),
        submitted_application(open_call, "Graz", country="AT"),
    ]


def shortlisted(city):
    return list(
        ShortlistEntry.objects.filter(mission_city=city)
        .order_by("rank")
        .values_list("rank", "application__official_name", "note")
    )


def test_shortlist_add_appends_once_with_a_note(torino, torino_member, three):
    plymouth, girona, _graz = three
    services.shortlist_add(city=torino, application=plymouth, by=torino_member, note=" Great ")
    services.shortlist_add(city=torino, application=girona, by=torino_member)
    services.shortlist_add(city=torino, application=plymouth, by=torino_member, note="again")

    assert shortlisted(torino) == [(1, "Plymouth", "Great"), (2, "Girona", "")]
    assert ShortlistEntry.objects.get(application=plymouth).added_by == torino_member


def test_shortlist_add_refuses_an_application_the_city_cannot_see(open_call, torino, torino_member):
    draft = submitted_application(open_call, "Graz", country="AT", submit=False)
    with pytest.raises(ValidationError) as exc:
        services.shortlist_add(city=torino, application=draft, by=torino_member)
    assert exc.value.messages == ["This application cannot be shortlisted."]
    assert shortlisted(torino) == []


def test_shortlist_move_swaps_neighbours_and_stops_at_the_ends(torino, torino_member, three):
    plymouth, girona, graz = three
    for application in three:
        services.shortlist_add(city=torino, application=application, by=torino_member)

    services.shortlist_move(city=torino, application=graz, direction="up", by=torino_member)
    assert [n for _r, n, _note in shortlisted(torino)] == ["Plymouth", "Graz", "Girona"]
    services.shortlist_move(city=torino, application=plymouth, direction="down", by=torino_member)
    assert [n for _r, n, _note in shortlisted(torino)] == ["Graz", "Plymouth", "Girona"]
    services.shortlist_move(city=torino, application=graz, direction="up", by=torino_member)
    services.shortlist_move(city=torino, application=girona, direction="down", by=torino_member)
    assert shortlisted(torino) == [(1, "Graz", ""), (2, "Plymouth", ""), (3, "Girona", "")]


def test_shortlist_remove_keeps_ranks_contiguous(torino, torino_member, three):
    plymouth, _girona, _graz = three
    for application in three:
        services.shortlist_add(city=torino, application=application, by=torino_member)

    services.shortlist_remove(city=torino, application=plymouth, by=torino_member)

    assert shortlisted(torino) == [(1, "Girona", ""), (2, "Graz", "")]


def test_shortlist_note_is_kept_on_the_entry(torino, torino_member, three):
    plymouth = three[0]
    for application in three:
        services.shortlist_add(city=torino, application=application, by=torino_member)

    services.shortlist_set_note(
        city=torino, application=plymouth, note="Strong on energy", by=torino_member
    )

    assert shortlisted(torino) == [
        (1, "Plymouth", "Strong on energy"),
        (2, "Girona", ""),
        (3, "Graz", ""),
    ]


def test_shortlists_of_two_cities_are_separate(torino, sofia, torino_member, three):
    plymouth, girona, _graz = three
    services.shortlist_add(city=torino, application=plymouth, by=torino_member)
    services.shortlist_add(city=sofia, application=girona, by=torino_member)
    services.shortlist_add(city=sofia, application=plymouth, by=torino_member)

    assert shortlisted(torino) == [(1, "Plymouth", "")]
    assert shortlisted(sofia) == [(1, "Girona", ""), (2, "Plymouth", "")]


def test_the_matching_engine_reads_the_shortlist_as_host_interest(
    open_call, torino, torino_member, three
):
    plymouth, girona, graz = three
    for application in (girona, graz, plymouth):
        services.shortlist_add(city=torino, application=application, by=torino_member)
    services.shortlist_move(city=torino, application=plymouth, direction="up", by=torino_member)

    hosts = {h.id: h for h in matching_selectors.engine_hosts(call=open_call)}

    assert hosts[torino.pk].shortlist == (girona.pk, plymouth.pk, graz.pk)


# Answers to published pairings ------------------------------------------------------------


@pytest.fixture
def pairing(open_call, torino, staff):
    return published_pairing(submitted_application(open_call, "Plymouth"), torino, by=staff)


def test_host_confirms_a_pairing_notes_it_and_emails_the_team(
    pairing, torino_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.pairing_answer_as_host(
            pairing=pairing, decision="confirmed", reason="Looking forward", by=torino_member
        )

    pairing.refresh_from_db()
    assert (pairing.host_confirmation, pairing.host_reason, pairing.twin_confirmation) == (
        "confirmed",
        "Looking forward",
        "pending",
    )
    change = StatusChange.objects.filter(application=pairing.application).latest("pk")
    assert (change.from_status, change.to_status, change.by, change.note) == (
        "paired",
        "paired",
        torino_member,
        "Mission City Torino confirmed the pairing with Plymouth.",
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["twinning@localhost"], "[Twinning] Torino confirmed the pairing with Plymouth")
    ]
    body = mail.outbox[0].body
    assert "Confirmed (by member@torino.example)" in body
    assert "Looking forward" in body
    assert f"/admin/matching/pairing/{pairing.pk}/change/" in body


def test_host_decline_needs_a_reason_and_keeps_it_off_the_applicants_history(
    pairing, torino_member, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as exc:
        services.pairing_answer_as_host(
            pairing=pairing, decision="declined", reason="  ", by=torino_member
        )
    assert exc.value.messages == ["Say why you decline the pairing."]

    with django_capture_on_commit_callbacks(execute=True):
        services.pairing_answer_as_host(
            pairing=pairing, decision="declined", reason="No capacity", by=torino_member
        )

    pairing.refresh_from_db()
    assert (pairing.host_confirmation, pairing.host_reason) == ("declined", "No capacity")
    notes = list(
        StatusChange.objects.filter(application=pairing.application).values_list("note", flat=True)
    )
    assert notes[-2:] == [
        "Mission City Torino declined the pairing with Plymouth.",
        "The pairing with Torino was declined, so it is closed. NetZeroCities will look at the "
        "next steps with you.",
    ]
    assert not any("No capacity" in n for n in notes)
    twin = pairing.application.organisation.members.get().user.email
    assert sorted((m.to, m.subject) for m in mail.outbox) == [
        ([twin], "[Twinning] Your pairing is closed"),
        (["twinning@localhost"], "[Twinning] Torino declined the pairing with Plymouth"),
    ]


def test_a_pairing_is_answered_once_per_side(pairing, torino_member):
    services.pairing_answer_as_host(pairing=pairing, decision="confirmed", by=torino_member)
    with pytest.raises(ValidationError):
        services.pairing_answer_as_host(
            pairing=pairing, decision="declined", reason="changed our mind", by=torino_member
        )
    pairing.refresh_from_db()
    assert pairing.host_confirmation == "confirmed"


def test_twin_confirms_its_pairing(pairing, django_capture_on_commit_callbacks):
    applicant = pairing.application.organisation.members.get().user
    with django_capture_on_commit_callbacks(execute=True):
        services.pairing_answer_as_twin(pairing=pairing, decision="confirmed", by=applicant)

    pairing.refresh_from_db()
    assert (pairing.host_confirmation, pairing.twin_confirmation, pairing.twin_reason) == (
        "pending",
        "confirmed",
        "",
    )
    change = StatusChange.objects.filter(application=pairing.application).latest("pk")
    assert (change.by, change.note) == (
        applicant,
        "Twin City Plymouth confirmed the pairing with Torino.",
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["twinning@localhost"], "[Twinning] Plymouth confirmed the pairing with Torino")
    ]


def test_staff_address_follows_default_from_email(
    pairing, torino_member, settings, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "Twinning team <team@netzerocities.example>"
    with django_capture_on_commit_callbacks(execute=True):
        services.pairing_answer_as_host(pairing=pairing, decision="confirmed", by=torino_member)
    assert [m.to for m in mail.outbox] == [["team@netzerocities.example"]]


def test_member_helper_makes_active_memberships(torino, sofia):
    user = member("two@cities.example", torino, sofia)
    assert selectors.member_city_ids(user) == {torino.mission_city_id, sofia.mission_city_id}
    assert Pairing.objects.count() == 0


def test_invitation_create_refuses_a_second_open_invitation(torino, staff):
    services.invitation_create(
        mission_city=torino.mission_city, email="new@torino.example", by=staff
    )
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(
            mission_city=torino.mission_city, email="NEW@torino.example", by=staff
        )
    assert "already has an open invitation" in exc.value.messages[0]


def test_invitation_create_refuses_a_twin_city_applicant(open_call, torino, staff):
    applicant = submitted_application(open_call, "Plymouth", email="officer@plymouth.example")
    assert applicant.organisation.members.get().user.email == "officer@plymouth.example"
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(
            mission_city=torino.mission_city, email="officer@plymouth.example", by=staff
        )
    assert "belongs to a Twin City applicant" in exc.value.messages[0]
