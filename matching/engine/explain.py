"""Explanations and statistics of an assignment: why each pair, why each miss, in words."""

from __future__ import annotations

import numpy as np

from .assign import Problem
from .scoring import CandidatePairs
from .types import COMPONENTS, SCORE_SCALE, MatchResult, Proposal, Unmatched

COMPONENT_LABELS = {
    "action_interest": "actions named",
    "need_offer": "needs ↔ actions (topics)",
    "text": "needs ↔ actions (wording)",
    "share_challenge": "shares ↔ challenges and benefits",
    "preference": "preference",
    "host_interest": "host interest",
    "context": "context bonuses",
}
_LIST_LIMIT = 3


def fmt_score(value: float) -> str:
    """A score in words: 2 decimals."""
    return f"{value:.2f}"


def fmt_exact(value: float) -> str:
    """A setting such as the minimum score: 2 decimals, or up to 6 when it has more."""
    for decimals in range(2, 7):
        text = f"{value:.{decimals}f}"
        if float(text) == round(value, 6):
            return text
    return f"{value:.6f}"


def fmt_below(value: float, minimum: float) -> str:
    """A score below ``minimum``, with enough decimals (2 to 6) to show that it is below."""
    for decimals in range(2, 7):
        text = f"{value:.{decimals}f}"
        if float(text) < minimum:
            return text
    return f"{value:.6f}"


def build_result(
    problem: Problem,
    assigned: np.ndarray,
    lists: list[list[int]],
    blocking_pairs: int,
    timings: dict[str, float],
) -> MatchResult:
    """Everything the caller shows: proposals, unmatched with reasons, candidates, stats."""
    scorer = problem.scorer
    m = scorer.shape[1]
    pinned = set(problem.pins)
    rows = np.nonzero(assigned >= 0)[0]
    cols = assigned[rows]
    load = np.bincount(cols, minlength=m)
    last_place = {}  # host column → lowest score among its proposals
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        q = int(scorer.score_q[i, j])
        last_place[j] = min(q, last_place.get(j, q))

    proposals = tuple(
        _proposal(problem, i, j, (i, j) in pinned, last_place, load)
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
    )
    reasons_of = unmatched_reasons(problem, assigned, lists, last_place)
    unmatched = tuple(
        # reasons_of holds the rows in increasing order (see unmatched_reasons).
        Unmatched(scorer.applicants[i].id, reasons)
        for i, reasons in reasons_of.items()
    )
    warnings = tuple(
        f"{h.name} has {int(load[j])} of its minimum {int(problem.min_capacity[j])} "
        "(not enough allowed applicants)"
        for j, h in enumerate(scorer.hosts)
        if load[j] < problem.min_capacity[j]
    )
    total_q = int(scorer.score_q[rows, cols].sum()) if len(rows) else 0
    objective = total_q / SCORE_SCALE
    candidates = CandidatePairs(scorer, *np.nonzero(problem.allowed))
    return MatchResult(
        mode=problem.params.mode,
        proposals=proposals,
        unmatched=unmatched,
        candidates=candidates,
        stats=stats(problem, rows, cols, len(candidates), blocking_pairs, objective),
        blocking_pairs=blocking_pairs,
        objective=objective,
        warnings=warnings,
        timings=timings,
    )


