"""Every write of the staff review: criteria, assignments, conflicts of interest and reviews."""

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


@transaction.atomic
def review_declare_conflict(*, application: Application, reviewer, reason: str) -> None:
    if not reason.strip():
        raise ValidationError(_("Describe the conflict of interest."))
    assignment, _created = ReviewAssignment.objects.get_or_create(
        application=application, reviewer=reviewer
    )
    assignment.conflict = True
    assignment.conflict_reason = reason.strip()
    assignment.save(update_fields=["conflict", "conflict_reason"])
    deleted, _counts = Review.objects.filter(application=application, reviewer=reviewer).delete()
    record(
        actor=reviewer,
        action="review.declare_conflict",
        target=assignment,
        application=application,
        note=reason.strip(),
        data={"reviews_deleted": deleted},
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
