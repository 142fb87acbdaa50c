"""The eligibility rules on plain data: no database (pytest-django blocks it in these tests)."""

import datetime as dt

import pytest

from cities.eligibility import (
    AUTHORITY_TYPES,
    RULES_VERSION,
    CallFacts,
    Candidate,
    Reason,
    Registry,
    Verdict,
    judge,
    validate_target_year,
)

# A few rows of cities/data/mission_cities.csv and eligible_countries.csv, as they are there.
REGISTRY = Registry.build(
    eligible_countries={
        "BE": dt.date(1958, 1, 1),
        "DE": dt.date(1958, 1, 1),
        "IT": dt.date(1958, 1, 1),
        "NL": dt.date(1958, 1, 1),
        "PL": dt.date(2004, 5, 1),
        "RO": dt.date(2007, 1, 1),
        "SE": dt.date(1995, 1, 1),
        "GR": dt.date(1981, 1, 1),
        "IS": dt.date(2021, 1, 1),
        "TR": dt.date(2021, 1, 1),
        "GB": dt.date(2024, 1, 1),
        "EG": dt.date(2025, 4, 10),
    },
    mission_cities=[
        ("Brussels Capital Region", "BE", ["Brussels", "Bruxelles", "Brussel"]),
        ("Leuven", "BE", ["Louvain"]),
        ("Frankfurt am Main", "DE", ["Frankfurt"]),
        ("Munich", "DE", ["München"]),
        ("Torino", "IT", ["Turin"]),
        ("Eindhoven & Helmond", "NL", ["Eindhoven", "Helmond", "Eindhoven-Helmond"]),
        ("Łódź", "PL", []),
        (
            "2nd District of Bucharest Municipality",
            "RO",
            ["Sector 2 Bucharest", "Sectorul 2", "Bucharest Sector 2", "2nd District of Bucharest"],
        ),
        ("Lund", "SE", []),
        ("Malmö", "SE", []),
        ("Reykjavík", "IS", ["Reykjavik"]),
        ("Istanbul", "TR", ["İstanbul"]),
        ("Bristol", "GB", []),
    ],
)
FORMER = Registry.build(
    eligible_countries=REGISTRY.eligible_countries,
    mission_cities=REGISTRY.mission_cities,
    former_participants=[("Amersfoort", "NL"), ("Plymouth", "GB")],
)
CALL_2025 = CallFacts(slug="2025", closes_on=dt.date(2025, 9, 12), opens_on=dt.date(2025, 6, 3))
EXCLUDING_CALL = CallFacts(
    slug="2024",
    closes_on=dt.date(2024, 11, 14),
    opens_on=dt.date(2024, 9, 10),
    excludes_former_participants=True,
)


def candidate(name="Plymouth", country="GB", authority_type="municipality", target_year=2040):
    return Candidate(
        name=name, country=country, authority_type=authority_type, target_year=target_year
    )


def reason(verdict: Verdict, rule: str) -> Reason:
    (found,) = [r for r in verdict.reasons if r.rule == rule]
    return found


# The whole verdict


def test_judge_plymouth_2050_eligible_with_one_reason_per_rule():
    verdict = judge(candidate(target_year=2050), CALL_2025, REGISTRY)

    assert verdict == Verdict(
        verdict="eligible",
        reasons=(
            Reason("authority_type", True, "Municipality: this type of authority may apply."),
            Reason(
                "target_year",
                True,
                "Climate neutrality by 2050 meets the call's limit of 2050 or earlier.",
            ),
            Reason(
                "country",
                True,
                "United Kingdom is an EU Member State or a Horizon Europe associated country.",
            ),
            Reason("not_mission_city", True, "Plymouth is not one of the 112 EU Mission Cities."),
        ),
        resembles=(),
        rules_version="2025.1",
    )


