"""Reads of the pair spaces: who is on which side, the pairs a person may open, the page data and
the cohort rows for staff. Lists are read in a fixed number of queries whatever the row count."""

import datetime as dt
from dataclasses import dataclass

import rules
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import OrganisationMember
from applications.reviews.selectors import without_conflicts
from cities.models import CityItem, MissionCityMembership
from matching.models import Pairing

from .models import (
    Meeting,
    Milestone,
    OutcomeSurvey,
    Pair,
    PlanVersion,
    Side,
)

IDLE_DAYS = 30
AT_RISK_LATE = 2  # the at-risk rule: this many late milestones, or IDLE_DAYS without activity

AT_RISK_RULE = gettext_lazy(
    "At risk: two or more milestones late, or no activity in the pair space for 30 days."
)


def confirmed_pairings() -> QuerySet[Pairing]:
    return Pairing.objects.filter(
        host_confirmation=Pairing.Confirmation.CONFIRMED,
        twin_confirmation=Pairing.Confirmation.CONFIRMED,
    )


def pair_base() -> QuerySet[Pair]:
    return Pair.objects.select_related(
        "call",
        "pairing__application__organisation",
        "pairing__mission_city__mission_city",
    )


def side_of(user, pair: Pair) -> str | None:
    """twin, host or staff for the people of the pair and the programme team; None otherwise."""
    if not getattr(user, "is_authenticated", False):
        return None
    if rules.test_rule("pairs.staff_view", user, pair):
        return Side.STAFF
    application = pair.pairing.application
    if OrganisationMember.objects.filter(
        user=user, organisation_id=application.organisation_id
    ).exists():
        return Side.TWIN
    if MissionCityMembership.objects.filter(
        user=user,
        mission_city_id=pair.pairing.mission_city.mission_city_id,
        revoked_at__isnull=True,
    ).exists():
        return Side.HOST
    return None


def pairs_of(user) -> QuerySet[Pair]:
    """The pairs a person works in (staff with the permission: every pair but those of
    applications they declared a conflict of interest on)."""
    if not getattr(user, "is_authenticated", False):
        return Pair.objects.none()
    if rules.test_rule("pairs.staff_list", user):
        return without_conflicts(pair_base(), user, application="pairing__application")
    return (
        pair_base()
        .filter(
            Q(pairing__application__organisation__members__user=user)
            | Q(
                pairing__mission_city__mission_city__memberships__user=user,
                pairing__mission_city__mission_city__memberships__revoked_at__isnull=True,
            )
        )
        .distinct()
    )


def side_users(pair: Pair, side: str) -> list:
    """The people of one side (both sides for BOTH); staff are not members of a side."""
    from users.models import User

    twin = Q(organisation_membership__organisation_id=pair.pairing.application.organisation_id)
    host = Q(
        mission_city_memberships__mission_city_id=pair.pairing.mission_city.mission_city_id,
        mission_city_memberships__revoked_at__isnull=True,
    )
    condition = {Side.TWIN: twin, Side.HOST: host}.get(side, twin | host)
    return list(User.objects.filter(condition, is_active=True).distinct().order_by("email"))


def offered_actions(pair: Pair) -> QuerySet[CityItem]:
    return CityItem.objects.filter(
        participation_id=pair.pairing.mission_city_id, kind=CityItem.Kind.ACTION
    ).order_by("position")


def survey_open(pair: Pair, today: dt.date | None = None) -> bool:
    """The closing survey opens 30 days before the programme ends."""
    today = today or timezone.localdate()
    return today >= programme_end(pair.call) - dt.timedelta(days=30)


def programme_end(call) -> dt.date:
    start = call.programme_start
    month = start.month - 1 + call.programme_months
    year, month = start.year + month // 12, month % 12 + 1
    day = min(start.day, 28)
    return dt.date(year, month, day)


# Cohort -------------------------------------------------------------------------------------


@dataclass
class CohortRow:
    pair: Pair
    milestones: int
    done: int
    late: int
    last_activity: dt.datetime
    site_visit: bool
    plan_submitted: bool
    at_risk: bool

    @property
    def progress(self) -> int:
        return round(100 * self.done / self.milestones) if self.milestones else 0


