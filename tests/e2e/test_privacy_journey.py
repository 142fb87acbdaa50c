"""A person's rights over their data, in the browser: sign up accepting the privacy notice, accept
a new version when asked, start an application, download my data, delete the account; then no
table and no uploaded file holds the person's name or e-mail address."""

import io
import json
import re
import zipfile

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from tests.privacy.test_erasure import scan_database
from users import consents
from users.models import ConsentRecord, Notice

from .axe import assert_accessible

pytestmark = pytest.mark.browser

EMAIL = "rights.holder@leuven.example"
NAME = "Wilhelmina Oosterhuis"
PASSWORD = "Dijle-River-Leuven-2030"


def test_sign_up_accept_apply_download_delete(call_data, open_call, live_server, watched_page):
    call_command("load_notices", stdout=io.StringIO())
    page = watched_page
    main = page.get_by_role("main")

    # Sign up: the privacy notice must be accepted, and its acceptance is recorded.
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    assert_accessible(page)
    main.get_by_role("button", name="Sign up").click()
    expect(main).to_contain_text("Please accept the privacy notice to create an account.")
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("I have read and accept the privacy notice").check()
    main.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    page.goto(link.group(0))
    main.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name=f"Sign out ({EMAIL})")).to_be_visible()
    assert list(
        ConsentRecord.objects.filter(user__email=EMAIL).values_list("notice__version", "source")
    ) == [(1, "signup")]

    # Staff publish version 2: the next page asks for it, and then goes where it was going.
    draft = Notice.objects.create(
        kind="privacy",
        version=2,
        title="Privacy notice",
        body="## What is new\n\nPair spaces keep your messages for the programme's duration.",
        changes="Messages of pair spaces are kept until the programme ends.",
    )
    consents.notice_publish(notice=draft, by=None)
    page.goto(live_server.url + "/apply/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Please read the new version")
    expect(main).to_contain_text("Messages of pair spaces are kept until the programme ends.")
    assert_accessible(page)
    page.get_by_label("I accept Privacy notice (version 2)").check()
    page.get_by_role("button", name="Accept and go on").click()
    expect(page).to_have_url(live_server.url + "/apply/")

    # Apply: start, and name oneself as the representative.
    page.get_by_label("Official name of your local authority").fill("Stad Leuven")
    page.get_by_label("Country").select_option(label="Belgium")
    page.get_by_role("button", name="Start").click()
    rep = page.get_by_role("group", name="Representative 1")
    rep.get_by_label("Name").fill(NAME)
    rep.get_by_label("Role").fill("Climate coordinator")
    rep.get_by_label("E-mail address").fill(EMAIL)
    rep.get_by_label("English level (CEFR)").select_option("C1")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("status")).to_have_text("Your answers are saved.")

    # Download my data.
    page.get_by_role("link", name="Account", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account and your data")
    assert_accessible(page)
    with page.expect_download() as download_info:
        main.get_by_role("button", name="Download my data").click()
    archive = zipfile.ZipFile(download_info.value.path())
    data = json.loads(archive.read("data.json"))
    assert data["account"][0]["email"] == EMAIL
    assert [r["name"] for r in data["applications"][0]["representatives"]] == [NAME]
    assert [(c["version"], c["from"]) for c in data["consents"]] == [
        (2, "Asked again after a new version"),
        (1, "Sign-up form"),
    ]
    assert {"applications.csv", "consents.csv", "README.txt"} <= set(archive.namelist())

    # Delete the account.
    main.get_by_role("link", name="Delete my account…").click()
    assert_accessible(page)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("I understand that my account and my personal data will be deleted").check()
    main.get_by_role("button", name="Delete my account").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("status")).to_have_text(
        "Your account and your personal data have been deleted."
    )
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)

    assert scan_database([EMAIL, NAME]) == []
    assert page.errors == [] and page.foreign_requests == []