def test_verdict_as_dict_is_json_ready():
    verdict = judge(candidate(name="Frankfurt (Oder)", country="DE"), CALL_2025, REGISTRY)

    assert verdict.as_dict() == {
        "verdict": "needs_review",
        "reasons": [
            {
                "rule": "authority_type",
                "passed": True,
                "message": "Municipality: this type of authority may apply.",
            },
            {
                "rule": "target_year",
                "passed": True,
                "message": "Climate neutrality by 2040 meets the call's limit of 2050 or earlier.",
            },
            {
                "rule": "country",
                "passed": True,
                "message": "Germany is an EU Member State or a Horizon Europe associated country.",
            },
            {
                "rule": "not_mission_city",
                "passed": True,
                "message": (
                    "Frankfurt (Oder) resembles Frankfurt am Main, one of the 112 EU Mission "
                    "Cities: staff will check it."
                ),
            },
        ],
        "resembles": ["Frankfurt am Main"],
    }


def test_rules_version_and_authority_types():
    assert RULES_VERSION == "2025.1"
    assert [(value, str(label)) for value, label in AUTHORITY_TYPES] == [
        ("municipality", "Municipality"),
        ("metropolitan_area", "Metropolitan area"),
        ("district", "District"),
        ("other_public_administration", "Other public administration linked to a city"),
    ]


def test_judge_failed_rule_beats_near_miss():
    verdict = judge(
        candidate(name="Frankfurt (Oder)", country="DE", target_year=2051), CALL_2025, REGISTRY
    )

    assert verdict.verdict == "ineligible"
    assert verdict.resembles == ("Frankfurt am Main",)
    assert [r.rule for r in verdict.reasons if not r.passed] == ["target_year"]


# Authority type


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("municipality", "Municipality"),
        ("metropolitan_area", "Metropolitan area"),
        ("district", "District"),
        ("other_public_administration", "Other public administration linked to a city"),
    ],
)
def test_authority_type_accepted(value, label):
    verdict = judge(candidate(authority_type=value), CALL_2025, REGISTRY)

    assert verdict.verdict == "eligible"
    assert reason(verdict, "authority_type") == Reason(
        "authority_type", True, f"{label}: this type of authority may apply."
    )


def test_authority_type_unknown_is_ineligible():
    verdict = judge(candidate(authority_type="county"), CALL_2025, REGISTRY)

    assert verdict.verdict == "ineligible"
    assert reason(verdict, "authority_type") == Reason(
        "authority_type",
        False,
        "“county” is not an accepted type of authority: choose municipality, metropolitan area, "
        "district or other public administration linked to a city.",
    )


def test_authority_type_missing_is_ineligible():
    verdict = judge(candidate(authority_type=""), CALL_2025, REGISTRY)

    assert verdict.verdict == "ineligible"
    assert reason(verdict, "authority_type").message == (
        "No type of authority was given: choose municipality, metropolitan area, district or "
        "other public administration linked to a city."
    )


# Target year


@pytest.mark.parametrize("year", [2025, 2040, 2050])
def test_target_year_up_to_the_limit_passes(year):
    verdict = judge(candidate(target_year=year), CALL_2025, REGISTRY)

    assert verdict.verdict == "eligible"
    assert reason(verdict, "target_year") == Reason(
        "target_year",
        True,
        f"Climate neutrality by {year} meets the call's limit of 2050 or earlier.",
    )


def test_target_year_2051_is_ineligible_but_valid():
    verdict = judge(candidate(target_year=2051), CALL_2025, REGISTRY)

    assert validate_target_year(2051, CALL_2025) is None
    assert verdict.verdict == "ineligible"
    assert reason(verdict, "target_year") == Reason(
        "target_year",
        False,
        "The target year 2051 is later than 2050: the call is open to authorities aiming for "
        "climate neutrality by 2050 or earlier.",
    )


def test_ankara_2053_ineligible_on_target_year_only():
    verdict = judge(candidate(name="Ankara", country="TR", target_year=2053), CALL_2025, REGISTRY)

    assert verdict.verdict == "ineligible"
    assert [(r.rule, r.passed) for r in verdict.reasons] == [
        ("authority_type", True),
        ("target_year", False),
        ("country", True),
        ("not_mission_city", True),
    ]
    assert reason(verdict, "country").message == (
        "Türkiye is an EU Member State or a Horizon Europe associated country."
    )


