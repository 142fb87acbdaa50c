"""Settings for the test suite: SQLite by default, PostgreSQL and Redis when the URLs are set."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / ".test-media")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests decide per test whether tasks run eagerly or through a real worker.
CELERY_TASK_ALWAYS_EAGER = True
ACCOUNT_RATE_LIMITS = False
# Serve static files from the finders; no collectstatic before tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The beat + worker integration test runs `celery beat` and `celery worker` with every periodic
# job due every few seconds (never set outside that test).
if env.int("TWINNING_BEAT_EVERY", default=0):
    CELERY_TASK_ALWAYS_EAGER = False  # beat hands the jobs to the worker through Redis
    CELERY_BEAT_SCHEDULE = {
        name: {**entry, "schedule": env.int("TWINNING_BEAT_EVERY")}
        for name, entry in CELERY_BEAT_SCHEDULE.items()  # noqa: F405
    }
# Each test sees fresh pages; tests of the page cache turn it on themselves.
PUBLIC_PAGE_CACHE_SECONDS = 0
