"""The fast select widgets render the same HTML as Django's template-rendered ones."""

import pytest
from django import forms
from django.test.html import parse_html

from twinning.widgets import FastSelect, FastSelectMultiple

CHOICES = [
    ("", "---------"),
    ("1", "Energy & <heat>"),
    ("2", 'Mobility "first"'),
    ("Later", [("3", "Water"), ("4", "Waste")]),
    ("2", "Mobility again"),
]


@pytest.mark.parametrize(
    ("fast", "django_widget", "value"),
    [
        (FastSelect, forms.Select, None),
        (FastSelect, forms.Select, "2"),
        (FastSelect, forms.Select, "4"),
        (FastSelectMultiple, forms.SelectMultiple, ["1", "3", "2"]),
        (FastSelectMultiple, forms.SelectMultiple, []),
    ],
)
def test_fast_select_renders_as_django_does(fast, django_widget, value):
    attrs = {"id": "id_topic", "required": True, "aria-describedby": "x <y>"}
    ours = fast(choices=CHOICES, attrs={"size": 6}).render("topic", value, attrs)
    theirs = django_widget(choices=CHOICES, attrs={"size": 6}).render("topic", value, attrs)
    assert parse_html(ours) == parse_html(theirs)
    assert ours.count(" selected") == theirs.count(" selected")


@pytest.mark.parametrize(
    ("fast", "django_widget", "value"),
    [
        (FastSelect, forms.Select, "2"),
        (FastSelect, forms.Select, None),
        (FastSelectMultiple, forms.SelectMultiple, ["1", "2"]),
    ],
)
def test_fast_select_of_kept_choices_renders_as_django_does(fast, django_widget, value):
    from twinning.widgets import KeptChoices

    flat = [("", "---------"), ("1", "Energy & <heat>"), ("2", 'Mobility "first"'), ("2", "Again")]
    kept = KeptChoices(flat)
    for _row in range(2):  # the second row uses what the first escaped
        ours = fast(choices=kept).render("topic", value, {"id": "id_topic"})
        theirs = django_widget(choices=flat).render("topic", value, {"id": "id_topic"})
        assert parse_html(ours) == parse_html(theirs)
        assert ours.count(" selected") == theirs.count(" selected")


def test_model_choices_shared_by_the_rows_of_a_formset_are_queried_once(
    db, django_assert_num_queries
):
    from applications.forms import NeedFormSet, TopicRowForm, row_formset
    from cities.models import Topic
    from tests.factories import TopicFactory

    TopicFactory.create_batch(3)
    topics = Topic.objects.count()
    formset = row_formset(TopicRowForm, NeedFormSet, max_rows=5, prefix="needs")
    with django_assert_num_queries(0):
        html = str(formset)
    # Each row: the topics and an empty option in its select, the topics in its multiple one.
    assert html.count("<option") == 5 * (topics + 1 + topics)
