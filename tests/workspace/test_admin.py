"""Staff invite people and revoke memberships in the admin; every action goes through a service."""

import pytest
from django.core import mail
from django.urls import reverse

from cities.models import MissionCityMembership
from tests.builders import member
from workspace import services
from workspace.models import MissionCityInvitation

pytestmark = pytest.mark.django_db


def test_staff_adds_an_invitation_and_it_is_sent(
    client, staff, torino, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:workspace_missioncityinvitation_add"),
            {"mission_city": torino.mission_city_id, "email": "anna@torino.example"},
        )

    assert response.status_code == 302
    invitation = MissionCityInvitation.objects.get()
    assert (invitation.email, invitation.mission_city_id, invitation.invited_by) == (
        "anna@torino.example",
        torino.mission_city_id,
        staff,
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["anna@torino.example"], "[Twinning] Join the workspace of Torino")
    ]
    assert f"/workspace/invitations/{invitation.token}/" in mail.outbox[0].body


def test_admin_refuses_to_invite_an_active_member(client, staff, torino, torino_member):
    client.force_login(staff)

    response = client.post(
        reverse("admin:workspace_missioncityinvitation_add"),
        {"mission_city": torino.mission_city_id, "email": torino_member.email},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "member@torino.example is already a member of Torino."
    ]
    assert MissionCityInvitation.objects.count() == 0


def test_admin_actions_resend_and_revoke(client, staff, torino, django_capture_on_commit_callbacks):
    pending = services.invitation_create(
        mission_city=torino.mission_city, email="a@torino.example", by=staff
    )
    used = services.invitation_create(
        mission_city=torino.mission_city, email="b@torino.example", by=staff
    )
    services.invitation_accept(invitation=used, user=member("b@torino.example"))
    client.force_login(staff)
    url = reverse("admin:workspace_missioncityinvitation_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "resend", "_selected_action": [pending.pk, used.pk]})
    client.post(url, {"action": "revoke", "_selected_action": [pending.pk, used.pk]})

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["a@torino.example"], "[Twinning] Join the workspace of Torino")
    ]
    pending.refresh_from_db()
    used.refresh_from_db()
    assert (pending.state, used.state) == ("revoked", "accepted")


def test_admin_revokes_memberships(client, staff, torino, sofia):
    anna = member("anna@example.org", torino, sofia)
    client.force_login(staff)
    torino_membership = MissionCityMembership.objects.get(
        user=anna, mission_city_id=torino.mission_city_id
    )

    client.post(
        reverse("admin:cities_missioncitymembership_changelist"),
        {"action": "revoke", "_selected_action": [torino_membership.pk]},
    )

    assert sorted(
        (name, revoked_at is not None)
        for name, revoked_at in MissionCityMembership.objects.filter(user=anna).values_list(
            "mission_city__name", "revoked_at"
        )
    ) == [("Sofia", False), ("Torino", True)]


def test_invitation_change_page_is_read_only(client, staff, torino):
    invitation = services.invitation_create(
        mission_city=torino.mission_city, email="a@torino.example", by=staff
    )
    client.force_login(staff)

    client.post(
        reverse("admin:workspace_missioncityinvitation_change", args=[invitation.pk]),
        {"mission_city": torino.mission_city_id, "email": "other@example.org"},
    )

    invitation.refresh_from_db()
    assert invitation.email == "a@torino.example"


@pytest.mark.parametrize("n", [1, 3])
def test_invitation_changelist_query_count_does_not_grow(
    client, staff, torino, django_assert_num_queries, n
):
    for i in range(n):
        services.invitation_create(
            mission_city=torino.mission_city, email=f"p{i}@torino.example", by=staff
        )
    client.force_login(staff)
    # session, user, the staff member's authenticator app (users.twofactor), count, count
    # (unfiltered), rows with city and inviter, the city filter
    with django_assert_num_queries(7):
        response = client.get(reverse("admin:workspace_missioncityinvitation_changelist"))
    assert response.context["cl"].result_count == n


@pytest.mark.parametrize("n", [1, 3])
def test_membership_changelist_query_count_does_not_grow(
    client, staff, torino, django_assert_num_queries, n
):
    for i in range(n):
        member(f"p{i}@torino.example", torino)
    client.force_login(staff)
    with django_assert_num_queries(7):  # 6, and the staff member's authenticator app
        response = client.get(reverse("admin:cities_missioncitymembership_changelist"))
    assert response.context["cl"].result_count == n


def test_view_only_staff_cannot_send_again_or_revoke_invitations(
    client, viewer, staff, torino, django_capture_on_commit_callbacks
):
    pending = services.invitation_create(
        mission_city=torino.mission_city, email="a@torino.example", by=staff
    )
    mail.outbox.clear()
    client.force_login(viewer)
    url = reverse("admin:workspace_missioncityinvitation_changelist")

    assert client.get(url).status_code == 200  # the list is visible…
    with django_capture_on_commit_callbacks(execute=True):
        resend = client.post(url, {"action": "resend", "_selected_action": [pending.pk]})
    revoke = client.post(url, {"action": "revoke", "_selected_action": [pending.pk]})

    # …but no action is offered: the POST shows the list again, nothing is done.
    assert (resend.status_code, revoke.status_code) == (200, 200)
    assert resend.context["action_form"] is None
    assert mail.outbox == []
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_view_only_staff_cannot_revoke_a_membership(client, viewer, torino):
    anna = member("anna@example.org", torino)
    membership = MissionCityMembership.objects.get(user=anna)
    client.force_login(viewer)

    response = client.post(
        reverse("admin:cities_missioncitymembership_changelist"),
        {"action": "revoke", "_selected_action": [membership.pk]},
    )

    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.revoked_at is None
