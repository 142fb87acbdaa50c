"""The applications admin (applications/admin/): changelist filters."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["?preferred=abc", "?call__id__exact=abc", "?preferred=999999"])
def test_admin_application_filters_with_garbage(client, superuser, query):
    client.force_login(superuser)
    response = client.get(reverse("admin:applications_application_changelist") + query)
    assert response.status_code in (200, 302)
