"""Each score component and the reasons of a pair, with exact expected values."""

import math

import pytest

from matching.engine import Applicant, Host, Need, Offer, Share, Weights
from matching.engine.scoring import Scorer, item_overlap, ordinal, rank_value

AXIS = {
    "energy-systems": "field",
    "built-environment": "field",
    "mobility-transport": "field",
    "social-innovation": "lever",
    "governance-policy": "lever",
    "finance-funding": "lever",
    "data-monitoring-digital": "theme",
}
NAMES = {
    "energy-systems": "Energy systems",
    "built-environment": "Built environment",
    "mobility-transport": "Mobility & transport",
    "social-innovation": "Social innovation",
    "governance-policy": "Governance & policy",
    "finance-funding": "Finance & funding",
    "data-monitoring-digital": "Data, monitoring & digital tools",
}
RECS = Offer(
    "Renewable Energy Communities (RECs)", frozenset({"energy-systems", "social-innovation"})
)
RETROFIT = Offer(
    "Building retrofit one-stop shop", frozenset({"built-environment", "finance-funding"})
)
MONITORING = Offer("Monitoring emissions data", frozenset({"data-monitoring-digital"}))
TORINO = Host(
    id=10,
    name="Torino",
    capacity=2,
    actions=(RECS, RETROFIT),
    challenges=(MONITORING,),
    shortlist=(99, 1),
)
SOFIA = Host(id=20, name="Sofia", capacity=1, actions=(RETROFIT,))
APPLICANT = Applicant(
    id=1,
    name="Ventspils",
    needs=(
        Need(frozenset({"energy-systems", "social-innovation"}), "energy communities"),
        Need(frozenset({"built-environment", "governance-policy"})),
    ),
    shares=(Share(frozenset({"data-monitoring-digital"}), "open data platform"),),
    preferences=(10, 20),
)


def _scorer(applicants=(APPLICANT,), hosts=(TORINO, SOFIA), weights=None, **kwargs):
    return Scorer(applicants, hosts, weights or Weights(), AXIS, topic_names=NAMES, **kwargs)


@pytest.mark.parametrize(
    ("need", "offer", "expected"),
    [
        ({"energy-systems", "social-innovation"}, {"energy-systems", "social-innovation"}, 1.0),
        ({"energy-systems", "social-innovation"}, {"energy-systems"}, 0.5),
        ({"energy-systems", "social-innovation"}, {"social-innovation"}, 0.3),
        ({"energy-systems", "social-innovation"}, {"mobility-transport"}, 0.0),
        ({"energy-systems"}, {"energy-systems", "finance-funding"}, 1.0),
        ({"energy-systems", "built-environment"}, {"energy-systems"}, 0.5),
        ({"data-monitoring-digital"}, {"data-monitoring-digital", "energy-systems"}, 1.0),
        # f = 1, l = 1/2: 0.5 + 0.3 × 0.5 + 0.2 × 0.5
        (
            {"energy-systems", "social-innovation", "finance-funding"},
            {"energy-systems", "finance-funding"},
            0.75,
        ),
    ],
)
def test_item_overlap_weights_fields_and_levers_and_rewards_both_on_one_action(
    need, offer, expected
):
    assert item_overlap(frozenset(need), frozenset(offer), AXIS) == pytest.approx(expected)


def test_both_axes_on_one_action_count_more_than_on_two_actions():
    need = Need(frozenset({"energy-systems", "social-innovation"}))
    one = Host(1, "One", 1, actions=(RECS,))
    two = Host(
        2,
        "Two",
        1,
        actions=(
            Offer("a", frozenset({"energy-systems"})),
            Offer("b", frozenset({"social-innovation"})),
        ),
    )
    scorer = _scorer([Applicant(1, "A", needs=(need,))], [one, two])

    assert scorer.need_offer.tolist() == [[1.0, 0.5]]


def test_within_an_axis_the_rarer_topic_of_a_need_weighs_more():
    # Two of three hosts offer social innovation, one offers finance: a need asking for both
    # is answered better by the one host that offers what few others do.
    need = Need(frozenset({"social-innovation", "finance-funding"}))
    hosts = [
        Host(1, "One", 1, actions=(Offer("a", frozenset({"social-innovation"})),)),
        Host(2, "Two", 1, actions=(Offer("b", frozenset({"social-innovation"})),)),
        Host(3, "Three", 1, actions=(Offer("c", frozenset({"finance-funding"})),)),
    ]
    scorer = _scorer([Applicant(1, "A", needs=(need,))], hosts)

    common = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))  # w(t) with df = 2 of N = 3
    rare = math.log(1 + (3 - 1 + 0.5) / (1 + 0.5))  # df = 1
    assert scorer.rarity["need"]["social-innovation"] == pytest.approx(common, abs=1e-15)
    assert scorer.rarity["need"]["finance-funding"] == pytest.approx(rare, abs=1e-15)
    expected = [common / (common + rare)] * 2 + [rare / (common + rare)]
    assert scorer.need_offer[0].tolist() == pytest.approx(expected, abs=1e-15)
    assert item_overlap(
        need.topics, frozenset({"finance-funding"}), AXIS, rarity=scorer.rarity["need"]
    ) == pytest.approx(expected[2], abs=1e-15)


