"""Assignment: which pairs are allowed, the optimal and the stable assignment, blocking pairs.

Allowed pairs
-------------
A pair (applicant, host) is allowed when the applicant is eligible and not withdrawn, the host
has a capacity above 0, staff did not forbid the pair, and its score is at least the minimum
(compared in fixed point), or when staff pinned it (a pin forces the pair even below the
minimum). Pins are checked first; :class:`InfeasiblePins` names every problem pin.

Choices mode (the default): choices respected, then the exact maximum total score
---------------------------------------------------------------------------------
The rule: no applicant is placed at a Mission City it ranked lower (or did not rank, or left
unplaced) while a city it ranked higher has a free place and accepts the pair (the pair is
allowed: score at least the minimum, not forbidden), unless a pin says otherwise.

How: the same exact solver as optimal mode, with a lexicographic objective whose first level
is the **choice bonus** ``Σ b(i, j)`` over the pairs, ``b = p + 1 − r`` for the applicant's
rank ``r ≤ p`` of the host (``p`` = ``max_preferences``: 3, 2, 1) and 0 when unranked. Any
assignment that breaks the rule can move the applicant to the higher-ranked city with the free
place, which keeps every capacity and raises the bonus, so an optimum never breaks it. Then
the **total score**, then the tie-break ``Σ (N − i)`` (lower-id applicants first; left to the
solver's fixed order when the instance is too large to pack it in int64). Minimum capacities
are reported, not enforced, in this mode (enforcing them could break the rule).

Optimal mode: exact maximum total score
---------------------------------------
Pins are fixed first (they take their host's places); the rest is a maximum-weight
b-matching (each applicant at most once, each host within its remaining capacity) over the
allowed pairs, solved exactly in integer arithmetic, lexicographically:

1. first, fill as many places as possible up to each host's **minimum capacity**
   (``Σ_host min(load, min_capacity)``), counting pins (this is how the optional minimum is
   honoured when it can be; a shortfall is reported in the result's ``warnings``);
2. then, the **total score** (the sum of fixed-point scores, exact);
3. then, the **tie-break**: the greatest ``Σ t(i, j)`` over the pairs, with
   ``t(i, j) = (N − i)·(H − j)``, where ``i``/``j`` are the applicant's/host's positions
   (0-based) by ascending id among the ``N`` applicants and ``H`` hosts. Among equally good
   assignments this prefers applicants with lower ids, and gives lower-id applicants the
   lower-id hosts (a sum of products is largest when both orders agree). Any tie left after
   that is settled by the solver's fixed order, so the same input always gives the same
   output, whatever the order of the input.

Levels 2 and 3 are packed into one int64 weight ``W = score_q·K + t`` with ``K`` larger than
any sum of ``t`` along an augmenting path, so comparisons of path costs are exactly
lexicographic; the objective reported is the plain sum of scores.

The solver is successive shortest augmenting paths (the primal-dual min-cost-flow method)
specialised to this shape, with few hosts and many applicants. An augmenting path alternates
host → applicant → that applicant's current host → …, and ends at a free applicant; its cost
does not depend on the applicants' potentials, so each shortest path is a Bellman-Ford over
the H hosts only (a dense H × H min-plus iteration in numpy), where the cost of host ``j``
taking an applicant away from host ``j'`` is ``min_i (W[i, j'] − W[i, j])`` over the
applicants matched to ``j'``, and the cost of ending at ``j`` is ``−W`` of the best free
applicant allowed at ``j`` (a pointer per host into its candidates sorted by ``W``: applicants
never become free again). Each path adds one pair, so there are at most ``min(N, Σ capacity)``
of them; the method stops when no path has a negative cost (the total cannot grow). Level 1
is handled by where paths start: only the first host of a path gains a place, so while a
path can start at a host below its minimum, the shortest such path is taken whatever its
cost (min-cost flow with cheaper parallel arcs for the first ``min_capacity`` places). Before
solving, each host keeps only its ``Σ capacity`` best candidates: a pair beyond them can
always be swapped for a better free candidate, so the optimum is unchanged.

Stable mode: applicant-proposing deferred acceptance
----------------------------------------------------
Hospital–resident with capacities. Each applicant's list is the hosts it ranked (in rank
order, only the first ``max_preferences``) among its allowed pairs; a host ranks the
applicants who listed it by its shortlist first (in shortlist order), then by score
(highest first), then by applicant id (lowest first). Pins are fixed first and the rest is
solved on the remaining capacities. The minimum capacity is reported, not enforced, in stable
mode.

Blocking pairs
--------------
With respect to those same lists, a pair (applicant ``a``, host ``h`` in ``a``'s list) blocks
when ``a`` is unpinned, ``a`` is unmatched or matched to a host it lists below ``h`` (or does
not list), and ``h`` has a free place or would rather have ``a`` than one of its unpinned
applicants (applicants not on ``h``'s list rank below all that are). A stable run has none;
for the optimal mode the count tells how far its result is from stable.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from .scoring import Scorer
from .types import SCORE_SCALE, InfeasiblePins, Params

_INF = np.int64(2**61)
_REACHABLE = np.int64(2**60)
_MAX_PATH_COST = 2**59


@dataclass
class Problem:
    """The allowed pairs and capacities of one run, in the scorer's row/column order."""

    scorer: Scorer
    params: Params
    active: np.ndarray  # (N,) eligible and not withdrawn
    allowed: np.ndarray  # (N, H) bool, pins included
    forbidden: np.ndarray  # (N, H) bool
    capacity: np.ndarray  # (H,)
    min_capacity: np.ndarray  # (H,)
    pins: tuple[tuple[int, int], ...]  # (row, column), sorted
    min_score_q: int

    @property
    def pinned_rows(self) -> np.ndarray:
        mask = np.zeros(len(self.active), dtype=bool)
        mask[[i for i, _ in self.pins]] = True
        return mask


