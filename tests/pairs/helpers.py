"""A confirmed pairing with its pair space, made through the services."""

import datetime as dt

from applications.models import Application
from matching.models import Pairing
from pairs import services
from pairs.models import MilestoneTemplate, PlanTemplate
from tests.builders import city, member
from tests.builders import submitted_application as submitted

PLAN = [
    # (title, offset days, owner side, evidence)
    ("Kick-off meeting", 30, "both", "date"),
    ("Learning agenda agreed", 60, "twin", "note"),
    ("Site visit", 150, "host", "document"),
    ("Replication plan", 300, "twin", "document"),
]


def plan_template(call, rows=PLAN) -> PlanTemplate:
    template, _created = PlanTemplate.objects.get_or_create(call=call)
    for position, (title, offset, side, evidence) in enumerate(rows):
        MilestoneTemplate.objects.create(
            template=template,
            position=position,
            title=title,
            offset_days=offset,
            owner_side=side,
            evidence_kind=evidence,
        )
    return template


def publish(application, host, *, by=None) -> Pairing:
    """A published pairing made directly (no run), so a host may take more than its capacity."""
    Application.objects.filter(pk=application.pk).update(status=Application.Status.PAIRED)
    return Pairing.objects.create(
        call=host.call, application=application, mission_city=host, published_by=by
    )


def confirm(pairing: Pairing) -> Pairing:
    Pairing.objects.filter(pk=pairing.pk).update(
        host_confirmation=Pairing.Confirmation.CONFIRMED,
        twin_confirmation=Pairing.Confirmation.CONFIRMED,
    )
    pairing.refresh_from_db()
    return pairing


def make_pair(
    call,
    name="Plymouth",
    host="Torino",
    *,
    country="GB",
    email=None,
    host_email=None,
    needs=("energy-systems",),
):
    """(pair, twin user, host user): a submitted application paired with `host`, confirmed."""
    host_city = city(call, host)
    application = submitted(
        call,
        name,
        country=country,
        prefs=(host,),
        needs=needs,
        email=email or f"officer@{name.lower()}.example",
    )
    host_user = member(host_email or f"member@{host.lower()}.example", host_city)
    pairing = confirm(publish(application, host_city))
    pair = services.pair_open(pairing=pairing)
    return pair, application.organisation.members.get().user, host_user


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)
