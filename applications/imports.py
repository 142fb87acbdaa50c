"""Reading a file of applications gathered elsewhere (evaluation sets, migrations) for import.

`parse_applications(call=..., data=...)` checks every row of the file against the call and the
reference data and returns the rows ready for `services.applications_import`, or every error
found, each naming the row's index (from 0, as in the JSON list) and the field. It writes nothing.

The format (issue 9) is a JSON list of objects::

    {"organisation": str, "country": ISO code, "authority_type": str, "population": int,
     "target_year": int, "climate_plan": {"title", "year", "url"},
     "contact": {"name", "email", "role", "english_level"},
     "needs": [{"text", "topics": [slug, ...], "actions": [reference, ...]}],
     "shares": [{"text", "topics": [slug, ...]}],
     "preferences": [{"mission_city": name, "reason"}],
     "hours_per_month": int, "site_visits": bool,
     "consent_share": bool, "consent_privacy": bool}        # the last two optional, default true

An action reference names an action that a Mission City of the call offers: its id, an object
``{"mission_city": name, "title": title}`` or the string ``"name / title"``; the title may be cut
short as long as it names one action of that city. Names and titles are compared without accents,
case or punctuation ("Umea" is Umeå, "Reykjavík" is Reykjavik).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django_countries import countries

from cities.eligibility import AUTHORITY_TYPES, normalise_country, validate_target_year
from cities.models import Call, CallMissionCity, CityItem, Topic
from cities.selectors import call_facts
from cities.text import fold

from .forms import TEXT_MAX
from .models import (
    MAX_TOPIC_ROWS,
    Application,
    LearningNeed,
    OrganisationMember,
    Representative,
)

CONTACT_FIELDS = ("name", "email", "role", "english_level")
SITE_VISITS = {True: Application.SiteVisits.YES, False: Application.SiteVisits.NO}


@dataclass(frozen=True)
class RowError:
    index: int
    organisation: str
    field: str
    message: str

    def __str__(self):
        who = f" ({self.organisation})" if self.organisation else ""
        return f"index {self.index}{who}, {self.field}: {self.message}"


@dataclass
class TopicRow:
    text: str
    topics: list[Topic]
    actions: list[CityItem] = field(default_factory=list)


@dataclass
class ImportRow:
    index: int
    organisation: str
    country: str
    application: dict[str, Any]  # Application fields, as the steps save them
    contact: dict[str, str]
    needs: list[TopicRow]
    shares: list[TopicRow]
    preferences: list[tuple[CallMissionCity, str]]

    @property
    def actions(self) -> list[CityItem]:
        """The offered actions its needs refer to, each once."""
        return list(dict.fromkeys(a for need in self.needs for a in need.actions))


class _Row:
    """Collects the errors of one row, each with its field path."""

    def __init__(self, index: int, raw: dict, errors: list[RowError]):
        self.index = index
        self.raw = raw
        self.errors = errors
        name = raw.get("organisation")
        self.name = name.strip() if isinstance(name, str) else ""

    def error(self, path: str, message: str) -> None:
        self.errors.append(RowError(self.index, self.name, path, message))

    def text(self, obj: dict, key: str, path: str, *, max_length: int, required=True) -> str:
        value = obj.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(path, "must be text")
            return ""
        value = value.strip()
        if required and not value:
            self.error(path, "is required")
        elif len(value) > max_length:
            self.error(path, f"is longer than {max_length} characters")
        return value

    def integer(self, obj: dict, key: str, path: str, *, low: int, high: int) -> int | None:
        value = obj.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, "must be a whole number")
            return None
        if not low <= value <= high:
            self.error(path, f"must be between {low} and {high}")
            return None
        return value

    def boolean(self, obj: dict, key: str, path: str, *, default=None) -> bool | None:
        value = obj.get(key, default)
        if not isinstance(value, bool):
            self.error(path, "must be true or false")
            return None
        return value

    def obj(self, key: str) -> dict:
        value = self.raw.get(key)
        if not isinstance(value, dict):
            self.error(key, "must be an object")
            return {}
        return value

    def items(self, key: str, *, required: bool, max_rows: int) -> list:
        value = self.raw.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(key, "must be a list of objects")
            return []
        if required and not value:
            self.error(key, "needs at least one entry")
        if len(value) > max_rows:
            self.error(key, f"has {len(value)} entries; at most {max_rows} are allowed")
        return value


class _Lookups:
    """The call's Mission Cities, their offered actions and the topics, read once."""

    def __init__(self, call: Call):
        self.call = call
        self.facts = call_facts(call)
        self.topics = {t.slug: t for t in Topic.objects.all()}
        self.cities: dict[str, CallMissionCity] = {}
        participations = CallMissionCity.objects.filter(call=call).select_related("mission_city")
        for participation in participations:
            city = participation.mission_city
            for name in [participation.display_name, city.name, city.slug, *(city.aliases or [])]:
                self.cities.setdefault(fold(name), participation)
        self.actions = list(
            CityItem.objects.filter(participation__call=call, kind=CityItem.Kind.ACTION)
            .select_related("participation")
            .order_by("participation_id", "position")
        )
        self.actions_by_id = {a.pk: a for a in self.actions}

    def city(self, name: str) -> CallMissionCity | None:
        return self.cities.get(fold(name))

    def action(self, reference) -> tuple[CityItem | None, str]:
        """The offered action a reference names, or None and why."""
        if isinstance(reference, int) and not isinstance(reference, bool):
            found = self.actions_by_id.get(reference)
            return found, "" if found else f"no action with id {reference} is offered in this call"
        if isinstance(reference, str) and " / " in reference:
            city_name, title = reference.split(" / ", 1)
        elif isinstance(reference, dict):
            city_name, title = reference.get("mission_city"), reference.get("title")
        else:
            return None, 'give an id, {"mission_city": …, "title": …} or "Mission City / title"'
        if not isinstance(city_name, str) or not isinstance(title, str) or not fold(title):
            return None, "give the Mission City's name and the action's title"
        city = self.city(city_name)
        if city is None:
            return None, f"{city_name!r} is not a Mission City of this call"
        key = fold(title)
        own = [a for a in self.actions if a.participation_id == city.pk]
        exact = [a for a in own if fold(a.title) == key]
        matches = exact or [a for a in own if fold(a.title).startswith(key)]
        if len(matches) == 1:
            return matches[0], ""
        if not matches:
            return None, f"{city.display_name} offers no action titled {title!r}"
        return None, f"{title!r} names several actions of {city.display_name}; give more of it"


