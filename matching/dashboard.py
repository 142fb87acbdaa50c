"""The staff dashboard's figures: a fixed number of aggregate queries, whatever the row count."""

from collections import Counter

from django.db.models import Count, Q

from applications.models import Application, LearningNeed, Preference
from cities.models import CallMissionCity, CityItem, Topic

from . import selectors
from .models import Pairing, Proposal


def dashboard_data(*, call) -> dict:
    applications = Application.objects.filter(call=call)
    # Status, eligibility, country and total from one grouped pass over the call's applications
    # (a few hundred groups at most), not four scans of them.
    groups = list(
        applications.annotate_effective_verdict("verdict_now")
        .annotate(was_submitted=Q(submitted_at__isnull=False))
        .values_list("status", "verdict_now", "country", "was_submitted")
        .annotate(n=Count("pk"))
        .order_by()
    )
    draft = Application.Status.DRAFT
    by_status, by_verdict, countries = Counter(), Counter(), Counter()
    for status, verdict_now, country, was_submitted, n in groups:
        by_status[status] += n
        if status != draft:
            countries[str(country)] += n
            if was_submitted:
                by_verdict[verdict_now] += n
    statuses = [
        {"status": label, "count": by_status.get(value, 0)}
        for value, label in Application.Status.choices
    ]
    verdicts = [
        {"verdict": value, "label": label, "count": by_verdict.get(value, 0)}
        for value, label in Application.Verdict.choices
    ]
    by_country = sorted(countries.items(), key=lambda item: (-item[1], item[0]))[:25]
    submitted = applications.exclude(
        status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN]
    )
    demand = dict(
        LearningNeed.objects.filter(application__in=submitted)
        .values_list("topic__slug")
        .annotate(n=Count("pk"))
        .order_by()
    )
    supply = dict(
        CityItem.objects.filter(participation__call=call, kind=CityItem.Kind.ACTION)
        .values_list("topics__slug")
        .annotate(n=Count("pk"))
        .order_by()
    )
    topics = [
        {"name": t.name, "demand": demand.get(t.slug, 0), "supply": supply.get(t.slug, 0)}
        for t in Topic.objects.order_by("position")
    ]
    latest = selectors.latest_run(call=call)
    proposals = (
        dict(
            Proposal.objects.filter(run=latest)
            .values_list("mission_city_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        if latest
        else {}
    )
    # Counted over the preferences, grouped by city (a hash aggregate), not by a filtered join
    # from each city: half the time at 10,000 applications.
    ranked = {
        row["mission_city"]: row
        for row in Preference.objects.filter(application__in=submitted)
        .values("mission_city")
        .annotate(first=Count("pk", filter=Q(rank=1)), any_rank=Count("pk"))
        .order_by()
    }
    hosts = [
        {
            "name": c.display_name,
            "capacity": c.capacity,
            "first_choice": ranked.get(c.pk, {}).get("first", 0),
            "preferences": ranked.get(c.pk, {}).get("any_rank", 0),
            "proposals": proposals.get(c.pk, 0),
        }
        for c in CallMissionCity.objects.filter(call=call).order_by("display_name")
    ]
    declined = Q(host_confirmation=Pairing.Confirmation.DECLINED) | Q(
        twin_confirmation=Pairing.Confirmation.DECLINED
    )
    answers = Pairing.objects.filter(call=call).aggregate(
        confirmed=Count(
            "pk",
            filter=Q(
                host_confirmation=Pairing.Confirmation.CONFIRMED,
                twin_confirmation=Pairing.Confirmation.CONFIRMED,
            ),
        ),
        declined=Count("pk", filter=declined),
        waiting=Count(
            "pk",
            filter=~declined
            & (
                Q(host_confirmation=Pairing.Confirmation.PENDING)
                | Q(twin_confirmation=Pairing.Confirmation.PENDING)
            ),
        ),
    )
    return {
        "answers": answers,
        "statuses": statuses,
        "verdicts": verdicts,
        "countries": [{"country": country, "count": n} for country, n in by_country],
        "topics": topics,
        "hosts": hosts,
        "latest_run": latest.pk if latest else None,
        "total": sum(by_status.values()),
        # every preference of a submitted application counts for exactly one city above
        "preference_count": sum(row["any_rank"] for row in ranked.values()),
    }
