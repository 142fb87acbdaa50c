"""Reads of the Mission City workspace: who is a member of which city, which applications a
city may see, the recommended order and why each application fits, shortlists and pairings.

Every list is read in a fixed number of queries, whatever the number of rows.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.template.defaultfilters import floatformat

from applications.models import (
    Application,
    LearningNeed,
    OrganisationMember,
    Preference,
    ShareOffer,
    ShortlistEntry,
)
from applications.selectors import effective_verdict, shared_with_cities
from cities.models import CallMissionCity, CityItem, MissionCityMembership
from matching import selectors as matching_selectors
from matching.models import MatchingRun, Pairing, Proposal

from . import recommendations
from .models import MissionCityInvitation

# What a Mission City may see of the applications: applications.selectors.shared_with_cities.
_CITY_IDS = "_workspace_city_ids"
_ORGANISATION_ID = "_workspace_organisation_id"


# Who is who ---------------------------------------------------------------------------------


def member_city_ids(user) -> frozenset[int]:
    """The ids of the Mission Cities (registry) the user is an active member of.

    Read once per request and kept on the user object: a revoked membership counts from the next
    request on. Anonymous users are members of nothing.
    """
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, _CITY_IDS, None)
    if cached is None:
        cached = frozenset(
            MissionCityMembership.objects.filter(user=user, revoked_at__isnull=True).values_list(
                "mission_city_id", flat=True
            )
        )
        setattr(user, _CITY_IDS, cached)
    return cached


def forget_member_cities(user) -> None:
    """Drop the cached memberships of this user object (after a change in this request)."""
    if hasattr(user, _CITY_IDS):
        delattr(user, _CITY_IDS)


def organisation_id_of(user) -> int | None:
    """The applicant organisation the user belongs to, kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, _ORGANISATION_ID):
        setattr(
            user,
            _ORGANISATION_ID,
            OrganisationMember.objects.filter(user=user)
            .values_list("organisation_id", flat=True)
            .first(),
        )
    return getattr(user, _ORGANISATION_ID)


def workspace_cities(*, user, call) -> list[CallMissionCity]:
    """The user's Mission Cities that take part in the call, by name."""
    ids = member_city_ids(user)
    if not ids or call is None:
        return []
    return list(
        CallMissionCity.objects.filter(call=call, mission_city_id__in=ids)
        .select_related("mission_city", "call")
        .order_by("display_name", "pk")
    )


def staff_recipients() -> list[str]:
    """Where messages for the programme team go: the address of DEFAULT_FROM_EMAIL."""
    return [parseaddr(settings.DEFAULT_FROM_EMAIL)[1]]


def invitation_by_token(token) -> MissionCityInvitation | None:
    return MissionCityInvitation.objects.filter(token=token).select_related("mission_city").first()


# What a Mission City sees -----------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    title: str
    topic_ids: frozenset[int]


@dataclass
class CityOffer:
    """The climate actions a Mission City offers, with their topics."""

    actions: list[Action] = field(default_factory=list)
    topic_names: dict[int, str] = field(default_factory=dict)

    @property
    def topic_ids(self) -> frozenset[int]:
        return frozenset(self.topic_names)


def city_offer(*, city: CallMissionCity) -> CityOffer:
    """The city's offered actions and their topics, in one query."""
    offer = CityOffer()
    titles: dict[int, str] = {}
    topics: dict[int, set[int]] = defaultdict(set)
    for item_id, title, topic_id, topic_name in (
        CityItem.topics.through.objects.filter(
            cityitem__participation=city, cityitem__kind=CityItem.Kind.ACTION
        )
        .order_by("cityitem__position", "topic__position", "topic__name")
        .values_list("cityitem_id", "cityitem__title", "topic_id", "topic__name")
    ):
        titles[item_id] = title
        topics[item_id].add(topic_id)
        offer.topic_names[topic_id] = topic_name
    offer.actions = [Action(title=titles[i], topic_ids=frozenset(topics[i])) for i in titles]
    return offer


