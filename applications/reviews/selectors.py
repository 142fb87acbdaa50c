"""Reads of the staff review."""

from django.db.models import Avg, Exists, OuterRef, QuerySet

from ..models import Application, ReviewAssignment, ReviewCriterion, ReviewScore, ReviewSettings


def without_conflicts(
    queryset: QuerySet, user, *, application: str | None = None, organisation: str | None = None
) -> QuerySet:
    """`queryset` without the rows of the applications `user` declared a conflict of interest
    on. `application` is the lookup from a row to its application ("pk" for applications),
    or `organisation` the lookup to the applicant organisation (which hides every row of the
    organisation, e.g. documents uploaded before the application existed). Every staff list,
    page, download and export of application data goes through it."""
    if (application is None) == (organisation is None):
        raise ValueError("Give exactly one of application= and organisation=.")
    if not getattr(user, "is_authenticated", False):
        return queryset
    conflicts = ReviewAssignment.objects.active_conflicts().filter(reviewer=user)
    if application is not None:
        conflicts = conflicts.filter(application=OuterRef(application))
    else:
        conflicts = conflicts.filter(application__organisation=OuterRef(organisation))
    return queryset.filter(~Exists(conflicts))


def has_declared_conflict(user, application: Application) -> bool:
    return (
        ReviewAssignment.objects.active_conflicts()
        .filter(reviewer=user, application=application)
        .exists()
    )


def review_summary(application: Application) -> dict:
    """Mean score per criterion and in total, the count, and whether the thresholds are met."""
    criteria = list(ReviewCriterion.objects.filter(call_id=application.call_id))
    settings_row = ReviewSettings.objects.filter(call_id=application.call_id).first()
    total_threshold = float(settings_row.total_threshold) if settings_row else 12.0
    means = dict(
        ReviewScore.objects.filter(review__application=application)
        .values("criterion")
        .annotate(mean=Avg("score"))
        .values_list("criterion", "mean")
    )
    count = application.reviews.count()
    rows = [
        {
            "name": c.name,
            "threshold": float(c.threshold),
            "mean": float(means.get(c.pk) or 0),
            "met": float(means.get(c.pk) or 0) >= float(c.threshold),
        }
        for c in criteria
    ]
    mean_total = sum(r["mean"] for r in rows)
    return {
        "count": count,
        "criteria": rows,
        "mean_total": mean_total,
        "total_threshold": total_threshold,
        "total_met": count > 0 and mean_total >= total_threshold,
        "all_met": count > 0 and mean_total >= total_threshold and all(r["met"] for r in rows),
    }
