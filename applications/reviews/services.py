"""Every write of the staff review: criteria, assignments, conflicts of interest and reviews."""

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record

from .. import status as lifecycle
from ..models import (
    Application,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewScore,
    ReviewSettings,
    StatusChange,
)
from ..services import application_log

Status = Application.Status

DEFAULT_CRITERIA = [
    ("relevance", _("Relevance of the learning needs to the Mission Cities' offers")),
    ("commitment", _("Commitment and capacity")),
    ("replication", _("Replication potential")),
    ("motivation", _("Motivation")),
]


@transaction.atomic
def review_setup(*, call) -> list[ReviewCriterion]:
    """The call's review criteria, created with the defaults the first time."""
    review_settings, created = ReviewSettings.objects.get_or_create(call=call)
    if created:
        record(actor=None, action="review_settings.create", target=review_settings)
    if not ReviewCriterion.objects.filter(call=call).exists():
        ReviewCriterion.objects.bulk_create(
            ReviewCriterion(call=call, slug=slug, name=str(name), position=i)
            for i, (slug, name) in enumerate(DEFAULT_CRITERIA)
        )
        record(
            actor=None,
            action="review_criterion.create_defaults",
            target=call,
            data={"slugs": [slug for slug, _name in DEFAULT_CRITERIA]},
        )
    return list(ReviewCriterion.objects.filter(call=call).order_by("position"))


@transaction.atomic
def review_assign(*, application: Application, reviewer, by) -> ReviewAssignment:
    if not reviewer.is_staff:
        raise ValidationError(_("Only staff can review applications."))
    assignment, created = ReviewAssignment.objects.get_or_create(
        application=application, reviewer=reviewer
    )
    if created:
        record(
            actor=by,
            action="review.assign",
            target=assignment,
            application=application,
            data={"reviewer": reviewer.pk},
        )
    return assignment


Conflict = ReviewAssignment.ConflictStatus


@transaction.atomic
def review_declare_conflict(*, application: Application, reviewer, reason: str) -> None:
    """The reviewer declares a conflict of interest: the application is hidden from them and
    their review of it, if any, is deleted. Declaring again keeps a confirmation."""
    if not reason.strip():
        raise ValidationError(_("Describe the conflict of interest."))
    assignment, _created = ReviewAssignment.objects.get_or_create(
        application=application, reviewer=reviewer
    )
    assignment.conflict = True
    if assignment.conflict_status not in ReviewAssignment.ACTIVE_CONFLICT:
        assignment.conflict_status = Conflict.DECLARED
    assignment.conflict_reason = reason.strip()
    assignment.save(update_fields=["conflict", "conflict_status", "conflict_reason"])
    deleted, _counts = Review.objects.filter(application=application, reviewer=reviewer).delete()
    record(
        actor=reviewer,
        action="review.declare_conflict",
        target=assignment,
        application=application,
        note=reason.strip(),
        data={"reviews_deleted": deleted},
    )


def _conflict_change(assignment, *, by, rule, sources, target, not_now, not_you, action, note):
    """Move a conflict of interest from one of `sources` to `target` if `by` passes `rule`;
    otherwise say why: the conflict is not in a state that allows it, or `by` may not."""
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("application", "reviewer")
        .get(pk=assignment.pk)
    )
    if not rules.test_rule(rule, by, assignment):
        refusal = not_now if assignment.conflict_status not in sources else not_you
        raise ValidationError(refusal, code="conflict")
    previous = assignment.conflict_status
    assignment.conflict_status = target
    assignment.conflict = target in ReviewAssignment.ACTIVE_CONFLICT
    assignment.full_clean()
    assignment.save(update_fields=["conflict", "conflict_status"])
    record(
        actor=by,
        action=action,
        target=assignment,
        application=assignment.application,
        note=note.strip(),
        data={"reviewer": assignment.reviewer_id, "was": previous},
    )


@transaction.atomic
def review_confirm_conflict(*, assignment: ReviewAssignment, by, note: str = "") -> None:
    """Staff allowed to decide conflicts confirm a declared one; it stays in force and only
    such staff may withdraw it from now on."""
    _conflict_change(
        assignment,
        by=by,
        rule="applications.confirm_conflict",
        sources=(Conflict.DECLARED,),
        target=Conflict.CONFIRMED,
        not_now=_("Only a declared conflict of interest can be confirmed."),
        not_you=_("Only staff allowed to decide conflicts of interest can confirm it."),
        action="review.confirm_conflict",
        note=note,
    )


@transaction.atomic
def review_withdraw_conflict(*, assignment: ReviewAssignment, by, reason: str) -> None:
    """The reviewer who declared a conflict (while it is only declared), or staff allowed to
    decide conflicts, withdraw it with a reason: the application is no longer hidden from the
    reviewer, who may review it again (a review deleted at the declaration stays deleted)."""
    if not reason.strip():
        raise ValidationError(_("Say why the conflict of interest is withdrawn."))
    _conflict_change(
        assignment,
        by=by,
        rule="applications.withdraw_conflict",
        sources=ReviewAssignment.ACTIVE_CONFLICT,
        target=Conflict.WITHDRAWN,
        not_now=_("There is no conflict of interest in force to withdraw."),
        not_you=_(
            "Only the reviewer who declared the conflict (before it is "
            "confirmed) or staff allowed to decide conflicts of interest can withdraw it."
        ),
        action="review.withdraw_conflict",
        note=reason,
    )


@transaction.atomic
def review_submit(*, application: Application, reviewer, scores: dict, comment: str = "") -> Review:
    """Record (or replace) a reviewer's scores, 0–5 for each of the call's criteria."""
    assignment = ReviewAssignment.objects.filter(application=application, reviewer=reviewer).first()
    if assignment is None:
        raise ValidationError(_("This application is not assigned to you."))
    if assignment.conflict:
        raise ValidationError(_("You declared a conflict of interest for this application."))
    if not lifecycle.is_reviewable(application):
        raise ValidationError(_("Only submitted applications can be reviewed."))
    criteria = review_setup(call=application.call)
    if sorted(scores) != sorted(c.pk for c in criteria):
        raise ValidationError(_("Score every criterion."))
    if any(not isinstance(v, int) or not 0 <= v <= 5 for v in scores.values()):
        raise ValidationError(_("Scores go from 0 to 5."))
    review, _created = Review.objects.update_or_create(
        application=application,
        reviewer=reviewer,
        defaults={"comment": comment.strip(), "total": sum(scores.values())},
    )
    ReviewScore.objects.filter(review=review).delete()
    ReviewScore.objects.bulk_create(
        ReviewScore(review=review, criterion_id=pk, score=score) for pk, score in scores.items()
    )
    application_log(
        application=application,
        action=StatusChange.Action.REVIEW,
        internal=True,
        by=reviewer,
        note=_("Review: total %(total)s") % {"total": review.total},
        target=review,
    )
    return review
