import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory
from users import consents
from users.models import ConsentRecord, Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(db):
    call_command("load_notices", stdout=io.StringIO())
    return {n.kind: n for n in Notice.objects.all()}


def new_version(kind: str, changes: str = "Longer retention for pairs") -> Notice:
    draft = Notice.objects.create(
        kind=kind, version=99, title="Privacy notice", body="New text", changes=changes
    )
    return consents.notice_publish(notice=draft, by=None)


def test_load_notices_publishes_version_1_once(notices):
    out = io.StringIO()
    call_command("load_notices", stdout=out)

    assert out.getvalue().strip() == "nothing changed"
    assert sorted((n.kind, n.version, n.is_published) for n in Notice.objects.all()) == [
        ("data_sharing", 1, True),
        ("privacy", 1, True),
    ]


def test_publishing_numbers_the_version_after_the_last_published(notices):
    notice = new_version(Notice.Kind.PRIVACY)

    assert notice.version == 2
    assert consents.current_notice(Notice.Kind.PRIVACY) == notice


def test_a_published_version_cannot_be_published_again(notices):
    with pytest.raises(Exception, match="already published"):
        consents.notice_publish(notice=notices["privacy"], by=None)


def test_privacy_page_shows_the_current_version(client, notices):
    new_version(Notice.Kind.PRIVACY)

    page = client.get(reverse("privacy")).content.decode()

    assert "Version 2, published on" in page and "New text" in page


def test_signup_needs_the_privacy_notice_and_records_its_acceptance(client, notices):
    data = {
        "email": "new@example.org",
        "password1": "a-long-passphrase-1",
        "password2": "a-long-passphrase-1",
    }

    refused = client.post(reverse("account_signup"), data)
    assert "Please accept the privacy notice to create an account." in refused.content.decode()

    client.post(reverse("account_signup"), {**data, "accept_privacy": "on"})
    record = ConsentRecord.objects.get(user__email="new@example.org")
    assert (record.notice, record.source) == (notices["privacy"], "signup")


def test_a_person_who_accepted_an_older_version_is_asked_again_with_next_kept(client, notices):
    user = UserFactory(email="officer@example.org")
    consents.consent_record(user=user, kind="privacy", source="signup")
    client.force_login(user)
    assert client.get(reverse("my_applications")).status_code == 200

    new_version(Notice.Kind.PRIVACY)
    response = client.get(reverse("my_applications"))

    assert response.status_code == 302
    assert response.url == reverse("notice_accept") + "?next=%2Fmy-applications%2F".replace(
        "%2Fmy-applications%2F", reverse("my_applications").replace("/", "%2F")
    )
    page = client.get(response.url).content.decode()
    assert "Longer retention for pairs" in page

    refused = client.post(reverse("notice_accept"), {"next": reverse("my_applications")})
    assert "Please accept this version to go on." in refused.content.decode()

    current = consents.current_notice("privacy")
    accepted = client.post(
        reverse("notice_accept"),
        {"next": reverse("my_applications"), f"accept_{current.pk}": "on"},
    )
    assert accepted.status_code == 302 and accepted.url == reverse("my_applications")
    assert client.get(reverse("my_applications")).status_code == 200
    assert list(
        ConsentRecord.objects.filter(user=user).values_list("notice__version", "source")
    ) == [(2, "prompt"), (1, "signup")]


def test_data_sharing_is_asked_again_only_of_those_who_gave_it(client, notices):
    giver = UserFactory(email="giver@example.org")
    other = UserFactory(email="other@example.org")
    for user in (giver, other):
        consents.consent_record(user=user, kind="privacy", source="signup")
    consents.consent_record(user=giver, kind="data_sharing", source="application")

    new_version(Notice.Kind.DATA_SHARING, changes="Mission Cities see documents")

    assert [n.kind for n in consents.pending_notices(giver)] == ["data_sharing"]
    assert consents.pending_notices(other) == []


def test_the_prompt_never_swallows_a_post_or_an_htmx_request(client, notices):
    user = UserFactory(email="officer@example.org")
    client.force_login(user)  # never accepted anything

    assert client.get(reverse("my_applications")).status_code == 302
    assert client.get(reverse("my_applications"), HTTP_HX_REQUEST="true").status_code == 200
    assert client.get(reverse("privacy")).status_code == 200


def test_an_unsafe_next_is_ignored(client, notices):
    user = UserFactory(email="officer@example.org")
    client.force_login(user)
    current = consents.current_notice("privacy")

    response = client.post(
        reverse("notice_accept"), {"next": "https://evil.example/", f"accept_{current.pk}": "on"}
    )

    assert response.url == reverse("home")


def test_staff_publish_a_draft_from_the_admin(client, notices):
    staff = UserFactory(email="dpo@netzerocities.example", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_notice", "change_notice"])
    )
    consents.consent_record(user=staff, kind="privacy", source="signup")
    draft = Notice.objects.create(kind="privacy", version=2, title="Privacy notice", body="v2")
    client.force_login(staff)

    client.post(
        reverse("admin:users_notice_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    draft.refresh_from_db()
    assert draft.is_published and consents.current_notice("privacy") == draft


def test_staff_who_may_only_view_notices_cannot_delete_a_draft(client, notices):
    staff = UserFactory(email="viewer@netzerocities.example", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_notice"))
    consents.consent_record(user=staff, kind="privacy", source="signup")
    draft = Notice.objects.create(kind="privacy", version=2, title="Privacy notice", body="v2")
    client.force_login(staff)

    response = client.post(reverse("admin:users_notice_delete", args=[draft.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Notice.objects.filter(pk=draft.pk).exists()
