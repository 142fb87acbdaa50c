import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Document, Representative
from matching.models import Pairing
from privacy import retention, services
from privacy.models import AnonymisedApplication, RetentionPolicy, RetentionRun
from privacy.tasks import task_apply_retention

from .conftest import EMAIL, NAME, staff_member

pytestmark = pytest.mark.django_db


def close(call, days_ago: int):
    call.opens_at = timezone.now() - dt.timedelta(days=days_ago + 30)
    call.closes_at = timezone.now() - dt.timedelta(days=days_ago)
    call.save(update_fields=["opens_at", "closes_at"])


def test_programme_end_adds_the_programme_months():
    call = type("C", (), {"programme_start": dt.date(2025, 11, 30), "programme_months": 15})

    assert retention.programme_end(call) == dt.date(2027, 2, 28)


def test_nothing_is_due_before_the_period_ends(person):
    call = person.application.call
    RetentionPolicy.objects.create(call=call, unpaired_days=30, pairs_days=365)
    close(call, days_ago=29)

    assert retention.due(call, timezone.now()) == {"unpaired": 0, "pairs": 0}
    assert services.retention_apply() == []
    assert Representative.objects.filter(name=NAME).exists()


def test_unpaired_applicants_are_anonymised_once_after_the_period(person):
    application = person.application
    call = application.call
    RetentionPolicy.objects.create(call=call, unpaired_days=30, pairs_days=365)
    close(call, days_ago=31)
    assert retention.due(call, timezone.now()) == {"unpaired": 1, "pairs": 0}

    [run] = services.retention_apply()

    assert (run.kind, run.applications) == ("unpaired", 1)
    assert list(application.representatives.values_list("name", "email", "role")) == [
        ("[removed]", "", ""),
        ("[removed]", "", ""),
    ]
    assert Document.objects.filter(application=application).count() == 0
    application.refresh_from_db()
    assert (application.country, application.population, application.status) == (
        "NL",
        224_000,
        application.status,
    )
    assert (
        application.status_changes.get(internal=True).note
        == "Phoned [removed] ([removed]) about the plan"
    )
    # Again: nothing more to do, nothing done twice.
    assert services.retention_apply() == []
    assert RetentionRun.objects.count() == 1
    assert AnonymisedApplication.objects.filter(application=application).count() == 1


def test_pairs_wait_for_the_end_of_the_programme(person):
    application = person.application
    call = application.call
    Pairing.objects.create(
        call=call, application=application, mission_city=call.mission_cities.first()
    )
    RetentionPolicy.objects.create(call=call, unpaired_days=0, pairs_days=10)
    close(call, days_ago=400)
    call.programme_start = timezone.localdate() - dt.timedelta(days=380)
    call.programme_months = 12
    call.save(update_fields=["programme_start", "programme_months"])

    assert retention.due(call, timezone.now()) == {"unpaired": 0, "pairs": 1}
    assert task_apply_retention() == 1
    assert not Representative.objects.filter(email=EMAIL).exists()


def test_without_a_policy_the_settings_apply(person, settings):
    settings.PRIVACY_RETENTION_UNPAIRED_DAYS = 7
    settings.PRIVACY_RETENTION_PAIRS_DAYS = 70

    assert retention.periods(person.application.call) == (7, 70)


def test_retention_page_shows_what_is_due_to_staff_with_the_permission(client, person):
    call = person.application.call
    RetentionPolicy.objects.create(call=call, unpaired_days=30, pairs_days=365)
    close(call, days_ago=31)
    client.force_login(staff_member())
    assert client.get(reverse("privacy_retention")).status_code == 403

    client.force_login(staff_member("dpo2@netzerocities.example", "view_retentionrun"))
    response = client.get(reverse("privacy_retention"))

    row = next(r for r in response.context["rows"] if r["call"] == call)
    assert (row["due"], row["periods"], row["done"]) == ({"unpaired": 1, "pairs": 0}, (30, 365), 0)


def test_beat_runs_the_retention_task_every_night(settings):
    from celery.schedules import crontab

    from twinning.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["privacy-apply-retention"]

    assert entry == {"task": "privacy.apply_retention", "schedule": crontab(hour=3, minute=30)}
    assert "privacy.apply_retention" in app.tasks
