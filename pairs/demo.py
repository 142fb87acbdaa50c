"""Demo data of the pair spaces for `make run`: a call whose programme started four months ago,
with one published, confirmed pair (demo Twin City ↔ Torino) and milestones in each state."""

import datetime as dt

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from applications.models import (
    Application,
    LearningNeed,
    Organisation,
    OrganisationMember,
    Preference,
    Representative,
    ShareOffer,
    StatusChange,
)
from cities.models import Call, CallMissionCity, CityItem, MissionCityMembership
from cities.selectors import copied_call_summary
from cities.services import call_copy
from matching.models import Pairing
from users.models import User

from . import services
from .models import Meeting, MilestoneTemplate, Pair, PlanTemplate

DEMO_SLUG = "demo-running"
TWIN_EMAIL = "twin@twinning.example"
HOST_EMAIL = "torino@twinning.example"
DAYS_IN = 120

# A plan a call may start from (edit it in the admin): (title, day, owner side, evidence).
DEFAULT_PLAN = [
    ("Kick-off meeting", 30, "both", "date"),
    ("Learning agenda agreed", 60, "twin", "note"),
    ("First workshop on the priority actions", 90, "host", "note"),
    ("Targeted feedback on the Twin City's first ideas", 125, "host", "note"),
    ("Site visit", 180, "both", "document"),
    ("Replication (action) plan", 300, "twin", "document"),
    ("Closing reflection", 350, "both", "note"),
]


def plan_template_from(call: Call, rows=DEFAULT_PLAN) -> PlanTemplate:
    template, created = PlanTemplate.objects.get_or_create(call=call)
    if created:
        MilestoneTemplate.objects.bulk_create(
            MilestoneTemplate(
                template=template,
                position=n,
                title=title,
                offset_days=day,
                owner_side=side,
                evidence_kind=evidence,
            )
            for n, (title, day, side, evidence) in enumerate(rows)
        )
    return template


@transaction.atomic
def setup_pairs_demo(*, password: str) -> Pair:
    """Idempotent: the existing demo pair is returned as it is."""
    existing = Pair.objects.filter(call__slug=DEMO_SLUG).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    now = timezone.now()
    start = today - dt.timedelta(days=DAYS_IN)
    call = call_copy(
        source=Call.objects.get(slug="2025"),
        slug=DEMO_SLUG,
        title="Twinning Learning Programme — demo pairs (programme running)",
        opens_at=now - dt.timedelta(days=DAYS_IN + 150),
        closes_at=now - dt.timedelta(days=DAYS_IN + 60),
    )
    call.programme_start = start
    call.summary = copied_call_summary(call)  # told from the programme start set here
    call.save(update_fields=["programme_start", "summary"])
    plan_template_from(call)
    twin, _created = User.objects.get_or_create(
        email=TWIN_EMAIL, defaults={"name": "Member of the demo Twin City (in a pair)"}
    )
    twin.set_password(password)
    twin.save()
    EmailAddress.objects.update_or_create(
        user=twin, email=TWIN_EMAIL, defaults={"verified": True, "primary": True}
    )
    host = User.objects.get(email=HOST_EMAIL)
    torino = CallMissionCity.objects.get(call=call, display_name="Torino")
    MissionCityMembership.objects.get_or_create(user=host, mission_city=torino.mission_city)
    organisation = Organisation.objects.create(name="Vila Nova (demo)", country="PT")
    OrganisationMember.objects.get_or_create(user=twin, defaults={"organisation": organisation})
    application = Application.objects.create(
        call=call,
        organisation=organisation,
        status=Application.Status.PAIRED,
        submitted_at=call.closes_at - dt.timedelta(days=3),
        official_name=organisation.name,
        country="PT",
        authority_type="municipality",
        population=84_000,
        target_year=2040,
        hours_per_month=16,
        site_visits="yes",
        consent_share=True,
        consent_privacy=True,
        verdict=Application.Verdict.ELIGIBLE,
    )
    topics = (
        CityItem.objects.filter(participation=torino, kind=CityItem.Kind.ACTION)
        .values_list("topics", flat=True)
        .distinct()
    )
    for n, topic_id in enumerate(sorted({t for t in topics if t})[:2], start=1):
        LearningNeed.objects.create(
            application=application, position=n, topic_id=topic_id, text="What Torino did"
        )
    # What the applicant answered and what happened, so their pages read like a real one.
    Representative.objects.create(
        application=application,
        position=1,
        name="Demo climate officer",
        role="Climate officer",
        email=TWIN_EMAIL,
        english_level="B2",
    )
    Preference.objects.create(
        application=application, rank=1, mission_city=torino, reason="Its energy communities"
    )
    if topics:
        ShareOffer.objects.create(
            application=application,
            position=1,
            topic_id=sorted(t for t in topics if t)[-1],
            text="Our participatory budget for climate projects",
        )
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                application=application,
                from_status=Application.Status.DRAFT,
                to_status=Application.Status.SUBMITTED,
                by=twin,
            ),
            StatusChange(
                application=application,
                action=StatusChange.Action.PUBLICATION,
                from_status=Application.Status.SUBMITTED,
                to_status=Application.Status.PAIRED,
                note="Paired with Torino",
            ),
        ]
    )
    pairing = Pairing.objects.create(
        call=call,
        application=application,
        mission_city=torino,
        explanation="Demo pairing",
        host_confirmation=Pairing.Confirmation.CONFIRMED,
        twin_confirmation=Pairing.Confirmation.CONFIRMED,
    )
    pair = services.pair_open(pairing=pairing)
    milestones = {m.title: m for m in pair.milestones.all()}
    services.milestone_complete(
        milestone=milestones["Kick-off meeting"], by=twin, date=start + dt.timedelta(days=24)
    )
    services.milestone_complete(
        milestone=milestones["Learning agenda agreed"],
        by=twin,
        note="Three of Torino's actions: district heating, energy communities, public lighting.",
    )
    services.milestones_mark_late(today=today)  # the first workshop (day 90) is late
    services.meeting_record(
        pair=pair,
        by=twin,
        kind=Meeting.Kind.MEETING,
        date=start + dt.timedelta(days=24),
        format=Meeting.Format.ONLINE,
        participants="Torino's energy team\nVila Nova's climate officer",
        record="Kick-off: goals, contacts, a first list of actions.",
    )
    services.message_post(pair=pair, body="Can we set the first workshop date?", by=twin)
    services.message_post(pair=pair, body="Yes: we propose next month.", by=host)
    return pair
