"""`manage.py import_applications`: staff import of applications gathered elsewhere (issue 9)."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from applications.models import (
    Application,
    LearningNeed,
    Organisation,
    OrganisationMember,
    Preference,
    Representative,
    ShareOffer,
    StatusChange,
)
from audit.models import AuditEntry
from cities.models import CityItem, Topic
from tests.factories import UserFactory
from users.models import User

GOLD = Path(__file__).resolve().parents[2] / "benchmarks" / "gold" / "applications.json"
MODELS = [
    Application,
    Organisation,
    OrganisationMember,
    User,
    Representative,
    LearningNeed,
    ShareOffer,
    Preference,
    StatusChange,
]


def _row(name="Stadt Graz", email="martin.hofer@example.org", **overrides):
    row = {
        "organisation": name,
        "country": "AT",
        "authority_type": "municipality",
        "population": 300000,
        "target_year": 2040,
        "climate_plan": {
            "title": "Klimaschutzplan",
            "year": 2022,
            "url": "https://www.graz.at/",
        },
        "contact": {
            "name": "Martin Hofer",
            "email": email,
            "role": "Climate officer",
            "english_level": "B2",
        },
        "needs": [
            {"text": "Green tenders", "topics": ["public-procurement"], "actions": []},
            {"text": "Departments", "topics": ["governance-policy"], "actions": []},
        ],
        "shares": [{"text": "Climate check", "topics": ["governance-policy"]}],
        "preferences": [{"mission_city": "Aachen", "reason": "Procurement toolkit"}],
        "hours_per_month": 20,
        "site_visits": True,
    }
    row.update(overrides)
    return row


def _import(tmp_path, rows, *args, name="apps.json"):
    path = tmp_path / name
    path.write_text(json.dumps(rows), encoding="utf-8")
    out = io.StringIO()
    call_command("import_applications", str(path), "--call", "2025", *args, stdout=out)
    return out.getvalue()


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def _failure(tmp_path, rows):
    before = _counts()
    with pytest.raises(CommandError) as excinfo:
        _import(tmp_path, rows)
    assert _counts() == before
    return str(excinfo.value)


@pytest.mark.django_db
def test_import_submits_on_the_closed_2025_call_through_the_services(call_data, tmp_path):
    assert not call_data.is_open()

    out = _import(tmp_path, [_row()])

    application = Application.objects.get(call=call_data)
    assert out == (
        "index 0 Stadt Graz: imported (verdict eligible)\n1 imported, 0 unchanged into call 2025.\n"
    )
    assert (application.status, application.verdict) == ("submitted", "eligible")
    assert application.submitted_at is not None
    assert (application.official_name, application.country.code) == ("Stadt Graz", "AT")
    assert (application.population, application.target_year, application.plan_year) == (
        300000,
        2040,
        2022,
    )
    assert (application.site_visits, application.hours_per_month) == ("yes", 20)
    assert [(n.topic.slug, n.text) for n in application.learning_needs.all()] == [
        ("public-procurement", "Green tenders"),
        ("governance-policy", "Departments"),
    ]
    assert [(s.topic.slug, s.text) for s in application.shares.all()] == [
        ("governance-policy", "Climate check")
    ]
    assert [(p.rank, p.mission_city.display_name) for p in application.preferences.all()] == [
        (1, "Aachen")
    ]
    assert [
        (r.name, r.email, r.role, r.english_level) for r in application.representatives.all()
    ] == [("Martin Hofer", "martin.hofer@example.org", "Climate officer", "B2")]
    member = OrganisationMember.objects.get(organisation=application.organisation)
    assert (member.user.email, member.role, member.user.has_usable_password()) == (
        "martin.hofer@example.org",
        "owner",
        False,
    )
    assert [
        (c.from_status, c.to_status, c.note) for c in application.status_changes.order_by("pk")
    ] == [
        ("", "draft", ""),
        (
            "draft",
            "submitted",
            "Imported by staff from apps.json. Missing on import: the endorsement letter.",
        ),
    ]
    assert list(
        AuditEntry.objects.filter(action="application.import").values_list("note", "data")
    ) == [("apps.json", {"source": "apps.json", "index": 0})]


@pytest.mark.django_db
def test_import_judges_eligibility_like_the_web_form(call_data, tmp_path):
    rows = [
        _row(),
        _row(name="Kyoto", email="kyoto@example.org", country="JP"),
        _row(name="Torino", email="torino@example.org", country="IT"),
        _row(name="Bratislava-Petržalka", email="petrzalka@example.org", country="SK"),
    ]

    _import(tmp_path, rows)

    assert dict(Application.objects.values_list("official_name", "verdict")) == {
        "Stadt Graz": "eligible",
        "Kyoto": "ineligible",
        "Torino": "ineligible",
        "Bratislava-Petržalka": "needs_review",
    }


@pytest.mark.django_db
def test_import_bad_row_names_index_and_field_and_writes_nothing(call_data, tmp_path):
    bad = _row(name="Stadt Linz", email="linz@example.org")
    bad["needs"][1]["topics"] = ["governance-policy", "no-such-topic"]
    bad["contact"]["english_level"] = "fluent"
    rows = [_row(), bad, _row(name="Oulun kaupunki", email="oulu@example.org", population=0)]

    message = _failure(tmp_path, rows)

    assert message == (
        "3 error(s), nothing imported:\n"
        "  index 1 (Stadt Linz), contact.english_level: must be one of A2, B1, B2, C1, C2\n"
        "  index 1 (Stadt Linz), needs[1].topics[1]: unknown topic 'no-such-topic'\n"
        "  index 2 (Oulun kaupunki), population: must be between 1 and 50000000"
    )


@pytest.mark.django_db
def test_import_reports_every_kind_of_bad_field(call_data, tmp_path):
    row = _row(
        country="XX",
        authority_type="village",
        target_year=1980,
        site_visits="maybe",
        hours_per_month=500,
        needs=[],
        preferences=[
            {"mission_city": city, "reason": "a"}
            for city in ["Aachen", "Bristol", "Sofia", "Torino"]
        ],
    )
    row["climate_plan"]["url"] = "not a url"

    message = _failure(tmp_path, [row, "not an object"])

    assert message.splitlines() == [
        "9 error(s), nothing imported:",
        "  index 0 (Stadt Graz), country: 'XX' is not an ISO 3166 country code",
        "  index 0 (Stadt Graz), authority_type: must be one of municipality, "
        "metropolitan_area, district, other_public_administration",
        "  index 0 (Stadt Graz), target_year: 1980 is not a plausible target year: enter a "
        "year between 2025 and 2100.",
        "  index 0 (Stadt Graz), climate_plan.url: 'not a url' is not a web address",
        "  index 0 (Stadt Graz), needs: needs at least one entry",
        "  index 0 (Stadt Graz), preferences: has 4 entries; at most 3 are allowed",
        "  index 0 (Stadt Graz), hours_per_month: must be between 0 and 400",
        "  index 0 (Stadt Graz), site_visits: must be true or false",
        "  index 1, (row): must be an object",
    ]


@pytest.mark.django_db
def test_import_dry_run_writes_nothing(call_data, tmp_path):
    before = _counts()

    out = _import(
        tmp_path, [_row(), _row(name="Oulun kaupunki", email="o@example.org")], "--dry-run"
    )

    assert _counts() == before
    assert out.splitlines()[-1] == (
        "Dry run, nothing written: 2 imported, 0 unchanged into call 2025."
    )


@pytest.mark.django_db
def test_import_twice_changes_nothing(call_data, tmp_path):
    rows = [_row(), _row(name="Oulun kaupunki", email="oulu@example.org", country="FI")]
    _import(tmp_path, rows)
    before = _counts()
    stamps = list(Application.objects.order_by("pk").values_list("pk", "updated_at"))

    out = _import(tmp_path, rows)

    assert _counts() == before
    assert list(Application.objects.order_by("pk").values_list("pk", "updated_at")) == stamps
    assert out.splitlines() == [
        "index 0 Stadt Graz: already there, unchanged (verdict eligible)",
        "index 1 Oulun kaupunki: already there, unchanged (verdict eligible)",
        "0 imported, 2 unchanged into call 2025.",
    ]


@pytest.mark.django_db
def test_import_mission_city_names_need_no_accents(call_data, tmp_path):
    row = _row(
        preferences=[
            {"mission_city": "Umea", "reason": "a"},
            {"mission_city": "reykjavík", "reason": "b"},
            {"mission_city": "Eindhoven & Helmond", "reason": "c"},
        ]
    )

    _import(tmp_path, [row])

    assert [
        (p.rank, p.mission_city.display_name, p.reason) for p in Preference.objects.order_by("rank")
    ] == [(1, "Umeå", "a"), (2, "Reykjavik", "b"), (3, "Eindhoven-Helmond", "c")]


@pytest.mark.django_db
def test_import_unknown_or_repeated_mission_city_is_an_error(call_data, tmp_path):
    row = _row(
        preferences=[
            {"mission_city": "Atlantis", "reason": "a"},
            {"mission_city": "Aachen", "reason": "b"},
            {"mission_city": "AACHEN", "reason": "c"},
        ]
    )
    lisbon = _row(name="Stadt Linz", email="linz@example.org")
    lisbon["preferences"] = [{"mission_city": "Lisbon", "reason": "a Mission City, not in 2025"}]

    message = _failure(tmp_path, [row, lisbon])

    assert message.splitlines()[1:] == [
        "  index 0 (Stadt Graz), preferences[0].mission_city: 'Atlantis' is not a Mission City "
        "of this call",
        "  index 0 (Stadt Graz), preferences[2].mission_city: Aachen is ranked twice",
        "  index 1 (Stadt Linz), preferences[0].mission_city: 'Lisbon' is not a Mission City "
        "of this call",
    ]


@pytest.mark.django_db
def test_import_without_preferences_is_submitted(call_data, tmp_path):
    _import(tmp_path, [_row(preferences=[])])

    application = Application.objects.get()
    assert (application.status, application.preferences.count()) == ("submitted", 0)


@pytest.mark.django_db
def test_import_accepts_any_topic_of_the_vocabulary(call_data, tmp_path):
    Topic.objects.create(slug="test-only-heat", name="Test heat", axis="field")
    row = _row(needs=[{"text": "Waste heat", "topics": ["test-only-heat"]}])

    _import(tmp_path, [row])

    assert list(LearningNeed.objects.values_list("topic__slug", flat=True)) == ["test-only-heat"]


@pytest.mark.django_db
def test_import_action_references_are_checked(call_data, tmp_path):
    bioccs = CityItem.objects.get(
        participation__call=call_data, kind="action", title__startswith="District heating with bio"
    )
    row = _row()
    row["needs"][0]["actions"] = [
        bioccs.pk,
        {"mission_city": "Umea", "title": "District heating and recovered heat"},
        "Stockholm / city environment zones",
    ]
    good = _row(name="Stadt Linz", email="linz@example.org")
    good["needs"][0]["actions"] = ["Stockholm / District heating"]
    bad = _row(name="Oulun kaupunki", email="oulu@example.org")
    bad["needs"][0]["actions"] = [
        999999,
        "Stockholm / Advocacy work",  # a challenge, not an offered action
        "Atlantis / Anything",
        "Aachen",
    ]

    _import(tmp_path, [row, good], "--dry-run")
    message = _failure(tmp_path, [bad])

    assert message.splitlines()[1:] == [
        "  index 0 (Oulun kaupunki), needs[0].actions[0]: no action with id 999999 is offered "
        "in this call",
        "  index 0 (Oulun kaupunki), needs[0].actions[1]: Stockholm offers no action titled "
        "'Advocacy work'",
        "  index 0 (Oulun kaupunki), needs[0].actions[2]: 'Atlantis' is not a Mission City of "
        "this call",
        '  index 0 (Oulun kaupunki), needs[0].actions[3]: give an id, {"mission_city": …, '
        '"title": …} or "Mission City / title"',
    ]


@pytest.mark.django_db
def test_import_contact_of_another_organisation_is_an_error(call_data, tmp_path):
    other = Organisation.objects.create(name="Comune di Lecce", country="IT")
    OrganisationMember.objects.create(
        organisation=other, user=UserFactory(email="martin.hofer@example.org"), role="owner"
    )
    twice = [
        _row(name="Stadt Linz", email="x@example.org"),
        _row(name="Stadt Wels", email="X@example.org"),
    ]

    message = _failure(tmp_path, [_row(), *twice])

    assert message.splitlines()[1:] == [
        "  index 2 (Stadt Wels), contact.email: is also the contact of index 1; a person belongs "
        "to one organisation",
        "  index 0 (Stadt Graz), contact.email: already belongs to another applicant organisation",
    ]


@pytest.mark.django_db
def test_import_unknown_call_or_file(call_data, tmp_path):
    with pytest.raises(CommandError, match="No call with the slug 'nope'"):
        call_command("import_applications", str(GOLD), "--call", "nope")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_applications", str(tmp_path / "none.json"), "--call", "2025")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="is not a JSON file"):
        call_command("import_applications", str(tmp_path / "bad.json"), "--call", "2025")


@pytest.mark.slow
@pytest.mark.django_db
def test_import_gold_set_imports_every_application(call_data):
    out = io.StringIO()

    call_command("import_applications", str(GOLD), "--call", "2025", stdout=out)

    assert out.getvalue().splitlines()[-1] == "34 imported, 0 unchanged into call 2025."
    assert list(
        Application.objects.filter(call=call_data)
        .values_list("status", "verdict")
        .order_by()
        .distinct()
    ) == [("submitted", "eligible")]


@pytest.mark.django_db
def test_import_keeps_every_topic_of_a_need(call_data, tmp_path):
    row = _row(
        needs=[
            {"text": "a", "topics": ["democracy-participation", "governance-policy"]},
            {"text": "b", "topics": ["democracy-participation"]},
        ]
    )

    _import(tmp_path, [row])

    assert [
        [t.slug for t in need.all_topics()] for need in LearningNeed.objects.order_by("position")
    ] == [["democracy-participation", "governance-policy"], ["democracy-participation"]]


@pytest.mark.django_db
def test_import_stores_the_actions_of_interest(call_data, tmp_path):
    row = _row()
    row["needs"][0]["actions"] = ["Stockholm / District heating", "Umea / District heating"]
    row["needs"][1]["actions"] = ["Stockholm / District heating"]

    _import(tmp_path, [row])

    application = Application.objects.get()
    assert sorted(
        application.action_interests.values_list("action__participation__display_name", flat=True)
    ) == ["Stockholm", "Umeå"]


@pytest.mark.django_db
def test_import_needs_may_share_a_main_topic(call_data, tmp_path):
    """Two needs (and a share) whose first topic is the same are imported as they are: each
    keeps all its topics, the first as its main one."""
    needs = [
        {"text": "Heat networks", "topics": ["energy-systems", "finance-funding"]},
        {"text": "Solar on schools", "topics": ["energy-systems"]},
    ]
    shares = [
        {"text": "Retrofit", "topics": ["energy-systems", "built-environment"]},
        {"text": "Metering", "topics": ["energy-systems"]},
    ]

    _import(tmp_path, [_row(needs=needs, shares=shares)])

    application = Application.objects.get(call=call_data)
    assert [
        (n.text, [t.slug for t in n.all_topics()])
        for n in application.learning_needs.prefetch_related("more_topics")
    ] == [
        ("Heat networks", ["energy-systems", "finance-funding"]),
        ("Solar on schools", ["energy-systems"]),
    ]
    assert [
        (s.text, [t.slug for t in s.all_topics()])
        for s in application.shares.prefetch_related("more_topics")
    ] == [
        ("Retrofit", ["energy-systems", "built-environment"]),
        ("Metering", ["energy-systems"]),
    ]