def test_target_year_limit_is_the_calls():
    stricter = CallFacts(
        slug="x",
        closes_on=dt.date(2026, 9, 1),
        opens_on=dt.date(2026, 6, 1),
        target_year_limit=2045,
    )

    verdict = judge(candidate(target_year=2046), stricter, REGISTRY)

    assert reason(verdict, "target_year").message == (
        "The target year 2046 is later than 2045: the call is open to authorities aiming for "
        "climate neutrality by 2045 or earlier."
    )


@pytest.mark.parametrize(
    ("year", "error"),
    [
        (1999, "1999 is not a plausible target year: enter a year between 2025 and 2100."),
        (3000, "3000 is not a plausible target year: enter a year between 2025 and 2100."),
        (2024, "2024 is not a plausible target year: enter a year between 2025 and 2100."),
        (2101, "2101 is not a plausible target year: enter a year between 2025 and 2100."),
        (-5, "-5 is not a plausible target year: enter a year between 2025 and 2100."),
    ],
)
def test_validate_target_year_rejects_implausible_years(year, error):
    assert validate_target_year(year, CALL_2025) == error


@pytest.mark.parametrize("year", [None, 2025, 2050, 2051, 2100])
def test_validate_target_year_accepts_plausible_years(year):
    assert validate_target_year(year, CALL_2025) is None


def test_validate_target_year_rejects_non_numbers():
    assert validate_target_year("2040", CALL_2025) == (
        "Enter the target year as a number, such as 2040."
    )
    assert validate_target_year(True, CALL_2025) == (
        "Enter the target year as a number, such as 2040."
    )


@pytest.mark.parametrize("year", [1999, 3000])
def test_judge_implausible_target_year_fails_with_validation_message(year):
    verdict = judge(candidate(target_year=year), CALL_2025, REGISTRY)

    assert verdict.verdict == "ineligible"
    assert reason(verdict, "target_year") == Reason(
        "target_year",
        False,
        f"{year} is not a plausible target year: enter a year between 2025 and 2100.",
    )


def test_judge_missing_target_year_fails():
    verdict = judge(candidate(target_year=None), CALL_2025, REGISTRY)

    assert verdict.verdict == "ineligible"
    assert reason(verdict, "target_year") == Reason(
        "target_year", False, "No climate-neutrality target year was given."
    )


# Country


def test_country_japan_is_ineligible():
    verdict = judge(candidate(name="Osaka", country="JP"), CALL_2025, REGISTRY)

    assert verdict.verdict == "ineligible"
    assert reason(verdict, "country") == Reason(
        "country",
        False,
        "Japan is neither an EU Member State nor a Horizon Europe associated country.",
    )


def test_country_egypt_passes_for_the_2025_call():
    verdict = judge(candidate(name="Alexandria", country="EG"), CALL_2025, REGISTRY)

    assert verdict.verdict == "eligible"
    assert reason(verdict, "country") == Reason(
        "country", True, "Egypt is an EU Member State or a Horizon Europe associated country."
    )


def test_country_egypt_fails_for_a_call_closing_before_it_became_eligible():
    early = CallFacts(slug="early", closes_on=dt.date(2025, 4, 9), opens_on=dt.date(2025, 2, 1))

    verdict = judge(candidate(name="Alexandria", country="EG"), early, REGISTRY)

    assert verdict.verdict == "ineligible"
    assert reason(verdict, "country") == Reason(
        "country",
        False,
        "Egypt is eligible only from 10 April 2025, after this call closes on 9 April 2025.",
    )


def test_country_eligible_on_the_closing_day_passes():
    same_day = CallFacts(slug="x", closes_on=dt.date(2025, 4, 10), opens_on=dt.date(2025, 2, 1))

    verdict = judge(candidate(name="Alexandria", country="EG"), same_day, REGISTRY)

    assert reason(verdict, "country").passed is True


@pytest.mark.parametrize(
    ("code", "name"), [("gb", "United Kingdom"), ("UK", "United Kingdom"), ("EL", "Greece")]
)
def test_country_codes_are_normalised(code, name):
    verdict = judge(candidate(name="Somewhere", country=code), CALL_2025, REGISTRY)

    assert reason(verdict, "country") == Reason(
        "country", True, f"{name} is an EU Member State or a Horizon Europe associated country."
    )


