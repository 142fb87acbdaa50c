"""Shared fixtures.

Service tests (marker `services`) need PostgreSQL and Redis through DATABASE_URL and REDIS_URL;
browser tests (marker `browser`) need the system Chromium at /usr/bin/chromium. Without them the
tests are skipped with a message saying how to enable them; under CI=true they fail instead.
"""

import datetime as dt
import io
import os
import shutil

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.builders import city, draft_application, fill_application, member, submitted_application
from tests.factories import UserFactory

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API beside live_server

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing_services() -> list[str]:
    missing = []
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        missing.append("DATABASE_URL=postgres://… (PostgreSQL)")
    if not os.environ.get("REDIS_URL"):
        missing.append("REDIS_URL=redis://… (Redis)")
    return missing


def pytest_collection_modifyitems(config, items):
    missing_services = _missing_services()
    has_browser = shutil.which(CHROMIUM) is not None
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("services") and missing_services:
            why = "needs " + " and ".join(missing_services) + "; set them to run this test"
            item.add_marker(_fail_or_skip(why))
        if item.get_closest_marker("browser") and not has_browser:
            why = f"needs Chromium at {CHROMIUM}: `apt-get install -y chromium` to run this test"
            item.add_marker(_fail_or_skip(why))


def _fail_or_skip(why):
    if IN_CI:
        # Under CI a missing service is a failure: the test runs and fails in this fixture.
        return pytest.mark.usefixtures(
            "_ci_requires_" + ("browser" if "Chromium" in why else "services")
        )
    return pytest.mark.skip(reason=why)


@pytest.fixture
def _ci_requires_browser():
    pytest.fail(f"CI=true but Chromium is missing at {CHROMIUM}")


@pytest.fixture
def _ci_requires_services():
    pytest.fail("CI=true but " + " and ".join(_missing_services()) + " not set")


@pytest.fixture(scope="session")
def base_url():
    """Replaces pytest-playwright's fallback `base_url` (deprecated under pytest 9, an error here);
    browser tests use live_server.url."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Use the system Chromium; never download a browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data and the curated calls once into the test database."""
    with django_db_blocker.unblock():
        call_command("load_call_data", verbosity=0, stdout=io.StringIO())


@pytest.fixture
def call_data(db):
    """The curated data, also for transactional tests (which empty the database after them)."""
    from cities.models import Call

    if not Call.objects.filter(slug="2025").exists():
        call_command("load_call_data", stdout=io.StringIO())
    return Call.objects.get(slug="2025")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (no cached ids of rows an earlier test rolled back),
    knowing that no notice is published: the test database has none until a test publishes one
    (through `users.consents.notice_publish`, which forgets this)."""
    from django.core.cache import cache

    from users.consents import CACHE_KEY

    cache.clear()
    cache.set(CACHE_KEY, {})


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a per-test folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


# Domain fixtures shared by every test directory -------------------------------------------------


@pytest.fixture
def open_call(db):
    """A copy of the 2025 call, open from yesterday for 30 days."""
    from cities.models import Call
    from cities.services import call_copy

    return call_copy(
        source=Call.objects.get(slug="2025"),
        slug="open",
        title="Open call",
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=30),
    )


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@nzc.example", is_staff=True, is_superuser=True)


@pytest.fixture
def viewer(db):
    """Staff who may look at every admin list and change nothing (view permissions only)."""
    from django.contrib.auth.models import Permission

    user = UserFactory(email="viewer@nzc.example", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return user


@pytest.fixture
def bare_staff(db):
    """A staff account without any permission."""
    return UserFactory(email="bare@nzc.example", is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@nzc.example", is_staff=True, is_superuser=True)


@pytest.fixture
def applicant(db):
    return UserFactory(email="officer@plymouth.example")


@pytest.fixture
def draft(open_call, applicant):
    """Plymouth's draft to the open call, started by `applicant`."""
    return draft_application(open_call, "Plymouth", email=applicant.email)


@pytest.fixture
def complete_draft(draft, applicant):
    """`draft` with every answer given (Torino ranked first), not submitted."""
    return fill_application(draft, by=applicant)


@pytest.fixture
def three_applicants(open_call):
    return [
        submitted_application(open_call, "Plymouth", country="GB", prefs=["Torino", "Sofia"]),
        submitted_application(open_call, "Bergamo", country="IT", prefs=["Torino", "Gabrovo"]),
        submitted_application(open_call, "Girona", country="ES", prefs=["Torino"]),
    ]


@pytest.fixture
def torino(open_call):
    return city(open_call, "Torino")


@pytest.fixture
def sofia(open_call):
    return city(open_call, "Sofia")


@pytest.fixture
def torino_member(torino):
    return member("member@torino.example", torino)


@pytest.fixture
def sofia_member(sofia):
    return member("member@sofia.example", sofia)
