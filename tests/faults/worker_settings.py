"""The fault tests' worker process: test settings, e-mail to the tests' SMTP sink."""

import os

from twinning.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["FAULT_SMTP_PORT"])
EMAIL_TIMEOUT = 2
