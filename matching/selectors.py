"""Reads for matching: the engine's plain inputs built from the database in a fixed number of
queries, whatever the number of applications; runs and their proposals for the admin."""

from collections import defaultdict

from django.db.models import BooleanField, Case, F, Q, When

from applications import status as lifecycle
from applications.models import (
    ActionInterest,
    Application,
    LearningNeed,
    Preference,
    Representative,
    ShareOffer,
    ShortlistEntry,
)
from applications.reviews.selectors import without_conflicts
from cities.models import CallMissionCity, CityItem, Topic
from matching import engine
from matching.engine.types import (
    CEFR_LEVELS,
    Applicant,
    Context,
    Host,
    Need,
    Offer,
    Params,
    Share,
    Weights,
)

from .models import MatchingRun, MatchingSettings, PairConstraint, Proposal

Status = Application.Status
CEFR_RANK = {level: k for k, level in enumerate(CEFR_LEVELS)}

# Every submitted application is given to the engine (so that it can say why one is unmatched);
# only those `applications.status.candidate_for_matching` accepts may be proposed.


def topic_axes() -> dict[str, str]:
    """Slug → the axis the engine counts it on (a practice counts on its parent's axis)."""
    return {t.slug: t.scoring_axis for t in Topic.objects.select_related("parent")}


def engine_topics() -> dict:
    """The vocabulary arguments of ``matching.engine.run``: axes, names, parents, glossary."""
    return {
        "topic_axis": topic_axes(),
        "topic_names": topic_names(),
        "topic_parent": topic_parents(),
        "topic_glossary": topic_glossary(),
    }


def topic_glossary() -> dict[str, str]:
    """Practice slug → its name and definition (added to the wording of tagged actions)."""
    return {
        slug: f"{name}. {description}"
        for slug, name, description in Topic.objects.filter(parent__isnull=False).values_list(
            "slug", "name", "description"
        )
    }


def topic_parents() -> dict[str, str]:
    """Practice slug → the slug of its broader topic."""
    return dict(Topic.objects.filter(parent__isnull=False).values_list("slug", "parent__slug"))


def topic_names() -> dict[str, str]:
    return dict(Topic.objects.values_list("slug", "name"))


def _more_topics(model, call, ids=None) -> dict[int, list[str]]:
    """Row pk → the slugs of its further topics, in one query."""
    fk = model._meta.model_name
    more = defaultdict(list)
    scope = {f"{fk}__application__call": call}
    if ids is not None:
        scope[f"{fk}__application_id__in"] = ids
    for pk, slug in (
        model.more_topics.through.objects.filter(**scope)
        .order_by(f"{fk}_id", "topic__slug")
        .values_list(f"{fk}_id", "topic__slug")
    ):
        more[pk].append(slug)
    return more


def scored_applications(*, call):
    """The applications the engine is given: every submitted one of the call."""
    return (
        Application.objects.filter(call=call)
        .exclude(status=Status.DRAFT)
        .exclude(submitted_at__isnull=True)
    )


