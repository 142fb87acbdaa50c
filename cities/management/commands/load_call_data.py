from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cities.models import Topic
from cities.services import DATA_DIR, call_data_load, reference_data_load


class Command(BaseCommand):
    help = (
        "Load the curated calls (cities/data/call_*.json, or the files given) with their Mission "
        "City profiles. Loads the reference data first if it is missing. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="call JSON files")

    def handle(self, *args, files, **options):
        if not Topic.objects.exists():
            self.stdout.write(f"Reference data: {reference_data_load()}")
        files = files or sorted(DATA_DIR.glob("call_*.json"))
        for path in files:
            if not path.exists():
                raise CommandError(f"No such file: {path}")
            call, report = call_data_load(path=path)
            self.stdout.write(f"Call {call.slug}: {report}")
