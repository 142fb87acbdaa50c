"""The public self-check at /eligibility/: the form, the verdict with its reasons, bad input.

Most tests run while a call is open (`open_call`, a copy of the curated 2025 call); a few check
what the page does when the only call is closed (the curated 2025 call) or when there is none.
"""

import html
import re

import pytest
from django.urls import reverse

from cities.models import Call
from cities.selectors import call_facts

pytestmark = pytest.mark.django_db

URL = reverse("eligibility_check")


def check(client, **values):
    params = {
        "name": "Plymouth",
        "country": "GB",
        "authority_type": "municipality",
        "target_year": "2050",
        **values,
    }
    return client.get(URL, params)


def verdict_of(response) -> str | None:
    return response.context["verdict"].verdict if response.context["verdict"] else None


def reasons_of(response) -> list[tuple[str, bool]]:
    return [(r.rule, r.passed) for r in response.context["verdict"].reasons]


def verdict_card(response) -> str:
    page = response.content.decode()
    return page[page.index('id="verdict-title"') :]


def shown_reasons(response) -> list[str]:
    """The reasons as a screen reader reads them: the ✔/✘ icons are aria-hidden, the words
    "Passed:" / "Not met:" are visually hidden but read."""
    items = re.findall(r'<li class="mb-1">(.*?)</li>', verdict_card(response), flags=re.S)
    items = [re.sub(r'<span aria-hidden="true">.*?</span>', "", item) for item in items]
    return [html.unescape(" ".join(re.sub(r"<[^>]+>", " ", item).split())) for item in items]


def test_eligibility_get_shows_the_empty_form_without_verdict(client, open_call):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["verdict"] is None
    assert response.context["errors"] == []
    assert response.context["call"] == open_call
    assert list(response.context["form"].fields) == [
        "name",
        "country",
        "authority_type",
        "target_year",
    ]
    page = response.content.decode()
    assert "<h1>Can my city apply?</h1>" in page
    assert 'id="verdict-title"' not in page
    assert "data-error-summary" not in page
    for field_id, label in [
        ("id_name", "Name of your city or local authority"),
        ("id_country", "Country"),
        ("id_authority_type", "Type of authority"),
        ("id_target_year", "Climate-neutrality target year"),
    ]:
        assert re.search(rf'<label\s+for="{field_id}"[^>]*>\s*{re.escape(label)}', page), label


def test_eligibility_plymouth_municipality_2050_is_eligible(client, open_call):
    response = check(client)

    assert response.status_code == 200
    assert verdict_of(response) == "eligible"
    assert reasons_of(response) == [
        ("authority_type", True),
        ("target_year", True),
        ("country", True),
        ("not_mission_city", True),
    ]
    assert shown_reasons(response) == [
        "Passed: Municipality: this type of authority may apply.",
        "Passed: Climate neutrality by 2050 meets the call's limit of 2050 or earlier.",
        "Passed: United Kingdom is an EU Member State or a Horizon Europe associated country.",
        "Passed: Plymouth is not one of the 112 EU Mission Cities.",
    ]
    card = verdict_card(response)
    assert 'data-verdict="eligible"' in card
    assert "Your city can apply." in card
    assert f'href="{reverse("apply")}">Apply now</a>' in card
    # The values entered stay in the form.
    form = response.context["form"]
    assert [form[f].value() for f in form.fields] == ["Plymouth", "GB", "municipality", "2050"]


def test_eligibility_turin_is_a_mission_city_and_ineligible(client, open_call):
    response = check(client, name="Turin", country="IT")

    assert verdict_of(response) == "ineligible"
    assert reasons_of(response) == [
        ("authority_type", True),
        ("target_year", True),
        ("country", True),
        ("not_mission_city", False),
    ]
    assert shown_reasons(response)[-1] == "Not met: Torino is one of the 112 EU Mission Cities."
    card = verdict_card(response)
    assert "Your city cannot apply to this call." in card
    assert "Apply now" not in card


def test_eligibility_bucharest_resembles_a_mission_city_and_needs_review(client, open_call):
    response = check(client, name="Bucharest", country="RO")

    assert verdict_of(response) == "needs_review"
    assert response.context["verdict"].resembles == ("2nd District of Bucharest Municipality",)
    assert reasons_of(response) == [
        ("authority_type", True),
        ("target_year", True),
        ("country", True),
        ("not_mission_city", True),
    ]
    assert shown_reasons(response)[-1] == (
        "To be checked: Bucharest resembles 2nd District of Bucharest Municipality, one of "
        "the 112 EU "
        "Mission Cities: staff will check it."
    )
    card = verdict_card(response)
    assert "NetZeroCities staff will need to check your case." in card
    assert "Apply now</a>" in card


def test_eligibility_ankara_2053_is_ineligible_on_the_target_year(client, open_call):
    response = check(client, name="Ankara", country="TR", target_year="2053")

    assert verdict_of(response) == "ineligible"
    assert reasons_of(response) == [
        ("authority_type", True),
        ("target_year", False),
        ("country", True),
        ("not_mission_city", True),
    ]
    assert shown_reasons(response)[1] == (
        "Not met: The target year 2053 is later than 2050: the call is open to authorities "
        "aiming for climate neutrality by 2050 or earlier."
    )


