import pytest

from tests.applications.conftest import open_call  # noqa: F401
from tests.factories import UserFactory

from .helpers import city, member


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@nzc.example", is_staff=True, is_superuser=True)


@pytest.fixture
def torino(open_call):  # noqa: F811
    return city(open_call, "Torino")


@pytest.fixture
def sofia(open_call):  # noqa: F811
    return city(open_call, "Sofia")


@pytest.fixture
def torino_member(torino):
    return member("member@torino.example", torino)


@pytest.fixture
def sofia_member(sofia):
    return member("member@sofia.example", sofia)
