from django.core.management.base import BaseCommand

from cities.services import reference_data_load


class Command(BaseCommand):
    help = "Load the topic vocabulary, eligible countries and the 112 Mission Cities. Idempotent."

    def handle(self, *args, **options):
        report = reference_data_load()
        self.stdout.write(f"Reference data: {report}")