def test_need_offer_is_the_mean_over_needs_of_the_best_action():
    scorer = _scorer()

    # Need 1 ↔ RECs on both axes (1.0); need 2 ↔ retrofit on the field only (0.5).
    assert scorer.need_offer.tolist() == [[0.75, 0.5 / 2]]


def test_share_challenge_is_the_overlap_with_the_challenges():
    scorer = _scorer()

    assert scorer.share_challenge.tolist() == [[1.0, 0.0]]


def test_items_without_topics_do_not_count_and_no_items_score_zero():
    applicant = Applicant(
        1, "A", needs=(Need(frozenset()), Need(frozenset({"energy-systems"}))), shares=()
    )
    scorer = _scorer([applicant], [TORINO, Host(30, "Empty", 1)])

    assert scorer.need_offer.tolist() == [[1.0, 0.0]]
    assert scorer.share_challenge.tolist() == [[0.0, 0.0]]


@pytest.mark.parametrize(
    ("rank", "n", "expected"),
    [(1, 3, 1.0), (2, 3, 0.7), (3, 3, 0.4), (None, 3, 0.0), (4, 3, 0.0), (2, 5, 0.82), (1, 1, 1.0)],
)
def test_rank_value(rank, n, expected):
    assert rank_value(rank, n) == pytest.approx(expected, abs=1e-15)


def test_preference_from_the_applicants_ranks():
    applicant = Applicant(1, "A", preferences=(20, 77, 10, 20))  # 77 unknown: keeps its place
    scorer = _scorer([applicant])

    assert scorer.preference[0].tolist() == pytest.approx([0.4, 1.0], abs=1e-15)
    assert scorer.pref_rank[0].tolist() == [3, 1]


def test_preference_counts_only_the_first_max_preferences_ranks():
    applicant = Applicant(2, "A", preferences=(77, 78, 79, 10))
    scorer = _scorer([applicant])

    assert scorer.preference.tolist() == [[0.0, 0.0]]
    assert scorer.reasons(0, 0) == ("ranked Torino 4th (only the first 3 count)",)


def test_host_interest_from_the_shortlist_rank():
    second = Applicant(1, "A")
    first = Applicant(99, "B")
    other = Applicant(5, "C")
    scorer = _scorer([second, first, other])

    # Torino's shortlist is (99, 1): 1st → 1.0, 2nd of 2 → 1 − 0.9 × 1/2.
    assert scorer.host_interest[:, 0].tolist() == pytest.approx([0.55, 0.0, 1.0], abs=1e-15)
    assert scorer.host_interest[:, 1].tolist() == [0.0, 0.0, 0.0]


def test_text_compares_each_need_with_each_offered_action():
    heat = Offer("District heating", frozenset(), "bio energy with carbon capture and storage")
    tram = Offer("Tram lines", frozenset(), "new tram network and cycle paths")
    stockholm = Host(10, "Stockholm", 1, actions=(heat,), texts="carbon capture everywhere")
    sofia = Host(20, "Sofia", 1, actions=(tram,))
    applicant = Applicant(
        1,
        "A",
        needs=(Need(frozenset(), "learn how Stockholm plans bio-CCS"),),
        texts="Sofia Sofia tram tram",  # preference reasons: never evidence
    )
    scorer = _scorer([applicant], [stockholm, sofia])

    # "bio-CCS" stands for bio energy, carbon capture and storage; "Stockholm" is dropped.
    assert scorer.text[0, 0] == 1.0
    assert scorer.text[0, 1] == 0.0
    assert {"carbon captur", "captur storag"} <= set(scorer.need_bm25.shared_terms(0, 0))


def test_score_is_the_weighted_sum_rounded_to_six_decimals():
    scorer = _scorer()
    weights = Weights()
    components = {
        "action_interest": 0.0,
        "need_offer": 0.75,
        "text": 1.0,
        "share_challenge": 1.0,
        "preference": 1.0,
        "host_interest": 0.55,
        "context": 0.0,
    }
    expected = sum(getattr(weights, k) * v for k, v in components.items())

    assert scorer.components(0, 0) == pytest.approx(components, abs=1e-12)
    assert scorer.score(0, 0) == round(expected, 6)


def test_action_interest_is_the_strongest_for_the_host_of_the_named_actions():
    recs = Offer(RECS.title, RECS.topics, id=7)
    torino = Host(10, "Torino", 2, actions=(recs,))
    applicant = Applicant(1, "A", interests=frozenset({7}))
    scorer = _scorer([applicant], [torino, SOFIA])

    assert (scorer.action_interest[0, 0], scorer.action_interest[0, 1]) == (1.0, 0.0)
    assert scorer.reasons(0, 0)[0] == "wants to learn 'Renewable Energy Communities (RECs)'"