def build_problem(scorer: Scorer, params: Params) -> Problem:
    """Check the pins and work out the allowed pairs (raises :class:`InfeasiblePins`)."""
    n, m = scorer.shape
    active = np.array([a.eligible and not a.withdrawn for a in scorer.applicants], dtype=bool)
    capacity = np.array([max(h.capacity, 0) for h in scorer.hosts], dtype=np.int64)
    min_capacity = np.array(
        [min(max(h.min_capacity, 0), max(h.capacity, 0)) for h in scorer.hosts], dtype=np.int64
    )
    forbidden = np.zeros((n, m), dtype=bool)
    for app_id, host_id in params.forbids:
        i, j = scorer.app_index.get(app_id), scorer.host_index.get(host_id)
        if i is not None and j is not None:
            forbidden[i, j] = True
    pins = _check_pins(scorer, params, capacity)
    min_score_q = round(params.min_score * SCORE_SCALE)
    allowed = (
        active[:, None] & (capacity > 0)[None, :] & ~forbidden & (scorer.score_q >= min_score_q)
    )
    for i, j in pins:
        allowed[i, j] = True
    return Problem(
        scorer, params, active, allowed, forbidden, capacity, min_capacity, pins, min_score_q
    )


def _check_pins(
    scorer: Scorer, params: Params, capacity: np.ndarray
) -> tuple[tuple[int, int], ...]:
    problems: list[str] = []
    pins: list[tuple[int, int]] = []
    for app_id, host_id in sorted(params.pins):
        i, j = scorer.app_index.get(app_id), scorer.host_index.get(host_id)
        if i is None or j is None:
            missing = [f"no applicant {app_id}"] if i is None else []
            missing += [f"no host {host_id}"] if j is None else []
            problems.append(f"pin {app_id} → {host_id}: " + " and ".join(missing))
            continue
        a, h = scorer.applicants[i], scorer.hosts[j]
        label = f"pin {a.name} → {h.name}"
        if not a.eligible:
            problems.append(f"{label}: {a.name} is not eligible")
        elif a.withdrawn:
            problems.append(f"{label}: {a.name} has withdrawn")
        elif (app_id, host_id) in params.forbids:
            problems.append(f"{label}: the pair is also forbidden")
        else:
            pins.append((i, j))
    by_applicant: dict[int, list[int]] = {}
    by_host: dict[int, list[int]] = {}
    for i, j in pins:
        by_applicant.setdefault(i, []).append(j)
        by_host.setdefault(j, []).append(i)
    for i, js in sorted(by_applicant.items()):
        if len(js) > 1:
            names = ", ".join(scorer.hosts[j].name for j in js)
            problems.append(
                f"{scorer.applicants[i].name} is pinned to {len(js)} cities ({names}); "
                "an applicant can have one"
            )
    for j, rows in sorted(by_host.items()):
        if len(rows) > capacity[j]:
            names = ", ".join(scorer.applicants[i].name for i in rows)
            pins_text = f"{len(rows)} pin" + ("s" if len(rows) > 1 else "")
            problems.append(
                f"{scorer.hosts[j].name} has {pins_text} ({names}) "
                f"but a capacity of {int(capacity[j])}"
            )
    if problems:
        raise InfeasiblePins(problems)
    return tuple(pins)


# -- optimal mode ------------------------------------------------------------------------------


