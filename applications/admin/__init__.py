"""The applications admin, one module per concern; importing them registers the ModelAdmins."""

from . import applications, documents, organisations, parts, reviews  # noqa: F401 (registers the admins)
