"""Who may open which workspace URL: a matrix of roles × URLs with the expected status.

Foreign objects are 404 (never 403), anonymous visitors are sent to sign in, and a revoked member
is treated as a stranger at once. Staff and superusers are not members: they use the admin.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import ShortlistEntry
from cities.models import MissionCityMembership
from matching.models import Pairing
from tests.builders import member, published_pairing, submitted_application
from tests.factories import UserFactory
from workspace import services

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "twin",  # the applicant whose application is paired with Torino
    "other_applicant",
    "torino_member",
    "sofia_member",
    "revoked_torino_member",
    "superuser",
]

# url key → (method, data)
URLS = {
    "workspace": ("get", None),
    "city": ("get", None),
    "applicant": ("get", None),
    "shortlist": ("get", None),
    "pairings": ("get", None),
    "shortlist_add": ("post", "add"),
    "shortlist_move": ("post", {"direction": "down"}),
    "shortlist_note": ("post", {"note": "n"}),
    "shortlist_remove": ("post", {}),
    "pairing_answer": ("post", {"decision": "confirmed"}),
    "twin_pairing": ("get", None),
    "twin_pairing_answer": ("post", {"decision": "confirmed"}),
}

LOGIN = "login"
# Expected status per URL for each signed-in role; anonymous is always sent to sign in.
EXPECTED = {
    "twin": dict.fromkeys(URLS, 404) | {"twin_pairing": 200, "twin_pairing_answer": 302},
    "other_applicant": dict.fromkeys(URLS, 404),
    "torino_member": {
        "workspace": 200,
        "city": 200,
        "applicant": 200,
        "shortlist": 200,
        "pairings": 200,
        "shortlist_add": 302,
        "shortlist_move": 302,
        "shortlist_note": 302,
        "shortlist_remove": 302,
        "pairing_answer": 302,
        "twin_pairing": 404,
        "twin_pairing_answer": 404,
    },
    "sofia_member": dict.fromkeys(URLS, 404) | {"workspace": 200},
    "revoked_torino_member": dict.fromkeys(URLS, 404),
    "superuser": dict.fromkeys(URLS, 404),
}


@pytest.fixture
def world(open_call, torino, sofia):
    plymouth = submitted_application(open_call, "Plymouth", email="owner@plymouth.example")
    submitted_application(open_call, "Girona", country="ES", email="owner@girona.example")
    pairing = published_pairing(plymouth, torino)
    torino_member = member("member@torino.example", torino)
    services.shortlist_add(city=torino, application=plymouth, by=torino_member)
    other = submitted_application(open_call, "Graz", country="AT")
    services.shortlist_add(city=torino, application=other, by=torino_member)
    revoked = member("revoked@torino.example", torino)
    MissionCityMembership.objects.filter(user=revoked).update(revoked_at=timezone.now())
    users = {
        "anonymous": None,
        "twin": plymouth.organisation.members.get().user,
        "other_applicant": UserFactory(email="owner@girona.example"),
        "torino_member": torino_member,
        "sofia_member": member("member@sofia.example", sofia),
        "revoked_torino_member": revoked,
        "superuser": UserFactory(email="admin@nzc.example", is_staff=True, is_superuser=True),
    }
    slug = torino.mission_city.slug
    urls = {
        "workspace": reverse("workspace"),
        "city": reverse("workspace_city", args=[slug]),
        "applicant": reverse("workspace_application", args=[slug, plymouth.pk]),
        "shortlist": reverse("workspace_shortlist", args=[slug]),
        "pairings": reverse("workspace_pairings", args=[slug]),
        "shortlist_add": reverse("workspace_shortlist_add", args=[slug]),
        "shortlist_move": reverse("workspace_shortlist_move", args=[slug, plymouth.pk]),
        "shortlist_note": reverse("workspace_shortlist_note", args=[slug, plymouth.pk]),
        "shortlist_remove": reverse("workspace_shortlist_remove", args=[slug, plymouth.pk]),
        "pairing_answer": reverse("workspace_pairing_answer", args=[slug, pairing.pk]),
        "twin_pairing": reverse("application_pairing", args=[plymouth.pk]),
        "twin_pairing_answer": reverse("application_pairing", args=[plymouth.pk]),
    }
    return {"users": users, "urls": urls, "plymouth": plymouth, "pairing": pairing}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role):
    """Every workspace URL for one role, in order (the POSTs that succeed change the state the
    next ones see, as a member using the pages would)."""
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    actual = {}
    for key, (method, data) in URLS.items():
        if data == "add":
            data = {"application": world["plymouth"].pk}
        url = world["urls"][key]
        response = getattr(client, method)(url, data or {})
        if response.status_code == 302 and response["Location"] == (
            f"/accounts/login/?next={quote(url)}"
        ):
            actual[key] = LOGIN
        else:
            actual[key] = response.status_code

    expected = dict.fromkeys(URLS, LOGIN) if role == "anonymous" else EXPECTED[role]
    assert actual == expected


def test_every_workspace_url_is_in_the_matrix():
    from workspace import urls

    names = {p.name for p in urls.urlpatterns} - {"workspace_invitation"}
    covered = {
        "workspace",
        "workspace_city",
        "workspace_application",
        "workspace_shortlist",
        "workspace_pairings",
        "workspace_shortlist_add",
        "workspace_shortlist_move",
        "workspace_shortlist_note",
        "workspace_shortlist_remove",
        "workspace_pairing_answer",
        "application_pairing",
    }
    assert names == covered


@pytest.mark.parametrize("role", ["sofia_member", "revoked_torino_member", "superuser", "twin"])
def test_foreign_posts_change_nothing(client, world, role):
    client.force_login(world["users"][role])
    before = (
        list(ShortlistEntry.objects.order_by("pk").values_list("application_id", "rank", "note")),
        list(Pairing.objects.values_list("host_confirmation", flat=True)),
    )
    for key in ("shortlist_move", "shortlist_note", "shortlist_remove", "pairing_answer"):
        _method, data = URLS[key]
        client.post(world["urls"][key], data)

    after = (
        list(ShortlistEntry.objects.order_by("pk").values_list("application_id", "rank", "note")),
        list(Pairing.objects.values_list("host_confirmation", flat=True)),
    )
    assert after == before


def test_applicant_cannot_see_another_organisations_pairing(client, world, open_call, torino):
    other = submitted_application(open_call, "Ghent", country="BE")
    published_pairing(other, torino)
    client.force_login(world["users"]["twin"])
    assert client.get(reverse("application_pairing", args=[other.pk])).status_code == 404