def tie_values(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The tie-break ``t(i, j) = row_part[i] · col_part[j]`` (see the module docstring)."""
    row_part = n - np.arange(n, dtype=np.int64)
    col_part = m - np.arange(m, dtype=np.int64)
    return row_part, col_part


def choice_bonus(ranks: np.ndarray, max_preferences: int) -> np.ndarray:
    """``p + 1 − r`` for rank ``1 ≤ r ≤ p`` (``p`` = max_preferences), else 0."""
    ranks = np.asarray(ranks, dtype=np.int64)
    return np.where((ranks >= 1) & (ranks <= max_preferences), max_preferences + 1 - ranks, 0)


def solve_optimal(problem: Problem) -> np.ndarray:
    """The host column of each applicant row (−1 when unmatched), pins included.

    Optimal mode maximises (minimum places, total score, tie-break); choices mode maximises
    (choice bonus, total score, tie-break) and does not enforce minimum capacities (see the
    module docstring).
    """
    scorer = problem.scorer
    n, m = scorer.shape
    assigned = np.full(n, -1, dtype=np.int64)
    load = np.zeros(m, dtype=np.int64)
    for i, j in problem.pins:
        assigned[i] = j
        load[j] += 1
    free = problem.allowed & ~problem.pinned_rows[:, None]
    remaining = problem.capacity - load
    places = int(remaining.sum())
    if n == 0 or places == 0 or not free.any():
        return assigned
    weights = pair_weights(problem, free)
    if places < n:
        # Each host needs only its `places` best candidates (see the module docstring).
        rows = np.argpartition(-weights.T, places - 1, axis=1)[:, :places].ravel()
        cols = np.repeat(np.arange(m), places)
    else:
        rows, cols = np.nonzero(free)
    w = weights[rows, cols]
    keep = w > 0
    if problem.params.mode == "choices":
        minimum = np.zeros(m, dtype=np.int64)
    else:
        minimum = np.maximum(problem.min_capacity - load, 0)
    matched = max_weight_b_matching(rows[keep], cols[keep], w[keep], remaining, minimum, n)
    assigned[matched >= 0] = matched[matched >= 0]
    return assigned


def pair_weights(problem: Problem, free: np.ndarray) -> np.ndarray:
    """The int64 weight of every free allowed pair (0 elsewhere), lexicographic levels packed
    so that any sum along an augmenting path compares exactly (module docstring)."""
    scorer = problem.scorer
    n, m = scorer.shape
    score_q = np.maximum(scorer.score_q, 0)
    hop = 2 * (m + 2)  # at most this many pair weights are added or taken along a path
    if problem.params.mode == "choices":
        bonus = choice_bonus(scorer.pref_rank, scorer.max_preferences)
        level = hop * int(score_q.max()) + 1
        top = bonus * np.int64(level) + score_q
        t_max = n
        k = hop * t_max + 1
        if (m + 2) * (int(top.max()) * k + t_max) < _MAX_PATH_COST:
            row_part = n - np.arange(n, dtype=np.int64)
            packed = top * np.int64(k) + row_part[:, None]
        elif (m + 2) * (int(top.max()) + 1) < _MAX_PATH_COST:
            packed = top + 1  # too large for the tie-break level: solver order settles ties
        else:
            raise ValueError(
                f"instance too large for exact int64 optimisation ({n} applicants × {m} hosts)"
            )
        return np.where(free, packed, 0)
    row_part, col_part = tie_values(n, m)
    t_max = n * m
    k = 2 * (m + 2) * t_max + 1
    w_max = int(score_q.max()) * k + t_max
    if (m + 2) * w_max >= _MAX_PATH_COST:
        raise ValueError(
            f"instance too large for exact int64 optimisation ({n} applicants × {m} hosts)"
        )
    return np.where(free, score_q * np.int64(k) + row_part[:, None] * col_part, 0)


def max_weight_b_matching(
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    capacity: np.ndarray,
    minimum: np.ndarray,
    n_rows: int,
) -> np.ndarray:
    """Exact lexicographic (minimum places filled, total weight) b-matching.

    ``rows``/``cols``/``weights`` are the edges (weights > 0, int64); ``capacity[j]`` and
    ``minimum[j]`` the places and the minimum of column ``j``. Returns the column of each row
    (−1 when unmatched). See the module docstring for the method.
    """
    m = len(capacity)
    assigned = np.full(n_rows, -1, dtype=np.int64)
    total_places = int(capacity.sum())
    if not len(rows) or total_places == 0:
        return assigned

    # Each column keeps its `total_places` best edges; sort them by column, best first.
    order = np.lexsort((-weights, cols))
    e_row, e_col, e_w = rows[order], cols[order], weights[order]
    col_start = np.searchsorted(e_col, np.arange(m + 1))
    rank_in_col = np.arange(len(e_row)) - col_start[e_col]
    keep = (rank_in_col < total_places) & (capacity[e_col] > 0)
    e_row, e_col, e_w = e_row[keep], e_col[keep], e_w[keep]
    col_start = np.searchsorted(e_col, np.arange(m + 1))
    # The same edges grouped by row: each row's columns and weights.
    by_row = np.argsort(e_row, kind="stable")
    row_start = np.searchsorted(e_row[by_row], np.arange(n_rows + 1)).tolist()
    row_cols, row_w = e_col[by_row], e_w[by_row]

    assigned_w = np.zeros(n_rows, dtype=np.int64)
    load = np.zeros(m, dtype=np.int64)
    members: list[list[int]] = [[] for _ in range(m)]  # rows matched to each column
    pointer = col_start[:-1].copy()
    end_cost = np.full(m, _INF, dtype=np.int64)  # −W of each column's best free row
    end_row = np.full(m, -1, dtype=np.int64)
    for j in range(m):
        _advance(j, pointer, col_start, e_row, e_w, assigned, end_cost, end_row)
    # cost[j, j2]: cheapest way for column j to take a row away from column j2, by `via[j, j2]`.
    cost = np.full((m, m), _INF, dtype=np.int64)
    via = np.full((m, m), n_rows, dtype=np.int64)
    minimum_phase = bool((minimum > 0).any())

    for _ in range(min(n_rows, total_places)):
        path = None
        if minimum_phase:
            path = _shortest_path(cost, load < minimum, end_cost, negative_only=False)
            minimum_phase = path is not None
        if path is None:
            path = _shortest_path(cost, load < capacity, end_cost, negative_only=True)
        if path is None:
            break
        end, pred = path

        # Walk back from the end column: each step moves one row to the previous column.
        new_row = int(end_row[end])
        moves = []
        j = end
        while pred[j] >= 0:
            p = int(pred[j])
            moved = int(via[p, j])
            moves.append((moved, p, j, int(assigned_w[moved] - cost[p, j])))
            j = p
            if len(moves) > m:
                raise RuntimeError("augmenting path does not end; this is a bug")
        load[j] += 1
        changed = {end}
        for moved, p, old, w in moves:
            members[old].remove(moved)
            members[p].append(moved)
            assigned[moved] = p
            assigned_w[moved] = w
            changed.add(p)
        assigned[new_row] = end
        assigned_w[new_row] = -end_cost[end]
        members[end].append(new_row)
        for j2 in changed:
            _column_costs(j2, members[j2], cost, via, row_start, row_cols, row_w, assigned_w)
        for j2 in row_cols[row_start[new_row] : row_start[new_row + 1]].tolist():
            if end_row[j2] == new_row:
                _advance(j2, pointer, col_start, e_row, e_w, assigned, end_cost, end_row)
    return assigned


def _column_costs(j2, rows, cost, via, row_start, row_cols, row_w, assigned_w) -> None:
    """Recompute ``cost[:, j2]``/``via[:, j2]`` from the rows now matched to column ``j2``
    (ties: the lowest row)."""
    cost[:, j2] = _INF
    via[:, j2] = len(assigned_w)
    for i in sorted(rows):
        cols = row_cols[row_start[i] : row_start[i + 1]]
        vals = assigned_w[i] - row_w[row_start[i] : row_start[i + 1]]
        better = (vals < cost[cols, j2]) & (cols != j2)
        cost[cols[better], j2] = vals[better]
        via[cols[better], j2] = i


def _advance(j, pointer, col_start, e_row, e_w, assigned, end_cost, end_row) -> None:
    """Move column ``j``'s pointer to its best free row and record the cost of ending there."""
    k, stop = pointer[j], col_start[j + 1]
    while k < stop and assigned[e_row[k]] >= 0:
        k += 1
    pointer[j] = k
    if k < stop:
        end_cost[j], end_row[j] = -e_w[k], e_row[k]
    else:
        end_cost[j], end_row[j] = _INF, -1


def _shortest_path(cost, sources, end_cost, *, negative_only: bool):
    """Bellman-Ford over the hosts from ``sources``; the best end column and predecessors.

    Rounds relax only from the columns whose distance fell in the previous round. Returns
    ``None`` when no path ends at a free row (or, with ``negative_only``, when none has a
    negative cost).
    """
    frontier = np.nonzero(sources)[0]
    if not len(frontier):
        return None
    m = len(sources)
    dist = np.where(sources, np.int64(0), _INF)
    pred = np.full(m, -1, dtype=np.int64)
    arange_m = np.arange(m)
    for _ in range(m + 1):
        candidate = dist[frontier, None] + cost[frontier]
        came_from = candidate.argmin(axis=0)
        best = candidate[came_from, arange_m]
        better = (best < dist) & (best < _REACHABLE)
        if not better.any():
            break
        dist[better] = best[better]
        pred[better] = frontier[came_from[better]]
        frontier = np.nonzero(better)[0]
    else:
        raise RuntimeError("negative cycle among the hosts; this is a bug")
    total = np.where((dist < _REACHABLE) & (end_cost < _REACHABLE), dist + end_cost, _INF)
    end = int(total.argmin())
    if total[end] >= _REACHABLE or (negative_only and total[end] >= 0):
        return None
    return end, pred


# -- stable mode -------------------------------------------------------------------------------


def preference_lists(problem: Problem) -> list[list[int]]:
    """Each applicant's stable-mode list: allowed hosts it ranked, in rank order."""
    scorer = problem.scorer
    ranks = scorer.pref_rank
    rows, cols = np.nonzero(problem.allowed & (ranks > 0) & (ranks <= scorer.max_preferences))
    order = np.lexsort((ranks[rows, cols], rows))
    ordered = cols[order].tolist()
    ends = np.cumsum(np.bincount(rows, minlength=scorer.shape[0])).tolist()
    starts = [0, *ends][: len(ends)]
    return [ordered[a:b] for a, b in zip(starts, ends, strict=True)]


def host_key(scorer: Scorer, i: int, j: int) -> tuple[int, int, int]:
    """How host ``j`` ranks applicant ``i`` (smaller is better): shortlist, score, id."""
    listed = int(scorer.shortlist_rank[i, j])
    if listed:
        return (0, listed, i)
    return (1, -int(scorer.score_q[i, j]), i)


def solve_stable(problem: Problem, lists: list[list[int]] | None = None) -> np.ndarray:
    """Applicant-proposing deferred acceptance on the places left after the pins."""
    scorer = problem.scorer
    n, m = scorer.shape
    lists = preference_lists(problem) if lists is None else lists
    assigned = np.full(n, -1, dtype=np.int64)
    remaining = problem.capacity.tolist()
    for i, j in problem.pins:
        assigned[i] = j
        remaining[j] -= 1
    pinned = problem.pinned_rows.tolist()
    held: list[list[tuple]] = [[] for _ in range(m)]  # max-heaps (negated keys) per host
    next_choice = [0] * n
    free = [i for i in range(n - 1, -1, -1) if not pinned[i] and lists[i]]
    while free:
        i = free.pop()
        while next_choice[i] < len(lists[i]):
            j = lists[i][next_choice[i]]
            next_choice[i] += 1
            if remaining[j] <= 0:
                continue
            key = host_key(scorer, i, j)
            neg = tuple(-x for x in key)
            if len(held[j]) < remaining[j]:
                heapq.heappush(held[j], neg)
                assigned[i] = j
                break
            if neg > held[j][0]:  # i is better than the worst held applicant
                worst = heapq.heapreplace(held[j], neg)
                loser = -worst[2]
                assigned[loser] = -1
                assigned[i] = j
                free.append(loser)
                break
    return assigned


def count_blocking_pairs(
    problem: Problem, assigned: np.ndarray, lists: list[list[int]] | None = None
) -> int:
    """Blocking pairs of ``assigned`` with respect to the stable-mode lists (module docstring)."""
    scorer = problem.scorer
    m = scorer.shape[1]
    lists = preference_lists(problem) if lists is None else lists
    pinned = problem.pinned_rows
    load = np.bincount(assigned[assigned >= 0], minlength=m)
    on_list = [set() for _ in range(m)]
    for i, cols in enumerate(lists):
        for j in cols:
            on_list[j].add(i)
    worst: dict[int, tuple] = {}
    for i in np.nonzero((assigned >= 0) & ~pinned)[0].tolist():
        j = int(assigned[i])
        key = host_key(scorer, i, j) if i in on_list[j] else (2, 0, i)
        if j not in worst or key > worst[j]:
            worst[j] = key
    blocking = 0
    has_place = (load < problem.capacity).tolist()
    for i, (is_pinned, current, cols) in enumerate(
        zip(pinned.tolist(), assigned.tolist(), lists, strict=True)
    ):
        if is_pinned or not cols:
            continue
        for j in cols:
            if j == current:
                break
            if has_place[j] or (j in worst and host_key(scorer, i, j) < worst[j]):
                blocking += 1
    return blocking