def proposal_details(
    problem: Problem, i: int, j: int, pinned: bool, last_place: dict[int, int], load: np.ndarray
) -> dict[str, object]:
    """The evidence of one proposed pair as plain data (JSON-able):

    - ``rank``: the applicant's rank of the host (``None`` when unranked), ``pinned``;
    - ``named``: titles of the host's actions the applicant said it wants to learn;
    - ``covered``: ``[{"need", "action", "topics", "terms"}]``, each learning need with the
      offered action that covers it (topics in common or wording); ``uncovered``: the needs
      that no action of this host covers;
    - ``shares``: whether what the applicant can share meets the host's challenges, expected
      benefits or motivation; ``context``: the context bonuses that apply;
    - ``bypassed``: each city the applicant ranked higher, with why it was not chosen:
      ``"full"`` (``last_score``: the lowest score among its proposals), ``"no_places"``,
      ``"forbidden"``, ``"below_minimum"`` (``score``), or, in optimal mode only,
      ``"total"`` (it had a place, but the total score was higher this way);
    - ``score``, ``components``, ``weights``, ``minimum``: the formula.
    """
    scorer = problem.scorer
    a = scorer.applicants[i]
    rank = scorer.rank(i, j)
    evidence = pair_evidence(scorer, i, j)
    counted = scorer.max_preferences
    limit = rank if rank is not None and rank <= counted else counted + 1
    bypassed = []
    for host_id, position in sorted(_first_ranks(a.preferences).items(), key=lambda x: x[1]):
        if position >= limit:
            break
        k = scorer.host_index.get(host_id)
        if k is None or k == j:
            continue
        entry: dict[str, object] = {"city": scorer.hosts[k].name, "rank": position}
        score = int(scorer.score_q[i, k]) / SCORE_SCALE
        if problem.forbidden[i, k]:
            entry["why"] = "forbidden"
        elif problem.capacity[k] == 0:
            entry["why"] = "no_places"
        elif not problem.allowed[i, k]:
            entry.update(why="below_minimum", score=round(score, 6))
        elif k in last_place and load[k] >= problem.capacity[k]:
            entry.update(why="full", last_score=last_place[k] / SCORE_SCALE, score=round(score, 6))
        else:
            entry.update(why="total" if not pinned else "pinned", score=round(score, 6))
        bypassed.append(entry)
    return {
        **evidence,
        "pinned": pinned,
        "bypassed": bypassed,
        "minimum": problem.params.min_score,
    }


def pair_evidence(scorer, i: int, j: int) -> dict[str, object]:
    """The evidence of any scored pair (proposed or not) as plain data: the keys of
    :func:`proposal_details` but ``pinned``, ``bypassed`` and ``minimum``."""
    covered, uncovered = [], []
    for c in scorer.coverage(i, j):
        if c.action:
            covered.append(
                {
                    "need": c.need,
                    "action": c.action,
                    "topics": list(c.topics),
                    "terms": list(c.terms),
                }
            )
        else:
            uncovered.append(c.need)
    return {
        "rank": scorer.rank(i, j),
        "named": scorer.named_actions(i, j),
        "covered": covered,
        "uncovered": uncovered,
        "shares": bool(scorer.share_challenge[i, j] > 0),
        "context": scorer.context_reasons(i, j),
        "score": scorer.score(i, j),
        "components": {k: round(v, 6) for k, v in scorer.components(i, j).items()},
        "weights": scorer.weights.as_dict(),
    }


def _first_ranks(preferences) -> dict[int, int]:
    out: dict[int, int] = {}
    for position, host_id in enumerate(preferences, start=1):
        out.setdefault(host_id, position)
    return out


def _proposal(
    problem: Problem,
    i: int,
    j: int,
    pinned: bool,
    last_place: dict[int, int],
    load: np.ndarray,
) -> Proposal:
    scorer = problem.scorer
    a, h = scorer.applicants[i], scorer.hosts[j]
    score = scorer.score(i, j)
    components = scorer.components(i, j)
    reasons = scorer.reasons(i, j)
    weights = problem.params.weights.as_dict()
    breakdown = " + ".join(
        f"{weights[name]:g} × {components[name]:.2f} {COMPONENT_LABELS[name]}"
        for name in COMPONENTS
        if weights[name]
    )
    explanation = f"{a.name} → {h.name}: score {score:.3f} = {breakdown}."
    if reasons:
        explanation += " " + "; ".join(reasons) + "."
    if pinned and score < problem.params.min_score:
        minimum = fmt_exact(problem.params.min_score)
        explanation += f" Pinned by staff (below the minimum score {minimum})."
    elif pinned:
        explanation += " Pinned by staff."
    return Proposal(
        applicant_id=a.id,
        host_id=h.id,
        score=score,
        components=components,
        reasons=reasons,
        explanation=explanation,
        rank=scorer.rank(i, j),
        pinned=pinned,
        details=proposal_details(problem, i, j, pinned, last_place, load),
    )