def test_eligibility_year_1999_is_a_form_error_without_verdict(client, open_call):
    response = check(client, target_year="1999")

    assert response.status_code == 200
    assert verdict_of(response) is None
    lowest = call_facts(open_call).year  # the call's own year
    message = f"1999 is not a plausible target year: enter a year between {lowest} and 2100."
    assert response.context["form"].errors == {"target_year": [message]}
    assert response.context["errors"] == [
        ("id_target_year", f"Climate-neutrality target year: {message}")
    ]
    page = response.content.decode()
    assert 'id="verdict-title"' not in page
    link = f"Climate-neutrality target year: {message}"
    assert f'<a href="#id_target_year" class="alert-link">{link}</a>' in page
    # The other answers are kept.
    form = response.context["form"]
    assert [form[f].value() for f in form.fields] == ["Plymouth", "GB", "municipality", "1999"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "UK"}, "country"),
        ({"country": "<script>alert(1)</script>"}, "country"),
        ({"authority_type": "ministry"}, "authority_type"),
        ({"authority_type": ""}, "authority_type"),
        ({"target_year": "soon"}, "target_year"),
        ({"target_year": "-2040"}, "target_year"),
        ({"target_year": "99999999999999999999"}, "target_year"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
    ],
)
def test_eligibility_tampered_or_bad_values_are_form_errors(client, open_call, values, field):
    response = check(client, **values)

    assert response.status_code == 200
    assert verdict_of(response) is None
    assert list(response.context["form"].errors) == [field]
    assert [anchor for anchor, _ in response.context["errors"]] == [f"id_{field}"]
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_eligibility_unknown_parameters_alone_give_form_errors_not_a_500(client, open_call):
    response = client.get(URL, {"utm_source": "newsletter"})

    assert response.status_code == 200
    assert verdict_of(response) is None
    assert sorted(response.context["form"].errors) == [
        "authority_type",
        "country",
        "name",
        "target_year",
    ]


def test_eligibility_unicode_name_round_trips(client, open_call):
    response = check(client, name="Świdnica 🌍", country="PL")

    assert verdict_of(response) == "eligible"
    assert shown_reasons(response)[-1] == (
        "Passed: Świdnica 🌍 is not one of the 112 EU Mission Cities."
    )
    assert 'value="Świdnica 🌍"' in response.content.decode()


def test_eligibility_district_of_a_mission_city_with_diacritics_needs_review(client, open_call):
    response = check(client, name="ŁÓDŹ – Śródmieście", country="PL")

    assert verdict_of(response) == "needs_review"
    assert response.context["verdict"].resembles == ("Łódź",)
    assert shown_reasons(response)[-1] == (
        "To be checked: ŁÓDŹ – Śródmieście resembles Łódź, one of the 112 EU Mission Cities: "
        "staff will check it."
    )


def test_eligibility_when_only_a_closed_call_exists_judges_against_it(client, call_data):
    response = check(client)

    assert response.status_code == 200
    assert response.context["call"] == call_data
    assert verdict_of(response) == "eligible"


def test_eligibility_when_the_call_is_closed_offers_no_apply_now(client, call_data):
    response = check(client)

    assert "Apply now" not in verdict_card(response)


def test_eligibility_without_any_call_gives_no_verdict(client, call_data):
    Call.objects.all().delete()

    response = check(client)

    assert response.status_code == 200
    assert response.context["call"] is None
    assert verdict_of(response) is None


def test_eligibility_without_any_call_says_so(client, call_data):
    Call.objects.all().delete()

    response = check(client)

    assert "not open" in response.content.decode().lower()


def test_eligibility_country_starts_without_a_preselected_country(client, open_call):
    page = client.get(URL).content.decode()

    select = re.search(r'<select name="country".*?</select>', page, flags=re.S).group(0)
    first_option = re.search(r"<option[^>]*>[^<]*</option>", select).group(0)
    assert 'value=""' in first_option


def test_eligibility_error_summary_does_not_talk_about_saving(client, open_call):
    response = check(client, target_year="1999")

    summary = response.content.decode().split("data-error-summary")[1].split("</h2>")[0]
    assert "save" not in summary


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"name": "Turin", "country": "IT"},
        {"name": "Bucharest", "country": "RO"},
        {"name": "Ankara", "country": "TR", "target_year": "2053"},
        {"target_year": "1999"},
    ],
    ids=["eligible", "ineligible", "needs_review", "ineligible_year", "form_error"],
)
def test_eligibility_page_does_a_fixed_number_of_queries(
    client, open_call, django_assert_num_queries, values
):
    # The open call; with a verdict, the registry too: Mission Cities and eligible countries.
    expected = 1 if values.get("target_year") == "1999" else 3
    with django_assert_num_queries(expected):
        response = check(client, **values)
    assert response.status_code == 200


def test_eligibility_page_with_the_call_closed_does_one_query_more(
    client, call_data, django_assert_num_queries
):
    # No open call: looking for it, then the latest call; then the registry.
    with django_assert_num_queries(4):
        response = check(client)

    assert verdict_of(response) == "eligible"
