"""Assignment, pins, forbids, stable mode, explanations and statistics, with exact values.

Most tests weigh only the preference component, so that scores are 1.0 / 0.7 / 0.4 by rank.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine import Applicant, Host, InfeasiblePins, Params, ScoredPair, Weights, run
from matching.engine.assign import max_weight_b_matching

PREFERENCE_ONLY = Weights(
    need_offer=0,
    share_challenge=0,
    preference=1,
    host_interest=0,
    text=0,
    action_interest=0,
    context=0,
)


def _run(applicants, hosts, **params):
    params.setdefault("weights", PREFERENCE_ONLY)
    params.setdefault("mode", "optimal")
    return run(applicants, hosts, Params(**params), {})


def _pairs(result):
    return {p.applicant_id: p.host_id for p in result.proposals}


def _reasons(result):
    return {u.applicant_id: u.reasons for u in result.unmatched}


def test_optimal_mode_beats_greedy_and_explains_each_pair():
    applicants = [
        Applicant(1, "Aarhus", preferences=(1, 2)),
        Applicant(2, "Brno", preferences=(1,)),
    ]
    hosts = [Host(1, "Torino", 1), Host(2, "Sofia", 1)]

    result = _run(applicants, hosts)

    assert _pairs(result) == {1: 2, 2: 1}  # greedy would give Torino to Aarhus and leave Brno out
    assert result.objective == 1.7
    assert [p.explanation for p in result.proposals] == [
        "Aarhus → Sofia: score 0.700 = 1 × 0.70 preference. ranked Sofia 2nd.",
        "Brno → Torino: score 1.000 = 1 × 1.00 preference. ranked Torino 1st.",
    ]
    assert [(p.rank, p.pinned, p.reasons) for p in result.proposals] == [
        (2, False, ("ranked Sofia 2nd",)),
        (1, False, ("ranked Torino 1st",)),
    ]
    assert result.proposals[0].components == {
        "need_offer": 0.0,
        "share_challenge": 0.0,
        "preference": pytest.approx(0.7),
        "host_interest": 0.0,
        "text": 0.0,
        "action_interest": 0.0,
        "context": 0.0,
    }
    assert result.unmatched == ()


def test_stats_count_scores_choices_and_loads():
    applicants = [
        Applicant(1, "Aarhus", preferences=(1, 2)),
        Applicant(2, "Brno", preferences=(1,)),
        Applicant(3, "Cork", eligible=False, preferences=(1,)),
        Applicant(4, "Dubrovnik", withdrawn=True),
        Applicant(5, "Espoo", preferences=(2,)),
    ]
    hosts = [Host(1, "Torino", 1), Host(2, "Sofia", 1), Host(3, "Lyon", 0)]

    result = _run(applicants, hosts)

    # {Aarhus, Espoo} and {Brno, Espoo} both total 2.0: the tie goes to the lower id (Aarhus).
    assert _pairs(result) == {1: 1, 5: 2}
    assert result.stats == {
        "applicants": 5,
        "considered": 3,
        "not_eligible": 1,
        "withdrawn": 1,
        "matched": 2,
        "unmatched": 1,
        "pinned": 0,
        "hosts": 3,
        "places": 2,
        "candidates": 4,
        "objective": 2.0,
        "mean_score": 1.0,
        "min_score": 1.0,
        "choice_counts": {"1": 2, "2": 0, "3": 0, "unranked": 0},
        "choice_shares": {"1": 1.0, "2": 0.0, "3": 0.0, "unranked": 0.0},
        "load": {1: 1, 2: 1, 3: 0},
        "capacity": {1: 1, 2: 1, 3: 0},
        "blocking_pairs": 0,
    }
    assert _reasons(result) == {
        2: ("its preferred cities were full: Torino (the last place went at score 1.00)",),
        3: ("not eligible",),
        4: ("withdrawn",),
    }


def test_equal_scores_go_to_the_lower_applicant_id():
    applicants = [Applicant(5, "Espoo", preferences=(1,)), Applicant(3, "Cork", preferences=(1,))]

    result = _run(applicants, [Host(1, "Torino", 1)])

    assert _pairs(result) == {3: 1}
    assert _reasons(result) == {
        5: ("its preferred cities were full: Torino (the last place went at score 1.00)",)
    }


def test_equal_scores_give_lower_applicant_ids_the_lower_host_ids():
    applicants = [Applicant(2, "Brno"), Applicant(1, "Aarhus")]
    hosts = [Host(7, "Lyon", 1), Host(4, "Sofia", 1), Host(9, "Torino", 1)]

    result = _run(applicants, hosts, min_score=0.0)

    assert _pairs(result) == {1: 4, 2: 7}
    assert result.objective == 0.0


def test_minimum_capacity_is_filled_first_when_it_can_be():
    applicants = [
        Applicant(1, "Aarhus", preferences=(1, 9, 2)),
        Applicant(2, "Brno", preferences=(1,)),
    ]
    hosts = [Host(1, "Torino", 2), Host(2, "Sofia", 1, min_capacity=1)]

    without = _run(applicants, [hosts[0], Host(2, "Sofia", 1)])
    result = _run(applicants, hosts)

    assert (_pairs(without), without.objective) == ({1: 1, 2: 1}, 2.0)
    assert (_pairs(result), result.objective, result.warnings) == ({1: 2, 2: 1}, 1.4, ())


def test_minimum_capacity_that_cannot_be_filled_is_reported():
    applicants = [Applicant(1, "Aarhus", preferences=(1,))]
    hosts = [Host(1, "Torino", 2), Host(2, "Sofia", 1, min_capacity=1)]

    result = _run(applicants, hosts)

    assert _pairs(result) == {1: 1}
    assert result.warnings == ("Sofia has 0 of its minimum 1 (not enough allowed applicants)",)


def test_stable_mode_follows_deferred_acceptance_and_counts_no_blocking_pair():
    applicants = [
        Applicant(1, "Aarhus", preferences=(1, 2)),
        Applicant(2, "Brno", preferences=(1,)),
    ]
    hosts = [Host(1, "Torino", 1), Host(2, "Sofia", 1)]

    stable = _run(applicants, hosts, mode="stable")
    optimal = _run(applicants, hosts, mode="optimal")

    # Torino ranks Aarhus and Brno by score (equal), then by id: Aarhus keeps it.
    assert (_pairs(stable), stable.blocking_pairs, stable.objective) == ({1: 1}, 0, 1.0)
    assert _reasons(stable) == {
        2: ("its preferred cities were full: Torino (the last place went at score 1.00)",)
    }
    # The optimal pairs block on (Aarhus, Torino): Aarhus prefers Torino, Torino prefers Aarhus.
    assert (_pairs(optimal), optimal.blocking_pairs) == ({1: 2, 2: 1}, 1)
    assert stable.stats["blocking_pairs"] == 0 and optimal.stats["blocking_pairs"] == 1


def test_stable_mode_hosts_rank_their_shortlist_first():
    applicants = [
        Applicant(1, "Aarhus", preferences=(1, 2)),
        Applicant(2, "Brno", preferences=(1,)),
    ]
    hosts = [Host(1, "Torino", 1, shortlist=(2,)), Host(2, "Sofia", 1)]

    result = _run(applicants, hosts, mode="stable")

    assert (_pairs(result), result.blocking_pairs) == ({1: 2, 2: 1}, 0)


def test_stable_mode_pairs_only_ranked_cities_and_says_so():
    applicants = [Applicant(1, "Aarhus", preferences=(1,)), Applicant(2, "Brno", preferences=(1,))]
    hosts = [Host(1, "Torino", 1), Host(2, "Sofia", 1)]

    result = _run(applicants, hosts, mode="stable", min_score=0.0)

    assert _pairs(result) == {1: 1}
    assert _reasons(result) == {
        2: (
            "its preferred cities were full: Torino (the last place went at score 1.00)",
            "stable mode pairs only ranked cities; not ranked but above the minimum: Sofia 0.00",
        )
    }


def test_pin_forces_a_pair_below_the_minimum_and_says_so():
    applicants = [Applicant(1, "Aarhus", preferences=(2,)), Applicant(2, "Brno", preferences=(1,))]
    hosts = [Host(1, "Torino", 1), Host(2, "Sofia", 1)]

    result = _run(applicants, hosts, pins={(1, 1)})

    assert _pairs(result) == {1: 1}
    assert result.proposals[0].pinned
    assert result.proposals[0].explanation == (
        "Aarhus → Torino: score 0.000 = 1 × 0.00 preference. "
        "Pinned by staff (below the minimum score 0.20)."
    )
    assert _reasons(result) == {
        2: ("its preferred cities were full: Torino (the last place went at score 0.00)",)
    }
    assert result.stats["pinned"] == 1


def test_forbidden_pairs_are_never_proposed_and_given_as_a_reason():
    applicants = [Applicant(1, "Aarhus", preferences=(1, 2))]
    hosts = [Host(1, "Torino", 1), Host(2, "Sofia", 1), Host(3, "Lyon", 1)]

    result = _run(applicants, hosts, forbids={(1, 1), (1, 2)})

    assert _pairs(result) == {}
    assert _reasons(result) == {
        1: (
            "forbidden by staff: Torino, Sofia",
            "below the minimum score 0.20 everywhere (best: Lyon at 0.00)",
        )
    }


def test_below_the_minimum_everywhere_names_the_best_score():
    applicants = [Applicant(1, "Aarhus", preferences=(9, 8, 2))]
    hosts = [Host(1, "Torino", 1), Host(2, "Sofia", 1)]

    result = _run(applicants, hosts, min_score=0.5)

    assert _reasons(result) == {
        1: ("below the minimum score 0.50 everywhere (best: Sofia at 0.40)",)
    }


def test_below_the_minimum_shows_enough_decimals():
    applicants = [Applicant(1, "Aarhus", preferences=(1,))]

    result = _run(applicants, [Host(1, "Torino", 1)], min_score=1.004)

    assert _reasons(result) == {
        1: ("below the minimum score 1.004 everywhere (best: Torino at 1.00)",)
    }


def test_ranked_cities_below_the_minimum_are_named_beside_the_full_ones():
    applicants = [
        Applicant(1, "Aarhus", preferences=(5, 1)),
        Applicant(2, "Brno", preferences=(1,)),
        Applicant(3, "Cork", preferences=(1, 9, 5)),
    ]
    hosts = [Host(1, "Torino", 1), Host(5, "Lyon", 1)]

    result = _run(applicants, hosts, min_score=0.75)

    assert _pairs(result) == {1: 5, 2: 1}
    assert _reasons(result) == {
        3: (
            "its preferred cities were full: Torino (the last place went at score 1.00)",
            "its ranked cities scored below the minimum 0.75: Lyon 0.40",
        )
    }


def test_a_city_without_places_is_named_and_unranked_full_cities_are_listed():
    applicants = [
        Applicant(1, "Aarhus", preferences=(3,)),
        Applicant(2, "Brno", preferences=(1, 2)),
        Applicant(3, "Cork", preferences=(2, 1)),
    ]
    hosts = [Host(1, "Torino", 1), Host(2, "Sofia", 1), Host(3, "Lyon", 0)]

    result = _run(applicants, hosts, min_score=0.0)

    assert _pairs(result) == {2: 1, 3: 2}
    assert _reasons(result) == {
        1: (
            "its ranked cities have no places: Lyon",
            "other cities above the minimum were full: Torino (the last place went at score "
            "1.00), Sofia (the last place went at score 1.00)",
        )
    }


def test_infeasible_pins_name_every_problem_pin():
    applicants = [
        Applicant(1, "Aarhus", eligible=False),
        Applicant(2, "Brno"),
        Applicant(3, "Cork"),
        Applicant(4, "Dubrovnik"),
        Applicant(5, "Espoo", withdrawn=True),
        Applicant(6, "Faro"),
    ]
    hosts = [Host(1, "Torino", 1), Host(2, "Sofia", 1), Host(3, "Lyon", 0)]
    pins = {(1, 1), (2, 1), (3, 1), (4, 2), (4, 3), (5, 2), (6, 2), (77, 1)}

    with pytest.raises(InfeasiblePins) as caught:
        _run(applicants, hosts, pins=pins, forbids={(6, 2)})

    assert caught.value.problems == (
        "pin Aarhus → Torino: Aarhus is not eligible",
        "pin Espoo → Sofia: Espoo has withdrawn",
        "pin Faro → Sofia: the pair is also forbidden",
        "pin 77 → 1: no applicant 77",
        "Dubrovnik is pinned to 2 cities (Sofia, Lyon); an applicant can have one",
        "Torino has 2 pins (Brno, Cork) but a capacity of 1",
        "Lyon has 1 pin (Dubrovnik) but a capacity of 0",
    )
    assert str(caught.value) == "Infeasible pins: " + "; ".join(caught.value.problems)


def test_candidates_are_every_allowed_pair_with_reasons_on_demand():
    applicants = [
        Applicant(2, "Brno", preferences=(1, 2)),
        Applicant(1, "Aarhus", preferences=(2,)),
    ]
    hosts = [Host(2, "Sofia", 1), Host(1, "Torino", 1)]

    result = _run(applicants, hosts, forbids={(2, 2)})

    assert len(result.candidates) == 2
    assert [(c.applicant_id, c.host_id, c.score, c.reasons) for c in result.candidates] == [
        (1, 2, 1.0, ("ranked Sofia 1st",)),
        (2, 1, 1.0, ("ranked Torino 1st",)),
    ]
    ids, hosts_, scores = result.candidates.arrays()
    assert (ids.tolist(), hosts_.tolist(), scores.tolist()) == ([1, 2], [2, 1], [1.0, 1.0])
    assert result.candidates[1].as_scored_pair() == ScoredPair(
        applicant_id=2,
        host_id=1,
        score=1.0,
        components={
            "need_offer": 0.0,
            "share_challenge": 0.0,
            "preference": 1.0,
            "host_interest": 0.0,
            "text": 0.0,
            "action_interest": 0.0,
            "context": 0.0,
        },
        reasons=("ranked Torino 1st",),
    )


def test_an_empty_instance_gives_an_empty_result():
    result = _run([], [Host(1, "Torino", 1)])

    assert (result.proposals, result.unmatched, result.objective) == ((), (), 0.0)
    assert result.stats["mean_score"] is None
    assert len(result.candidates) == 0


def test_params_are_validated():
    with pytest.raises(ValueError, match="mode must be one of"):
        Params(mode="greedy")
    with pytest.raises(ValueError, match="min_score"):
        Params(min_score=-0.1)
    with pytest.raises(ValueError, match="max_preferences"):
        Params(max_preferences=0)
    assert Params(pins=[(1, 2)], forbids=[[3, 4]]).forbids == frozenset({(3, 4)})


def test_timings_are_reported_but_not_compared():
    applicants = [Applicant(1, "Aarhus", preferences=(1,))]
    first, second = (
        _run(applicants, [Host(1, "Torino", 1)]),
        _run(applicants, [Host(1, "Torino", 1)]),
    )

    assert set(first.timings) == {"scoring", "assignment", "explanation"}
    assert first == second


@st.composite
def weighted_graphs(draw):
    n, m = draw(st.integers(1, 9)), draw(st.integers(1, 4))
    cells = [(i, j) for i in range(n) for j in range(m)]
    edges = draw(st.lists(st.sampled_from(cells), unique=True, max_size=len(cells)))
    weights = draw(st.lists(st.integers(1, 30), min_size=len(edges), max_size=len(edges)))
    capacity = draw(st.lists(st.integers(0, 3), min_size=m, max_size=m))
    return n, edges, weights, capacity


@settings(max_examples=150, deadline=None)
@given(weighted_graphs())
def test_max_weight_b_matching_equals_the_linear_sum_assignment_optimum(graph):
    # Integer weights with many ties and long augmenting paths; the reference is scipy's
    # assignment on the capacity-expanded slots.
    from scipy.optimize import linear_sum_assignment

    n, edges, weights, capacity = graph
    rows = np.array([e[0] for e in edges], dtype=np.int64)
    cols = np.array([e[1] for e in edges], dtype=np.int64)
    w = np.array(weights, dtype=np.int64)
    m = len(capacity)

    got = max_weight_b_matching(rows, cols, w, np.array(capacity), np.zeros(m, dtype=np.int64), n)

    weight_of = dict(zip(edges, weights, strict=True))
    assert all(got[i] < 0 or (i, got[i]) in weight_of for i in range(n))
    assert all((got == j).sum() <= capacity[j] for j in range(m))
    dense = np.zeros((n, m))
    dense[rows, cols] = w
    slots = np.repeat(np.arange(m), capacity)
    r, c = linear_sum_assignment(dense[:, slots], maximize=True) if len(slots) else ([], [])
    assert sum(weight_of[(i, int(got[i]))] for i in range(n) if got[i] >= 0) == sum(
        dense[:, slots][r, c]
    )