def test_country_missing_is_ineligible():
    verdict = judge(candidate(country=""), CALL_2025, REGISTRY)

    assert reason(verdict, "country") == Reason("country", False, "No country was given.")


# Not a Mission City: exact matches, with aliases, diacritics and case folded


@pytest.mark.parametrize(
    ("name", "country", "mission_city"),
    [
        ("Turin", "IT", "Torino"),
        ("TORINO", "IT", "Torino"),
        ("MALMO", "SE", "Malmö"),
        ("Helmond", "NL", "Eindhoven & Helmond"),
        ("eindhoven helmond", "NL", "Eindhoven & Helmond"),
        ("Łódź", "PL", "Łódź"),
        ("LODZ", "PL", "Łódź"),
        ("Reykjavik", "IS", "Reykjavík"),
        ("Brussels", "BE", "Brussels Capital Region"),
        ("Bruxelles", "BE", "Brussels Capital Region"),
        ("Brussels-Capital Region", "BE", "Brussels Capital Region"),
        ("  münchen ", "DE", "Munich"),
        ("istanbul", "TR", "Istanbul"),
    ],
)
def test_mission_city_exact_match_is_ineligible(name, country, mission_city):
    verdict = judge(candidate(name=name, country=country), CALL_2025, REGISTRY)

    assert verdict.verdict == "ineligible"
    assert verdict.resembles == ()
    assert reason(verdict, "not_mission_city") == Reason(
        "not_mission_city", False, f"{mission_city} is one of the 112 EU Mission Cities."
    )


def test_mission_city_name_in_another_country_is_eligible():
    verdict = judge(candidate(name="Turin", country="DE"), CALL_2025, REGISTRY)

    assert verdict.verdict == "eligible"
    assert reason(verdict, "not_mission_city").message == (
        "Turin is not one of the 112 EU Mission Cities."
    )


@pytest.mark.parametrize(
    ("name", "country", "mission_city"),
    [
        # a shared significant word, and the alias "Frankfurt" contained in the name
        ("Frankfurt (Oder)", "DE", "Frankfurt am Main"),
        # the name contained in an alias of the district ("Sector 2 Bucharest")
        ("Bucharest", "RO", "2nd District of Bucharest Municipality"),
        # another district of the same city: a similar spelling
        ("Sector 3 Bucharest", "RO", "2nd District of Bucharest Municipality"),
        # the alias "Louvain" contained in the name
        ("Louvain-la-Neuve", "BE", "Leuven"),
        # a similar significant word ("muenchen" / "munchen", "lunds" / "lund")
        ("Landeshauptstadt Muenchen", "DE", "Munich"),
        ("Lunds kommun", "SE", "Lund"),
        # a similar spelling of the whole name
        ("Malmoe", "SE", "Malmö"),
        ("Torin", "IT", "Torino"),
        # only part of a two-city Mission City
        ("Gemeente Helmond", "NL", "Eindhoven & Helmond"),
    ],
)
def test_mission_city_near_miss_needs_review(name, country, mission_city):
    verdict = judge(candidate(name=name, country=country), CALL_2025, REGISTRY)

    assert verdict.verdict == "needs_review"
    assert verdict.resembles == (mission_city,)
    assert reason(verdict, "not_mission_city") == Reason(
        "not_mission_city",
        True,
        f"{name} resembles {mission_city}, one of the 112 EU Mission Cities: staff will check it.",
    )


