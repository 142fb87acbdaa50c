"""Reads of the Mission City catalogue and the calls."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .models import Call, CallMissionCity, CityItem


def call_current(*, when=None) -> Call | None:
    """The open call, else the one that opened last."""
    when = when or timezone.now()
    return Call.objects.open_at(when).order_by("closes_at").first() or Call.objects.first()


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
