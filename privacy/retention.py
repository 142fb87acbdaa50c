"""Retention: the personal data of a call's applicants are removed on schedule, the statistical
record (country, size, authority type, topics, status, verdict, outcome) kept."""

import calendar
import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef

from applications.models import (
    Application,
    Document,
    LearningNeed,
    Preference,
    Representative,
    Review,
    ReviewAssignment,
    ShareOffer,
    ShortlistEntry,
    StatusChange,
)
from matching.models import PairConstraint, Pairing, Proposal

from .models import AnonymisedApplication, RetentionPolicy
from .scrub import REMOVED, needles, replace_all

UNPAIRED = "unpaired"
PAIRS = "pairs"


def periods(call) -> tuple[int, int]:
    """(days after closing for applicants not paired, days after the programme for pairs)."""
    policy = RetentionPolicy.objects.filter(call=call).first()
    if policy:
        return policy.unpaired_days, policy.pairs_days
    return settings.PRIVACY_RETENTION_UNPAIRED_DAYS, settings.PRIVACY_RETENTION_PAIRS_DAYS


def programme_end(call) -> datetime.date:
    start = call.programme_start
    months = start.month - 1 + call.programme_months
    year, month = start.year + months // 12, months % 12 + 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_dates(call) -> dict[str, datetime.datetime]:
    unpaired_days, pairs_days = periods(call)
    end = datetime.datetime.combine(programme_end(call), datetime.time(), tzinfo=datetime.UTC)
    return {
        UNPAIRED: call.closes_at + datetime.timedelta(days=unpaired_days),
        PAIRS: end + datetime.timedelta(days=pairs_days),
    }


def candidates(call, kind: str):
    """The call's applications of that kind not anonymised yet."""
    paired = Exists(Pairing.objects.filter(application=OuterRef("pk")))
    done = Exists(AnonymisedApplication.objects.filter(application=OuterRef("pk")))
    queryset = Application.objects.filter(call=call).annotate(paired=paired, done=done)
    queryset = queryset.filter(done=False)
    return queryset.filter(paired=(kind == PAIRS))


def due(call, now) -> dict[str, int]:
    """How many applications of each kind are due now (0 where the date has not come)."""
    dates = due_dates(call)
    return {kind: candidates(call, kind).count() if dates[kind] <= now else 0 for kind in dates}


def anonymise(application) -> None:
    """Remove an application's personal data; call inside a transaction."""
    representatives = Representative.objects.filter(application=application)
    strings = needles(
        [s for r in representatives.values_list("name", "email") for s in r]
        + [m.user.name for m in application.organisation.members.select_related("user")]
        + [m.user.email for m in application.organisation.members.select_related("user")]
    )
    representatives.update(name=REMOVED, email="", role="")
    for document in Document.objects.filter(application=application):
        document.file.delete(save=False)
        document.delete()
    Application.objects.filter(pk=application.pk).update(
        staff_message="",
        verdict_override_reason=replace_all(application.verdict_override_reason, strings),
    )
    for model, field in (
        (LearningNeed, "text"),
        (ShareOffer, "text"),
        (Preference, "reason"),
        (StatusChange, "note"),
    ):
        for pk, text in model.objects.filter(application=application).values_list("pk", field):
            new = replace_all(text, strings)
            if new != text:
                model.objects.filter(pk=pk).update(**{field: new})
    ShortlistEntry.objects.filter(application=application).update(note="")
    Review.objects.filter(application=application).update(comment="")
    ReviewAssignment.objects.filter(application=application).update(conflict_reason="")
    PairConstraint.objects.filter(application=application).update(reason="")
    Proposal.objects.filter(application=application).update(decision_reason="")
    Pairing.objects.filter(application=application).update(host_reason="", twin_reason="")
