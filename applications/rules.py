"""Who may do what with an application, checked the same way in views and templates
(`rules.test_rule`, `{% test_rule %}`). The lifecycle's own conditions come from `status`."""

import rules

from . import status as lifecycle
from .models import Application, OrganisationMember


@rules.predicate
def is_applicant_of(user, application) -> bool:
    """A member of the organisation that owns the application."""
    if not isinstance(application, Application) or not user.is_authenticated:
        return False
    return OrganisationMember.objects.filter(
        user=user, organisation_id=application.organisation_id
    ).exists()


@rules.predicate
def is_staff(user) -> bool:
    return user.is_authenticated and user.is_staff


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


rules.add_rule("applications.edit", is_applicant_of & application_editable)
rules.add_rule("applications.withdraw", is_applicant_of & application_withdrawable)
rules.add_rule(
    "applications.restore",
    (is_applicant_of & applicant_may_restore) | (is_staff & staff_may_restore),
)
rules.add_rule("applications.staff_withdraw", is_staff & application_withdrawable)
