"""Writes to the reference data and the calls. Loading is idempotent: running it twice changes
nothing."""

import csv
import datetime as dt
import json
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record

from . import selectors
from .models import (
    Call,
    CallMissionCity,
    CityItem,
    EligibleCountry,
    FormerParticipant,
    MissionCity,
    Topic,
)
from .text import ascii_slug

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class LoadReport:
    """What a load created, updated or left alone, by model."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, model_name: str, *, created: bool, changed: bool) -> None:
        if created:
            self.created[model_name] = self.created.get(model_name, 0) + 1
        elif changed:
            self.updated[model_name] = self.updated.get(model_name, 0) + 1

    def as_data(self) -> dict:
        return {
            "created": {str(m): n for m, n in self.created.items()},
            "updated": {str(m): n for m, n in self.updated.items()},
        }

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self):
        parts = [f"{n} {m} created" for m, n in sorted(self.created.items())]
        parts += [f"{n} {m} updated" for m, n in sorted(self.updated.items())]
        return ", ".join(parts) or "nothing changed"


def _upsert(model, report: LoadReport, lookup: dict, values: dict, create_only: dict | None = None):
    """Create the row or update the fields that differ; count what happened."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values, **(create_only or {}))
        obj.full_clean()
        obj.save()
        report.count(model._meta.verbose_name_plural, created=True, changed=True)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=changed)
    report.count(model._meta.verbose_name_plural, created=False, changed=bool(changed))
    return obj