def cohort_queryset(call, today: dt.date | None = None, *, viewer=None) -> QuerySet[Pair]:
    """Every pair of a call with its counts, in one query; for a `viewer`, without the pairs of
    applications they declared a conflict of interest on."""
    today = today or timezone.localdate()
    late = Q(milestones__status=Milestone.Status.LATE) | Q(
        milestones__status=Milestone.Status.PLANNED, milestones__due_date__lt=today
    )
    pairs = pair_base().filter(call=call)
    if viewer is not None:
        pairs = without_conflicts(pairs, viewer, application="pairing__application")
    return pairs.annotate(
        n_milestones=Count("milestones", distinct=True),
        n_done=Count(
            "milestones", filter=Q(milestones__status=Milestone.Status.DONE), distinct=True
        ),
        n_late=Count("milestones", filter=late, distinct=True),
        site_visit_held=Exists(
            Meeting.objects.filter(
                pair=OuterRef("pk"), kind=Meeting.Kind.SITE_VISIT, date__lte=today
            )
        ),
        plan_submitted=Exists(PlanVersion.objects.filter(pair=OuterRef("pk"))),
        last_plan_at=Max("plan_versions__submitted_at"),
    )


def is_at_risk(*, late: int, last_activity: dt.datetime, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return late >= AT_RISK_LATE or last_activity < now - dt.timedelta(days=IDLE_DAYS)


def cohort_rows(queryset: QuerySet[Pair]) -> list[CohortRow]:
    now = timezone.now()
    return [
        CohortRow(
            pair=p,
            milestones=p.n_milestones,
            done=p.n_done,
            late=p.n_late,
            last_activity=p.last_activity_at,
            site_visit=p.site_visit_held,
            plan_submitted=p.plan_submitted,
            at_risk=is_at_risk(late=p.n_late, last_activity=p.last_activity_at, now=now),
        )
        for p in queryset
    ]


def cohort_timeline(call, rows: list[CohortRow]) -> dict:
    """Chart.js data: milestones done per month of the programme, and how many are due."""
    start = call.programme_start
    months = call.programme_months
    labels = [f"M{m + 1}" for m in range(months)]
    due = [0] * months
    done = [0] * months
    ids = [r.pair.pk for r in rows]
    for due_date, done_at in Milestone.objects.filter(pair_id__in=ids).values_list(
        "due_date", "done_at"
    ):
        due[_month_index(start, due_date, months)] += 1
        if done_at:
            done[_month_index(start, timezone.localdate(done_at), months)] += 1
    return {
        "labels": labels,
        "due": due,
        "done": done,
        "due_label": str(_("Milestones due")),
        "done_label": str(_("Milestones done")),
    }


def _month_index(start: dt.date, day: dt.date, months: int) -> int:
    index = (day.year - start.year) * 12 + day.month - start.month
    return max(0, min(months - 1, index))


# Outcomes -----------------------------------------------------------------------------------


def survey_summary(call, *, viewer=None) -> dict:
    """Outcome surveys of a call, by Mission City and by topic of the replicated actions; for a
    `viewer`, without those of pairs of applications they declared a conflict of interest on."""
    surveys = OutcomeSurvey.objects.filter(pair__call=call)
    if viewer is not None:
        surveys = without_conflicts(surveys, viewer, application="pair__pairing__application")
    surveys = list(
        surveys.select_related(
            "pair__pairing__mission_city", "pair__pairing__application"
        ).prefetch_related(
            Prefetch(
                "replicated_actions",
                queryset=CityItem.objects.prefetch_related("topics"),
            )
        )
    )
    by_city: dict[str, dict] = {}
    by_topic: dict[str, dict] = {}
    for survey in surveys:
        city = survey.pair.pairing.mission_city.display_name
        entry = by_city.setdefault(
            city, {"city": city, "n": 0, "total": 0, "gained": [], "replicated": 0}
        )
        entry["n"] += 1
        entry["total"] += survey.satisfaction
        if survey.gained:
            entry["gained"].append(survey.gained)
        for action in survey.replicated_actions.all():
            entry["replicated"] += 1
            for topic in action.topics.all():
                t = by_topic.setdefault(
                    topic.name, {"topic": topic.name, "actions": 0, "satisfaction": []}
                )
                t["actions"] += 1
                t["satisfaction"].append(survey.satisfaction)
    for entry in by_city.values():
        entry["mean"] = round(entry["total"] / entry["n"], 1)
    for t in by_topic.values():
        t["mean"] = round(sum(t["satisfaction"]) / len(t["satisfaction"]), 1)
    return {
        "n": len(surveys),
        "by_city": sorted(by_city.values(), key=lambda e: e["city"]),
        "by_topic": sorted(by_topic.values(), key=lambda e: (-e["actions"], e["topic"])),
    }
