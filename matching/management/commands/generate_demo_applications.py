from django.core.management.base import BaseCommand, CommandError

from cities.models import Call
from matching.demo import generate_applications


class Command(BaseCommand):
    help = "Create N synthetic submitted applications for a call (same seed, same data)."

    def add_arguments(self, parser):
        parser.add_argument("--call", required=True, help="slug of the call")
        parser.add_argument("--count", type=int, default=100)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, call, count, seed, **options):
        try:
            call_obj = Call.objects.get(slug=call)
        except Call.DoesNotExist as exc:
            known = ", ".join(Call.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No call {call!r}; known calls: {known}") from exc
        if not 0 < count <= 100_000:
            raise CommandError("--count must be between 1 and 100000")
        ids = generate_applications(call=call_obj, count=count, seed=seed)
        self.stdout.write(f"Created {len(ids)} submitted applications for {call_obj.slug}.")
