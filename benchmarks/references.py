"""Reference solvers for the engine's allowed-pair graph, used by the benchmark and the tests.

Every function takes the same input: the allowed pairs as parallel arrays (``rows`` =
applicant rows, ``cols`` = host columns, ``score_q`` = fixed-point scores, integers) and the
hosts' capacities, and returns the chosen pairs as a ``{row: col}`` dict. The objective of a
result is :func:`objective` (the exact sum of the fixed-point scores), the same for all.

The PyPI ``matching`` library has the same top-level name as our Django app ``matching``: it
is never imported here; :func:`library_stable` runs it in a separate process and venv.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

SCORE_SCALE = 10**6


def objective(pairs: dict[int, int], score_of: dict[tuple[int, int], int]) -> float:
    """The total score of ``pairs`` (exact sum of fixed-point scores)."""
    return sum(score_of[(r, c)] for r, c in pairs.items()) / SCORE_SCALE


# -- optimal ---------------------------------------------------------------------------------


def ortools_min_cost_flow(rows, cols, score_q, capacity) -> dict[int, int]:
    """OR-tools ``SimpleMinCostFlow``: source → applicant → host → sink, plus a bypass arc.

    Costs are the negated integer scores, so the minimum-cost flow is a maximum-score
    assignment; the bypass arc (source → sink, cost 0) lets applicants stay unmatched.
    """
    from ortools.graph.python import min_cost_flow

    n_rows, n_cols = int(rows.max()) + 1, len(capacity)
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    applicants = np.unique(rows)
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate(
        [np.full(len(applicants), source), rows, n_rows + np.arange(n_cols), [source]]
    )
    heads = np.concatenate([applicants, n_rows + cols, np.full(n_cols, sink), [sink]])
    caps = np.concatenate(
        [np.ones(len(applicants)), np.ones(len(rows)), capacity, [len(applicants)]]
    )
    costs = np.concatenate([np.zeros(len(applicants)), -np.asarray(score_q), np.zeros(n_cols), [0]])
    first_pair_arc = len(applicants)
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32),
        heads.astype(np.int32),
        caps.astype(np.int64),
        costs.astype(np.int64),
    )
    flow.set_node_supply(source, len(applicants))
    flow.set_node_supply(sink, -len(applicants))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"OR-tools min-cost flow ended with status {status}")
    arcs = np.arange(first_pair_arc, first_pair_arc + len(rows))
    used = flow.flows(arcs) > 0
    return dict(zip(rows[used].tolist(), cols[used].tolist(), strict=True))


def scipy_lsa_dense(rows, cols, score_q, capacity) -> dict[int, int]:
    """``scipy.optimize.linear_sum_assignment`` on a dense (applicants × capacity slots) matrix.

    Each host is expanded into ``capacity`` identical slot columns; disallowed pairs weigh 0
    and are dropped from the answer (allowed pairs score above 0 in the benchmark).
    """
    from scipy.optimize import linear_sum_assignment

    applicants, row_of = np.unique(rows, return_inverse=True)
    slot_host = np.repeat(np.arange(len(capacity)), capacity)
    weight = np.zeros((len(applicants), len(capacity)))
    weight[row_of, cols] = np.asarray(score_q) / SCORE_SCALE
    expanded = weight[:, slot_host]
    r, s = linear_sum_assignment(expanded, maximize=True)
    keep = expanded[r, s] > 0
    return dict(zip(applicants[r[keep]].tolist(), slot_host[s[keep]].tolist(), strict=True))


def scipy_sparse_matching(rows, cols, score_q, capacity) -> dict[int, int]:
    """``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` (LAPJVsp) on slots.

    Every slot must be matched (full matching of the smaller side), so each slot also gets a
    dummy applicant of its own; costs are ``2 − score`` for real pairs and 2 for dummies,
    so the minimum-cost full matching is a maximum-score assignment.
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    applicants, row_of = np.unique(rows, return_inverse=True)
    slot_host = np.repeat(np.arange(len(capacity)), capacity)
    first_slot = np.concatenate([[0], np.cumsum(capacity)[:-1]])
    n_slots, n_app = len(slot_host), len(applicants)
    reps = np.asarray(capacity)[cols]
    pair_rows = np.repeat(row_of, reps)
    pair_slots = np.concatenate(
        [first_slot[c] + np.arange(k) for c, k in zip(cols, reps, strict=True)]
    )
    pair_cost = np.repeat(2.0 - np.asarray(score_q) / SCORE_SCALE, reps)
    graph = sp.csr_matrix(
        (
            np.concatenate([pair_cost, np.full(n_slots, 2.0)]),
            (
                np.concatenate([pair_rows, n_app + np.arange(n_slots)]),
                np.concatenate([pair_slots, np.arange(n_slots)]),
            ),
        ),
        shape=(n_app + n_slots, n_slots),
    )
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    real = row_ind < n_app
    return dict(
        zip(applicants[row_ind[real]].tolist(), slot_host[col_ind[real]].tolist(), strict=True)
    )


def scipy_milp(rows, cols, score_q, capacity, time_limit: float = 60.0) -> dict[int, int]:
    """``scipy.optimize.milp`` (HiGHS): one binary per allowed pair, two families of rows."""
    import scipy.sparse as sp
    from scipy.optimize import Bounds, LinearConstraint, milp

    applicants, row_of = np.unique(rows, return_inverse=True)
    n = len(rows)
    a_app = sp.csr_matrix((np.ones(n), (row_of, np.arange(n))), shape=(len(applicants), n))
    a_host = sp.csr_matrix((np.ones(n), (cols, np.arange(n))), shape=(len(capacity), n))
    result = milp(
        c=-np.asarray(score_q, dtype=float) / SCORE_SCALE,
        constraints=[
            LinearConstraint(a_app, 0, 1),
            LinearConstraint(a_host, 0, np.asarray(capacity)),
        ],
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit},
    )
    if result.x is None:
        raise RuntimeError(f"milp: {result.message}")
    used = result.x > 0.5
    return dict(zip(rows[used].tolist(), cols[used].tolist(), strict=True))


# -- stable ----------------------------------------------------------------------------------


def library_stable(
    resident_prefs: dict[int, list[int]],
    hospital_prefs: dict[int, list[int]],
    capacities: dict[int, int],
    *,
    python: str,
    repeats: int = 1,
) -> tuple[dict[int, int], list[float]]:
    """The resident-optimal stable matching of the ``matching`` library: ``({row: col}, the
    solve time of each repeat)``.

    The library is not in the project's environment (it has our app's name): it runs in
    ``benchmarks/stable_reference.py`` under ``python``, the interpreter of the venv that
    `make bench` builds for it. Residents and hospitals with empty lists are left out (the
    library warns about them).
    """
    residents = {r: p for r, p in resident_prefs.items() if p}
    hospitals = {h: p for h, p in hospital_prefs.items() if p}
    if not residents:
        return {}, [0.0]
    problem = {
        "residents": residents,
        "hospitals": hospitals,
        "capacities": {h: capacities[h] for h in hospitals},
        "repeats": repeats,
    }
    answer = subprocess.run(
        [python, str(Path(__file__).with_name("stable_reference.py"))],
        input=json.dumps(problem),
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(answer.stdout)
    return {int(r): int(h) for r, h in out["pairs"].items()}, out["seconds"]
