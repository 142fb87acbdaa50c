"""The synthetic instance generator, and the engine against reference solvers on its instances."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks import references
from matching.engine import Params, run
from matching.engine.assign import build_problem, solve_optimal
from matching.engine.generate import generate_instance
from matching.engine.scoring import Scorer

from .engine_helpers import TOPIC_AXIS, count_blocking

TOPICS = sorted(TOPIC_AXIS.items())


def test_same_seed_gives_the_same_instance_and_another_seed_another():
    first = generate_instance(50, 8, seed=7, topics=TOPICS)

    assert generate_instance(50, 8, seed=7, topics=TOPICS) == first
    assert generate_instance(50, 8, seed=8, topics=TOPICS) != first


def test_generated_instance_has_the_documented_shape():
    instance = generate_instance(200, 12, seed=1, topics=TOPICS, host_names=["Torino", "Sofia"])
    hosts, applicants = instance.hosts, instance.applicants

    assert [h.name for h in hosts[:3]] == ["Torino", "Sofia", "City 003"]
    assert {h.capacity for h in hosts} <= {1, 2, 3}
    assert all(2 <= len(h.actions) <= 4 and 1 <= len(h.challenges) <= 3 for h in hosts)
    assert [a.id for a in applicants] == list(range(1, 201))
    assert all(len(set(a.preferences)) == 3 for a in applicants)
    assert all(1 <= len(a.needs) <= 3 and 1 <= len(a.shares) <= 2 for a in applicants)
    assert 0 < sum(not a.eligible for a in applicants) < 40
    assert instance.topic_axis == TOPIC_AXIS


def test_topics_need_both_axes():
    with pytest.raises(ValueError, match="at least one field and one lever"):
        generate_instance(5, 2, seed=1, topics=[("energy", "field")])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_engine_objective_equals_the_reference_solvers(seed):
    instance = generate_instance(300, 20, seed=seed, topics=TOPICS)
    params = Params(mode="optimal")
    scorer = Scorer(instance.applicants, instance.hosts, params.weights, instance.topic_axis)
    problem = build_problem(scorer, params)
    rows, cols = np.nonzero(problem.allowed)
    score_q = scorer.score_q[rows, cols]
    score_of = dict(
        zip(zip(rows.tolist(), cols.tolist(), strict=True), score_q.tolist(), strict=True)
    )
    assigned = solve_optimal(problem)
    ours = references.objective({i: int(j) for i, j in enumerate(assigned) if j >= 0}, score_of)

    for solver in (references.scipy_lsa_dense, references.scipy_sparse_matching):
        theirs = references.objective(solver(rows, cols, score_q, problem.capacity), score_of)
        assert abs(ours - theirs) <= 1e-9, solver.__name__
    assert ours == run(instance.applicants, instance.hosts, params, instance.topic_axis).objective


@pytest.mark.parametrize("seed", [0, 1])
def test_engine_objective_equals_or_tools_min_cost_flow(seed):
    pytest.importorskip("ortools", reason="OR-tools is in the `bench` extra")
    instance = generate_instance(300, 20, seed=seed, topics=TOPICS)
    params = Params(mode="optimal")
    result = run(instance.applicants, instance.hosts, params, instance.topic_axis)
    scorer = Scorer(instance.applicants, instance.hosts, params.weights, instance.topic_axis)
    problem = build_problem(scorer, params)
    rows, cols = np.nonzero(problem.allowed)
    score_q = scorer.score_q[rows, cols]
    score_of = dict(
        zip(zip(rows.tolist(), cols.tolist(), strict=True), score_q.tolist(), strict=True)
    )

    pairs = references.ortools_min_cost_flow(rows, cols, score_q, problem.capacity)

    assert abs(references.objective(pairs, score_of) - result.objective) <= 1e-9


def test_stable_mode_has_no_blocking_pair_on_a_generated_instance():
    instance = generate_instance(300, 20, seed=3, topics=TOPICS)
    params = Params(mode="stable")
    result = run(instance.applicants, instance.hosts, params, instance.topic_axis)
    pairs = {p.applicant_id: p.host_id for p in result.proposals}

    blocking = count_blocking(pairs, instance.applicants, instance.hosts, result, params)

    assert len(pairs) > 20
    assert (blocking, result.blocking_pairs) == (0, 0)


_DIGEST_SCRIPT = """
import hashlib
from matching.engine import Params, run
from matching.engine.generate import generate_instance
topics = [("energy", "field"), ("mobility", "field"), ("finance", "lever"), ("data", "theme")]
instance = generate_instance(200, 12, seed=5, topics=topics)
digest = hashlib.sha256()
for mode in ("optimal", "stable"):
    params = Params(mode=mode, pins=frozenset({(3, 5)}), forbids=frozenset({(4, 6)}))
    result = run(instance.applicants, instance.hosts, params, instance.topic_axis)
    digest.update(repr((result.proposals, result.unmatched, result.stats)).encode())
    digest.update(repr([tuple(a.tolist()) for a in result.candidates.arrays()]).encode())
print(digest.hexdigest())
"""


@pytest.mark.slow  # two Python processes
def test_results_do_not_depend_on_the_hash_seed():
    root = Path(__file__).resolve().parents[2]
    digests = {
        subprocess.run(
            [sys.executable, "-c", _DIGEST_SCRIPT],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }

    assert len(digests) == 1