def city_applications(*, city: CallMissionCity, offer: CityOffer) -> QuerySet[Application]:
    """Visible applications with the rank they gave this city (None if they did not rank it)
    and the number of their learning-need topics the city's actions offer."""
    rank_given = Preference.objects.filter(application=OuterRef("pk"), mission_city=city).values(
        "rank"
    )[:1]
    if offer.topic_ids:
        matching_needs = (
            LearningNeed.objects.filter(application=OuterRef("pk"), topic_id__in=offer.topic_ids)
            .order_by()
            .values("application")
            .annotate(n=Count("pk"))
            .values("n")
        )
        overlap = Coalesce(Subquery(matching_needs, output_field=IntegerField()), Value(0))
    else:
        overlap = Value(0, output_field=IntegerField())
    return shared_with_cities(call=city.call).annotate(
        rank_given=Subquery(rank_given, output_field=IntegerField()),
        overlap=overlap,
        verdict_shown=effective_verdict(),
    )


def _ranked_it(city: CallMissionCity) -> QuerySet:
    # A semi-join, not a filter on the `rank_given` subquery: PostgreSQL then counts and pages
    # 10,000 applications without computing the subquery for each of them.
    return Preference.objects.filter(mission_city=city).values("application")


def ranked(queryset: QuerySet[Application], *, city: CallMissionCity) -> QuerySet[Application]:
    """The applications that ranked the city, by the rank they gave it."""
    return queryset.filter(pk__in=_ranked_it(city)).order_by("rank_given", "official_name", "pk")


def recommended(queryset: QuerySet[Application], *, city: CallMissionCity) -> QuerySet[Application]:
    """The others, by name (:func:`recommended_page` orders them by the engine's score)."""
    return queryset.exclude(pk__in=_ranked_it(city)).order_by("official_name", "pk")


@dataclass(frozen=True)
class ApplicantLists:
    """The ids of both lists in their order, and the countries of the visible applications
    (``None`` when not asked for)."""

    ranked_ids: list[int]
    recommended_ids: list[int]
    countries: list[str] | None = None


def applicant_lists(
    queryset: QuerySet[Application],
    *,
    city: CallMissionCity,
    scores: dict[int, float],
    countries: bool = False,
) -> ApplicantLists:
    """The applications that ranked the city, by the rank they gave it, and the others, the
    best fit first: by the matching engine's score of the pair under the call's settings
    (``scores``), ties by name. Two queries (three with the countries)."""
    recommended_ids = list(recommended(queryset, city=city).values_list("pk", flat=True))
    recommended_ids.sort(key=lambda pk: -scores.get(pk, 0.0))  # stable: ties stay by name
    return ApplicantLists(
        ranked_ids=list(ranked(queryset, city=city).values_list("pk", flat=True)),
        recommended_ids=recommended_ids,
        countries=visible_countries(call=city.call_id) if countries else None,
    )


def visible_countries(*, call) -> list[str]:
    """The country codes of the applications the Mission Cities may see."""
    return sorted(
        code
        for code in shared_with_cities(call=call)
        .order_by()
        .values_list("country", flat=True)
        .distinct()
        if code
    )


def page_of(queryset: QuerySet[Application], ids: list[int], *, number, per_page: int) -> Page:
    """One page of ``ids`` as rows of ``queryset``, in that order (one query)."""
    page = Paginator(ids, per_page).get_page(number)
    chosen = list(page.object_list)
    rows = queryset.filter(pk__in=chosen).in_bulk() if chosen else {}
    page.object_list = [rows[pk] for pk in chosen if pk in rows]
    return page


def recommended_page(page: Page, *, column: "recommendations.Column") -> Page:
    """Gives each row of a page of recommendations ``engine_score`` and ``engine_reasons``,
    the engine's evidence in the Mission City's voice (from the cache when nothing that feeds
    them changed: workspace.recommendations)."""
    reasons = column.reasons(page.object_list)
    for application in page.object_list:
        application.engine_score = column.scores.get(application.pk, 0.0)
        application.engine_score_shown = floatformat(application.engine_score, 2)
        application.engine_reasons = reasons[application.pk]
    return page


@dataclass(frozen=True)
class Fit:
    """Why an application fits a city: the topics in common and the actions that offer them."""

    topics: list[str]
    actions: list[str]
    need_topics: list[str]


