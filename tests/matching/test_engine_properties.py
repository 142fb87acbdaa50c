"""Property-based tests of the matching engine on small random instances (hypothesis)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine import InfeasiblePins, Params, run
from matching.engine.scoring import Scorer

from .engine_helpers import (
    SCALE,
    TOPIC_AXIS,
    TOPIC_PARENT,
    all_pairs,
    assignment_key,
    brute_force,
    choices_key,
    count_blocking,
    first_positions,
    instances,
    min_scores,
    naive_allowed,
    naive_components,
    naive_score_q,
    pins_problems,
    positions,
    resident_optimal_stable,
    stable_lists,
    stable_matchings,
    weights_strategy,
)

# Hundreds of generated instances per test: run by `make test` and CI, not `make test-fast`.
pytestmark = pytest.mark.slow
PROPERTY_SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def runs(draw, mode=None, with_pins=True, minimums=None):
    """An instance, parameters with feasible pins and random forbids."""
    mode = st.sampled_from(["choices", "optimal", "stable"]) if mode is None else mode
    applicants, hosts = draw(instances(minimums=minimums))
    pairs = all_pairs(applicants, hosts)
    forbids = frozenset(draw(st.lists(st.sampled_from(pairs), max_size=3)))
    pins: dict[int, int] = {}
    if with_pins:
        load: Counter = Counter()
        capacity = {h.id: h.capacity for h in hosts}
        active = {a.id for a in applicants if a.eligible and not a.withdrawn}
        for a, h in draw(st.lists(st.sampled_from(pairs), max_size=2)):
            if a in active and a not in pins and (a, h) not in forbids and load[h] < capacity[h]:
                pins[a] = h
                load[h] += 1
    params = Params(
        weights=draw(weights_strategy),
        min_score=draw(min_scores),
        mode=draw(mode),
        pins=frozenset(pins.items()),
        forbids=forbids,
    )
    return applicants, hosts, params


def _pairs(result):
    return {p.applicant_id: p.host_id for p in result.proposals}


@PROPERTY_SETTINGS
@given(runs())
def test_every_constraint_holds_and_every_applicant_is_explained(case):
    applicants, hosts, params = case
    result = run(applicants, hosts, params, TOPIC_AXIS, topic_parent=TOPIC_PARENT)
    by_id = {a.id: a for a in applicants}
    capacity = {h.id: h.capacity for h in hosts}
    pairs = _pairs(result)

    assert len(pairs) == len(result.proposals)  # each applicant at most once
    assert all(n <= capacity[h] for h, n in Counter(pairs.values()).items())
    for p in result.proposals:
        a = by_id[p.applicant_id]
        assert a.eligible and not a.withdrawn
        assert (p.applicant_id, p.host_id) not in params.forbids
        assert p.pinned == ((p.applicant_id, p.host_id) in params.pins)
        assert p.pinned or p.score >= params.min_score
        assert p.explanation and p.components and p.score >= 0
        assert all(0.0 <= v <= 1.0 for v in p.components.values())
    assert params.pins <= set(pairs.items())

    unmatched = {u.applicant_id: u.reasons for u in result.unmatched}
    assert set(unmatched) | set(pairs) == set(by_id)
    assert not set(unmatched) & set(pairs)
    for app_id, reasons in unmatched.items():
        a = by_id[app_id]
        assert reasons, a
        assert ("not eligible" in reasons) == (not a.eligible)
        assert ("withdrawn" in reasons) == a.withdrawn
    assert result.stats["matched"] == len(pairs)
    assert result.objective == pytest.approx(sum(p.score for p in result.proposals), abs=1e-9)


@PROPERTY_SETTINGS
@given(runs(mode=st.just("optimal")))
def test_optimal_mode_equals_the_brute_force_optimum(case):
    _check_against_brute_force(*case)


@settings(max_examples=60, deadline=None)
@given(runs(mode=st.just("optimal"), minimums=st.integers(1, 2)))
def test_optimal_mode_fills_minimum_capacities_first(case):
    _check_against_brute_force(*case)


@PROPERTY_SETTINGS
@given(runs(mode=st.just("choices")))
def test_choices_mode_equals_the_brute_force_optimum_and_respects_choices(case):
    applicants, hosts, params = case
    result = run(applicants, hosts, params, TOPIC_AXIS, topic_parent=TOPIC_PARENT)
    best_key, _ = brute_force(applicants, hosts, result, params)
    pairs = _pairs(result)
    score_q = naive_score_q(applicants, hosts, params)
    by_id = {a.id: a for a in applicants}

    assert choices_key(pairs, score_q, by_id, params.max_preferences) == best_key
    assert choices_violations(applicants, hosts, params, pairs, score_q) == []


def choices_violations(applicants, hosts, params, pairs, score_q):
    """Applicants placed lower (or not at all) while a higher-ranked city has a free place and
    accepts the pair (allowed), pins excepted."""
    load = Counter(pairs.values())
    capacity = {h.id: h.capacity for h in hosts}
    options = naive_allowed(applicants, hosts, params, score_q)
    pinned = {a for a, _ in params.pins}
    out = []
    for a in applicants:
        if a.id in pinned:
            continue
        ranks = first_positions(a.preferences)
        current = pairs.get(a.id)
        current_rank = ranks.get(current) if current is not None else None
        for host_id, rank in ranks.items():
            if rank > params.max_preferences or host_id not in capacity:
                continue
            better = (
                current_rank is None or current_rank > params.max_preferences or rank < current_rank
            )
            if better and host_id in options[a.id] and load[host_id] < capacity[host_id]:
                out.append((a.id, current, host_id))
    return out


def _check_against_brute_force(applicants, hosts, params):
    result = run(applicants, hosts, params, TOPIC_AXIS, topic_parent=TOPIC_PARENT)
    best_key, _ = brute_force(applicants, hosts, result, params)
    pairs = _pairs(result)
    score_q = {(p.applicant_id, p.host_id): round(p.score * SCALE) for p in result.proposals}
    brute_objective = best_key[1] / SCALE

    # Exact, lexicographically: minimum places filled, then total score, then the tie-break.
    minimum = {h.id: min(h.min_capacity, h.capacity) for h in hosts}
    key = assignment_key(
        pairs,
        score_q,
        Counter(pairs.values()),
        minimum,
        positions(a.id for a in applicants),
        positions(h.id for h in hosts),
        len(applicants),
        len(hosts),
    )
    assert key == best_key
    assert abs(result.objective - brute_objective) <= 1e-9
    if not any(minimum.values()):
        # Without minimum capacities the objective is the plain maximum total score.
        assert abs(result.objective - sum(score_q.values()) / SCALE) <= 1e-9
    assert result.blocking_pairs == count_blocking(pairs, applicants, hosts, result, params)


def test_exhaustive_stable_search_finds_both_stable_matchings_and_the_applicant_optimal_one():
    resident = {1: [10, 20], 2: [20, 10]}
    hospital = {10: [2, 1], 20: [1, 2]}
    capacity = {10: 1, 20: 1}

    stable = stable_matchings(resident, hospital, capacity)

    assert sorted(stable, key=lambda m: m[1]) == [{1: 10, 2: 20}, {1: 20, 2: 10}]
    assert resident_optimal_stable(resident, hospital, capacity) == {1: 10, 2: 20}


@PROPERTY_SETTINGS
@given(runs(mode=st.just("stable"), with_pins=False))
def test_stable_mode_is_the_applicant_optimal_stable_matching_found_by_exhaustive_search(case):
    applicants, hosts, params = case
    result = run(applicants, hosts, params, TOPIC_AXIS, topic_parent=TOPIC_PARENT)
    pairs = _pairs(result)
    resident, hospital = stable_lists(applicants, hosts, result, params)

    expected = resident_optimal_stable(resident, hospital, {h.id: h.capacity for h in hosts})

    assert pairs == expected
    assert result.blocking_pairs == 0
    assert count_blocking(pairs, applicants, hosts, result, params) == 0


@PROPERTY_SETTINGS
@given(runs(mode=st.just("stable")))
def test_stable_mode_with_pins_keeps_them_and_has_no_blocking_pair(case):
    applicants, hosts, params = case
    result = run(applicants, hosts, params, TOPIC_AXIS, topic_parent=TOPIC_PARENT)
    pairs = _pairs(result)

    assert params.pins <= set(pairs.items())
    assert result.blocking_pairs == 0
    assert count_blocking(pairs, applicants, hosts, result, params) == 0


@PROPERTY_SETTINGS
@given(instances(), st.data())
def test_pins_raise_infeasible_pins_exactly_when_they_cannot_hold(instance, data):
    applicants, hosts = instance
    pairs = [*all_pairs(applicants, hosts), (999, hosts[0].id), (applicants[0].id, 999)]
    pins = frozenset(data.draw(st.lists(st.sampled_from(pairs), max_size=3)))
    forbids = frozenset(data.draw(st.lists(st.sampled_from(pairs), max_size=2)))
    params = Params(pins=pins, forbids=forbids)
    infeasible = pins_problems(applicants, hosts, pins, forbids)

    if infeasible:
        with pytest.raises(InfeasiblePins) as caught:
            run(applicants, hosts, params, TOPIC_AXIS, topic_parent=TOPIC_PARENT)
        assert caught.value.problems
        assert str(caught.value).startswith("Infeasible pins: ")
    else:
        result = run(applicants, hosts, params, TOPIC_AXIS, topic_parent=TOPIC_PARENT)
        assert pins <= {(p.applicant_id, p.host_id) for p in result.proposals}
        assert not forbids & {(p.applicant_id, p.host_id) for p in result.proposals}


@settings(max_examples=60, deadline=None)
@given(runs(), st.randoms(use_true_random=False))
def test_same_input_gives_the_same_output_in_any_order(case, rnd):
    applicants, hosts, params = case
    first = run(applicants, hosts, params, TOPIC_AXIS, topic_parent=TOPIC_PARENT)
    shuffled_a, shuffled_h = list(applicants), list(hosts)
    rnd.shuffle(shuffled_a)
    rnd.shuffle(shuffled_h)

    assert run(applicants, hosts, params, TOPIC_AXIS, topic_parent=TOPIC_PARENT) == first
    assert run(shuffled_a, shuffled_h, params, TOPIC_AXIS, topic_parent=TOPIC_PARENT) == first


@settings(max_examples=60, deadline=None)
@given(instances(), weights_strategy)
def test_vectorised_scores_equal_the_pair_by_pair_definition(instance, weights):
    applicants, hosts = instance
    scorer = Scorer(applicants, hosts, weights, TOPIC_AXIS, topic_parent=TOPIC_PARENT)
    expected = naive_components(applicants, hosts)

    for i, a in enumerate(scorer.applicants):
        for j, h in enumerate(scorer.hosts):
            got = scorer.components(i, j)
            want = expected[(a.id, h.id)]
            assert got == pytest.approx(want, abs=1e-12), (a, h)
            raw = sum(getattr(weights, k) * v for k, v in want.items())
            assert abs(int(scorer.score_q[i, j]) - raw * SCALE) <= 0.5 + 1e-6