def parse_applications(*, call: Call, data) -> tuple[list[ImportRow], list[RowError]]:
    """Check every row; return the rows and no errors, or the errors (all of them)."""
    if not isinstance(data, list):
        return [], [RowError(0, "", "(file)", "must be a JSON list of applications")]
    lookups = _Lookups(call)
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    emails: dict[str, int] = {}
    for index, raw in enumerate(data):
        if not isinstance(raw, dict):
            errors.append(RowError(index, "", "(row)", "must be an object"))
            continue
        before = len(errors)
        row = _parse_row(_Row(index, raw, errors), lookups)
        if len(errors) > before:
            continue
        key = (fold(row.organisation), row.country)
        if key in seen:
            errors.append(
                RowError(index, row.organisation, "organisation", f"repeats index {seen[key]}")
            )
            continue
        email = row.contact["email"].casefold()
        if email in emails:
            errors.append(
                RowError(
                    index,
                    row.organisation,
                    "contact.email",
                    f"is also the contact of index {emails[email]}; a person belongs to one "
                    "organisation",
                )
            )
            continue
        seen[key] = index
        emails[email] = index
        rows.append(row)
    errors += _check_contacts(rows)
    return (rows, []) if not errors else ([], errors)


def _check_contacts(rows: list[ImportRow]) -> list[RowError]:
    """A contact who already belongs to another organisation cannot act for this one."""
    members = {
        email.casefold(): (fold(name), country)
        for email, name, country in OrganisationMember.objects.filter(
            user__email__in=[row.contact["email"] for row in rows]
        ).values_list("user__email", "organisation__name", "organisation__country")
    }
    errors = []
    for row in rows:
        belongs = members.get(row.contact["email"].casefold())
        if belongs is not None and belongs != (fold(row.organisation), row.country):
            errors.append(
                RowError(
                    row.index,
                    row.organisation,
                    "contact.email",
                    "already belongs to another applicant organisation",
                )
            )
    return errors