def engine_applicants(*, call, ids=None) -> list[Applicant]:
    """The engine's applicants of the call; with ``ids``, only those applications (each
    applicant's scores and evidence do not depend on the other applicants)."""
    scope = {"application__call": call}
    if ids is not None:
        scope["application_id__in"] = ids
    applications = scored_applications(call=call)
    if ids is not None:
        applications = applications.filter(pk__in=ids)
    rows = list(
        applications.with_effective_verdict()
        .annotate(
            candidate=Case(
                When(lifecycle.candidate_for_matching_q(), then=True),
                default=False,
                output_field=BooleanField(),
            )
        )
        .order_by("pk")
        .values(
            "pk",
            "official_name",
            "status",
            "verdict",
            "verdict_override",
            "staff_message",
            "candidate",
            "country",
            "organisation__country",
            "population",
            "site_visits",
        )
    )
    english = {}
    for app_id, level in Representative.objects.filter(**scope).values_list(
        "application_id", "english_level"
    ):
        if CEFR_RANK.get(level, -1) > CEFR_RANK.get(english.get(app_id, ""), -1):
            english[app_id] = level
    interests = defaultdict(set)
    for app_id, action_id in ActionInterest.objects.filter(**scope).values_list(
        "application_id", "action_id"
    ):
        interests[app_id].add(action_id)
    needs = defaultdict(list)
    more = _more_topics(LearningNeed, call, ids)
    for pk, app_id, slug, text in (
        LearningNeed.objects.filter(**scope)
        .order_by("application_id", "position")
        .values_list("pk", "application_id", "topic__slug", "text")
    ):
        needs[app_id].append(Need(topics=frozenset([slug, *more[pk]]), text=text))
    shares = defaultdict(list)
    more = _more_topics(ShareOffer, call, ids)
    for pk, app_id, slug, text in (
        ShareOffer.objects.filter(**scope)
        .order_by("application_id", "position")
        .values_list("pk", "application_id", "topic__slug", "text")
    ):
        shares[app_id].append(Share(topics=frozenset([slug, *more[pk]]), text=text))
    preferences = defaultdict(list)
    reasons = defaultdict(list)
    for app_id, city_id, reason in (
        Preference.objects.filter(**scope)
        .order_by("application_id", "rank")
        .values_list("application_id", "mission_city_id", "reason")
    ):
        preferences[app_id].append(city_id)
        reasons[app_id].append(reason)
    applicants = []
    for row in rows:
        applicants.append(
            Applicant(
                id=row["pk"],
                name=row["official_name"],
                eligible=row["candidate"],
                withdrawn=row["status"] == Status.WITHDRAWN,
                needs=tuple(needs[row["pk"]]),
                shares=tuple(shares[row["pk"]]),
                preferences=tuple(preferences[row["pk"]]),
                texts=" ".join(reasons[row["pk"]]),
                interests=frozenset(interests[row["pk"]]),
                country=str(row["country"] or row["organisation__country"] or ""),
                population=row["population"],
                english_level=english.get(row["pk"], ""),
                site_visits=row["site_visits"] or "",
            )
        )
    return applicants


def engine_hosts(*, call) -> list[Host]:
    cities = list(
        CallMissionCity.objects.filter(call=call)
        .order_by("pk")
        .values(
            "pk",
            "display_name",
            "capacity",
            "min_capacity",
            "motivation",
            "population",
            "mission_city__country",
        )
    )
    item_topics = defaultdict(set)
    for item_id, slug in CityItem.topics.through.objects.filter(
        cityitem__participation__call=call
    ).values_list("cityitem_id", "topic__slug"):
        item_topics[item_id].add(slug)
    actions, challenges, benefits = defaultdict(list), defaultdict(list), defaultdict(list)
    for item_id, city_id, kind, title, description in (
        CityItem.objects.filter(participation__call=call)
        .order_by("participation_id", "position")
        .values_list("pk", "participation_id", "kind", "title", "description")
    ):
        offer = Offer(
            title=title, topics=frozenset(item_topics[item_id]), text=description, id=item_id
        )
        if kind == CityItem.Kind.ACTION:
            actions[city_id].append(offer)
        elif kind == CityItem.Kind.CHALLENGE:
            challenges[city_id].append(offer)
        else:
            benefits[city_id].append(offer)
    shortlists = defaultdict(list)
    for city_id, app_id in (
        ShortlistEntry.objects.filter(mission_city__call=call)
        .order_by("mission_city_id", "rank")
        .values_list("mission_city_id", "application_id")
    ):
        shortlists[city_id].append(app_id)
    return [
        Host(
            id=c["pk"],
            name=c["display_name"],
            capacity=c["capacity"],
            min_capacity=c["min_capacity"],
            actions=tuple(actions[c["pk"]]),
            challenges=tuple(challenges[c["pk"]]),
            shortlist=tuple(shortlists[c["pk"]]),
            texts=c["motivation"],
            benefits=tuple(benefits[c["pk"]]),
            country=str(c["mission_city__country"] or ""),
            population=c["population"],
        )
        for c in cities
    ]


