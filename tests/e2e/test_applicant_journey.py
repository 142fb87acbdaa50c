"""The Twin City journey in the system Chromium (Playwright), as a municipal officer takes it.

Self-check, sign up, confirm the e-mail through the link in the message, fill every step, upload
a PDF, submit, see "Submitted" and receive the confirmation e-mail. The live server runs in a
thread of the test process: e-mails (Celery eager, after commit) land in `mail.outbox`.

Fields are found by their label and buttons and links by their role and name, as a screen reader
user finds them. Screenshots of each page go to /tmp/journey-*.png (1280×900).
"""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from playwright.sync_api import Page, expect

from applications.models import Application
from cities.selectors import call_facts
from tests.applications.pdfs import pdf_bytes
from tests.e2e.axe import assert_accessible
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("/tmp")
EMAIL = "climate.officer@plymouth.example"
PASSWORD = "Tamar-Bridge-1961!"


def shot(page: Page, name: str) -> None:
    """A screenshot of each page of the journey, and axe-core on it (0 serious or critical)."""
    page.screenshot(path=str(SCREENSHOTS / f"journey-{name}.png"), full_page=True)
    assert_accessible(page)


def save_and_continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def expect_step(page: Page, live_server, application: Application, slug: str, title: str):
    expect(page).to_have_url(f"{live_server.url}/applications/{application.pk}/step/{slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_new_user_checks_signs_up_applies_and_submits(
    call_data, open_call, live_server, watched_page
):
    page = watched_page
    main = page.get_by_role("main")

    # Home → "Can my city apply?"
    page.goto(live_server.url + "/")
    shot(page, "00-home")
    main.get_by_role("link", name="Can my city apply?").click()
    expect(page).to_have_url(live_server.url + "/eligibility/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Can my city apply?")

    # The self-check: Plymouth, United Kingdom, municipality, 2050 → eligible.
    page.get_by_label("Name of your city or local authority").fill("Plymouth")
    page.get_by_label("Country").select_option(label="United Kingdom")
    page.get_by_label("Type of authority").select_option(label="Municipality")
    page.get_by_label("Climate-neutrality target year").fill("2050")
    page.get_by_role("button", name="Check").click()
    verdict = page.get_by_role("region", name="Your city can apply.")
    expect(verdict).to_be_visible()
    expect(verdict.get_by_role("listitem")).to_have_text(
        [
            "✔Passed: Municipality: this type of authority may apply.",
            "✔Passed: Climate neutrality by 2050 meets the call's limit of 2050 or earlier.",
            "✔Passed: United Kingdom is an EU Member State or a Horizon Europe associated country.",
            "✔Passed: Plymouth is not one of the 112 EU Mission Cities.",
        ]
    )
    shot(page, "01-eligibility")

    # "Apply now" → sign in first → sign up instead.
    verdict.get_by_role("link", name="Apply now").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/apply/$"))
    shot(page, "02-login")
    main.get_by_role("link", name="sign up").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("I have read and accept the privacy notice").check()
    shot(page, "03-signup")
    main.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    shot(page, "04-verification-sent")

    # The confirmation e-mail, its link opened in the browser, confirmed.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([EMAIL], "[Twinning] Please Confirm Your Email Address")
    ]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(link.group(0))
    shot(page, "05-confirm-email")
    main.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name=f"Sign out ({EMAIL})")).to_be_visible()

    # Signed in, and back where "Apply now" was going: /apply/, the start form.
    expect(page).to_have_url(live_server.url + "/apply/")
    expect(page.get_by_role("status")).to_have_text(
        [f"You have confirmed {EMAIL}.", f"Successfully signed in as {EMAIL}."]
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Start your application")
    page.get_by_label("Official name of your local authority").fill("Plymouth City Council")
    page.get_by_label("Country").select_option(label="United Kingdom")
    shot(page, "06-start")
    page.get_by_role("button", name="Start").click()
    application = Application.objects.get(organisation__members__user__email=EMAIL)
    assert application.call == open_call

    # 1. Organisation, with one representative.
    expect_step(page, live_server, application, "organisation", "1. Organisation")
    expect(page.get_by_label("Official name of the local authority")).to_have_value(
        "Plymouth City Council"
    )
    page.get_by_label("Type of authority").select_option(label="Municipality")
    page.get_by_label("Population").fill("264700")
    page.get_by_label("Website").fill("https://www.plymouth.gov.uk/")
    rep = page.get_by_role("group", name="Representative 1")
    rep.get_by_label("Name").fill("Ada Lovelace")
    rep.get_by_label("Role").fill("Climate officer")
    rep.get_by_label("E-mail address").fill("ada@plymouth.example")
    rep.get_by_label("English level (CEFR)").select_option("C1")
    shot(page, "07-organisation")
    save_and_continue(page)

    # 2. Climate commitment.
    expect_step(page, live_server, application, "climate", "2. Climate commitment")
    expect(page.get_by_role("status")).to_have_text("Your answers are saved.")
    page.get_by_label("Climate-neutrality target year").fill("2040")
    page.get_by_label("Title of the plan or decision behind the target").fill(
        "Net Zero Action Plan"
    )
    page.get_by_label("Year of adoption").fill("2019")
    page.get_by_label("Link to the plan or decision").fill("https://www.plymouth.gov.uk/net-zero")
    page.get_by_label("Sustainable Energy and Climate Action Plan (SECAP)").check()
    shot(page, "08-climate")
    save_and_continue(page)

    # 3. Learning needs: two topics.
    # A marked answer keeps its accessible name (the marker is aria-hidden) and is announced
    # as required: the role query finds it by the name alone.
    expect_step(page, live_server, application, "learning", "3. Learning needs")
    need = page.get_by_role("group", name="Learning need 1")
    need.get_by_role("combobox", name="Topic", exact=True).select_option(label="Energy systems")
    need.get_by_label("What exactly?").fill("How to set up citizen energy communities.")
    need = page.get_by_role("group", name="Learning need 2")
    need.get_by_role("combobox", name="Topic", exact=True).select_option(
        label="Mobility & transport"
    )
    need.get_by_label("What exactly?").fill("Low-emission zones that people accept.")
    shot(page, "09-learning")
    save_and_continue(page)

    # 4. What the city can share: one topic.
    expect_step(page, live_server, application, "sharing", "4. What you can share")
    share = page.get_by_role("group", name="Topic to share 1")
    share.get_by_role("combobox", name="Topic", exact=True).select_option(label="Built environment")
    share.get_by_label("What exactly?").fill("Retrofitting social housing at scale.")
    shot(page, "10-sharing")
    save_and_continue(page)

    # 5. Preferred Mission Cities: Torino first, Sofia second.
    expect_step(page, live_server, application, "preferences", "5. Preferred Mission Cities")
    choice = page.get_by_role("group", name="Choice 1")
    choice.get_by_role("combobox", name="Mission City", exact=True).select_option(label="Torino")
    choice.get_by_label("Why this Mission City?").fill("Its energy communities.")
    choice = page.get_by_role("group", name="Choice 2")
    choice.get_by_role("combobox", name="Mission City", exact=True).select_option(label="Sofia")
    choice.get_by_label("Why this Mission City?").fill("Its clean public transport.")
    shot(page, "11-preferences")
    save_and_continue(page)

    # 6. Commitment: hours, site visits, the endorsement letter as a real PDF, both consents.
    expect_step(page, live_server, application, "commitment", "6. Commitment")
    page.get_by_label("Hours per month the team can give").fill("16")
    page.get_by_label("Yes, we can host and travel for site visits").check()
    page.get_by_label("Endorsement letter signed by the mayor or equivalent (PDF)").set_input_files(
        files=[{"name": "endorsement.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(2)}]
    )
    page.get_by_label("Consent to share the application with Mission Cities and staff").check()
    page.get_by_label("Consent to the privacy notice").check()
    shot(page, "12-commitment")
    save_and_continue(page)

    # 7. Review: nothing missing, every answer shown; submit.
    expect_step(page, live_server, application, "review", "7. Review and submit")
    expect(page.locator("[data-error-summary]")).to_have_count(0)
    expect(main).not_to_contain_text("missing")
    expect(main.get_by_role("link", name="endorsement.pdf")).to_be_visible()
    expect(main.locator("#a-preferences + ol > li")).to_have_text(
        ["Torino: Its energy communities.", "Sofia: Its clean public transport."]
    )
    shot(page, "13-review")
    page.get_by_role("button", name="Submit the application").click()

    # The status page says "Submitted"; editing is locked.
    expect(page).to_have_url(f"{live_server.url}/applications/{application.pk}/")
    expect(page.get_by_role("status")).to_have_text(
        "Your application has been submitted. By the call's rules it is eligible. Thank you!"
    )
    expect(main.locator("[data-status]")).to_have_text("Submitted")
    expect(main.get_by_role("link", name="Continue editing")).to_have_count(0)
    shot(page, "14-submitted")

    application.refresh_from_db()
    assert (application.status, application.verdict) == ("submitted", "eligible")
    assert (
        application.official_name,
        application.country.code,
        application.authority_type,
        application.population,
        application.target_year,
        application.hours_per_month,
        application.site_visits,
        application.consent_share,
        application.consent_privacy,
    ) == ("Plymouth City Council", "GB", "municipality", 264700, 2040, 16, "yes", True, True)
    assert list(application.representatives.values_list("name", "english_level")) == [
        ("Ada Lovelace", "C1")
    ]
    assert list(application.learning_needs.values_list("position", "topic__slug")) == [
        (1, "energy-systems"),
        (2, "mobility-transport"),
    ]
    assert list(application.shares.values_list("topic__slug", flat=True)) == ["built-environment"]
    assert list(application.preferences.values_list("rank", "mission_city__display_name")) == [
        (1, "Torino"),
        (2, "Sofia"),
    ]
    assert (application.endorsement_letter.original_name, application.endorsement_letter.pages) == (
        "endorsement.pdf",
        2,
    )

    assert (
        application.plan_title,
        application.plan_year,
        application.plan_url,
        application.climate_plans,
    ) == ("Net Zero Action Plan", 2019, "https://www.plymouth.gov.uk/net-zero", ["secap"])

    # The confirmation e-mail went to the new user, and only to them.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([EMAIL], "[Twinning] Please Confirm Your Email Address"),
        ([EMAIL], "[Twinning] Your application was submitted"),
    ]
    body = mail.outbox[-1].body
    assert "the application of Plymouth City Council to the Open call was received" in body
    assert f"/applications/{application.pk}/" in body

    assert page.errors == []
    assert page.foreign_requests == []


def test_target_year_error_is_summarised_linked_to_the_field_and_keeps_answers(
    open_call, live_server, watched_page
):
    page = watched_page
    user = UserFactory(email="officer@plymouth.example")
    client = Client()
    client.force_login(user)
    client.post("/apply/", {"name": "Plymouth City Council", "country": "GB"})
    application = Application.objects.get(organisation__members__user=user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/applications/{application.pk}/step/climate/")
    target_year = page.get_by_label("Climate-neutrality target year")
    target_year.fill("1999")
    page.get_by_label("Title of the plan or decision behind the target").fill(
        "Net Zero Action Plan"
    )
    page.get_by_label("Year of adoption").fill("2019")
    page.get_by_label("Link to the plan or decision").fill("https://www.plymouth.gov.uk/net-zero")
    page.get_by_label("Sustainable Urban Mobility Plan (SUMP)").check()
    page.get_by_role("button", name="Save draft").click()

    # The summary at the top, focused so that screen readers announce it.
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text(
        "There is a problem with your answer. Nothing has been saved yet: "
        "please correct it and save again."
    )
    lowest = call_facts(open_call).year  # the call's own year
    message = f"1999 is not a plausible target year: enter a year between {lowest} and 2100."
    link = summary.get_by_role("link", name=f"Climate-neutrality target year: {message}")
    expect(link).to_be_visible()
    shot(page, "20-error-summary")

    # Its link moves the focus to the field, which shows the same message.
    link.click()
    expect(target_year).to_be_focused()
    expect(target_year).to_have_value("1999")
    expect(target_year).to_have_attribute("aria-invalid", "true")
    expect(target_year).to_have_accessible_description(re.compile(re.escape(message)))
    expect(page.locator("#id_climate-target_year ~ .invalid-feedback")).to_contain_text(message)
    shot(page, "21-error-focused")

    # The other answers are kept, and nothing was saved.
    expect(page.get_by_label("Title of the plan or decision behind the target")).to_have_value(
        "Net Zero Action Plan"
    )
    expect(page.get_by_label("Year of adoption")).to_have_value("2019")
    expect(page.get_by_label("Link to the plan or decision")).to_have_value(
        "https://www.plymouth.gov.uk/net-zero"
    )
    expect(page.get_by_label("Sustainable Urban Mobility Plan (SUMP)")).to_be_checked()
    application.refresh_from_db()
    assert (application.target_year, application.plan_title) == (None, "")

    assert page.errors == []
    assert page.foreign_requests == []


def test_pages_log_no_console_errors(call_data, live_server, watched_page):
    page = watched_page
    for path in ["/", "/eligibility/", "/accounts/signup/"]:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.errors == []


def test_confirmation_email_names_the_site(db, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "email": EMAIL,
                "password1": PASSWORD,
                "password2": PASSWORD,
                "accept_privacy": "on",
            },
        )

    (message,) = mail.outbox
    assert message.to == [EMAIL]
    assert "Hello from !" not in message.body
    assert "register an account on ." not in message.body
    assert "Thank you for using !" not in message.body