def _parse_row(r: _Row, lookups: _Lookups) -> ImportRow | None:
    raw = r.raw
    organisation = r.text(raw, "organisation", "organisation", max_length=200)

    country = raw.get("country")
    code = normalise_country(country) if isinstance(country, str) else ""
    if not code or not countries.alpha2(code):
        r.error("country", f"{country!r} is not an ISO 3166 country code")
        code = ""
    else:
        code = countries.alpha2(code)

    authority_type = raw.get("authority_type")
    allowed = [value for value, _label in AUTHORITY_TYPES]
    if authority_type not in allowed:
        r.error("authority_type", f"must be one of {', '.join(allowed)}")

    population = r.integer(raw, "population", "population", low=1, high=50_000_000)

    target_year = raw.get("target_year")
    if isinstance(target_year, bool) or not isinstance(target_year, int):
        r.error("target_year", "must be a whole number")
    else:
        problem = validate_target_year(target_year, lookups.facts)
        if problem:
            r.error("target_year", str(problem))

    plan = r.obj("climate_plan")
    plan_title = r.text(plan, "title", "climate_plan.title", max_length=300)
    plan_year = r.integer(plan, "year", "climate_plan.year", low=1990, high=2100) if plan else None
    plan_url = r.text(plan, "url", "climate_plan.url", max_length=500) if plan else ""
    if plan_url:
        try:
            URLValidator(schemes=["http", "https"])(plan_url)
        except ValidationError:
            r.error("climate_plan.url", f"{plan_url!r} is not a web address")

    contact_raw = r.obj("contact")
    contact = {
        "name": r.text(contact_raw, "name", "contact.name", max_length=200),
        "email": r.text(contact_raw, "email", "contact.email", max_length=254),
        "role": r.text(contact_raw, "role", "contact.role", max_length=200),
        "english_level": contact_raw.get("english_level"),
    }
    if contact["email"]:
        try:
            validate_email(contact["email"])
        except ValidationError:
            r.error("contact.email", f"{contact['email']!r} is not an e-mail address")
    levels = Representative.English.values
    if contact_raw and contact["english_level"] not in levels:
        r.error("contact.english_level", f"must be one of {', '.join(levels)}")

    needs = _topic_rows(r, lookups, "needs", required=True, with_actions=True)
    shares = _topic_rows(r, lookups, "shares", required=False, with_actions=False)
    for key, topic_rows in (("needs", needs), ("shares", shares)):
        if all(t.topics for t in topic_rows) and service_rows(topic_rows) is None:
            r.error(key, "each entry needs a first topic of its own; add another topic")
    preferences = _preferences(r, lookups)

    hours = r.integer(raw, "hours_per_month", "hours_per_month", low=0, high=400)
    site_visits = raw.get("site_visits")
    if isinstance(site_visits, bool):
        site_visits = SITE_VISITS[site_visits]
    elif site_visits not in Application.SiteVisits.values:
        r.error("site_visits", "must be true or false")
    consent_share = r.boolean(raw, "consent_share", "consent_share", default=True)
    consent_privacy = r.boolean(raw, "consent_privacy", "consent_privacy", default=True)

    if any(e.index == r.index for e in r.errors):
        return None
    return ImportRow(
        index=r.index,
        organisation=organisation,
        country=code,
        application={
            "official_name": organisation,
            "country": code,
            "authority_type": authority_type,
            "population": population,
            "target_year": target_year,
            "plan_title": plan_title,
            "plan_year": plan_year,
            "plan_url": plan_url,
            "hours_per_month": hours,
            "site_visits": site_visits,
            "consent_share": consent_share,
            "consent_privacy": consent_privacy,
        },
        contact=contact,
        needs=needs,
        shares=shares,
        preferences=preferences,
    )


