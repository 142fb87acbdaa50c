"""The engine's scores behind "Recommended for you", kept in the cache.

Scoring every submitted application with every Mission City (matching.selectors.host_scores)
costs 17 queries and CPU that grows with applications × cities: over a second per request at
10,000 applications. A city's column of scores is therefore kept in the cache (Redis when
REDIS_URL is set, local memory otherwise) under a key that changes whenever anything that feeds
the score changes:

- the inputs version, a token renewed on every save or delete of a `cities` model (the call, its
  Mission Cities, their items and the items' topics, the topic vocabulary) and of the matching
  settings (connected in `WorkspaceConfig.ready()`);
- the city's shortlist version, renewed by the shortlist services and on every save or delete of
  a shortlist entry (a city's shortlist feeds its host-interest component);
- the applications' stamp, read from the database on every request: how many applications the
  engine scores and when the last of them changed (a submission, a withdrawal, a verdict, a staff
  edit and a reopened application's new answers all move `Application.updated_at`).

The reasons of a row are kept under the same key, one entry per application, and computed only
for the rows shown (an applicant's scores and evidence do not depend on the other applicants, so
a few can be scored alone). With the cache cold, or Redis down (twinning.cache answers a miss),
everything is computed as before: the same result, only slower. Never an error page.
"""

import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.utils import translation

from cities.models import CallMissionCity
from matching import explanations
from matching import selectors as matching_selectors

INPUTS_KEY = "workspace:recommendations:inputs"
SHORTLIST_KEY = "workspace:recommendations:shortlist:{city_id}"
# A safety net for changes no signal sees (bulk updates of the call data by a script).
TIMEOUT = 6 * 3600
# Models of `cities` that feed no score: their changes keep the cached scores.
UNSCORED_CITIES_MODELS = {"missioncitymembership", "formerparticipant", "eligiblecountry"}


def _token() -> str:
    return uuid.uuid4().hex[:12]


def _renew(key: str) -> None:
    """A new version now, and again once the change is committed: a request that read the new
    version before the commit, and scored the data as it was, cached it under a version that is
    then already gone."""
    cache.set(key, _token(), None)
    transaction.on_commit(lambda: cache.set(key, _token(), None))


def inputs_changed(**kwargs) -> None:
    """Something every Mission City's scores depend on changed (a signal receiver)."""
    _renew(INPUTS_KEY)


def shortlist_changed(*, city_id: int, **kwargs) -> None:
    """The city's shortlist changed: its column is scored again."""
    _renew(SHORTLIST_KEY.format(city_id=city_id))


def shortlist_entry_changed(instance, update_fields=None, **kwargs) -> None:
    """post_save / post_delete of a shortlist entry (a note alone changes no score)."""
    if update_fields is None or "rank" in update_fields:
        shortlist_changed(city_id=instance.mission_city_id)


def connect() -> None:
    """The signals that start a new version (from `WorkspaceConfig.ready()`)."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from applications.models import ShortlistEntry
    from matching.models import MatchingSettings

    inputs = [
        model
        for model in apps.get_app_config("cities").get_models()
        if model._meta.model_name not in UNSCORED_CITIES_MODELS
    ]
    for model in [*inputs, MatchingSettings]:
        uid = f"recommendations-{model._meta.label_lower}"
        post_save.connect(inputs_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(inputs_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for model in inputs:
        for m2m in model._meta.local_many_to_many:
            m2m_changed.connect(
                inputs_changed,
                sender=m2m.remote_field.through,
                dispatch_uid=f"recommendations-{m2m.remote_field.through._meta.label_lower}",
            )
    post_save.connect(
        shortlist_entry_changed, sender=ShortlistEntry, dispatch_uid="recommendations-shortlist"
    )
    post_delete.connect(
        shortlist_entry_changed,
        sender=ShortlistEntry,
        dispatch_uid="recommendations-shortlist-delete",
    )


def _versions(city: CallMissionCity) -> tuple[str, str]:
    """The current inputs and shortlist versions, started when missing (one round trip)."""
    keys = [INPUTS_KEY, SHORTLIST_KEY.format(city_id=city.pk)]
    found = cache.get_many(keys)
    out = []
    for key in keys:
        value = found.get(key)
        if value is None:
            # Another process may start it at the same moment: keep whichever came first.
            cache.add(key, _token(), None)
            value = cache.get(key) or _token()  # Redis down: a fresh one, never cached
        out.append(value)
    return out[0], out[1]


def _stamp(city: CallMissionCity) -> str:
    """How many applications the engine scores and when the last of them changed."""
    row = matching_selectors.scored_applications(call=city.call_id).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    last = row["last"].timestamp() if row["last"] else 0
    return f"{row['n']}:{last}"


def _key(city: CallMissionCity) -> str:
    inputs, shortlist = _versions(city)
    return f"workspace:recommendations:{city.pk}:{inputs}:{shortlist}:{_stamp(city)}"


@dataclass
class Column:
    """One city's scores (application id → score) and the reasons of the rows asked for."""

    city: CallMissionCity
    key: str
    scores: dict[int, float]
    _computed: object = None  # the engine's HostScores when computed in this request

    def remember(self, name: str, compute):
        """``compute()``, kept under this column's key (so it changes with the same inputs)."""
        key = f"{self.key}:{name}"
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, TIMEOUT)
        return value

    def reasons(self, applications) -> dict[int, list[str]]:
        """Application id → the engine's reasons in the Mission City's voice."""
        names = {a.pk: a.official_name for a in applications}
        keys = {pk: f"{self.key}:{translation.get_language()}:{pk}" for pk in names}
        cached = cache.get_many(list(keys.values())) if keys else {}
        out = {pk: cached[key] for pk, key in keys.items() if key in cached}
        missing = [pk for pk in names if pk not in out]
        if missing:
            scored = self._computed or matching_selectors.host_scores(city=self.city, ids=missing)
            fresh = {
                pk: explanations.for_city(scored.evidence(pk), names[pk], proposed=False)
                for pk in missing
            }
            cache.set_many({keys[pk]: value for pk, value in fresh.items()}, TIMEOUT)
            out.update(fresh)
        return out


def column(*, city: CallMissionCity) -> Column:
    """The city's column of scores, from the cache or computed (and then cached)."""
    key = _key(city)
    scores = cache.get(key)
    if scores is not None:
        return Column(city=city, key=key, scores=scores)
    computed = matching_selectors.host_scores(city=city)
    cache.set(key, computed.scores, TIMEOUT)
    return Column(city=city, key=key, scores=computed.scores, _computed=computed)
