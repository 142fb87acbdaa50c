"""The fields of the application steps rendered in Python (twinning.fastforms) are the HTML that
crispy-forms' Bootstrap 5 templates render: the same elements, attributes, labels, ids,
aria-describedby, errors and help texts, with and without errors."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django.template import Context, Template
from django.test.html import parse_html

from applications.forms import (
    ActionInterestForm,
    ClimateForm,
    CommitmentForm,
    EligibilityForm,
    InviteForm,
    NeedFormSet,
    OrganisationForm,
    PreferenceFormSet,
    PreferenceRowForm,
    RepresentativeForm,
    RepresentativeFormSet,
    RestoreForm,
    StartForm,
    TopicRowForm,
    WithdrawForm,
    row_formset,
)
from cities.models import CallMissionCity, CityItem, Topic
from twinning.fastforms import render_field, render_form

pytestmark = pytest.mark.django_db


def _step_forms(draft, data):
    """The forms and formsets of the steps, as the step view builds them."""
    call = draft.call
    return [
        OrganisationForm(data, instance=draft, prefix="org"),
        row_formset(RepresentativeForm, RepresentativeFormSet, max_rows=2, prefix="rep", data=data),
        ClimateForm(data, {}, instance=draft, prefix="climate"),
        row_formset(TopicRowForm, NeedFormSet, max_rows=5, prefix="learning", data=data),
        ActionInterestForm(data, call=call, prefix="interest"),
        row_formset(
            PreferenceRowForm,
            PreferenceFormSet,
            max_rows=call.max_preferences,
            prefix="pref",
            data=data,
            call=call,
        ),
        CommitmentForm(data, {}, instance=draft, prefix="commit"),
        # The applicant's other pages and the public self-check
        StartForm(data, prefix="start"),
        EligibilityForm(data, call=call, prefix="check"),
        WithdrawForm(data, prefix="withdraw"),
        RestoreForm(data, prefix="restore"),
        InviteForm(data, prefix="invite"),
    ]


def _forms(obj):
    return obj.forms if hasattr(obj, "forms") else [obj]


def _bad_answers(draft):
    topic = Topic.objects.order_by("pk").first()
    city = CallMissionCity.objects.filter(call=draft.call).order_by("pk").first()
    action = CityItem.objects.filter(participation__call=draft.call, kind="action").first()
    return {
        "org-official_name": "Plymouth <City> Council",
        "org-country": "GB",
        "org-population": "0",
        "org-website": "not a url",
        "rep-TOTAL_FORMS": "2",
        "rep-INITIAL_FORMS": "0",
        "rep-0-name": "Ann",
        "rep-0-email": "not an address",
        "rep-1-role": "Officer",
        "climate-target_year": "2070",
        "climate-plan_year": "2999",
        "climate-climate_plans": ["secap", "nonsense"],
        "learning-TOTAL_FORMS": "5",
        "learning-INITIAL_FORMS": "0",
        "learning-0-topic": str(topic.pk),
        "learning-0-more_topics": [str(topic.pk)],
        "learning-0-text": "Heat & <pumps>",
        "learning-1-text": "No topic",
        "learning-2-topic": str(topic.pk),
        "interest-actions": [str(action.pk), "999999"],
        "pref-TOTAL_FORMS": str(draft.call.max_preferences),
        "pref-INITIAL_FORMS": "0",
        "pref-0-mission_city": str(city.pk),
        "pref-0-reason": "Because",
        "pref-1-mission_city": "999999",
        "pref-2-reason": "A reason without a city",
        "commit-hours_per_month": "-1",
        "commit-site_visits": "maybe",
        "commit-consent_share": "on",
        "start-country": "XX",
        "check-name": "Lecce",
        "check-target_year": "20000000000000000000",
        "withdraw-reason": "x" * 2001,
        "invite-email": "nobody",
    }


@pytest.mark.parametrize("answers", ["empty", "bad"])
def test_fast_fields_render_the_html_crispy_renders(draft, answers):
    data = None if answers == "empty" else _bad_answers(draft)
    ours, theirs = _step_forms(draft, data), _step_forms(draft, data)
    fields = 0
    for fast, slow in zip(ours, theirs, strict=True):
        for fast_form, slow_form in zip(_forms(fast), _forms(slow), strict=True):
            for name in fast_form.fields:
                expected = parse_html(as_crispy_field(slow_form[name]))
                assert parse_html(render_field(fast_form[name])) == expected, name
                fields += 1
    assert fields > 30
    if data:  # the bad answers raise errors in every step's form
        assert all(not f.is_valid() for f in theirs)


def test_fast_form_renders_the_form_as_crispy_does(draft):
    data = _bad_answers(draft)
    for fast, slow in zip(_step_forms(draft, data), _step_forms(draft, data), strict=True):
        for fast_form, slow_form in zip(_forms(fast), _forms(slow), strict=True):
            assert parse_html(render_form(fast_form)) == parse_html(as_crispy_form(slow_form))


@pytest.mark.parametrize("total", ["2", "not a number"])
def test_fast_management_form_renders_as_django_does(draft, total):
    from twinning.fastforms import render_hidden_form

    data = {"rep-TOTAL_FORMS": total, "rep-INITIAL_FORMS": "0"}
    fast = row_formset(RepresentativeForm, RepresentativeFormSet, max_rows=2, prefix="rep")
    slow = row_formset(RepresentativeForm, RepresentativeFormSet, max_rows=2, prefix="rep")
    bound = row_formset(
        RepresentativeForm, RepresentativeFormSet, max_rows=2, prefix="rep", data=data
    )
    bound_again = row_formset(
        RepresentativeForm, RepresentativeFormSet, max_rows=2, prefix="rep", data=data
    )

    expected = parse_html(str(slow.management_form))
    assert parse_html(render_hidden_form(fast.management_form)) == expected
    expected = parse_html(str(bound_again.management_form))
    assert parse_html(render_hidden_form(bound.management_form)) == expected
    assert 'value="2"' in render_hidden_form(fast.management_form)


def test_fast_forms_filters_are_loaded_by_name(draft):
    form = OrganisationForm(None, instance=draft, prefix="org")
    html = Template(
        "{% load fast_forms %}{{ form|fast_crispy }}{{ form.website|fast_crispy_field }}"
    ).render(Context({"form": form}))

    assert html.count('id="div_id_org-website"') == 2
    assert 'aria-describedby="id_org-website_helptext"' in html
