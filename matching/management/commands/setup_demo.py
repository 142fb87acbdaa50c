"""Demo data for `make run`: an open demo call with synthetic applications, and three demo
accounts. Safe to run again."""

import datetime as dt
import io
import zoneinfo

from allauth.account.models import EmailAddress
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cities.models import Call, MissionCity, MissionCityMembership
from cities.selectors import copied_call_summary
from cities.services import call_copy
from matching.demo import generate_applications
from users.consents import consent_record
from users.models import ConsentRecord, Notice, User

DEMO_APPLICATIONS = 60
DEMO_PASSWORD = "twinning-demo"
DEMO_ACCOUNTS = [
    ("staff@twinning.example", "NetZeroCities staff (superuser)", {"is_staff": True}),
    ("torino@twinning.example", "Member of the Mission City Torino", {}),
    ("applicant@twinning.example", "Twin City applicant", {}),
]
# What each demo account shows, printed by `make run` (the pairs app adds the paired Twin City).
DEMO_ACCOUNT_SHOWS = {
    "staff@twinning.example": "staff: /admin/, the dashboard, matching runs and publication",
    "torino@twinning.example": (
        "Mission City Torino: the workspace's applicants; the pair space with Vila Nova"
    ),
    "applicant@twinning.example": (
        "Twin City without an application: start, fill and submit one in the open demo call"
    ),
}
PAIRED_TWIN = (
    "twin@twinning.example",
    "Twin City with a submitted application paired with Torino (published, both confirmed): "
    "My applications shows the pairing and Torino's contacts; /pairs/ the pair space",
)


class Command(BaseCommand):
    help = "Create an open demo call and demo accounts (for local use only)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="do not print the accounts")

    @transaction.atomic
    def handle(self, *args, quiet=False, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "setup_demo creates accounts with a published password: it is for local use "
                "only and refuses to run with these settings (DEMO_DATA_ALLOWED is False)."
            )
        call_command("load_call_data", stdout=io.StringIO() if quiet else self.stdout)
        call_command("load_notices", stdout=io.StringIO() if quiet else self.stdout)
        source = Call.objects.get(slug="2025")
        tz = zoneinfo.ZoneInfo(source.timezone)
        today = timezone.localdate(timezone=tz)
        opens_at = dt.datetime.combine(today - dt.timedelta(days=7), dt.time(0), tz)
        closes_at = dt.datetime.combine(today + dt.timedelta(days=90), dt.time(17), tz)
        call = call_copy(
            source=source,
            slug="demo",
            title="Twinning Learning Programme — demo call",
            opens_at=opens_at,
            closes_at=closes_at,
        )
        if not call.is_open():
            call.opens_at, call.closes_at = opens_at, closes_at
            call.programme_start = (closes_at + dt.timedelta(days=45)).date()
            call.save(update_fields=["opens_at", "closes_at", "programme_start"])
        summary = copied_call_summary(call)  # told from the call's own dates
        if call.summary != summary:
            Call.objects.filter(pk=call.pk).update(summary=summary)
        if not call.applications.exists():
            generate_applications(call=call, count=DEMO_APPLICATIONS, seed=1)

        for email, name, flags in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(email=email, defaults={"name": name})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = flags.get("is_staff", False)
                user.is_superuser = flags.get("is_staff", False)
                user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            consent_record(user=user, kind=Notice.Kind.PRIVACY, source=ConsentRecord.Source.IMPORT)
        MissionCityMembership.objects.get_or_create(
            user=User.objects.get(email="torino@twinning.example"),
            mission_city=MissionCity.objects.get(name="Torino", country="IT"),
        )
        if django_apps.is_installed("pairs"):
            # The top-layer app adds its demo pair (run by name: matching does not import it).
            call_command(
                "setup_pairs_demo",
                password=DEMO_PASSWORD,
                stdout=io.StringIO() if quiet else self.stdout,
            )
            # The paired Twin City's account accepted the privacy notice like the others.
            for user in User.objects.filter(email=PAIRED_TWIN[0]):
                consent_record(
                    user=user, kind=Notice.Kind.PRIVACY, source=ConsentRecord.Source.IMPORT
                )
        if not quiet:
            self.stdout.write(
                self.style.SUCCESS(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
            )
            shown = [(email, DEMO_ACCOUNT_SHOWS[email]) for email, _name, _flags in DEMO_ACCOUNTS]
            if django_apps.is_installed("pairs"):
                shown.append(PAIRED_TWIN)
            for email, shows in shown:
                self.stdout.write(f"  {email:<28} {shows}")
            if settings.STAFF_REQUIRE_MFA:
                self.stdout.write(
                    "Staff two-factor is required (STAFF_REQUIRE_MFA): the staff account is "
                    "asked to set up an authenticator app at its first sign-in."
                )
            else:
                self.stdout.write(
                    "Staff two-factor is off here (STAFF_REQUIRE_MFA=false, the local default; "
                    "production requires it): staff sign in with the password alone."
                )
            closes = timezone.localtime(call.closes_at, tz)
            self.stdout.write(
                f"Open demo call: {call.title}, closes {closes:%Y-%m-%d %H:%M %Z}, "
                f"with {call.applications.count()} synthetic submitted applications"
            )
