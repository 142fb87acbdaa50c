from django.core.management.base import BaseCommand

from pairs.services import pairs_backfill


class Command(BaseCommand):
    help = "Open the pair space of every confirmed pairing that has none yet (safe to re-run)."

    def handle(self, *args, **options):
        opened = pairs_backfill()
        self.stdout.write(f"Opened {len(opened)} pair spaces.")
