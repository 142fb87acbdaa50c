"""The PostgreSQL-restart fault test's app server: the load test's production settings (plain
HTTP on 127.0.0.1) without sign-up rate limits, so that the test can sign up many people. Static
files come from the finders, as in the test settings: a clean clone has run no collectstatic, so
production's manifest storage would answer every page with a 500."""

from twinning.settings.loadtest import *  # noqa: F403

ACCOUNT_RATE_LIMITS = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