def pair_constraints(*, call) -> tuple[list[list[int]], list[list[int]]]:
    pins, forbids = [], []
    for app_id, city_id, kind in (
        PairConstraint.objects.filter(mission_city__call=call)
        .order_by("application_id", "mission_city_id")
        .values_list("application_id", "mission_city_id", "kind")
    ):
        (pins if kind == PairConstraint.Kind.PIN else forbids).append([app_id, city_id])
    return pins, forbids


def latest_run(*, call) -> MatchingRun | None:
    """The call's latest succeeded matching run: the one that finished last, then the newest.

    A succeeded run without a finish time (recorded before runs kept one, or made by hand) counts
    as the oldest: PostgreSQL sorts NULL first in a descending order, SQLite last, so the NULLs'
    place is said explicitly (without it, on PostgreSQL an earlier published run without a finish
    time hid the latest run's proposals).
    """
    return (
        MatchingRun.objects.filter(call=call, status=MatchingRun.Status.SUCCEEDED)
        .order_by(F("finished_at").desc(nulls_last=True), "-pk")
        .first()
    )


def pair_space_opened_q() -> Q:
    """Pairings whose pair space (pairs.Pair, which hangs off the pairing) is opened. Read through
    the relation: pairs is a layer above matching."""
    return Q(pair__isnull=False)


def run_proposals(*, run: MatchingRun):
    return (
        Proposal.objects.filter(run=run)
        .select_related("application", "mission_city", "override_city", "decided_by")
        .order_by("mission_city__display_name", "-score", "application_id")
    )


def run_pairs(*, run: MatchingRun, viewer=None) -> dict[int, tuple]:
    """Application id → (Mission City id, application name, city name, score, rank) of a run's
    proposals, in one query; for a `viewer`, without the applications they declared a conflict
    of interest on."""
    proposals = Proposal.objects.filter(run=run)
    if viewer is not None:
        proposals = without_conflicts(proposals, viewer, application="application")
    return {
        app_id: (city_id, name, city, score, rank)
        for app_id, city_id, name, city, score, rank in proposals.values_list(
            "application_id",
            "mission_city_id",
            "application__official_name",
            "mission_city__display_name",
            "score",
            "rank",
        )
    }


def pairs_diff(a: dict[int, tuple], b: dict[int, tuple]) -> dict:
    """Pairs added, removed and changed (same applicant, other Mission City) from ``a`` to
    ``b`` (both as :func:`run_pairs` gives them), and the total scores."""
    added = sorted((b[k][1], b[k][2], b[k][3]) for k in b.keys() - a.keys())
    removed = sorted((a[k][1], a[k][2], a[k][3]) for k in a.keys() - b.keys())
    changed = sorted(
        (b[k][1], a[k][2], b[k][2], a[k][3], b[k][3])
        for k in a.keys() & b.keys()
        if a[k][0] != b[k][0]
    )
    return {
        "added": added,
        "removed": removed,
        "changed": changed,
        "unchanged": sum(1 for k in a.keys() & b.keys() if a[k][0] == b[k][0]),
        "total_old": round(sum(v[3] for v in a.values()), 6),
        "total_new": round(sum(v[3] for v in b.values()), 6),
    }


def run_compare(*, old: MatchingRun, new: MatchingRun, viewer=None) -> dict:
    """Pairs added, removed and changed (same applicant, other Mission City), and totals."""
    return pairs_diff(run_pairs(run=old, viewer=viewer), run_pairs(run=new, viewer=viewer))


def host_scores(*, city: CallMissionCity, ids=None) -> engine.HostScores:
    """Every submitted application's engine score with ``city`` under the call's matching
    settings (as a run would score it, before any assignment), with the evidence of any of
    them on demand: the order and the reasons of the city's recommendations. With ``ids``,
    only those applications (the same scores: an applicant's scores do not depend on the
    others). A fixed number of queries."""
    call = city.call
    settings = MatchingSettings.objects.filter(call=call).first() or MatchingSettings(call=call)
    params = Params(
        weights=Weights(**settings.weights()),
        context=Context(**settings.context()),
        max_preferences=call.max_preferences,
        preference_step=settings.preference_step,
    )
    return engine.score_host(
        engine_applicants(call=call, ids=ids),
        engine_hosts(call=call),
        city.pk,
        params,
        **engine_topics(),
    )
