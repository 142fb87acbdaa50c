"""The audit log in the admin: a read-only list for everyone, superusers included."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import record
from cities.models import Topic

pytestmark = pytest.mark.django_db


def _entries(n, actor=None):
    topics = list(Topic.objects.order_by("pk")[:n])
    with transaction.atomic():
        return [
            record(actor=actor, action="test.entry", target=t, note=f"n{i}")
            for i, t in enumerate(topics)
        ]


def test_superuser_can_neither_add_change_nor_delete(client, superuser):
    (entry,) = _entries(1, actor=superuser)
    client.force_login(superuser)

    add = client.get(reverse("admin:audit_auditentry_add"))
    change = client.post(
        reverse("admin:audit_auditentry_change", args=[entry.pk]), {"note": "rewritten"}
    )
    delete = client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    bulk = client.post(
        reverse("admin:audit_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert bulk.status_code == 200  # no such action: the list is shown again
    entry.refresh_from_db()
    assert (entry.note, AuditEntry.objects.filter(pk=entry.pk).exists()) == ("n0", True)


def test_change_page_shows_the_entry_read_only(client, superuser):
    (entry,) = _entries(1, actor=superuser)
    client.force_login(superuser)

    response = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert b'name="_save"' not in response.content


def test_changelist_queries_do_not_grow_with_rows(client, superuser):
    client.force_login(superuser)
    counts = []
    for rows in (1, 3):
        AuditEntry.objects.all().delete()
        _entries(rows, actor=superuser)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("admin:audit_auditentry_changelist"))
        assert response.status_code == 200
        assert response.context["cl"].result_count == rows
        counts.append(len(queries))

    assert counts[0] == counts[1]