def test_context_bonuses_for_language_neighbour_and_size():
    applicant = Applicant(1, "Lugano", country="CH", population=60_000)
    torino = Host(10, "Torino", 1, country="IT", population=850_000)
    graz = Host(20, "Graz", 1, country="AT", population=60_000)
    lyon = Host(30, "Lyon", 1, country="FR", population=500_000)
    far = Host(40, "Umeå", 1, country="SE", population=130_000)
    applicant_si = Applicant(2, "Kranj", country="SI", population=38_000)
    scorer = _scorer([applicant, applicant_si], [torino, graz, lyon, far])

    # CH speaks de/fr/it: language with Torino, Graz and Lyon; Graz also the same size class.
    assert scorer.context[0].tolist() == [0.06, 0.1, 0.06, 0.04]
    # Slovenia borders Italy and Austria (no shared language).
    assert scorer.context[1].tolist() == [0.04, 0.04, 0.0, 0.0]
    assert scorer.context_reasons(0, 1) == ["shared language", "similar size"]


def test_site_visits_and_english_bonuses_are_explained_and_exclude_nothing():
    from matching.engine import Context

    travels = Applicant(1, "Lugano", country="CH", english_level="C1", site_visits="travel")
    stays = Applicant(2, "Kranj", country="SI", english_level="A2", site_visits="no")
    torino = Host(10, "Torino", 1, country="IT")
    umea = Host(40, "Umeå", 1, country="SE")
    context = Context(language=0.06, neighbour=0.04, size=0.0, site_visits=0.02, english=0.03)
    scorer = _scorer([travels, stays], [torino, umea], context=context)

    # Lugano: Italian with Torino (no English bonus needed); English with Umeå; travels.
    assert scorer.context[0].tolist() == pytest.approx([0.08, 0.05], abs=1e-12)
    # Kranj: neighbour of Italy, English below B2, will not travel: no exclusion, no bonus.
    assert scorer.context[1].tolist() == pytest.approx([0.04, 0.0], abs=1e-12)
    assert scorer.context_reasons(0, 1) == ["works in English", "will travel for site visits"]
    assert scorer.context_reasons(1, 1) == []


def test_preference_step_flattens_the_ranks():
    only_preference = dict.fromkeys(Weights().as_dict(), 0.0) | {"preference": 1.0}
    scorer = _scorer(weights=Weights(**only_preference), preference_step=0.3)

    assert (scorer.score(0, 0), scorer.score(0, 1)) == (1.0, 0.9)
    assert rank_value(3, 3, 0.3) == pytest.approx(0.8, abs=1e-15)


def test_score_with_only_the_preference_weighted():
    weights = Weights(
        need_offer=0,
        share_challenge=0,
        preference=1,
        host_interest=0,
        text=0,
        action_interest=0,
        context=0,
    )
    scorer = _scorer(weights=weights)

    assert (scorer.score(0, 0), scorer.score(0, 1)) == (1.0, 0.7)


def test_reasons_name_the_covering_actions_and_topics():
    scorer = _scorer()

    assert scorer.reasons(0, 0) == (
        "need 'energy communities' ↔ action 'Renewable Energy Communities (RECs)' "
        "(Energy systems, Social innovation)",
        "need 'Built environment, Governance & policy' ↔ action "
        "'Building retrofit one-stop shop' (Built environment)",
        "ranked Torino 1st",
        "Torino shortlisted the applicant (2nd)",
        "what it can share meets Torino's challenges and expected benefits",
    )


def test_reasons_of_a_pair_with_nothing_in_common_are_empty():
    scorer = _scorer([Applicant(1, "A")], [Host(10, "H", 1)])

    assert scorer.reasons(0, 0) == ()


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (102, "102nd"),
        (111, "111th"),
    ],
)
def test_ordinal(n, text):
    assert ordinal(n) == text


def test_unknown_topics_and_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match=r"topics missing from topic_axis: \['nope'\]"):
        _scorer([Applicant(1, "A", needs=(Need(frozenset({"nope"})),))])
    with pytest.raises(ValueError, match="applicant ids must be unique"):
        _scorer([Applicant(1, "A"), Applicant(1, "B")])
    with pytest.raises(ValueError, match="host ids must be unique"):
        _scorer(hosts=[TORINO, TORINO])
    with pytest.raises(ValueError, match="axis other than"):
        Scorer([], [], Weights(), {"x": "colour"})


def test_weights_must_be_non_negative_and_not_all_zero():
    with pytest.raises(ValueError, match="non-negative"):
        Weights(text=-0.1)
    with pytest.raises(ValueError, match="at least one weight"):
        Weights(0, 0, 0, 0, 0, 0, 0)
