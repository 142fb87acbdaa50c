"""The applications admin, one module per concern; importing them registers the ModelAdmins."""

from . import (  # noqa: F401 (registers the admins)
    applications,
    documents,
    organisations,
    parts,
    reminders,
    reviews,
)
