import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from cities.models import Call, CallMissionCity, CityItem, EligibleCountry, MissionCity, Topic
from cities.services import DATA_DIR, call_data_load, reference_data_load

pytestmark = pytest.mark.django_db

# The call page's cards, counted by hand from the page (bullets per group); see cities/data/
# call_2025.json "_notes" for the judgement calls where the page lost its headings.
EXPECTED_COUNTS = {
    "Aachen": (3, 3, 3),
    "Bristol": (3, 3, 3),
    "2nd District of Bucharest Municipality": (3, 3, 3),
    "Eindhoven & Helmond": (3, 2, 2),
    "Elbasan": (3, 3, 5),
    "Gabrovo": (3, 3, 5),
    "Ioannina": (3, 3, 3),
    "Kozani": (2, 2, 2),
    "Liberec": (3, 3, 4),
    "Padova": (3, 3, 4),
    "Reykjavík": (2, 2, 2),
    "Sarajevo": (3, 3, 3),
    "Sofia": (2, 3, 5),
    "Stockholm": (3, 3, 3),
    "Torino": (2, 4, 3),
    "Umeå": (3, 3, 3),
}


def test_registry_has_112_mission_cities_in_35_countries():
    assert MissionCity.objects.count() == 112
    assert len({m.country.code for m in MissionCity.objects.all()}) == 35


def test_registry_keeps_aliases():
    torino = MissionCity.objects.get(name="Torino")
    assert torino.aliases == ["Turin"]
    assert torino.slug == "torino"
    assert MissionCity.objects.get(name="Łódź").slug == "lodz"


def test_eligible_countries_are_27_members_and_22_associated():
    counts = Counter(EligibleCountry.objects.values_list("status", flat=True))
    assert counts == {"eu_member": 27, "horizon_associated": 22}
    assert str(EligibleCountry.objects.get(country="KR").effective_from) == "2025-01-01"


def test_topic_vocabulary_has_three_axes_and_practices_under_them():
    counts = Counter(Topic.objects.values_list("axis", flat=True))
    assert counts == {"field": 7, "lever": 6, "theme": 6, "practice": 38}
    practices = Topic.objects.filter(axis="practice").select_related("parent")
    assert all(p.parent.axis != "practice" and p.description for p in practices)
    heating = Topic.objects.get(slug="district-heating-waste-heat")
    assert (heating.parent.slug, heating.scoring_axis) == ("energy-systems", "field")


def _tags(city, title_start):
    item = CityItem.objects.get(
        participation__call__slug="2025",
        participation__display_name=city,
        title__startswith=title_start,
    )
    return item.kind, set(item.topics.values_list("slug", flat=True))


def test_call_2025_tagging_errors_of_issue_9_are_fixed():
    kind, tags = _tags("Stockholm", "District heating with bio energy")
    assert {"carbon-removals", "district-heating-waste-heat", "energy-systems"} <= tags
    assert "scope3-consumption-emissions" not in tags
    kind, tags = _tags("Kozani", "Removal of the remaining")
    assert "carbon-removals" in tags and "scope3-consumption-emissions" not in tags
    kind, tags = _tags("Padova", "Publicly-led One Stop Shop")
    assert {"renovation-one-stop-shops", "finance-funding"} <= tags
    kind, tags = _tags("Kozani", "Strategic interventions")
    assert {"governance-policy", "energy-systems", "mobility-transport"} <= tags
    assert len(tags) > 4
    assert CityItem.objects.filter(
        kind="action", topics__slug="advocacy-multilevel-governance"
    ).exists()
    kind, tags = _tags("Eindhoven-Helmond", "‘Value-based building’")
    assert kind == "action"


def test_practices_imply_their_parent_on_call_items():
    _kind, tags = _tags("Umeå", "District heating and recovered heat")
    assert {"district-heating-waste-heat", "energy-systems", "industrial-symbiosis"} <= tags
    assert "industry-ippu" in tags


def test_call_2025_window_in_brussels_time():
    call = Call.objects.get(slug="2025")
    assert call.opens_at.isoformat() == "2025-06-02T22:00:00+00:00"
    assert call.closes_at.isoformat() == "2025-09-12T15:00:00+00:00"  # 17:00 CEST
    assert (call.programme_start.isoformat(), call.programme_months) == ("2025-11-01", 12)


def test_call_2025_has_16_profiles_with_the_page_counts():
    call = Call.objects.get(slug="2025")
    counts = {}
    for p in CallMissionCity.objects.filter(call=call).select_related("mission_city"):
        kinds = Counter(p.items.values_list("kind", flat=True))
        counts[p.mission_city.name] = (kinds["action"], kinds["challenge"], kinds["benefit"])
    assert counts == EXPECTED_COUNTS
    assert set(CallMissionCity.objects.filter(call=call).values_list("capacity", flat=True)) == {2}


def test_every_bullet_of_the_page_is_an_item_or_a_motivation_line():
    text = (Path(__file__).resolve().parents[2] / "cities/data/call_2025.json").read_text()
    data = json.loads(text)
    total_items = sum(len(c["items"]) for c in data["mission_cities"])
    motivation_bullets = sum(
        len(re.findall(r"^- ", c["motivation"], re.M)) for c in data["mission_cities"]
    )
    assert (total_items, motivation_bullets) == (143, 13)
    assert CityItem.objects.filter(participation__call__slug="2025").count() == 143


def test_every_item_is_tagged():
    untagged = CityItem.objects.filter(participation__call__slug="2025", topics__isnull=True)
    assert list(untagged) == []


def test_torino_splits_challenges_under_two_headings():
    items = CityItem.objects.filter(
        participation__call__slug="2025", participation__mission_city__name="Torino"
    )
    groups = list(items.filter(kind="challenge").values_list("group", flat=True))
    assert groups == ["Renewable Energy Communities"] * 3 + ["Sustainable Mobility"]
    first = items.get(position=0)
    assert (first.title, first.kind) == ("Renewable Energy Communities (RECs)", "action")
    assert first.description.startswith("Creation and delivery of tools")


def test_loading_twice_changes_nothing():
    before = {
        "items": list(CityItem.objects.order_by("pk").values_list("pk", "title")),
        "cities": list(MissionCity.objects.order_by("pk").values_list("pk", "name", "aliases")),
    }
    report = reference_data_load()
    _call, call_report = call_data_load(path=DATA_DIR / "call_2025.json")
    assert (report.changed, call_report.changed) == (False, False)
    assert before == {
        "items": list(CityItem.objects.order_by("pk").values_list("pk", "title")),
        "cities": list(MissionCity.objects.order_by("pk").values_list("pk", "name", "aliases")),
    }


def test_reload_keeps_capacity_edited_by_staff():
    p = CallMissionCity.objects.get(call__slug="2025", mission_city__name="Sofia")
    p.capacity = 3
    p.save()
    call_command("load_call_data", stdout=None)
    p.refresh_from_db()
    assert p.capacity == 3


def test_load_call_data_command_reports_nothing_changed(capsys):
    call_command("load_call_data")
    assert capsys.readouterr().out == "Call 2025: nothing changed\n"
