"""The application's steps mark the answers needed to submit (the `required` attribute screen
readers announce, a visible marker and its legend), and show every formset error in one submit,
summarised at the top with links to the fields."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from cities.models import CallMissionCity, Topic

pytestmark = pytest.mark.django_db


class Required(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        field = tag in ("input", "select", "textarea") and "required" in attrs
        if field and attrs["name"] not in self.names:
            self.names.append(attrs["name"])


def required_names(html):
    parser = Required()
    parser.feed(html)
    return parser.names


def step_url(application, step):
    return reverse("application_step", args=[application.pk, step])


def management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": str(total),
    }


@pytest.mark.parametrize(
    ("step", "names"),
    [
        (
            "organisation",
            [
                "org-official_name",
                "org-country",
                "org-authority_type",
                "org-population",
                "rep-0-name",
                "rep-0-role",
                "rep-0-email",
                "rep-0-english_level",
            ],
        ),
        ("climate", ["climate-target_year", "climate-plan_title", "climate-plan_year"]),
        ("learning", ["learning-0-topic", "learning-0-text"]),
        ("sharing", []),
        ("preferences", ["pref-0-mission_city", "pref-0-reason"]),
        (
            "commitment",
            [
                "commit-hours_per_month",
                "commit-site_visits",
                "commit-consent_share",
                "commit-consent_privacy",
                "commit-endorsement_pdf",
            ],
        ),
    ],
)
def test_each_step_marks_the_answers_needed_to_submit(client, draft, applicant, step, names):
    client.force_login(applicant)

    html = client.get(step_url(draft, step)).content.decode()

    assert required_names(html) == names
    assert "novalidate" in html  # a draft is saved without them
    assert "data-required-legend" in html
    assert 'Answers marked <span class="asteriskField">*</span> are needed' in " ".join(
        html.split()
    )
    # one visible marker per marked label (a radio group and its options share one label)
    assert html.count('class="asteriskField"') == 1 + len(names)


def test_learning_step_shows_every_row_error_and_the_duplicate_at_once(client, draft, applicant):
    energy = Topic.objects.get(slug="energy-systems")
    client.force_login(applicant)
    data = {
        **management("learning", 3),
        "learning-0-text": "District heating",  # a text without its topic
        "learning-1-topic": energy.pk,
        "learning-1-text": "Energy communities",
        "learning-2-topic": energy.pk,  # the same topic again
        "learning-2-text": "Public lighting",
        "save": "",
    }

    response = client.post(step_url(draft, "learning"), data)

    assert response.status_code == 200
    assert response.context["errors"] == [
        ("id_learning-0-topic", "Learning need 1 — Topic: Choose the topic this text is about."),
        (
            "id_learning-2-topic",
            "Learning need 3 — Topic: You chose this topic twice; choose each topic once.",
        ),
    ]
    html = response.content.decode()
    assert 'href="#id_learning-0-topic"' in html
    assert 'href="#id_learning-2-topic"' in html
    assert draft.learning_needs.count() == 0


def test_preferences_step_shows_the_gap_and_the_rows_errors_at_once(client, draft, applicant):
    sofia = CallMissionCity.objects.get(call=draft.call, mission_city__name="Sofia")
    client.force_login(applicant)
    data = {
        **management("pref", 3),
        "pref-1-mission_city": sofia.pk,  # rank 1 left empty
        "pref-1-reason": "Its heat pumps",
        "pref-2-reason": "A reason without a city",
        "save": "",
    }

    response = client.post(step_url(draft, "preferences"), data)

    assert [message for _anchor, message in response.context["errors"]] == [
        "Fill the ranks in order: leave no empty rank above a chosen city.",
        "Choice 3 — Mission City: Choose the Mission City this reason is for.",
    ]
    assert draft.preferences.count() == 0


def test_the_error_summary_names_a_marked_field_without_its_marker(client, draft, applicant):
    client.force_login(applicant)
    data = {
        "org-official_name": "Plymouth",
        "org-population": "-5",
        **management("rep", 2),
        "save": "",
    }

    response = client.post(step_url(draft, "organisation"), data)

    assert response.context["errors"] == [
        (
            "id_org-population",
            "Population: Enter the number of inhabitants, a whole number above 0.",
        )
    ]
