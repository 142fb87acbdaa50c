"""A newcomer's journey through the public pages, in the system Chromium (Playwright).

The live server runs in a thread of the test process; the browser must only ever talk to it:
every stylesheet, script and font comes from our own static files, none from a CDN.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cities.models import CallMissionCity

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/catalogue.png")


def _card_names(page: Page) -> list[str]:
    return page.locator("#catalogue-results article.card h2").all_inner_texts()


def _city_names(**filters) -> list[str]:
    participations = CallMissionCity.objects.filter(call__slug="2025", **filters).distinct()
    return sorted(participations.values_list("display_name", flat=True))


def test_newcomer_finds_a_mission_city_from_the_home_page(call_data, live_server, watched_page):
    page = watched_page
    energy_cities = _city_names(items__topics__slug="energy-systems")
    assert {"Gabrovo", "Torino"} <= set(energy_cities)  # the page's own examples

    # Home: the programme, the call and its deadline; a strict CSP on the response.
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    expect(page).to_have_title(re.compile("Twinning"))
    call_card = page.get_by_role("complementary")
    expect(call_card.get_by_role("heading", name=call_data.title)).to_be_visible()
    expect(call_card).to_contain_text("Deadline")
    expect(call_card).to_contain_text("12 September 2025, 17:00 CEST")
    expect(call_card).to_contain_text("16 Mission Cities take part.")

    # Through to the catalogue: the 16 Mission Cities of the call.
    page.get_by_role("link", name="Discover the Mission Cities").click()
    expect(page).to_have_url(live_server.url + "/mission-cities/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mission Cities")
    expect(page.locator("#catalogue-results article.card")).to_have_count(16)
    assert sorted(_card_names(page)) == _city_names()
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # A topic: htmx replaces the results and keeps the filter in the URL.
    page.get_by_label("Topic", exact=True).select_option(label="Energy systems")
    expect(page).to_have_url(re.compile(r"[?&]topic=energy-systems(&|$)"))
    expect(page.locator("#catalogue-results article.card")).to_have_count(len(energy_cities))
    assert sorted(_card_names(page)) == energy_cities
    expect(page.locator("#result-count")).to_contain_text("match your filters")

    # Back to every topic, then a free-text search: only Bristol deploys heat pumps.
    page.get_by_label("Topic", exact=True).select_option(label="Any topic")
    expect(page.locator("#catalogue-results article.card")).to_have_count(16)
    page.get_by_label("Search").press_sequentially("heat pumps")
    expect(page.locator("#catalogue-results article.card")).to_have_count(1)
    assert _card_names(page) == ["Bristol"]
    expect(page.locator("#result-count")).to_have_text("1 Mission City matches your filters.")
    expect(page).to_have_url(re.compile(r"[?&]q=heat(\+|%20)pumps(&|$)"))

    # The city page: its offer, its challenges, its expected benefits, its motivation.
    page.get_by_role("link", name="Bristol").click()
    expect(page).to_have_url(live_server.url + "/mission-cities/bristol/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bristol")
    assert page.locator("main section h2").all_inner_texts() == [
        "Climate actions offered",
        "Challenges to work on",
        "Expected benefits",
        "Why we take part",
    ]
    expect(page.locator("ul[data-kind]")).not_to_have_count(0)
    expect(page.locator("main")).to_contain_text("Deploying heat pumps for domestic and commercial")
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("Mission Cities")

    assert page.errors == []
    assert page.foreign_requests == []

    # An unknown city: our own 404 page (the browser logs the 404 status itself).
    response = page.goto(live_server.url + "/mission-cities/atlantis/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()
    assert [e for e in page.errors if "404" not in e] == []
    assert page.foreign_requests == []


def test_catalogue_filters_work_without_javascript(call_data, live_server, new_context):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/mission-cities/")

    page.get_by_label("Topic", exact=True).select_option(label="Energy systems")
    page.get_by_label("Country").select_option(label="Bulgaria")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"topic=energy-systems"))
    expect(page).to_have_url(re.compile(r"country=BG"))
    assert _card_names(page) == _city_names(
        items__topics__slug="energy-systems", mission_city__country="BG"
    )
    assert "Gabrovo" in _card_names(page)
    # The chosen values stay selected in the reloaded form.
    expect(page.get_by_label("Topic", exact=True)).to_have_value("energy-systems")
    expect(page.get_by_label("Country")).to_have_value("BG")
