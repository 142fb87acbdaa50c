"""Reads of the staff review."""

from django.db.models import Avg

from ..models import Application, ReviewCriterion, ReviewScore, ReviewSettings


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
