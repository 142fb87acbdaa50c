"""Synthetic submitted applications for demos and benchmarks: realistic, reproducible by seed."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from applications.models import (
    Application,
    LearningNeed,
    Organisation,
    Preference,
    Representative,
    ShareOffer,
    StatusChange,
)
from cities.eligibility import Candidate, judge
from cities.models import CallMissionCity, Topic
from cities.selectors import call_facts, eligibility_registry

# Real local authorities that are not Mission Cities, by country (and a few that are, or that
# lie outside the eligible countries, so that some demo applications are ineligible).
CITIES = {
    "GB": ["Plymouth", "Exeter", "Norwich", "Leeds", "Sheffield", "Cardiff", "Aberdeen"],
    "IE": ["Galway", "Limerick", "Waterford"],
    "FR": ["Rennes", "Brest", "Tours", "Besançon", "Montpellier", "Nancy"],
    "DE": ["Freiburg im Breisgau", "Kassel", "Bamberg", "Frankfurt (Oder)", "Göttingen"],
    "IT": ["Bergamo", "Trento", "Lecce", "Ravenna", "Perugia", "Cagliari"],
    "ES": ["Pamplona", "Girona", "Córdoba", "Santander", "Gijón"],
    "PT": ["Coimbra", "Aveiro", "Faro"],
    "NL": ["Zwolle", "Deventer", "Nijmegen"],
    "BE": ["Ghent", "Mechelen", "Namur"],
    "PL": ["Gdynia", "Lublin", "Toruń", "Białystok"],
    "CZ": ["Brno", "Ostrava", "Plzeň"],
    "SK": ["Žilina", "Nitra"],
    "HU": ["Szeged", "Debrecen", "Győr"],
    "RO": ["Timișoara", "Brașov", "Iași", "Bucharest"],
    "BG": ["Plovdiv", "Burgas", "Ruse"],
    "GR": ["Larissa", "Patras", "Chania"],
    "HR": ["Rijeka", "Osijek"],
    "SI": ["Maribor", "Celje"],
    "AT": ["Graz", "Linz", "Salzburg"],
    "SE": ["Västerås", "Örebro", "Jönköping"],
    "FI": ["Tampere", "Oulu", "Vaasa"],
    "DK": ["Aalborg", "Odense", "Vejle"],
    "LT": ["Kaunas", "Šiauliai"],
    "LV": ["Jelgava", "Valmiera"],
    "EE": ["Tartu", "Pärnu"],
    "NO": ["Bergen", "Stavanger"],
    "IS": ["Akureyri"],
    "TR": ["Ankara", "Bursa", "Eskişehir"],
    "UA": ["Lviv", "Vinnytsia"],
    "RS": ["Novi Sad", "Niš"],
    "MD": ["Chișinău"],
    "GE": ["Tbilisi", "Batumi"],
    "IT_MISSION": ["Turin"],
    "JP": ["Kyoto"],
    "US": ["Portland"],
}
TEXTS = [
    "how to set up and run {topic} projects with citizens and local businesses",
    "financing models and partnerships for {topic}",
    "monitoring the impact of {topic} on our emissions",
    "governance and cross-department work for {topic}",
    "practical lessons from pilots in {topic} that we could replicate",
]
AUTHORITIES = ["municipality"] * 7 + [
    "metropolitan_area",
    "district",
    "other_public_administration",
]
TARGETS = [2030] * 3 + [2035] * 3 + [2040] * 3 + [2045, 2050, 2050, 2050, 2055]


def _city(rng: random.Random, n: int) -> tuple[str, str]:
    country = rng.choice(list(CITIES))
    name = rng.choice(CITIES[country])
    if country == "IT_MISSION":
        country = "IT"
    if n >= 150:  # past the first round of names, vary them like districts of larger cities
        name = f"{name} District {n % 97 + 1}"
    return name, country


@transaction.atomic
def generate_applications(*, call, count: int, seed: int) -> list[int]:
    """Create `count` submitted applications with topics and ranked preferences.

    The same seed gives the same data.
    """
    rng = random.Random(seed)
    topics = list(Topic.objects.order_by("slug"))
    cities = list(CallMissionCity.objects.filter(call=call).order_by("pk"))
    popularity = [rng.random() ** 2 + 0.05 for _ in cities]
    facts, registry = call_facts(call), eligibility_registry()
    submitted_at = min(timezone.now(), call.closes_at - dt.timedelta(days=1))
    organisations, applications = [], []
    for n in range(count):
        name, country = _city(rng, n)
        organisations.append(Organisation(name=name, country=country))
    Organisation.objects.bulk_create(organisations, batch_size=2000)
    for n, organisation in enumerate(organisations):
        authority = rng.choice(AUTHORITIES)
        target = rng.choice(TARGETS)
        verdict = judge(
            Candidate(organisation.name, organisation.country.code, authority, target),
            facts,
            registry,
        )
        applications.append(
            Application(
                call=call,
                organisation=organisation,
                status=Application.Status.SUBMITTED,
                submitted_at=submitted_at - dt.timedelta(minutes=n),
                official_name=organisation.name,
                country=organisation.country,
                authority_type=authority,
                population=rng.randint(20_000, 900_000),
                website=f"https://www.example.org/{n}",
                target_year=target,
                plan_title="Climate neutrality strategy",
                plan_year=rng.randint(2018, 2025),
                plan_url=f"https://www.example.org/{n}/plan",
                climate_plans=rng.sample(["secap", "sump", "cap"], rng.randint(1, 2)),
                hours_per_month=rng.choice([12, 16, 20, 24, 8]),
                site_visits=rng.choice(["yes", "yes", "travel", "no"]),
                consent_share=True,
                consent_privacy=True,
                verdict=verdict.verdict,
                verdict_reasons=verdict.as_dict()["reasons"],
                verdict_resembles=list(verdict.resembles),
                rules_version=verdict.rules_version,
            )
        )
    Application.objects.bulk_create(applications, batch_size=2000)
    needs, shares, preferences, reps, changes = [], [], [], [], []
    for application in applications:
        chosen = rng.sample(topics, rng.randint(1, 5))
        for position, topic in enumerate(chosen, start=1):
            text = rng.choice(TEXTS).format(topic=topic.name.lower())
            needs.append(
                LearningNeed(application=application, position=position, topic=topic, text=text)
            )
        for position, topic in enumerate(rng.sample(topics, rng.randint(0, 3)), start=1):
            shares.append(
                ShareOffer(
                    application=application,
                    position=position,
                    topic=topic,
                    text=f"our experience with {topic.name.lower()}",
                )
            )
        ranked = []
        while len(ranked) < min(call.max_preferences, len(cities)):
            city = rng.choices(cities, weights=popularity)[0]
            if city not in ranked:
                ranked.append(city)
        for rank, city in enumerate(ranked, start=1):
            preferences.append(
                Preference(
                    application=application,
                    rank=rank,
                    mission_city=city,
                    reason=f"{city.display_name} works on what we want to learn",
                )
            )
        reps.append(
            Representative(
                application=application,
                position=1,
                name=f"Representative {application.pk}",
                role="Climate officer",
                email=f"officer{application.pk}@example.org",
                english_level=rng.choice(["B2", "C1", "C2"]),
            )
        )
        changes.append(
            StatusChange(
                application=application,
                from_status=Application.Status.DRAFT,
                to_status=Application.Status.SUBMITTED,
            )
        )
    for model, rows in [
        (LearningNeed, needs),
        (ShareOffer, shares),
        (Preference, preferences),
        (Representative, reps),
        (StatusChange, changes),
    ]:
        model.objects.bulk_create(rows, batch_size=2000)
    return [a.pk for a in applications]
