"""A conflict of interest's life: declared by the reviewer, confirmed by staff allowed to decide
conflicts, withdrawn by the reviewer who declared it (while only declared) or by such staff;
every step audited, a withdrawn conflict hides nothing."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from applications.models import ReviewAssignment
from applications.reviews import services
from audit.models import AuditEntry
from tests.builders import submitted_application
from tests.factories import ReviewAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
Conflict = ReviewAssignment.ConflictStatus
CHANGELIST = "admin:applications_reviewassignment_changelist"


def staff_with(email, *codenames):
    user = UserFactory(email=email, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="applications", codename__in=codenames)
    )
    return user


@pytest.fixture
def reviewer(db):
    return staff_with("reviewer@nzc.example", "view_application", "add_review")


@pytest.fixture
def decider(db):
    return staff_with(
        "coordinator@nzc.example", "view_application", "view_reviewassignment", "decide_conflict"
    )


@pytest.fixture
def application(open_call):
    return submitted_application(open_call, "Plymouth")


@pytest.fixture
def declared(application, reviewer):
    services.review_declare_conflict(application=application, reviewer=reviewer, reason="My city")
    return ReviewAssignment.objects.get(application=application, reviewer=reviewer)


def audit(assignment):
    return list(
        AuditEntry.objects.filter(
            target_type__model="reviewassignment", target_id=str(assignment.pk)
        )
        .order_by("pk")
        .values_list("action", "actor__email", "note")
    )


def visible_to(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:applications_application_changelist"))
    return [a.official_name for a in response.context["cl"].result_list]


# Services ------------------------------------------------------------------------------------


def test_declaring_puts_the_conflict_in_force(declared):
    assert (declared.conflict, declared.conflict_status) == (True, Conflict.DECLARED)
    assert list(ReviewAssignment.objects.active_conflicts()) == [declared]


def test_staff_allowed_to_decide_confirm_a_declared_conflict(declared, decider, reviewer):
    services.review_confirm_conflict(assignment=declared, by=decider, note="Seen")

    declared.refresh_from_db()
    assert (declared.conflict, declared.conflict_status) == (True, Conflict.CONFIRMED)
    assert audit(declared) == [
        ("review.declare_conflict", "reviewer@nzc.example", "My city"),
        ("review.confirm_conflict", "coordinator@nzc.example", "Seen"),
    ]
    assert list(ReviewAssignment.objects.active_conflicts()) == [declared]


def test_the_reviewer_cannot_confirm_their_own_declaration(declared, reviewer):
    with pytest.raises(ValidationError) as refused:
        services.review_confirm_conflict(assignment=declared, by=reviewer)

    assert refused.value.messages == [
        "Only staff allowed to decide conflicts of interest can confirm it."
    ]
    declared.refresh_from_db()
    assert declared.conflict_status == Conflict.DECLARED


def test_the_reviewer_withdraws_their_declaration_and_sees_the_application_again(
    client, declared, reviewer, application
):
    assert visible_to(client, reviewer) == []

    services.review_withdraw_conflict(assignment=declared, by=reviewer, reason="Wrong Plymouth")

    declared.refresh_from_db()
    assert (declared.conflict, declared.conflict_status) == (False, Conflict.WITHDRAWN)
    assert list(ReviewAssignment.objects.active_conflicts()) == []
    assert visible_to(client, reviewer) == ["Plymouth"]
    assert audit(declared)[-1] == (
        "review.withdraw_conflict",
        "reviewer@nzc.example",
        "Wrong Plymouth",
    )


def test_a_confirmed_conflict_is_withdrawn_only_by_staff_allowed_to_decide(
    declared, reviewer, decider
):
    services.review_confirm_conflict(assignment=declared, by=decider)

    with pytest.raises(ValidationError) as refused:
        services.review_withdraw_conflict(assignment=declared, by=reviewer, reason="Changed")
    assert refused.value.messages == [
        "Only the reviewer who declared the conflict (before it is confirmed) or "
        "staff allowed to decide conflicts of interest can withdraw it."
    ]

    services.review_withdraw_conflict(assignment=declared, by=decider, reason="Checked")
    declared.refresh_from_db()
    assert declared.conflict_status == Conflict.WITHDRAWN
    assert AuditEntry.objects.filter(action="review.withdraw_conflict").get().data == {
        "reviewer": declared.reviewer_id,
        "was": "confirmed",
    }


def test_other_staff_cannot_withdraw_a_declaration(declared):
    other = staff_with("other@nzc.example", "view_application", "add_review")

    with pytest.raises(ValidationError):
        services.review_withdraw_conflict(assignment=declared, by=other, reason="No")

    declared.refresh_from_db()
    assert declared.conflict_status == Conflict.DECLARED


def test_withdrawing_needs_a_reason(declared, reviewer):
    with pytest.raises(ValidationError) as refused:
        services.review_withdraw_conflict(assignment=declared, by=reviewer, reason="  ")
    assert refused.value.messages == ["Say why the conflict of interest is withdrawn."]


def test_nothing_to_confirm_or_withdraw_without_a_conflict_in_force(decider, declared, reviewer):
    services.review_withdraw_conflict(assignment=declared, by=reviewer, reason="Mistake")

    with pytest.raises(ValidationError) as not_declared:
        services.review_confirm_conflict(assignment=declared, by=decider)
    with pytest.raises(ValidationError) as not_in_force:
        services.review_withdraw_conflict(assignment=declared, by=decider, reason="Again")

    assert not_declared.value.messages == ["Only a declared conflict of interest can be confirmed."]
    assert not_in_force.value.messages == ["There is no conflict of interest in force to withdraw."]


def test_declaring_again_after_a_withdrawal(declared, reviewer, application):
    services.review_withdraw_conflict(assignment=declared, by=reviewer, reason="Mistake")

    services.review_declare_conflict(application=application, reviewer=reviewer, reason="Oh, yes")

    declared.refresh_from_db()
    assert (declared.conflict, declared.conflict_status, declared.conflict_reason) == (
        True,
        Conflict.DECLARED,
        "Oh, yes",
    )


@pytest.mark.parametrize(
    ("conflict", "status"),
    [(True, ""), (True, "withdrawn"), (False, "declared"), (False, "confirmed")],
)
def test_the_flag_and_the_status_cannot_disagree(conflict, status):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewAssignmentFactory(conflict=conflict, conflict_status=status)


# Admin ---------------------------------------------------------------------------------------


def test_staff_allowed_to_decide_confirm_from_the_list(client, declared, decider):
    client.force_login(decider)
    listing = client.get(reverse(CHANGELIST))
    assert [str(a) for a in listing.context["cl"].result_list] == [str(declared)]
    assert list(listing.context["action_form"].fields["action"].choices)[1:] == [
        ("confirm_conflicts", "Confirm the declared conflicts of interest"),
        ("withdraw_conflicts", "Withdraw the conflicts of interest (with a reason)…"),
    ]

    response = client.post(
        reverse(CHANGELIST),
        {"action": "confirm_conflicts", "_selected_action": [declared.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["Conflicts of interest confirmed: 1."]
    declared.refresh_from_db()
    assert declared.conflict_status == Conflict.CONFIRMED


def test_a_reviewer_sees_their_own_declarations_and_withdraws_one(
    client, declared, reviewer, application
):
    other = ReviewAssignmentFactory(application=application)
    client.force_login(reviewer)

    listing = client.get(reverse(CHANGELIST))
    assert [a.pk for a in listing.context["cl"].result_list] == [declared.pk]
    assert other.pk != declared.pk
    assert list(listing.context["action_form"].fields["action"].choices)[1:] == [
        ("withdraw_conflicts", "Withdraw the conflicts of interest (with a reason)…"),
    ]
    ask = client.post(
        reverse(CHANGELIST), {"action": "withdraw_conflicts", "_selected_action": [declared.pk]}
    )
    assert "A withdrawn conflict of interest no longer hides the application" in (
        ask.content.decode()
    )

    response = client.post(
        reverse(CHANGELIST),
        {
            "action": "withdraw_conflicts",
            "_selected_action": [declared.pk],
            "apply": "1",
            "reason": "Another Plymouth",
        },
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Conflicts of interest withdrawn: 1. The applications are shown to their reviewers again."
    ]
    declared.refresh_from_db()
    assert declared.conflict_status == Conflict.WITHDRAWN


def test_a_refused_withdrawal_is_said_once(client, declared, decider, reviewer):
    services.review_confirm_conflict(assignment=declared, by=decider)
    client.force_login(reviewer)

    response = client.post(
        reverse(CHANGELIST),
        {
            "action": "withdraw_conflicts",
            "_selected_action": [declared.pk],
            "apply": "1",
            "reason": "Changed my mind",
        },
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        f"{declared}: Only the reviewer who declared the conflict (before it is confirmed) or "
        "staff allowed to decide conflicts of interest can withdraw it."
    ]
