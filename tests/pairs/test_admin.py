import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pairs import services
from tests.factories import UserFactory

from .helpers import make_pair, plan_template

pytestmark = pytest.mark.django_db

HOSTS = [("Plymouth", "GB", "Torino"), ("Girona", "ES", "Sofia"), ("Lyon", "FR", "Torino")]


def busy_pair(call, n):
    name, country, host = HOSTS[n]
    pair, twin, host_user = make_pair(
        call, name, host, country=country, host_email=f"h{n}@host.example"
    )
    services.message_post(pair=pair, body="Hello", by=twin)
    services.plan_feedback_add(
        version=services.plan_submit(pair=pair, summary="Draft", by=twin), body="Ok", by=host_user
    )
    services.meeting_record(
        pair=pair,
        by=twin,
        kind="meeting",
        date=timezone.localdate(),
        format="online",
        participants="A",
    )
    services.milestone_complete(
        milestone=pair.milestones.get(title="Kick-off meeting"),
        by=twin,
        date=timezone.localdate(),
    )
    services.reminders_send()
    return pair


def counts(client):
    result = {}
    for model in admin.site._registry:
        if model._meta.app_label != "pairs":
            continue
        url = reverse(f"admin:pairs_{model._meta.model_name}_changelist")
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        result[url] = len(ctx)
    return result


def test_pairs_admin_changelists_query_count_does_not_grow(client, open_call):
    open_call.programme_start = timezone.localdate() - timezone.timedelta(days=100)
    open_call.save()
    plan_template(open_call)
    client.force_login(UserFactory(email="root@nzc.example", is_staff=True, is_superuser=True))
    busy_pair(open_call, 0)
    one = counts(client)
    busy_pair(open_call, 1)
    busy_pair(open_call, 2)
    assert counts(client) == one