def explain_fit(*, applications: list[Application], offer: CityOffer) -> None:
    """Set `.fit` on each application, reading all their learning needs in one query (none
    when they came with their needs and topics: :func:`visible_application`)."""
    needs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    ids = []
    for application in applications:
        prefetched = getattr(application, "_prefetched_objects_cache", {})
        if "learning_needs" in prefetched:
            needs[application.pk] = [
                (n.topic_id, n.topic.name) for n in prefetched["learning_needs"]
            ]
        else:
            ids.append(application.pk)
    if ids:
        for app_id, topic_id, topic_name in (
            LearningNeed.objects.filter(application_id__in=ids)
            .order_by("application_id", "position")
            .values_list("application_id", "topic_id", "topic__name")
        ):
            needs[app_id].append((topic_id, topic_name))
    for application in applications:
        own = needs[application.pk]
        common = {topic_id for topic_id, _name in own} & offer.topic_ids
        application.fit = Fit(
            topics=[name for topic_id, name in own if topic_id in common],
            actions=[a.title for a in offer.actions if a.topic_ids & common],
            need_topics=[name for _topic_id, name in own],
        )


def visible_application(*, city: CallMissionCity, pk: int) -> Application | None:
    """One application as the city may see it, with what its page shows, or None."""
    return (
        shared_with_cities(call=city.call)
        .filter(pk=pk)
        .annotate(verdict_shown=effective_verdict())
        .select_related("call")
        .prefetch_related(
            "representatives",
            Prefetch("learning_needs", LearningNeed.objects.select_related("topic")),
            "learning_needs__more_topics",
            Prefetch("shares", ShareOffer.objects.select_related("topic")),
            "shares__more_topics",
        )
        .first()
    )


def preference_for(*, city: CallMissionCity, application: Application) -> Preference | None:
    return Preference.objects.filter(application=application, mission_city=city).first()


# Shortlists -------------------------------------------------------------------------------


def shortlist_ranks(*, city: CallMissionCity) -> dict[int, int]:
    """{application id: rank} of the city's shortlist."""
    return dict(
        ShortlistEntry.objects.filter(mission_city=city).values_list("application_id", "rank")
    )


def shortlist(*, city: CallMissionCity) -> list[ShortlistEntry]:
    """The city's shortlist in rank order; `.visible` says whether the application may still be
    shown (it may since have been withdrawn or judged ineligible)."""
    entries = list(
        ShortlistEntry.objects.filter(mission_city=city)
        .select_related("application", "added_by")
        .annotate(
            visible=Exists(shared_with_cities(call=city.call).filter(pk=OuterRef("application_id")))
        )
        .order_by("rank")
    )
    return entries


# Pairings ---------------------------------------------------------------------------------


def latest_run(*, call) -> MatchingRun | None:
    """The call's latest succeeded matching run (matching.selectors.latest_run)."""
    return matching_selectors.latest_run(call=call)


def proposed_pairings(*, city: CallMissionCity, run: MatchingRun | None) -> list[Proposal]:
    """The run's proposals that end at this city (after staff changes), unless rejected or
    already published, for visible applications only."""
    if run is None or run.published_at is not None:
        return []
    Decision = Proposal.Decision
    return list(
        Proposal.objects.filter(run=run)
        .filter(
            (Q(mission_city=city) & ~Q(decision=Decision.OVERRIDDEN))
            | Q(decision=Decision.OVERRIDDEN, override_city=city)
        )
        .exclude(decision=Decision.REJECTED)
        .filter(application__in=shared_with_cities(call=city.call).values("pk"))
        .select_related("application")
        .order_by("-score", "application__official_name", "pk")
    )


def published_pairings(*, city: CallMissionCity) -> list[Pairing]:
    """The city's published pairings with the Twin Cities' representatives (now shared)."""
    return list(
        Pairing.objects.filter(mission_city=city)
        .select_related("application", "mission_city")
        .prefetch_related("application__representatives")
        .order_by("application__official_name", "pk")
    )


def pairing_of(*, city: CallMissionCity, application: Application) -> Pairing | None:
    return (
        Pairing.objects.filter(mission_city=city, application=application)
        .select_related("mission_city")
        .first()
    )


def twin_pairing(*, application: Application) -> Pairing | None:
    """The published pairing of an application, seen from the Twin City."""
    return (
        Pairing.objects.filter(application=application)
        .select_related("application", "mission_city")
        .first()
    )
