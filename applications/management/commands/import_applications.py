import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from applications import services
from applications.imports import parse_applications
from cities.models import Call


class Command(BaseCommand):
    help = (
        "Import applications gathered elsewhere (a JSON list; format in applications/imports.py) "
        "into a call, open or closed, and submit them with the web form's checks and eligibility "
        "judgement. Every row is checked first; one bad row writes nothing. Importing the same "
        "file again changes nothing. No e-mails are sent."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="JSON file of applications")
        parser.add_argument("--call", required=True, help="slug of the call")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, then write nothing"
        )
        parser.add_argument("--by", help="e-mail of the staff member recorded as importing")

    def handle(self, *args, file, call, dry_run, by, **options):
        the_call = Call.objects.filter(slug=call).first()
        if the_call is None:
            raise CommandError(f"No call with the slug {call!r}.")
        staff = None
        if by:
            staff = get_user_model().objects.filter(email__iexact=by, is_staff=True).first()
            if staff is None:
                raise CommandError(f"No staff member with the e-mail {by!r}.")
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {file}") from error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file} is not a JSON file: {error}") from error
        rows, errors = parse_applications(call=the_call, data=data)
        if errors:
            lines = "\n".join(f"  {error}" for error in errors)
            raise CommandError(f"{len(errors)} error(s), nothing imported:\n{lines}")
        try:
            outcomes = services.applications_import(
                call=the_call, rows=rows, by=staff, source=file.name, dry_run=dry_run
            )
        except services.ImportFailed as error:
            raise CommandError(f"{error.message}\nNothing imported.") from error
        for outcome in outcomes:
            what = "imported" if outcome.created else "already there, unchanged"
            self.stdout.write(
                f"index {outcome.index} {outcome.organisation}: {what} (verdict {outcome.verdict})"
            )
        created = sum(outcome.created for outcome in outcomes)
        summary = f"{created} imported, {len(outcomes) - created} unchanged into call {call}"
        if dry_run:
            summary = f"Dry run, nothing written: {summary}"
        self.stdout.write(summary + ".")