def _topic_rows(r: _Row, lookups: _Lookups, key: str, *, required: bool, with_actions: bool):
    rows = []
    for i, item in enumerate(r.items(key, required=required, max_rows=MAX_TOPIC_ROWS)):
        path = f"{key}[{i}]"
        text = r.text(item, "text", f"{path}.text", max_length=TEXT_MAX)
        slugs = item.get("topics")
        topics = []
        if not isinstance(slugs, list) or not slugs:
            r.error(f"{path}.topics", "give at least one topic slug")
            slugs = []
        for j, slug in enumerate(slugs):
            topic = lookups.topics.get(slug) if isinstance(slug, str) else None
            if topic is None:
                r.error(f"{path}.topics[{j}]", f"unknown topic {slug!r}")
            elif topic not in topics:
                topics.append(topic)
        actions = []
        references = item.get("actions", []) if with_actions else []
        if not isinstance(references, list):
            r.error(f"{path}.actions", "must be a list")
            references = []
        for j, reference in enumerate(references):
            action, why = lookups.action(reference)
            if action is None:
                r.error(f"{path}.actions[{j}]", why)
            elif action not in actions:
                actions.append(action)
        rows.append(TopicRow(text=text, topics=topics, actions=actions))
    return rows


def _preferences(r: _Row, lookups: _Lookups) -> list[tuple[CallMissionCity, str]]:
    limit = lookups.call.max_preferences
    chosen = []
    for i, item in enumerate(r.items("preferences", required=False, max_rows=limit)):
        path = f"preferences[{i}]"
        name = item.get("mission_city")
        reason = r.text(item, "reason", f"{path}.reason", max_length=TEXT_MAX)
        city = lookups.city(name) if isinstance(name, str) else None
        if city is None:
            r.error(f"{path}.mission_city", f"{name!r} is not a Mission City of this call")
        elif city in [c for c, _reason in chosen]:
            r.error(f"{path}.mission_city", f"{city.display_name} is ranked twice")
        else:
            chosen.append((city, reason))
    return chosen


def several_topics() -> bool:
    """Whether a need or share keeps several topics (`more_topics`, issue 9 item 1) or one topic,
    unique within its application (the model before it)."""
    return any(f.name == "more_topics" for f in LearningNeed._meta.get_fields())


def service_rows(rows: list[TopicRow]) -> list[dict] | None:
    """The rows for `application_set_learning_needs` / `_set_shares`: every topic, the first as
    the main one, when the model keeps several; otherwise one topic each (`main_topics`), or None
    when the rows cannot each have one of their own."""
    if several_topics():
        return [
            {"topic": item.topics[0], "more_topics": item.topics[1:], "text": item.text}
            for item in rows
        ]
    mains = main_topics(rows)
    if mains is None:
        return None
    return [{"topic": topic, "text": item.text} for topic, item in zip(mains, rows, strict=True)]


def main_topics(rows: list[TopicRow]) -> list[Topic] | None:
    """One main topic per row, all different (a need or share has one topic per application
    today), each row's earliest topic that leaves the other rows one; None when impossible."""
    chosen: list[Topic] = []

    def place(i: int) -> bool:
        if i == len(rows):
            return True
        for topic in rows[i].topics:
            if topic not in chosen:
                chosen.append(topic)
                if place(i + 1):
                    return True
                chosen.pop()
        return False

    return chosen if place(0) else None
