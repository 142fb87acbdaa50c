"""Searches ignore accents both ways (twinning.search), on SQLite and on PostgreSQL: the
lookup itself, the public catalogue, the workspace's applicant search, the admin searches and
their autocompletes."""

import json

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from applications.models import Application, Organisation
from cities.models import CityItem, MissionCity
from tests.builders import member, submitted_application
from tests.factories import OrganisationFactory
from twinning.text import search_key

pytestmark = pytest.mark.django_db


def names(queryset, field="name"):
    return sorted(queryset.values_list(field, flat=True))


@pytest.mark.parametrize(
    ("text", "key"),
    [("Umeå", "umea"), ("ŽILINA", "zilina"), ("Łódź", "lodz"), ("Straße", "strasse"), (None, None)],
)
def test_search_key_strips_accents_and_case(text, key):
    assert search_key(text) == key


@pytest.mark.parametrize("term", ["Umea", "umeå", "UMEÅ", "meå"])
def test_icontains_finds_accented_text_with_or_without_accents(term):
    assert names(MissionCity.objects.filter(name__icontains=term)) == ["Umeå"]


@pytest.mark.parametrize("term", ["Žilina", "zilina", "ŽILINA", "Žil"])
def test_icontains_finds_text_typed_without_accents_with_or_without_accents(term):
    OrganisationFactory(name="City of Zilina")
    OrganisationFactory(name="Zlín")

    assert names(Organisation.objects.filter(name__icontains=term)) == ["City of Zilina"]


def test_icontains_folds_letters_unicode_does_not_decompose():
    assert names(MissionCity.objects.filter(name__icontains="Lodz")) == ["Łódź"]


@pytest.mark.parametrize(("term", "found"), [("100%", ["100% renewable"]), ("a_b", ["a_b"])])
def test_icontains_still_escapes_like_wildcards(term, found):
    for name in ["100% renewable", "1000 homes", "a_b", "axb"]:
        OrganisationFactory(name=name)

    assert names(Organisation.objects.filter(name__icontains=term)) == found


def test_icontains_on_a_text_field_folds_too():
    item = CityItem.objects.filter(description__icontains="Umea").first()
    assert item is not None
    assert "Umeå" in item.description


def test_the_fold_is_done_by_the_database_on_both_sides():
    sql, params = Organisation.objects.filter(name__icontains="Umeå").query.sql_with_params()
    function = "UNACCENT" if connection.vendor == "postgresql" else "twinning_fold"
    assert sql.count(f"{function}(") == 2
    assert params == ("Umeå",)


# Pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["Umea", "umeå"])
def test_catalogue_search_folds_accents(client, term):
    response = client.get(reverse("catalogue"), {"q": term})

    assert [c.display_name for c in response.context["cities"]] == ["Umeå"]


@pytest.mark.parametrize(("term", "found"), [("Gräz", ["Graz"]), ("plzen", ["Plzeň"])])
def test_workspace_applicant_search_folds_accents(client, open_call, torino, term, found):
    submitted_application(open_call, "Graz", country="AT", prefs=("Torino",))
    submitted_application(open_call, "Plzeň", country="CZ", prefs=("Torino",))
    submitted_application(open_call, "Girona", country="ES", prefs=("Torino",))
    client.force_login(member("member@torino.example", torino))

    response = client.get(reverse("workspace_city", args=[torino.mission_city.slug]), {"q": term})

    assert [a.official_name for a in response.context["ranked_rows"]] == found
    assert response.context["filtered"] is True


@pytest.mark.parametrize(("term", "found"), [("Zilina", ["Žilina"]), ("Plzen", ["Plzeň"])])
def test_admin_application_search_folds_accents(client, open_call, superuser, term, found):
    for name, country in [("Žilina", "SK"), ("Plzeň", "CZ"), ("Girona", "ES")]:
        submitted_application(open_call, name, country=country)
    client.force_login(superuser)

    response = client.get(reverse("admin:applications_application_changelist"), {"q": term})

    assert [a.official_name for a in response.context["cl"].result_list] == found


def test_admin_organisation_search_finds_accented_names_typed_plainly(client, superuser):
    OrganisationFactory(name="Município de Évora")
    OrganisationFactory(name="Eindhoven")
    client.force_login(superuser)

    response = client.get(reverse("admin:applications_organisation_changelist"), {"q": "evora"})

    assert [o.name for o in response.context["cl"].result_list] == ["Município de Évora"]


def test_admin_autocomplete_folds_accents(client, superuser):
    client.force_login(superuser)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "cities",
            "model_name": "callmissioncity",
            "field_name": "mission_city",
            "term": "lodz",
        },
    )

    assert [r["text"] for r in json.loads(response.content)["results"]] == ["Łódź"]


def test_every_admin_search_folds_accents(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    function = "UNACCENT(" if connection.vendor == "postgresql" else "twinning_fold("
    plain = []
    for model, model_admin in admin.site._registry.items():
        fields = model_admin.get_search_fields(request)
        if not fields:
            continue
        assert [f for f in fields if f[0] in "^=@"] == [], model
        queryset, _ = model_admin.get_search_results(
            request, model_admin.get_queryset(request), "Zilina"
        )
        if function not in str(queryset.query):
            plain.append(model.__name__)
    assert plain == []


def test_application_search_is_the_same_on_the_model(open_call):
    submitted_application(open_call, "Žilina", country="SK")
    assert names(
        Application.objects.filter(official_name__icontains="zilina"), "official_name"
    ) == ["Žilina"]
