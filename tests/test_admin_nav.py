"""The admin's sidebar, kept per set of permissions (twinning/adminnav.py): it lists what the
person may see, follows a change of their permissions at once, and marks the current page."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def sidebar(client, url) -> str:
    html = client.get(url).content.decode()
    start = html.index('id="nav-sidebar"')
    return html[start : html.index("</nav>", start)]


def linked_models(html) -> list[str]:
    return re.findall(r'<a href="/admin/(\w+/\w+)/"', html)


def test_sidebar_lists_what_the_staff_member_may_see_and_follows_their_permissions(client):
    user = UserFactory(email="nav@nzc.example", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_application"))
    client.force_login(user)
    url = reverse("admin:applications_application_changelist")

    # Every staff member sees their own review assignments (to withdraw a conflict declaration).
    assert linked_models(sidebar(client, url)) == [
        "applications/application",
        "applications/reviewassignment",
    ]

    user.user_permissions.add(Permission.objects.get(codename="view_matchingrun"))
    assert linked_models(sidebar(client, url)) == [
        "applications/application",
        "applications/reviewassignment",
        "matching/matchingrun",
    ]


def test_sidebar_marks_the_current_page(client, staff):
    client.force_login(staff)
    runs = sidebar(client, reverse("admin:matching_matchingrun_changelist"))
    applications = sidebar(client, reverse("admin:applications_application_changelist"))

    def current(html):
        return re.findall(r'<a href="/admin/(\w+/\w+)/" aria-current="page"', html)

    assert current(runs) == ["matching/matchingrun"]
    assert current(applications) == ["applications/application"]
    assert 'class="model-application current-model"' in applications
    assert "current-model" not in sidebar(client, reverse("staff_dashboard"))
