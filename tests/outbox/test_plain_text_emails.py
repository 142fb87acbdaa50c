"""E-mail subjects and bodies are plain text: names arrive as written, never HTML-escaped.

Issue 12: a subject arrived as "L&#x27;Aquila". Every template of templates/emails/ is rendered
here with a context in which every name is a city name with an apostrophe and an ampersand.
"""

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone

from outbox.models import Email
from tests.factories import MissionCityFactory, UserFactory
from twinning.emails import render_email
from workspace import services as workspace_services

NAME = "Sant'Antioco & Calasetta <Sud>"
ESCAPES = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;")
EMAIL_DIR = Path(settings.BASE_DIR) / "templates" / "emails"
TOKEN = "0b7e4c1a-4f7e-4c55-9d2e-3f1c2b0a9e11"
NAMES_SOMETHING = re.compile(r"official_name|display_name|\.name\b|\.title\b|=pair\b")
TEMPLATES = sorted(p.name.removesuffix("_subject.txt") for p in EMAIL_DIR.glob("*_subject.txt"))


class Named(str):
    """A string (how `{{ pair }}` prints) that also has attributes, like a model instance."""

    def __new__(cls, text, **attributes):
        obj = super().__new__(cls, text)
        obj.__dict__.update(attributes)
        return obj


def hostile_context() -> dict:
    call = SimpleNamespace(
        title=NAME,
        slug="2025",
        closes_at=timezone.make_aware(dt.datetime(2026, 3, 31, 17, 0)),
        timezone="Europe/Rome",
    )
    city = SimpleNamespace(
        display_name=NAME, name=NAME, mission_city=SimpleNamespace(slug="sant-antioco")
    )
    pair = Named(NAME, pk=7, call=call, last_activity_at=timezone.now())
    return {
        "application": SimpleNamespace(
            pk=3, official_name=NAME, call=call, get_status_display=NAME
        ),
        "call": call,
        "city": city,
        "pair": pair,
        "milestone": SimpleNamespace(title=NAME, due_date=dt.date(2026, 5, 1)),
        "organisation": SimpleNamespace(name=NAME),
        "by": SimpleNamespace(email="o'brien&co@example.org"),
        "invitation": SimpleNamespace(email="o'brien&co@example.org", token=TOKEN),
        "pairing": SimpleNamespace(
            pk=5, get_twin_confirmation_display=NAME, get_host_confirmation_display=NAME
        ),
        "events": [SimpleNamespace(summary=NAME, pair=pair)],
        "request": SimpleNamespace(note=NAME),
        "message": NAME,
        "reason": NAME,
        "why": [NAME],
        "twin_contacts": [(NAME, "a@example.org")],
        "host_contacts": [(NAME, "b@example.org")],
        "n_pairings": 1,
        "days": 30,
        "side": "host",
        "decision": "confirmed",
        "declined_by": "host",
    }


def test_every_email_template_is_walked():
    assert len(TEMPLATES) >= 24
    for name in TEMPLATES:
        assert (EMAIL_DIR / f"{name}_body.txt").exists(), name


@pytest.mark.parametrize("template", TEMPLATES)
def test_subject_and_body_are_plain_text(template):
    subject, body = render_email(template=template, context=hostile_context())
    for escaped in ESCAPES:
        assert escaped not in subject, (template, subject)
        assert escaped not in body, (template, body)
    source = (EMAIL_DIR / f"{template}_subject.txt").read_text()
    if NAMES_SOMETHING.search(source):
        # The subject names a city, an application, a pair or a title: exactly as written.
        assert NAME in subject, (template, subject)
    assert "\n" not in subject


def test_a_name_in_the_subject_is_rendered_verbatim():
    subject, _ = render_email(template="workspace_invitation", context=hostile_context())
    assert subject == f"[Twinning] Join the workspace of {NAME}"


@pytest.mark.django_db
def test_queued_invitation_subject_and_body_in_the_outbox_are_plain_text():
    city = MissionCityFactory(name="L'Aquila & Co")
    staff = UserFactory(email="staff@example.org", is_staff=True)
    workspace_services.invitation_create(
        mission_city=city, email="new.member@example.org", by=staff
    )
    email = Email.objects.get(template="workspace_invitation")
    assert email.subject == "[Twinning] Join the workspace of L'Aquila & Co"
    assert "L'Aquila & Co" in email.body
    assert "&#x27;" not in email.body and "&amp;" not in email.body
