"""Settings for `make loadtest`: production settings over plain HTTP on 127.0.0.1, with demo data
allowed and a bare "ok" view (/loadtest/ok) as the yardstick. Never deploy with these."""

from .production import *  # noqa: F403

LOADTEST_BARE_VIEW = True
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
DEMO_DATA_ALLOWED = True
# The benchmarks sign staff in with a session of their own making (benchmarks/loadtest.py
# session_for), without a second factor: the staff pages are measured, not the MFA step.
STAFF_REQUIRE_MFA = False
