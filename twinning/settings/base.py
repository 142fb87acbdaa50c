"""Settings shared by every environment, read from the environment through django-environ.

Defaults make `make run` work with nothing installed but Python: SQLite, Celery eager when
no REDIS_URL, e-mails printed on the console.
"""

from email.utils import getaddresses
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from twinning.observability import init_sentry

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file is read only on request: docker compose uses .env for its own variables.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_countries",
    "django_htmx",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "audit",
    "users",
    "outbox",
    "cities",
    "applications",
    "matching",
    "workspace",
    "privacy",
    "pairs",
]

MIDDLEWARE = [
    "twinning.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise: Permissions-Policy reaches static files too (twinning/security.py).
    "twinning.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session is read: a NUL byte or an impossible number answers 400 (never a 500).
    "twinning.middleware.RequestGarbageMiddleware",
    # Before the session and everything after it: a cached public page for a visitor without a
    # session is answered here (see twinning.pagecache).
    "twinning.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "users.sessions.StaffSessionTimeoutMiddleware",
    "users.twofactor.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "users.middleware.NoticeAcceptanceMiddleware",
]

ROOT_URLCONF = "twinning.urls"
WSGI_APPLICATION = "twinning.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "twinning.context_processors.navigation",
            ],
            # Form fields rendered in Python as crispy renders them (twinning/fastforms.py).
            "libraries": {"fast_forms": "twinning.fastforms"},
        },
    },
]

