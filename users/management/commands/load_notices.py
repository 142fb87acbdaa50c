import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from users import consents
from users.models import Notice

DATA = Path(__file__).resolve().parents[2] / "data" / "notices.json"


class Command(BaseCommand):
    help = (
        "Publish version 1 of each notice (privacy notice, data-sharing consent) where no version "
        "of that kind exists yet. Later versions are written and published by staff in the admin."
    )

    def handle(self, *args, **options):
        created = []
        with transaction.atomic():
            for item in json.loads(DATA.read_text(encoding="utf-8")):
                if Notice.objects.filter(kind=item["kind"]).exists():
                    continue
                notice = Notice.objects.create(version=1, **item)
                consents.notice_publish(notice=notice, by=None)
                created.append(str(notice))
        self.stdout.write("published: " + ", ".join(created) if created else "nothing changed")
