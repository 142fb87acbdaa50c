"""The eligibility rules on the loaded reference data, the selectors that feed them and the
`check_eligibility` command."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from cities.eligibility import CallFacts, Candidate, judge
from cities.models import Call
from cities.selectors import call_facts, eligibility_registry

pytestmark = pytest.mark.django_db

MUNICIPALITY_OK = {
    "rule": "authority_type",
    "passed": True,
    "message": "Municipality: this type of authority may apply.",
}


def year_ok(year, limit=2050):
    return {
        "rule": "target_year",
        "passed": True,
        "message": f"Climate neutrality by {year} meets the call's limit of {limit} or earlier.",
    }


def country_ok(name):
    return {
        "rule": "country",
        "passed": True,
        "message": f"{name} is an EU Member State or a Horizon Europe associated country.",
    }


def run_json(*args):
    out = io.StringIO()
    call_command("check_eligibility", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


# Selectors


def test_eligibility_registry_builds_plain_data_in_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        registry = eligibility_registry(former_participants=False)

    assert len(registry.eligible_countries) == 49
    assert registry.eligible_countries["EG"] == dt.date(2025, 4, 10)
    assert registry.eligible_countries["TR"] == dt.date(2021, 1, 1)
    assert len(registry.mission_cities) == 112
    assert ("Torino", "IT", ("Turin",)) in registry.mission_cities
    assert registry.former_participants == ()


def test_eligibility_registry_with_former_participants_in_three_queries(
    django_assert_num_queries,
):
    with django_assert_num_queries(3):
        registry = eligibility_registry()
    assert ("Jyväskylä", "FI") in registry.former_participants


def test_call_facts_of_the_2025_call():
    call = Call.objects.get(slug="2025")

    assert call_facts(call) == CallFacts(
        slug="2025",
        closes_on=dt.date(2025, 9, 12),
        opens_on=dt.date(2025, 6, 3),
        target_year_limit=2050,
        excludes_former_participants=False,
    )


def test_call_facts_dates_are_in_the_calls_time_zone():
    # 22:30 UTC on 30 September is already 1 October in Brussels, still 30 September in Lisbon.
    closes_at = dt.datetime(2026, 9, 30, 22, 30, tzinfo=dt.UTC)
    opens_at = dt.datetime(2026, 5, 31, 22, 30, tzinfo=dt.UTC)
    brussels = make_call("tz-brussels", opens_at, closes_at, timezone="Europe/Brussels")
    lisbon = make_call("tz-lisbon", opens_at, closes_at, timezone="Europe/Lisbon")

    assert (call_facts(brussels).opens_on, call_facts(brussels).closes_on) == (
        dt.date(2026, 6, 1),
        dt.date(2026, 10, 1),
    )
    assert (call_facts(lisbon).opens_on, call_facts(lisbon).closes_on) == (
        dt.date(2026, 5, 31),
        dt.date(2026, 9, 30),
    )


def make_call(slug, opens_at, closes_at, **fields):
    return Call.objects.create(
        slug=slug,
        title=f"Call {slug}",
        opens_at=opens_at,
        closes_at=closes_at,
        programme_start=(closes_at + dt.timedelta(days=60)).date(),
        **fields,
    )


# The rules on the real registry and the 2025 call


@pytest.mark.parametrize(
    ("name", "country", "target_year", "verdict", "resembles", "failed"),
    [
        ("Turin", "IT", 2040, "ineligible", [], ["not_mission_city"]),
        ("MALMO", "SE", 2040, "ineligible", [], ["not_mission_city"]),
        ("Helmond", "NL", 2040, "ineligible", [], ["not_mission_city"]),
        ("Łódź", "PL", 2040, "ineligible", [], ["not_mission_city"]),
        ("LODZ", "PL", 2040, "ineligible", [], ["not_mission_city"]),
        ("Reykjavik", "IS", 2040, "ineligible", [], ["not_mission_city"]),
        ("Bruxelles", "BE", 2040, "ineligible", [], ["not_mission_city"]),
        ("Bucharest", "RO", 2040, "needs_review", ["2nd District of Bucharest Municipality"], []),
        ("Frankfurt (Oder)", "DE", 2040, "needs_review", ["Frankfurt am Main"], []),
        ("Plymouth", "GB", 2050, "eligible", [], []),
        ("Ankara", "TR", 2053, "ineligible", [], ["target_year"]),
        ("Osaka", "JP", 2050, "ineligible", [], ["country"]),
        ("Alexandria", "EG", 2050, "eligible", [], []),
        ("Ixelles", "BE", 2045, "eligible", [], []),
        ("Plymouth", "GB", 2051, "ineligible", [], ["target_year"]),
        ("Plymouth", "GB", 1999, "ineligible", [], ["target_year"]),
    ],
)
def test_judge_on_reference_data(name, country, target_year, verdict, resembles, failed):
    call = call_facts(Call.objects.get(slug="2025"))

    result = judge(
        Candidate(name, country, "municipality", target_year), call, eligibility_registry()
    )

    assert result.verdict == verdict
    assert list(result.resembles) == resembles
    assert [r.rule for r in result.reasons if not r.passed] == failed


# The command's JSON


def test_command_json_plymouth_eligible():
    data = run_json(
        "--name", "Plymouth", "--country", "GB", "--authority", "municipality", "--target-year",
        "2050",
    )  # fmt: skip

    assert data == {
        "verdict": "eligible",
        "reasons": [
            MUNICIPALITY_OK,
            year_ok(2050),
            country_ok("United Kingdom"),
            {
                "rule": "not_mission_city",
                "passed": True,
                "message": "Plymouth is not one of the 112 EU Mission Cities.",
            },
        ],
        "resembles": [],
    }


def test_command_json_turin_ineligible_as_a_mission_city():
    data = run_json(
        "--name", "Turin", "--country", "IT", "--authority", "municipality", "--target-year",
        "2030", "--call", "2025",
    )  # fmt: skip

    assert data == {
        "verdict": "ineligible",
        "reasons": [
            MUNICIPALITY_OK,
            year_ok(2030),
            country_ok("Italy"),
            {
                "rule": "not_mission_city",
                "passed": False,
                "message": "Torino is one of the 112 EU Mission Cities.",
            },
        ],
        "resembles": [],
    }


def test_command_json_ankara_ineligible_on_target_year():
    data = run_json(
        "--name", "Ankara", "--country", "TR", "--authority", "metropolitan_area",
        "--target-year", "2053",
    )  # fmt: skip

    assert data == {
        "verdict": "ineligible",
        "reasons": [
            {
                "rule": "authority_type",
                "passed": True,
                "message": "Metropolitan area: this type of authority may apply.",
            },
            {
                "rule": "target_year",
                "passed": False,
                "message": "The target year 2053 is later than 2050: the call is open to "
                "authorities aiming for climate neutrality by 2050 or earlier.",
            },
            country_ok("Türkiye"),
            {
                "rule": "not_mission_city",
                "passed": True,
                "message": "Ankara is not one of the 112 EU Mission Cities.",
            },
        ],
        "resembles": [],
    }


def test_command_json_frankfurt_oder_needs_review():
    data = run_json(
        "--name", "Frankfurt (Oder)", "--country", "de", "--authority", "municipality",
        "--target-year", "2045",
    )  # fmt: skip

    assert data == {
        "verdict": "needs_review",
        "reasons": [
            MUNICIPALITY_OK,
            year_ok(2045),
            country_ok("Germany"),
            {
                "rule": "not_mission_city",
                "passed": True,
                "message": "Frankfurt (Oder) resembles Frankfurt am Main, one of the 112 EU "
                "Mission Cities: staff will check it.",
            },
        ],
        "resembles": ["Frankfurt am Main"],
    }


def test_command_json_japan_ineligible_on_country():
    data = run_json(
        "--name", "Osaka", "--country", "JP", "--authority", "municipality", "--target-year",
        "2050",
    )  # fmt: skip

    assert data["verdict"] == "ineligible"
    assert data["reasons"][2] == {
        "rule": "country",
        "passed": False,
        "message": "Japan is neither an EU Member State nor a Horizon Europe associated country.",
    }


def test_command_json_keeps_unicode():
    out = io.StringIO()

    call_command(
        "check_eligibility", "--name", "Łódź", "--country", "PL", "--authority", "municipality",
        "--target-year", "2040", "--json", stdout=out,
    )  # fmt: skip

    assert out.getvalue() == (
        '{"verdict": "ineligible", "reasons": [{"rule": "authority_type", "passed": true, '
        '"message": "Municipality: this type of authority may apply."}, {"rule": "target_year", '
        '"passed": true, "message": "Climate neutrality by 2040 meets the call\'s limit of 2050 '
        'or earlier."}, {"rule": "country", "passed": true, "message": "Poland is an EU Member '
        'State or a Horizon Europe associated country."}, {"rule": "not_mission_city", '
        '"passed": false, "message": "Łódź is one of the 112 EU Mission Cities."}], '
        '"resembles": []}\n'
    )


def test_command_default_call_is_the_open_one():
    now = timezone.now()
    make_call(
        "open-now",
        now - dt.timedelta(days=1),
        now + dt.timedelta(days=30),
        target_year_limit=2045,
    )

    data = run_json(
        "--name", "Plymouth", "--country", "GB", "--authority", "district", "--target-year",
        "2048",
    )  # fmt: skip

    assert data["verdict"] == "ineligible"
    assert data["reasons"][1] == {
        "rule": "target_year",
        "passed": False,
        "message": "The target year 2048 is later than 2045: the call is open to authorities "
        "aiming for climate neutrality by 2045 or earlier.",
    }


def test_command_explicit_call_judges_at_its_dates():
    make_call(
        "early-2025",
        dt.datetime(2025, 2, 1, tzinfo=dt.UTC),
        dt.datetime(2025, 3, 31, 15, tzinfo=dt.UTC),
    )

    data = run_json(
        "--name", "Alexandria", "--country", "EG", "--authority", "municipality",
        "--target-year", "2050", "--call", "early-2025",
    )  # fmt: skip

    assert data["verdict"] == "ineligible"
    assert data["reasons"][2] == {
        "rule": "country",
        "passed": False,
        "message": "Egypt is eligible only from 10 April 2025, after this call closes on "
        "31 March 2025.",
    }


# The readable summary


def test_command_prints_a_readable_summary():
    out = io.StringIO()

    call_command(
        "check_eligibility", "--name", "Bucharest", "--country", "RO", "--authority", "district",
        "--target-year", "2040", "--call", "2025", stdout=out,
    )  # fmt: skip

    assert out.getvalue().splitlines() == [
        "Bucharest (RO, district, target 2040), call 2025: needs_review",
        "  [pass] authority_type: District: this type of authority may apply.",
        "  [pass] target_year: Climate neutrality by 2040 meets the call's limit of 2050 or "
        "earlier.",
        "  [pass] country: Romania is an EU Member State or a Horizon Europe associated country.",
        "  [pass] not_mission_city: Bucharest resembles 2nd District of Bucharest Municipality, "
        "one of the 112 EU Mission Cities: staff will check it.",
        "Resembles: 2nd District of Bucharest Municipality",
        "Rules version 2025.1",
    ]


# Bad input


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"--authority": "county"},
            "Unknown authority type 'county'; use one of: municipality, metropolitan_area, "
            "district, other_public_administration.",
        ),
        ({"--target-year": "soon"}, "--target-year must be a whole year such as 2040, not 'soon'."),
        (
            {"--target-year": "2040.5"},
            "--target-year must be a whole year such as 2040, not '2040.5'.",
        ),
        ({"--call": "1999"}, "Unknown call '1999'; known calls: 2025."),
        (
            {"--country": "Italy"},
            "--country must be a two-letter ISO 3166 code such as DE, not 'Italy'.",
        ),
        ({"--name": "  "}, "--name must not be empty."),
    ],
)
def test_command_bad_input_raises_command_error(changes, message):
    options = {
        "--name": "Plymouth",
        "--country": "GB",
        "--authority": "municipality",
        "--target-year": "2040",
        **changes,
    }
    args = [part for pair in options.items() for part in pair]

    with pytest.raises(CommandError) as excinfo:
        call_command("check_eligibility", *args, "--json", stdout=io.StringIO())

    assert str(excinfo.value) == message


def test_command_without_any_call_says_so():
    Call.objects.all().delete()

    with pytest.raises(CommandError) as excinfo:
        call_command(
            "check_eligibility", "--name", "Plymouth", "--country", "GB", "--authority",
            "municipality", "--target-year", "2040", stdout=io.StringIO(),
        )  # fmt: skip

    assert str(excinfo.value) == "There is no call yet; load one with load_call_data."


def manage(*args):
    """Run manage.py in a child process; these inputs fail before any database access."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "twinning.settings.test"}
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=False,
    )


@pytest.mark.slow  # a Python process of its own
def test_command_line_bad_authority_exits_non_zero_without_traceback():
    result = manage(
        "check_eligibility", "--name", "Plymouth", "--country", "GB", "--authority", "county",
        "--target-year", "2040", "--json",
    )  # fmt: skip

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "CommandError: Unknown authority type 'county'; use one of: municipality, "
        "metropolitan_area, district, other_public_administration.\n"
    )


@pytest.mark.slow  # a Python process of its own
def test_command_line_missing_argument_exits_non_zero_with_usage():
    result = manage("check_eligibility", "--country", "GB")

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "manage.py check_eligibility: error: the following arguments are required: --name, "
        "--authority, --target-year"
    )
    assert "Traceback" not in result.stderr
