"""The review page in the admin: what each score 0–5 means beside the scores, and the
application's answers on the same page as the score form."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import ReviewCriterion
from applications.reviews import services as review_services
from tests.builders import submitted_application

pytestmark = pytest.mark.django_db

GENERAL = [
    "0 — Not shown at all",
    "1 — Very weak: mentioned, nothing concrete",
    "2 — Weak: some elements, with major gaps",
    "3 — Adequate: the essentials, with some gaps",
    "4 — Strong: clear and concrete, minor gaps only",
    "5 — Excellent: clear, concrete and convincing throughout",
]


def review_page(client, user, application):
    client.force_login(user)
    response = client.get(reverse("admin:applications_application_review", args=[application.pk]))
    return response, " ".join(response.content.decode().split())


def test_each_score_has_its_meaning_beside_it(client, open_call, superuser):
    application = submitted_application(open_call, "Plymouth")
    criteria = review_services.review_setup(call=open_call)
    own = criteria[0]
    own.levels = ["None", "Hint", "Some", "Fair", "Good", "Model"]
    own.save()

    response, html = review_page(client, superuser, application)

    form = response.context["form"]
    assert [label for _v, label in form.fields[f"c{own.pk}"].choices] == [
        "0 — None",
        "1 — Hint",
        "2 — Some",
        "3 — Fair",
        "4 — Good",
        "5 — Model",
    ]
    for criterion in criteria[1:]:
        assert [label for _v, label in form.fields[f"c{criterion.pk}"].choices] == GENERAL
    assert html.count("4 — Strong: clear and concrete, minor gaps only") == len(criteria) - 1


def test_the_answers_are_on_the_review_page(client, open_call, superuser):
    application = submitted_application(open_call, "Plymouth", needs=("energy-systems",))

    _response, html = review_page(client, superuser, application)

    assert "The application's answers" in html
    assert re.search(r"3\. Learning needs", html)
    assert "Learn energy-systems" in html
    assert html.index("Save the review") < html.index("The application's answers")


@pytest.mark.parametrize(
    "levels", [["a"] * 5, ["a", "b", "c", "d", "e", " "], "0 to 5", [1, 2, 3, 4, 5, 6]]
)
def test_a_criterion_has_six_descriptions_or_none(open_call, levels):
    criterion = review_services.review_setup(call=open_call)[0]
    criterion.levels = levels

    with pytest.raises(ValidationError) as invalid:
        criterion.full_clean()

    assert invalid.value.message_dict == {
        "levels": ["Give six descriptions, one for each score from 0 to 5, or none."]
    }


def test_a_criterion_without_descriptions_uses_the_general_scale(open_call):
    criterion = review_services.review_setup(call=open_call)[0]
    criterion.full_clean()
    assert [f"{i} — {d}" for i, d in enumerate(criterion.level_descriptions)] == GENERAL
    assert ReviewCriterion.objects.filter(levels=[]).count() == 4
