"""Who may do what with an application, checked the same way in views and templates
(`rules.test_rule`, `{% test_rule %}`). The lifecycle's own conditions come from `status`."""

import rules

from . import selectors
from . import status as lifecycle
from .models import Application, OrganisationMember, ReviewAssignment
from .reviews import selectors as review_selectors


@rules.predicate
def is_applicant_of(user, application) -> bool:
    """A member of the organisation that owns the application."""
    if not isinstance(application, Application) or not user.is_authenticated:
        return False
    # Asked by several rules on one page: answered once per application object (a request's).
    known = application.__dict__.setdefault("_applicant_of", {})
    if user.pk not in known:
        known[user.pk] = OrganisationMember.objects.filter(
            user=user, organisation_id=application.organisation_id
        ).exists()
    return known[user.pk]


@rules.predicate
def is_staff(user) -> bool:
    return user.is_authenticated and user.is_staff


def has_permission(codename: str):
    """A predicate on a model permission (superusers have them all)."""

    @rules.predicate(name=f"has_perm:{codename}")
    def predicate(user) -> bool:
        return user.is_authenticated and user.has_perm(codename)

    return predicate


@rules.predicate
def has_declared_conflict(user, application) -> bool:
    """The staff member declared a conflict of interest on this application."""
    return user.is_authenticated and review_selectors.has_declared_conflict(user, application)


@rules.predicate
def application_editable(user, application) -> bool:
    return lifecycle.is_editable(application)


@rules.predicate
def application_withdrawable(user, application) -> bool:
    return lifecycle.can_withdraw(application)


@rules.predicate
def applicant_may_restore(user, application) -> bool:
    return lifecycle.can_restore(application, actor=lifecycle.Actor.APPLICANT)


@rules.predicate
def staff_may_restore(user, application) -> bool:
    return lifecycle.can_restore(application, actor=lifecycle.Actor.STAFF)


@rules.predicate
def is_mission_city_member(user) -> bool:
    return user.is_authenticated and selectors.is_mission_city_member(user)


# A Mission City's member may not start a Twin City application (the sides stay apart).
rules.add_rule("applications.start", rules.is_authenticated & ~is_mission_city_member)
rules.add_rule("applications.edit", is_applicant_of & application_editable)
rules.add_rule("applications.withdraw", is_applicant_of & application_withdrawable)
rules.add_rule(
    "applications.restore",
    (is_applicant_of & applicant_may_restore) | (is_staff & staff_may_restore),
)
rules.add_rule("applications.staff_withdraw", is_staff & application_withdrawable)


# Conflicts of interest: the reviewer declares one (applications.reviews.services); staff with
# applications.decide_conflict confirm or withdraw any; the reviewer may withdraw their own while
# it is only declared (once confirmed, it is staff's decision).


@rules.predicate
def may_decide_conflicts(user) -> bool:
    return user.is_authenticated and user.is_staff and user.has_perm("applications.decide_conflict")


@rules.predicate
def declared_the_conflict(user, assignment) -> bool:
    return user.is_authenticated and getattr(assignment, "reviewer_id", None) == user.pk


@rules.predicate
def conflict_declared(user, assignment) -> bool:
    return assignment.conflict_status == ReviewAssignment.ConflictStatus.DECLARED


@rules.predicate
def conflict_in_force(user, assignment) -> bool:
    return assignment.conflict_status in ReviewAssignment.ACTIVE_CONFLICT


rules.add_rule("applications.confirm_conflict", may_decide_conflicts & conflict_declared)
rules.add_rule(
    "applications.withdraw_conflict",
    (is_staff & declared_the_conflict & conflict_declared)
    | (may_decide_conflicts & conflict_in_force),
)
# Staff read the documents with the model permission; conflicts are hidden by the selector.
rules.add_rule(
    "applications.staff_read_documents", is_staff & has_permission("applications.view_document")
)
# Reviewing and declaring a conflict are writes: both need the permission to add a review.
rules.add_rule(
    "applications.review",
    is_staff & has_permission("applications.add_review") & ~has_declared_conflict,
)
