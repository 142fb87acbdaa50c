from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pairs.demo import TWIN_EMAIL, setup_pairs_demo


class Command(BaseCommand):
    help = "A confirmed demo pair four months into its programme (for local use only)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="twinning-demo")

    def handle(self, *args, password, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("setup_pairs_demo is for local use only (DEMO_DATA_ALLOWED).")
        pair = setup_pairs_demo(password=password)
        self.stdout.write(
            f"Demo pair: {pair} at /pairs/{pair.pk}/ ({TWIN_EMAIL} and torino@twinning.example)"
        )
