"""The PostgreSQL-restart fault test's app server: the load test's production settings (plain
HTTP on 127.0.0.1) without sign-up rate limits, so that the test can sign up many people."""

from twinning.settings.loadtest import *  # noqa: F403

ACCOUNT_RATE_LIMITS = False
