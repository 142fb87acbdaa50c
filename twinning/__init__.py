import sys
from pathlib import Path

# The project root must come before site-packages: the PyPI package `matching` (a dev
# dependency, used to cross-check our stable matching) has the same top-level name as our
# `matching` app, and console scripts such as `celery` or `gunicorn` do not put the current
# directory first on sys.path.
_ROOT = str(Path(__file__).resolve().parent.parent)
if sys.path[:1] != [_ROOT]:
    sys.path.insert(0, _ROOT)
    if "matching" in sys.modules and not getattr(
        sys.modules["matching"], "__file__", ""
    ).startswith(_ROOT):
        del sys.modules["matching"]

from .celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
