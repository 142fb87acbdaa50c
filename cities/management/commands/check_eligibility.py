import json
import re

from django.core.management.base import BaseCommand, CommandError

from cities.eligibility import AUTHORITY_TYPES, Candidate
from cities.models import Call
from cities.selectors import call_current, eligibility_verdict

_ISO2 = re.compile(r"^[A-Za-z]{2}$")


class Command(BaseCommand):
    help = (
        "Judge whether a local authority may apply to a call (default: the open call, else the "
        "latest) and print the verdict with one reason per rule."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="name of the city or authority")
        parser.add_argument("--country", required=True, help="ISO 3166 two-letter code, e.g. DE")
        parser.add_argument(
            "--authority",
            required=True,
            help="authority type: " + ", ".join(value for value, _label in AUTHORITY_TYPES),
        )
        parser.add_argument(
            "--target-year", required=True, help="climate-neutrality target year, e.g. 2040"
        )
        parser.add_argument("--call", help="slug of the call (default: the open one, else latest)")
        parser.add_argument("--json", action="store_true", help="print the verdict as JSON")

    def handle(self, *args, **options):
        candidate = Candidate(
            name=self._name(options["name"]),
            country=self._country(options["country"]),
            authority_type=self._authority(options["authority"]),
            target_year=self._target_year(options["target_year"]),
        )
        call = self._call(options["call"])
        verdict = eligibility_verdict(call=call, candidate=candidate)
        if options["json"]:
            self.stdout.write(json.dumps(verdict.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"{candidate.name} ({candidate.country}, {candidate.authority_type}, "
            f"target {candidate.target_year}), call {call.slug}: {verdict.verdict}"
        )
        for reason in verdict.reasons:
            mark = "pass" if reason.passed else "FAIL"
            self.stdout.write(f"  [{mark}] {reason.rule}: {reason.message}")
        if verdict.resembles:
            self.stdout.write("Resembles: " + "; ".join(verdict.resembles))
        self.stdout.write(f"Rules version {verdict.rules_version}")

    def _name(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise CommandError("--name must not be empty.")
        return value

    def _country(self, value: str) -> str:
        value = value.strip()
        if not _ISO2.match(value):
            raise CommandError(
                f"--country must be a two-letter ISO 3166 code such as DE, not {value!r}."
            )
        return value.upper()

    def _authority(self, value: str) -> str:
        allowed = [v for v, _label in AUTHORITY_TYPES]
        if value not in allowed:
            raise CommandError(
                f"Unknown authority type {value!r}; use one of: {', '.join(allowed)}."
            )
        return value

    def _target_year(self, value: str) -> int:
        try:
            return int(value.strip())
        except ValueError:
            raise CommandError(
                f"--target-year must be a whole year such as 2040, not {value!r}."
            ) from None

    def _call(self, slug: str | None) -> Call:
        if slug is None:
            current = call_current()
            if current is None:
                raise CommandError("There is no call yet; load one with load_call_data.")
            return current
        found = Call.objects.filter(slug=slug).first()
        if found is None:
            known = ", ".join(Call.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"Unknown call {slug!r}; known calls: {known or 'none'}.")
        return found
