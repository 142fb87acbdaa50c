"""Settings for a developer's machine: `make run`. Works with nothing but Python installed."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-key-not-for-production")