def test_mission_city_near_miss_on_two_cities_names_both():
    verdict = judge(
        candidate(name="Verkehrsverbund Frankfurt-München", country="DE"), CALL_2025, REGISTRY
    )

    assert verdict.verdict == "needs_review"
    assert verdict.resembles == ("Frankfurt am Main", "Munich")
    assert reason(verdict, "not_mission_city").message == (
        "Verkehrsverbund Frankfurt-München resembles Frankfurt am Main and Munich, which are "
        "among the 112 EU Mission Cities: staff will check it."
    )


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Ixelles", "BE"),  # a municipality of the Brussels region: not detected, by design
        ("Offenbach am Main", "DE"),  # shares only "am Main", a geographic qualifier
        ("Region", "BE"),  # shares only a stop word
        ("City of Uppsala", "SE"),
        ("Plymouth", "GB"),
        ("Ankara", "TR"),
        ("Timișoara", "RO"),
    ],
)
def test_mission_city_unrelated_names_are_eligible(name, country):
    verdict = judge(candidate(name=name, country=country), CALL_2025, REGISTRY)

    assert verdict.verdict == "eligible"
    assert verdict.resembles == ()


@pytest.mark.parametrize("name", ["", "   ", "—!?"])
def test_mission_city_missing_name_is_ineligible(name):
    verdict = judge(candidate(name=name), CALL_2025, REGISTRY)

    assert verdict.verdict == "ineligible"
    assert reason(verdict, "not_mission_city") == Reason(
        "not_mission_city", False, "No name of the authority was given."
    )


# Not a former Twin or Pilot City: only when the call says so


def test_former_participant_rule_absent_unless_the_call_excludes_them():
    verdict = judge(candidate(name="Plymouth", country="GB"), CALL_2025, FORMER)

    assert verdict.verdict == "eligible"
    assert [r.rule for r in verdict.reasons] == [
        "authority_type",
        "target_year",
        "country",
        "not_mission_city",
    ]


def test_former_participant_exact_match_is_ineligible():
    verdict = judge(candidate(name="PLYMOUTH", country="GB"), EXCLUDING_CALL, FORMER)

    assert verdict.verdict == "ineligible"
    assert verdict.reasons[-1] == Reason(
        "not_former_participant",
        False,
        "Plymouth took part before as a Twin or Pilot City, and this call is not open to "
        "former participants.",
    )


def test_former_participant_near_miss_needs_review():
    verdict = judge(candidate(name="Gemeente Amersfoort", country="NL"), EXCLUDING_CALL, FORMER)

    assert verdict.verdict == "needs_review"
    assert verdict.resembles == ("Amersfoort",)
    assert verdict.reasons[-1] == Reason(
        "not_former_participant",
        True,
        "Gemeente Amersfoort resembles Amersfoort, a former Twin or Pilot City: staff will "
        "check it.",
    )


def test_former_participant_rule_passes_for_a_newcomer():
    verdict = judge(candidate(name="Exeter", country="GB"), EXCLUDING_CALL, FORMER)

    assert verdict.verdict == "eligible"
    assert verdict.reasons[-1] == Reason(
        "not_former_participant", True, "Exeter is not among the former Twin and Pilot Cities."
    )


# The registry


def test_registry_normalises_plain_data():
    registry = Registry(
        eligible_countries={"it": dt.date(1958, 1, 1)},
        mission_cities=[("Torino", "it", ["Turin"])],
    )

    assert registry.eligible_countries == {"IT": dt.date(1958, 1, 1)}
    assert registry.mission_cities == (("Torino", "IT", ("Turin",)),)
    assert registry.former_participants == ()
    assert judge(candidate(name="turin", country="IT"), CALL_2025, registry).verdict == (
        "ineligible"
    )


def test_registry_build_accepts_pairs_and_iterators():
    registry = Registry.build(
        eligible_countries=[("SE", dt.date(1995, 1, 1))],
        mission_cities=iter([("Malmö", "SE", ())]),
    )

    assert registry.eligible_countries == {"SE": dt.date(1995, 1, 1)}
    assert registry.mission_cities == (("Malmö", "SE", ()),)


def test_former_participant_check_not_made_while_the_registry_is_empty():
    verdict = judge(candidate(name="Exeter"), EXCLUDING_CALL, REGISTRY)

    assert verdict.verdict == "needs_review"
    assert verdict.reasons[-1] == Reason(
        "not_former_participant",
        True,
        "Whether Exeter took part before as a Twin or Pilot City was not checked: the list "
        "of former participants is empty. Staff will check it.",
    )