@transaction.atomic
def reference_data_load(*, data_dir: Path = DATA_DIR) -> LoadReport:
    """Load the topic vocabulary, the eligible countries and the 112 Mission Cities."""
    report = LoadReport()
    topics = json.loads((data_dir / "topics.json").read_text(encoding="utf-8"))
    loaded: dict[str, Topic] = {}
    # Broad terms first, so that every practice finds its parent.
    for position, row in sorted(enumerate(topics), key=lambda pair: bool(pair[1].get("parent"))):
        loaded[row["slug"]] = _upsert(
            Topic,
            report,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "axis": row["axis"],
                "description": row["description"],
                "position": position,
                "parent": loaded[row["parent"]] if row.get("parent") else None,
            },
        )
    with (data_dir / "eligible_countries.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            _upsert(
                EligibleCountry,
                report,
                {"country": row["country"]},
                {
                    "status": row["status"],
                    "effective_from": dt.date.fromisoformat(row["effective_from"]),
                    "note": row["note"],
                },
            )
    with (data_dir / "mission_cities.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            aliases = [a.strip() for a in row["aliases"].split("|") if a.strip()]
            _upsert(
                MissionCity,
                report,
                {"name": row["name"], "country": row["country"]},
                {"aliases": aliases},
                create_only={"slug": ascii_slug(row["name"])},
            )
    with (data_dir / "former_participants.csv").open(encoding="utf-8", newline="") as fh:
        former_participants_import(rows=list(csv.DictReader(fh)), report=report)
    if report.changed:
        record(
            actor=None,
            action="reference_data.load",
            note=str(report),
            data=report.as_data(),
        )
    return report


FORMER_COLUMNS = ("name", "country", "kind", "cohort", "paired_with", "source_url", "source_note")


@transaction.atomic
def former_participants_import(
    *, rows: list[dict], report: LoadReport | None = None, by=None
) -> LoadReport:
    """Create or update former Twin and Pilot Cities from CSV rows (columns FORMER_COLUMNS;
    name, country, kind and source_url required). All rows or none: a bad row raises a
    ValidationError naming its line, and nothing is saved. A staff import is audited."""
    standalone = report is None
    report = report or LoadReport()
    errors = []
    for line, row in enumerate(rows, start=2):
        row = {k: (row.get(k) or "").strip() for k in FORMER_COLUMNS}
        row["country"] = row["country"].upper()
        try:
            _upsert(
                FormerParticipant,
                report,
                {"name": row["name"], "country": row["country"]},
                {k: row[k] for k in FORMER_COLUMNS if k not in ("name", "country")},
            )
        except ValidationError as exc:
            messages = [f"{field}: {'; '.join(m)}" for field, m in exc.message_dict.items()]
            errors.append(
                _("Line %(line)d: %(errors)s") % {"line": line, "errors": " ".join(messages)}
            )
    if errors:
        raise ValidationError(errors)
    if standalone and report.changed:
        record(
            actor=by,
            action="former_participants.import",
            note=str(report),
            data=report.as_data(),
        )
    return report


def _aware(value: str, tz_name: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).replace(tzinfo=zoneinfo.ZoneInfo(tz_name))


@transaction.atomic
def call_data_load(*, path: Path) -> tuple[Call, LoadReport]:
    """Load one call and its Mission City profiles from a curated JSON file.

    Capacities are set only when a city is first added, so staff edits survive a reload.
    """
    report = LoadReport()
    data = json.loads(path.read_text(encoding="utf-8"))
    c = data["call"]
    # The call's dates and settings are staff's once the call exists (a deadline extended in
    # the admin survives a reload); only a new call takes them from the file.
    call = _upsert(
        Call,
        report,
        {"slug": c["slug"]},
        {},
        create_only={
            "title": c["title"],
            "summary": c.get("summary", ""),
            "opens_at": _aware(c["opens_at"], c["timezone"]),
            "closes_at": _aware(c["closes_at"], c["timezone"]),
            "timezone": c["timezone"],
            "programme_start": dt.date.fromisoformat(c["programme_start"]),
            "programme_months": c["programme_months"],
            "max_preferences": c["max_preferences"],
            "default_capacity": c["default_capacity"],
        },
    )
    topics = {t.slug: t for t in Topic.objects.select_related("parent")}
    registry = {(m.name, m.country.code): m for m in MissionCity.objects.all()}
    for position, city in enumerate(data["mission_cities"]):
        mission_city = registry[(city["registry_name"], city["country"])]
        participation = _upsert(
            CallMissionCity,
            report,
            {"call": call, "mission_city": mission_city},
            {
                "display_name": city["display_name"],
                "intro": city.get("intro", ""),
                "motivation": city.get("motivation", ""),
                "population": city.get("population"),
                "position": position,
            },
            create_only={"capacity": city.get("capacity", call.default_capacity)},
        )
        _load_items(participation, city["items"], topics, report)
    if report.changed:
        record(
            actor=None,
            action="call.load",
            target=call,
            note=str(report),
            data={"path": path.name, **report.as_data()},
        )
    return call, report


def _load_items(participation, items, topics, report):
    existing = {i.position: i for i in participation.items.prefetch_related("topics")}
    for position, item in enumerate(items):
        obj = _upsert(
            CityItem,
            report,
            {"participation": participation, "position": position},
            {
                "kind": item["kind"],
                "group": item.get("group", ""),
                "title": item["title"],
                "description": item.get("description", ""),
            },
        )
        wanted = {topics[slug] for slug in item["topics"]}
        # A practice implies its broader topic, so filters by a field find its practices.
        wanted |= {topic.parent for topic in wanted if topic.parent_id}
        current = set(existing[position].topics.all()) if position in existing else set()
        if wanted != current:
            obj.topics.set(wanted)
            report.count("topic tags", created=False, changed=True)
    stale = participation.items.filter(position__gte=len(items))
    if stale.exists():
        stale.delete()
        report.count("removed items", created=False, changed=True)


@transaction.atomic
def call_copy(*, source: Call, slug: str, title: str, opens_at, closes_at) -> Call:
    """A new call with the same settings and Mission City profiles as `source` (for demos)."""
    call, created = Call.objects.get_or_create(
        slug=slug,
        defaults={
            "title": title,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "timezone": source.timezone,
            "programme_start": (closes_at + dt.timedelta(days=45)).date(),
            "programme_months": source.programme_months,
            "max_preferences": source.max_preferences,
            "default_capacity": source.default_capacity,
            "target_year_limit": source.target_year_limit,
        },
    )
    if not created:
        return call
    call.summary = selectors.copied_call_summary(call)
    call.save(update_fields=["summary"])
    for participation in source.mission_cities.prefetch_related("items__topics"):
        copy = CallMissionCity.objects.create(
            call=call,
            mission_city_id=participation.mission_city_id,
            display_name=participation.display_name,
            intro=participation.intro,
            motivation=participation.motivation,
            capacity=participation.capacity,
            min_capacity=participation.min_capacity,
            population=participation.population,
            position=participation.position,
        )
        for item in participation.items.all():
            item_copy = CityItem.objects.create(
                participation=copy,
                kind=item.kind,
                group=item.group,
                position=item.position,
                title=item.title,
                description=item.description,
            )
            item_copy.topics.set(item.topics.all())
    record(actor=None, action="call.copy", target=call, data={"source": source.slug})
    return call
