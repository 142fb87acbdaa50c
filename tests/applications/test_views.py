import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications import services
from applications.models import Application, Document
from cities.models import CallMissionCity, Topic
from tests.builders import city, fill_application, member, staff_member, submitted_application
from tests.factories import UserFactory

from .pdfs import pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db


def step_url(application, step):
    return reverse("application_step", args=[application.pk, step])


def management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": str(total),
    }


def test_apply_requires_login(client, open_call):
    response = client.get(reverse("apply"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_apply_starts_organisation_and_application(client, open_call, applicant):
    client.force_login(applicant)
    response = client.post(reverse("apply"), {"name": "Łódź Widzew", "country": "PL"})
    application = Application.objects.get(organisation__members__user=applicant)
    assert response["Location"] == step_url(application, "organisation")
    assert (application.official_name, application.country.code, application.call) == (
        "Łódź Widzew",
        "PL",
        open_call,
    )
    assert client.get(reverse("apply"))["Location"] == step_url(application, "organisation")


def test_organisation_step_round_trips_unicode_and_long_text(client, draft, applicant):
    client.force_login(applicant)
    name = "Θεσσαλονίκη — Δήμος 🌍 " + "λ" * 150
    data = {
        "org-official_name": name,
        "org-country": "GR",
        "org-authority_type": "municipality",
        "org-population": "319045",
        "org-website": "thessaloniki.gr",
        **management("rep", 2),
        "rep-0-name": "Łukasz Żółć",
        "rep-0-role": "Climate officer",
        "rep-0-email": "lukasz@example.org",
        "rep-0-english_level": "B2",
        "save": "",
    }
    response = client.post(step_url(draft, "organisation"), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.official_name == name
    assert draft.website == "https://thessaloniki.gr"
    assert list(draft.representatives.values_list("name", "english_level")) == [
        ("Łukasz Żółć", "B2")
    ]
    page = client.get(step_url(draft, "organisation")).content.decode()
    assert "Θεσσαλονίκη — Δήμος 🌍" in page


def test_overlong_name_is_an_error_and_nothing_is_lost(client, draft, applicant):
    client.force_login(applicant)
    data = {
        "org-official_name": "x" * 201,
        "org-population": "1000",
        **management("rep", 2),
        "rep-0-name": "Ada",
        "save": "",
    }
    response = client.post(step_url(draft, "organisation"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ensure this value has at most 200 characters" in body
    assert 'value="1000"' in body and 'value="Ada"' in body
    assert response.context["errors"][0][0] == "id_org-official_name"


@pytest.mark.parametrize(
    ("year", "ok"), [(2051, False), (2040, True), (1999, False), (3000, False)]
)
def test_target_year_validation(client, draft, applicant, year, ok):
    client.force_login(applicant)
    response = client.post(
        step_url(draft, "climate"), {"climate-target_year": str(year), "save": ""}
    )
    draft.refresh_from_db()
    if ok:
        assert response.status_code == 302
        assert draft.target_year == year
    else:
        assert response.status_code == 200
        assert draft.target_year is None
        assert response.context["form"].errors["target_year"]


def test_non_pdf_renamed_pdf_is_rejected_with_message(client, draft, applicant):
    client.force_login(applicant)

    fake = SimpleUploadedFile("letter.pdf", b"PK\x03\x04 a zip file", "application/pdf")
    response = client.post(
        step_url(draft, "commitment"),
        {"commit-hours_per_month": "20", "commit-endorsement_pdf": fake, "save": ""},
    )
    assert response.status_code == 200
    assert "This file is not a PDF" in response.content.decode()
    assert 'value="20"' in response.content.decode()
    assert Document.objects.count() == 0


def test_pdf_over_10_mb_is_rejected(client, draft, applicant):
    client.force_login(applicant)

    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"%" + b"0" * (10 * 1024 * 1024))
    response = client.post(
        step_url(draft, "commitment"), {"commit-endorsement_pdf": big, "save": ""}
    )
    assert response.status_code == 200
    assert "the limit is 10 MB" in response.content.decode()


def test_pdf_upload_is_stored_privately_and_downloaded_with_permission(client, draft, applicant):
    client.force_login(applicant)
    response = client.post(
        step_url(draft, "commitment"),
        {"commit-endorsement_pdf": pdf_upload("Mayor's letter.pdf"), "save": ""},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.original_name == "Mayors_letter.pdf"
    assert document.file.name.startswith(f"documents/{draft.organisation_id}/")
    assert "Mayor" not in document.file.name
    download = client.get(reverse("document_download", args=[document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    other = Client()
    other.force_login(UserFactory(email="other@example.org"))
    assert other.get(reverse("document_download", args=[document.pk])).status_code == 404
    staff = Client()
    staff.force_login(staff_member("staff@example.org", "applications.view_document"))
    staff_download = staff.get(reverse("document_download", args=[document.pk]))
    assert staff_download.status_code == 200
    assert b"".join(staff_download.streaming_content).startswith(b"%PDF-")


def test_preference_ranked_twice_is_an_error(client, draft, applicant):
    client.force_login(applicant)
    torino = CallMissionCity.objects.get(call=draft.call, mission_city__name="Torino")
    data = {
        **management("pref", 3),
        "pref-0-mission_city": torino.pk,
        "pref-1-mission_city": torino.pk,
        "save": "",
    }
    response = client.post(step_url(draft, "preferences"), data)
    assert response.status_code == 200
    assert "You ranked this Mission City twice" in response.content.decode()
    assert draft.preferences.count() == 0


def test_preference_for_a_city_not_in_the_call_is_an_error(client, draft, applicant):
    client.force_login(applicant)
    outside = CallMissionCity.objects.get(call__slug="2025", mission_city__name="Torino")
    data = {**management("pref", 3), "pref-0-mission_city": outside.pk, "save": ""}
    response = client.post(step_url(draft, "preferences"), data)
    assert response.status_code == 200
    assert "Choose one of the Mission Cities taking part in this call." in response.content.decode()


def test_preferences_must_be_contiguous(client, draft, applicant):
    client.force_login(applicant)
    sofia = CallMissionCity.objects.get(call=draft.call, mission_city__name="Sofia")
    data = {**management("pref", 3), "pref-1-mission_city": sofia.pk, "save": ""}
    response = client.post(step_url(draft, "preferences"), data)
    assert response.status_code == 200
    assert "Fill the ranks in order" in response.content.decode()


def test_tampered_formset_total_does_not_500(client, draft, applicant):
    client.force_login(applicant)
    data = {**management("learning", 500), "save": ""}
    response = client.post(step_url(draft, "learning"), data)
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()


def test_learning_needs_save_in_order(client, draft, applicant):
    client.force_login(applicant)
    data = {
        **management("learning", 5),
        "learning-0-topic": Topic.objects.get(slug="finance-funding").pk,
        "learning-0-text": "Green bonds",
        "learning-1-topic": Topic.objects.get(slug="energy-systems").pk,
        "learning-1-text": "Energy communities",
        "continue": "",
    }
    response = client.post(step_url(draft, "learning"), data)
    assert response["Location"] == step_url(draft, "sharing")
    assert list(draft.learning_needs.values_list("topic__slug", "position")) == [
        ("finance-funding", 1),
        ("energy-systems", 2),
    ]


def test_submit_view_then_second_submit_is_a_no_op(
    client, complete_draft, applicant, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    url = reverse("application_submit", args=[complete_draft.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, follow=True)
        second = client.post(url, follow=True)
    assert [str(m) for m in first.context["messages"]] == [
        "Your application has been submitted. By the call's rules it is eligible. Thank you!"
    ]
    assert [str(m) for m in second.context["messages"]] == [
        "This application has already been submitted."
    ]
    assert len(mail.outbox) == 1
    assert 'data-status="submitted"' in second.content.decode()


def test_submit_after_deadline_shows_message(client, complete_draft, applicant):
    import datetime as dt

    from django.utils import timezone

    call = complete_draft.call
    call.opens_at = timezone.now() - dt.timedelta(days=10)
    call.closes_at = timezone.now() - dt.timedelta(days=1)
    call.save()
    client.force_login(applicant)
    response = client.post(reverse("application_submit", args=[complete_draft.pk]), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "has passed" in messages[0]
    complete_draft.refresh_from_db()
    assert complete_draft.status == "draft"


def test_other_users_application_is_404(client, draft):
    client.force_login(UserFactory(email="intruder@example.org"))
    for url in [
        reverse("application_detail", args=[draft.pk]),
        step_url(draft, "organisation"),
        step_url(draft, "review"),
        reverse("application_print", args=[draft.pk]),
        reverse("application_withdraw", args=[draft.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("application_submit", args=[draft.pk])).status_code == 404


def test_unknown_step_is_404(client, draft, applicant):
    client.force_login(applicant)
    assert client.get(step_url(draft, "nonsense")).status_code == 404


def test_missing_csrf_token_is_403(draft, applicant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    response = client.post(step_url(draft, "climate"), {"climate-target_year": "2040"})
    assert response.status_code == 403


def test_review_lists_missing_answers_with_links(client, draft, applicant):
    client.force_login(applicant)
    response = client.get(step_url(draft, "review"))
    body = response.content.decode()
    assert f'href="{step_url(draft, "commitment")}"' in body
    assert "The endorsement letter (PDF)." in body


def test_withdraw_needs_confirmation(client, complete_draft, applicant):
    client.force_login(applicant)
    url = reverse("application_withdraw", args=[complete_draft.pk])
    response = client.post(url, {"reason": "No capacity"})
    assert response.status_code == 200
    complete_draft.refresh_from_db()
    assert complete_draft.status == "draft"
    client.post(url, {"reason": "No capacity", "confirm": "on"})
    complete_draft.refresh_from_db()
    assert complete_draft.status == "withdrawn"


def test_submitted_application_steps_redirect_to_read_only(client, complete_draft, applicant):
    from applications import services

    services.application_submit(application=complete_draft, by=applicant)
    client.force_login(applicant)
    response = client.get(step_url(complete_draft, "climate"))
    assert response["Location"] == reverse("application_detail", args=[complete_draft.pk])
    post = client.post(step_url(complete_draft, "climate"), {"climate-target_year": "2030"})
    assert post.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.target_year == 2050


def test_status_page_shows_dated_history(client, complete_draft, applicant):
    from applications import services

    services.application_submit(application=complete_draft, by=applicant)
    client.force_login(applicant)
    response = client.get(reverse("application_detail", args=[complete_draft.pk]))
    changes = [c.to_status for c in response.context["application"].status_changes.all()]
    assert changes == ["draft", "submitted"]


@pytest.mark.parametrize("n", [1, 3])
def test_review_query_count_does_not_grow(client, draft, applicant, django_assert_num_queries, n):
    fill_application(draft, by=applicant)
    from applications import services

    topics = list(Topic.objects.order_by("pk")[:n])
    services.application_set_learning_needs(
        application=draft,
        rows=[{"topic": t, "more_topics": topics, "text": "x"} for t in topics],
        by=applicant,
    )
    services.application_set_shares(
        application=draft, rows=[{"topic": t, "text": "s"} for t in topics], by=applicant
    )
    cities = list(CallMissionCity.objects.filter(call=draft.call).order_by("pk")[:n])
    services.application_set_preferences(
        application=draft,
        rows=[{"mission_city": c, "reason": "y"} for c in cities],
        by=applicant,
    )
    client.force_login(applicant)
    # With needs, shares and preferences given, each prefetch (with its main topic or city) and
    # the further topics of needs and shares are one query each; the review adds the
    # eligibility registry (2; kept in the cache outside tests), the detail the applicant
    # check of its two permission rules (1, asked once).
    with django_assert_num_queries(12):
        client.get(step_url(draft, "review"))
    with django_assert_num_queries(11):
        client.get(reverse("application_detail", args=[draft.pk]))


@pytest.mark.parametrize(
    "step", ["organisation", "climate", "learning", "sharing", "preferences", "commitment"]
)
def test_every_step_renders(client, complete_draft, applicant, step):
    client.force_login(applicant)
    response = client.get(step_url(complete_draft, step))
    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


def test_optional_sharing_step_is_marked_optional_not_done(client, draft, applicant):
    client.force_login(applicant)
    nav = client.get(step_url(draft, "organisation")).content.decode().split("</nav>")[1]
    sharing = nav.split("What you can share")[1].split("</a>")[0]
    assert "optional" in sharing and "done" not in sharing


def test_overlong_invitation_address_is_a_message(client, draft, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("organisation_invite"), {"email": "a" * 250 + "@example.org"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Enter a valid e-mail address to invite a colleague."
    ]


def test_not_selected_reason_stays_internal(client, complete_draft, applicant):
    services.application_submit(application=complete_draft, by=applicant)
    services.application_set_status(
        application=complete_draft, to="not_selected", by=None, note="SECRET reviewer remark"
    )
    client.force_login(applicant)
    page = client.get(reverse("application_detail", args=[complete_draft.pk])).content.decode()
    assert "Not selected" in page
    assert "SECRET reviewer remark" not in page
    assert (
        complete_draft.status_changes.filter(internal=True, note="SECRET reviewer remark").count()
        == 1
    )


def test_documents_of_ineligible_applications_are_not_shared_with_cities(open_call):
    torino = city(open_call, "Torino")
    host = member("host@torino.example", torino)
    eligible = submitted_application(open_call, "Plymouth", prefs=("Torino",))
    ineligible = submitted_application(open_call, "Portland", country="US", prefs=("Torino",))
    assert ineligible.verdict == "ineligible"
    client = Client()
    client.force_login(host)
    for application, expected in [(eligible, 200), (ineligible, 404)]:
        document = Document.objects.get(application=application)
        response = client.get(reverse("document_download", args=[document.pk]))
        assert response.status_code == expected
        if response.streaming:
            b"".join(response.streaming_content)


def test_a_mission_city_member_cannot_start_a_twin_city_application(client, open_call):
    from applications.models import Organisation

    torino = city(open_call, "Torino")
    anna = member("anna@torino.example", torino)
    client.force_login(anna)

    page = client.get(reverse("apply"))
    posted = client.post(reverse("apply"), {"name": "Torino", "country": "IT"})

    assert (page.status_code, posted.status_code) == (403, 403)
    assert "cannot also apply as a Twin City" in page.content.decode()
    assert not Organisation.objects.exists()


def test_the_service_refuses_a_mission_city_member_too(open_call):
    from django.core.exceptions import ValidationError

    from applications import services

    anna = member("anna@torino.example", city(open_call, "Torino"))
    with pytest.raises(ValidationError, match="cannot apply as a Twin City"):
        services.organisation_start(user=anna, name="Torino", country="IT")
