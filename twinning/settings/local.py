"""Settings for a developer's machine: `make run`. Works with nothing but Python installed."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-key-not-for-production")
# The demo staff account signs in with its password alone (setup_demo says so); production and
# the tests require two-factor for staff. STAFF_REQUIRE_MFA=true tries it locally.
STAFF_REQUIRE_MFA = env.bool("STAFF_REQUIRE_MFA", default=False)