# Database: SQLite file by default, PostgreSQL (psycopg 3) when DATABASE_URL is set.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A connection kept across requests is checked first: a PostgreSQL restart costs no errors.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Passwords: at least 12 characters, not one of the 20,000 most common, not all digits, not
# close to the person's e-mail address or name (README, "Passwords and sessions").
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sessions end after 30 idle minutes and 12 hours after sign-in (users/sessions.py);
# other people keep Django's default two-week session.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", default=12 * 60 * 60)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the login, verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "users.forms.SignupForm"
# Simultaneous sign-ups with one address: one account, the others the "check your e-mail" page.
ACCOUNT_FORMS = {"signup": "users.signup.RaceSafeSignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Twinning] "
# Failed sign-ins are counted by the portal's own throttle (below), shared with /admin/login/.
ACCOUNT_RATE_LIMITS = {
    "login_failed": None,
    "signup": "20/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}

# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP) and recovery codes. Staff must
# set one up before reaching the admin or any staff page (users/twofactor.py); optional for
# everyone else. Off only for the local demo (settings/local.py).
STAFF_REQUIRE_MFA = env.bool("STAFF_REQUIRE_MFA", default=True)
MFA_ADAPTER = "users.twofactor.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Twinning"
# A code of the step before or after the current one is accepted too (a phone's clock a little
# off, a code typed as it changes); each code is accepted once.
MFA_TOTP_TOLERANCE = 1

# One sign-in throttle for /accounts/login/ and /admin/login/ (users/throttle.py): failures
# per account and client address, and per client address, in a window that starts with the
# first failure.
LOGIN_THROTTLE = {
    "per_account": env.int("LOGIN_THROTTLE_PER_ACCOUNT", default=5),
    "per_address": env.int("LOGIN_THROTTLE_PER_ADDRESS", default=20),
    "window_seconds": env.int("LOGIN_THROTTLE_WINDOW_SECONDS", default=15 * 60),
}
# How many reverse proxies we run in front of the portal, each appending the address it saw to
# X-Forwarded-For: 0 (default) uses REMOTE_ADDR; N takes the Nth address from the right (README,
# "Behind a reverse proxy"). Never more than the proxies you run: the rest is the client's claim.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Personal data: how long a call keeps it unless its retention policy (admin) says otherwise.
PRIVACY_RETENTION_UNPAIRED_DAYS = env.int("PRIVACY_RETENTION_UNPAIRED_DAYS", default=365)
PRIVACY_RETENTION_PAIRS_DAYS = env.int("PRIVACY_RETENTION_PAIRS_DAYS", default=5 * 365)

LANGUAGE_CODE = "en"
FORMAT_MODULE_PATH = ["twinning.formats"]
LANGUAGES = [("en", _("English"))]
# Every user-facing string is marked for translation; English is the only language so far.
# To add one: add it to LANGUAGES, set LOCALE_PATHS = [BASE_DIR / "locale"], create that
# folder and run `manage.py makemessages -l <code>`.
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]  # static/vendor/ is filled from package.json
STORAGES = {
    # Uploaded documents live outside any public URL; they are served only through views
    # that check permission (see applications.views).
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed on the console unless an SMTP URL is given.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Twinning <twinning@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# `setup_demo` (demo accounts with a published password) refuses to run where this is False.
DEMO_DATA_ALLOWED = env.bool("DJANGO_DEMO_DATA_ALLOWED", default=True)

# Celery: Redis when REDIS_URL is set, otherwise tasks run eagerly in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"  # beat schedules and task times; logs are in UTC too
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The queue tasks go to and workers consume by default (a test gives its worker a queue of its own).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Time limits: every task states its own (soft_time_limit / time_limit on @shared_task, tested);
# these are the defaults for a task that would not. The soft limit raises SoftTimeLimitExceeded
# in the task, the hard one kills the worker process running it.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)

# Periodic jobs, run by `celery beat` (exactly one beat process, see docker-compose.yml). To add
# one: a task in <app>/tasks.py with an explicit name= and time limits, idempotent, recording
# in the database whatever must happen once; then an entry here.
DEADLINE_REMINDERS_EVERY = env.float("DEADLINE_REMINDERS_EVERY_SECONDS", default=3600)
CELERY_BEAT_SCHEDULE = {
    # E-mails to organisations with an unsubmitted draft, 7 days and 1 day before the call
    # closes (applications/reminders.py); each sent once.
    "deadline-reminders": {
        "task": "applications.send_deadline_reminders",
        "schedule": DEADLINE_REMINDERS_EVERY,
        "options": {"expires": DEADLINE_REMINDERS_EVERY},
    },
    # Personal data past the calls' retention periods anonymised, nightly (privacy/retention.py).
    "privacy-apply-retention": {
        "task": "privacy.apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    # Opens the space of any confirmed pairing the on-confirmation task missed.
    "pairs-open-confirmed": {"task": "pairs.open_confirmed", "schedule": 15 * 60},
    # Milestones due in 7 days, late milestones, idle pairs, the closing survey.
    "pairs-send-reminders": {"task": "pairs.send_reminders", "schedule": crontab(hour=6, minute=0)},
    # One digest per person of the changes in their pairs not e-mailed yet.
    "pairs-send-digests": {"task": "pairs.send_digests", "schedule": crontab(hour=7, minute=0)},
}
# A Redis outage or freeze must not hold a request: short socket timeouts, one quick retry when
# publishing (what could not be published stays in the database for the sweepers below).
_REDIS_TIMEOUTS = {
    "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=1.0),
    "socket_timeout": env.float("REDIS_SOCKET_TIMEOUT", default=2.0),
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **_REDIS_TIMEOUTS,
    # An unacknowledged task (its worker died) is delivered again after this long; the run
    # sweeper below fails stuck runs much sooner.
    "visibility_timeout": 3600,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = _REDIS_TIMEOUTS["socket_connect_timeout"]
CELERY_REDIS_SOCKET_TIMEOUT = _REDIS_TIMEOUTS["socket_timeout"]
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 1}}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}

# The sweepers of the stored outbox and of matching runs (beat entries above).
CELERY_BEAT_SCHEDULE |= {
    # Sends outbox rows that are due (a lost task, a retry's time) and frees rows whose worker
    # died mid-send (outbox/services.py).
    "outbox-sweep": {"task": "outbox.sweep", "schedule": 30.0, "options": {"expires": 30.0}},
    # Fails runs stuck past MATCHING_RUN_TIME_LIMIT, queues again runs whose task was lost.
    "matching-sweep-runs": {
        "task": "matching.sweep_runs",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
}

# The outbox (outbox/): retries with exponential backoff, 30 s doubling up to an hour, 8 tries
# (about 1 h 04 min of SMTP outage) before a row is marked failed and logged.
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=3600)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_SEND_LEASE_SECONDS = 300
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Matching runs: a run "running" for longer than this is marked failed by the sweeper (its
# worker died: the task's own hard limit is 360 s, so no live worker still holds it); a run
# still "queued" after MATCHING_QUEUED_GRACE_SECONDS is queued again.
MATCHING_RUN_TIME_LIMIT = env.int("MATCHING_RUN_TIME_LIMIT", default=420)
MATCHING_QUEUED_GRACE_SECONDS = env.int("MATCHING_QUEUED_GRACE_SECONDS", default=60)

CACHES = {
    "default": (
        {
            "BACKEND": "twinning.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": _REDIS_TIMEOUTS,
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Public pages for visitors without a session are cached this long (twinning.pagecache), and
# start afresh whenever staff edit the call or a Mission City.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=60)

# A strict Content-Security-Policy: no inline scripts or styles, no other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Error reporting. ADMINS get an e-mail for every server error (Django's own `django` logger
# does that when DEBUG is off) and every failed Celery task (below). DJANGO_ADMINS is a
# comma-separated list: "Ops <ops@example.org>, dev@example.org".
ADMINS = [
    (name, address)
    for name, address in getaddresses(env.list("DJANGO_ADMINS", default=[]))
    if address
]
MANAGERS = ADMINS
# Logs: one line per record, times in UTC, the request id of the request that wrote it
# (twinning.logging.RequestIdMiddleware); LOG_FORMAT=json for JSON lines.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "twinning.logging.UTCFormatter",
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s",
        },
        "json": {"()": "twinning.logging.JSONFormatter"},
    },
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "request_id": {"()": "twinning.logging.RequestIdFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", default="plain"),
            "filters": ["request_id"],
        },
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Celery logs a task that raised (or hit its time limit) here, at ERROR.
    "loggers": {"celery.app.trace": {"handlers": ["mail_admins"]}},
}
# Sentry, only when SENTRY_DSN is set (errors of requests and tasks; no personal data sent).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    init_sentry(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
# The worker logs through the same configuration.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# django-countries: Kosovo uses the user-assigned code XK in the reference data.
COUNTRIES_OVERRIDE = {"XK": _("Kosovo")}
ACCOUNT_ADAPTER = "users.adapters.AccountAdapter"
