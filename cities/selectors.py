"""Reads of the Mission City catalogue and the calls."""

import zoneinfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .eligibility import CallFacts, Candidate, Registry, Verdict, judge
from .models import (
    Call,
    CallMissionCity,
    CityItem,
    EligibleCountry,
    FormerParticipant,
    MissionCity,
)


def copied_call_summary(call: Call) -> str:
    """The summary of a copied call (a demo), told from its own dates: the source's summary
    names its own year and programme start, which a copy with other dates contradicts."""
    tz = zoneinfo.ZoneInfo(call.timezone)
    return _(
        "Local authorities outside the 112 Mission Cities, from EU Member States and Horizon "
        "Europe associated countries and aiming for climate neutrality by %(target)s or earlier, "
        "apply from %(opens)s to %(closes)s to be paired with one of the participating Mission "
        "Cities. From %(start)s the pairs exchange knowledge for %(months)s months on priority "
        "climate actions from the Mission Cities' Climate City Contracts, through workshops, "
        "site visits and targeted feedback."
    ) % {
        "target": call.target_year_limit,
        "opens": date_format(timezone.localtime(call.opens_at, tz), "j F Y"),
        "closes": date_format(timezone.localtime(call.closes_at, tz), "j F Y"),
        "start": date_format(call.programme_start, "F Y"),
        "months": call.programme_months,
    }


def call_current(*, when=None) -> Call | None:
    """The open call, else the one that opened last, else the next one to open."""
    when = when or timezone.now()
    return (
        Call.objects.open_at(when).order_by("closes_at").first()
        or Call.objects.filter(opens_at__lte=when).order_by("-opens_at").first()
        or Call.objects.order_by("opens_at").first()
    )


def catalogue_cities(*, call: Call) -> QuerySet[CallMissionCity]:
    """The call's Mission Cities with their offered actions and all item topics, in few queries."""
    return (
        CallMissionCity.objects.filter(call=call)
        .select_related("mission_city")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=CityItem.objects.filter(kind=CityItem.Kind.ACTION).prefetch_related(
                    "topics"
                ),
                to_attr="actions",
            )
        )
        .order_by("display_name")
    )


def catalogue_city(*, call: Call, slug: str) -> CallMissionCity | None:
    return (
        CallMissionCity.objects.filter(call=call, mission_city__slug=slug)
        .select_related("mission_city", "call")
        .prefetch_related(Prefetch("items", queryset=CityItem.objects.prefetch_related("topics")))
        .first()
    )


def eligibility_registry(*, former_participants: bool = True) -> Registry:
    """The reference data the eligibility rules judge against, as plain data, in 3 queries.

    While the registry of former Twin and Pilot Cities is empty, a call that excludes them says
    the check was not made (and staff review the application), never that the city is not in it.
    """
    return Registry.build(
        eligible_countries=EligibleCountry.objects.values_list("country", "effective_from"),
        mission_cities=(
            (name, country, tuple(aliases or ()))
            for name, country, aliases in MissionCity.objects.order_by("name").values_list(
                "name", "country", "aliases"
            )
        ),
        former_participants=FormerParticipant.objects.order_by("name").values_list(
            "name", "country"
        )
        if former_participants
        else (),
    )


def eligibility_registry_kept(*, former_participants: bool = True) -> Registry:
    """`eligibility_registry`, kept in the cache under the public pages' version (started anew
    by every save or delete of a cities model, see cities.apps) for PUBLIC_PAGE_CACHE_SECONDS:
    for pages that only show a verdict. A submission judges with a fresh registry."""
    from twinning import pagecache

    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    if seconds <= 0:
        return eligibility_registry(former_participants=former_participants)
    key = f"eligibility-registry:{pagecache.version()}:{int(former_participants)}"
    registry = cache.get(key)
    if registry is None:
        registry = eligibility_registry(former_participants=former_participants)
        cache.set(key, registry, seconds)
    return registry


def call_facts(call: Call) -> CallFacts:
    """What the eligibility rules need to know of a call, with dates in its own time zone."""
    tz = zoneinfo.ZoneInfo(call.timezone)
    return CallFacts(
        slug=call.slug,
        closes_on=call.closes_at.astimezone(tz).date(),
        opens_on=call.opens_at.astimezone(tz).date(),
        target_year_limit=call.target_year_limit,
        excludes_former_participants=call.excludes_former_participants,
    )


def eligibility_verdict(*, call: Call, candidate: Candidate, kept: bool = False) -> Verdict:
    """Judge `candidate` against `call` with the current reference data (`kept`: as kept in
    the cache, for a page that only shows the verdict)."""
    build = eligibility_registry_kept if kept else eligibility_registry
    registry = build(former_participants=call.excludes_former_participants)
    return judge(candidate, call_facts(call), registry)