def _row_lists(mask: np.ndarray, order: np.ndarray) -> list[list[int]]:
    """For each row, the columns where ``mask`` holds, sorted by ``order`` (then column)."""
    rows, cols = np.nonzero(mask)
    ordered = cols[np.lexsort((cols, order[rows, cols], rows))].tolist()
    ends = np.cumsum(np.bincount(rows, minlength=mask.shape[0])).tolist()
    return [ordered[a:b] for a, b in zip([0, *ends][: len(ends)], ends, strict=True)]


def _top_columns(values: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row: how many values are ≥ 0, and the columns of the ``limit`` largest (ties: lower
    column first), as a (rows × limit) array."""
    n_rows, m = values.shape
    count = (values >= 0).sum(axis=1)
    limit = min(limit, m)
    if not n_rows or not limit:
        return count, np.zeros((n_rows, 0), dtype=np.int64)
    key = values * (m + 1) + (m - np.arange(m))  # unique within a row
    # The largest key of each row, then the next: a few passes instead of a partition.
    top = np.empty((n_rows, limit), dtype=np.int64)
    rows = np.arange(n_rows)
    for k in range(limit):
        top[:, k] = key.argmax(axis=1)
        key[rows, top[:, k]] = np.iinfo(np.int64).min
    return count, top


def unmatched_reasons(
    problem: Problem, assigned: np.ndarray, lists: list[list[int]], last_place: dict[int, int]
) -> dict[int, tuple[str, ...]]:
    """The reasons of every unmatched applicant row, in words (never empty), by increasing
    row (the order of ``np.nonzero``)."""
    scorer = problem.scorer
    hosts, q = scorer.hosts, scorer.score_q
    minimum = problem.params.min_score
    minimum_text = fmt_exact(minimum)
    stable = problem.params.mode == "stable"
    unmatched = np.nonzero(assigned < 0)[0]
    # Vectorised over the unmatched rows.
    ranks = scorer.pref_rank[unmatched]
    counted = (ranks > 0) & (ranks <= scorer.max_preferences)
    forbidden = problem.forbidden[unmatched]
    allowed = problem.allowed[unmatched]
    open_pairs = (problem.capacity > 0)[None, :] & ~forbidden
    rows_q = q[unmatched]
    best_open = np.where(open_pairs, rows_q, -1).argmax(axis=1)
    n_others, top_others = _top_columns(np.where(allowed & ~counted, rows_q, -1), _LIST_LIMIT)
    ranked_lists = _row_lists(counted, ranks)
    # Staff rarely forbid: without any forbidden pair, no row to sort.
    if forbidden.any():
        forbidden_lists = _row_lists(forbidden, np.zeros_like(ranks))
    else:
        forbidden_lists = [[] for _ in range(len(unmatched))]
    has_allowed = allowed.any(axis=1)
    closed_host = problem.capacity == 0

    full_text: dict[int, str] = {}

    def full(j: int) -> str:
        if j not in full_text:
            if j in last_place:
                last = fmt_score(last_place[j] / SCORE_SCALE)
                full_text[j] = f"{hosts[j].name} (the last place went at score {last})"
            else:
                full_text[j] = f"{hosts[j].name} (no places)"
        return full_text[j]

    def score_text(i: int, j: int) -> str:
        return f"{hosts[j].name} {fmt_below(q[i, j] / SCORE_SCALE, minimum)}"

    # Plain Python values for the loop below (numpy scalars are slow one at a time).
    active, closed_host = problem.active.tolist(), closed_host.tolist()
    has_allowed, best_open = has_allowed.tolist(), best_open.tolist()
    top_scores = np.take_along_axis(rows_q, top_others, axis=1).tolist()
    n_others, top_others = n_others.tolist(), top_others.tolist()
    low_lists = _row_lists(counted & open_pairs & ~allowed, ranks)
    reasons_of: dict[int, tuple[str, ...]] = {}
    for k, i in enumerate(unmatched.tolist()):
        if not active[i]:
            a = scorer.applicants[i]
            reasons_of[i] = (("not eligible",) if not a.eligible else ()) + (
                ("withdrawn",) if a.withdrawn else ()
            )
            continue
        reasons = []
        if forbidden_lists[k]:
            names = ", ".join([hosts[j].name for j in forbidden_lists[k]])
            reasons.append(f"forbidden by staff: {names}")
        if not has_allowed[k]:
            best = best_open[k]
            if open_pairs[k, best]:
                best_text = fmt_below(q[i, best] / SCORE_SCALE, minimum)
                reasons.append(
                    f"below the minimum score {minimum_text} everywhere "
                    f"(best: {hosts[best].name} at {best_text})"
                )
            elif not reasons:
                reasons.append("no city has places")
            reasons_of[i] = tuple(reasons)
            continue
        ranked = ranked_lists[k]
        if lists[i]:
            names = ", ".join([full(j) for j in lists[i]])
            reasons.append(f"its preferred cities were full: {names}")
        elif not ranked:
            reasons.append("ranked no city")
        closed = [j for j in ranked if closed_host[j]]
        if closed:
            names = ", ".join([hosts[j].name for j in closed])
            reasons.append(f"its ranked cities have no places: {names}")
        low = low_lists[k]
        if low:
            names = ", ".join([score_text(i, j) for j in low])
            reasons.append(f"its ranked cities scored below the minimum {minimum_text}: {names}")
        count = n_others[k]
        if count:
            cols = top_others[k][:count]
            if stable:
                names_list = [
                    f"{hosts[j].name} {fmt_score(value / SCORE_SCALE)}"
                    for j, value in zip(cols, top_scores[k], strict=False)
                ]
                lead = "stable mode pairs only ranked cities; not ranked but above the minimum: "
            else:
                names_list = [full(j) for j in cols]
                lead = "other cities above the minimum were full: "
            if count > len(cols):
                names_list.append(f"and {count - len(cols)} more")
            reasons.append(lead + ", ".join(names_list))
        if not reasons:  # cannot happen with the rules above; kept so that no miss goes unexplained
            reasons.append("not paired: the other applicants made a higher total")
        reasons_of[i] = tuple(reasons)
    return reasons_of


def stats(
    problem: Problem,
    rows: np.ndarray,
    cols: np.ndarray,
    n_candidates: int,
    blocking_pairs: int,
    objective: float,
) -> dict[str, object]:
    """Counts, scores, the share matched to each choice, and the load of each host.

    ``considered``: eligible and not withdrawn; ``not_eligible`` counts the ineligible (withdrawn
    or not), ``withdrawn`` the eligible who withdrew; ``unmatched`` is of the considered.

    ``choice_counts``/``choice_shares`` count the proposals by the applicant's rank of the
    host (``"1"``, ``"2"``, …, ``"unranked"``); shares are of the matched applicants.
    ``load`` and ``capacity`` are keyed by host id.
    """
    scorer = problem.scorer
    n, m = scorer.shape
    applicants = scorer.applicants
    matched = len(rows)
    considered = int(problem.active.sum())
    scores = scorer.score_q[rows, cols]
    ranks = scorer.pref_rank[rows, cols]
    keys = [str(r) for r in range(1, scorer.max_preferences + 1)]
    counts = {key: int((ranks == int(key)).sum()) for key in keys}
    counts["unranked"] = matched - sum(counts.values())
    load = np.bincount(cols, minlength=m)
    return {
        "applicants": n,
        "considered": considered,
        "not_eligible": sum(not a.eligible for a in applicants),
        "withdrawn": sum(a.eligible and a.withdrawn for a in applicants),
        "matched": matched,
        "unmatched": considered - matched,
        "pinned": len(problem.pins),
        "hosts": m,
        "places": int(problem.capacity.sum()),
        "candidates": n_candidates,
        "objective": objective,
        "mean_score": round(float(scores.mean()) / SCORE_SCALE, 6) if matched else None,
        "min_score": int(scores.min()) / SCORE_SCALE if matched else None,
        "choice_counts": counts,
        "choice_shares": {k: (v / matched if matched else 0.0) for k, v in counts.items()},
        "load": {h.id: int(load[j]) for j, h in enumerate(scorer.hosts)},
        "capacity": {h.id: int(problem.capacity[j]) for j, h in enumerate(scorer.hosts)},
        "blocking_pairs": blocking_pairs,
    }
