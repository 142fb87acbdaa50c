"""Print (or write) the table of application statuses and transitions from status.py."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from applications.status import table_markdown

DOCS_PATH = Path(settings.BASE_DIR) / "docs" / "lifecycle.md"
HEADER = (
    "# The application lifecycle\n\n"
    "Who may move an application from one status to another. The predicates that the views,\n"
    "templates, admin, workspace and matching ask are in `applications/status.py`.\n\n"
)


def lifecycle_document() -> str:
    with translation.override("en"):
        return HEADER + table_markdown()


class Command(BaseCommand):
    help = "Print the application lifecycle table (docs/lifecycle.md); --write updates the file."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="write docs/lifecycle.md")

    def handle(self, *args, write=False, **options):
        text = lifecycle_document()
        if write:
            DOCS_PATH.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {DOCS_PATH}")
        else:
            self.stdout.write(text, ending="")
