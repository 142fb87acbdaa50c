"""The matching engine: pure Python (numpy, scipy) over plain data; no Django, no database.

    result = run(applicants, hosts, Params(mode="optimal"), topic_axis)

- :mod:`.types`: the dataclasses in and out, and :class:`InfeasiblePins`;
- :mod:`.scoring`: the five score components and the reasons of a pair;
- :mod:`.assign`: allowed pairs, the exact optimal assignment, deferred acceptance, blocking pairs;
- :mod:`.explain`: proposals' explanations, the reasons of the unmatched, statistics;
- :mod:`.generate`: deterministic synthetic instances for tests and benchmarks.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from .assign import (
    build_problem,
    count_blocking_pairs,
    preference_lists,
    solve_optimal,
    solve_stable,
)
from .explain import build_result, pair_evidence
from .scoring import Scorer
from .types import (
    SCORE_SCALE,
    Applicant,
    Context,
    Host,
    InfeasiblePins,
    MatchResult,
    Need,
    Offer,
    Params,
    Proposal,
    ScoredPair,
    Share,
    Unmatched,
    Weights,
)

__all__ = [
    "Applicant",
    "Context",
    "Host",
    "HostScores",
    "InfeasiblePins",
    "MatchResult",
    "Need",
    "Offer",
    "Params",
    "Proposal",
    "ScoredPair",
    "Share",
    "Unmatched",
    "Weights",
    "run",
    "score_host",
]


def _scorer(applicants, hosts, params, topic_axis, topic_names, topic_parent, topic_glossary):
    return Scorer(
        applicants,
        hosts,
        params.weights,
        topic_axis,
        topic_names=topic_names,
        max_preferences=params.max_preferences,
        topic_parent=topic_parent,
        context=params.context,
        topic_glossary=topic_glossary,
        preference_step=params.preference_step,
    )


def run(
    applicants: Sequence[Applicant],
    hosts: Sequence[Host],
    params: Params,
    topic_axis: Mapping[str, str],
    *,
    topic_names: Mapping[str, str] | None = None,
    topic_parent: Mapping[str, str] | None = None,
    topic_glossary: Mapping[str, str] | None = None,
) -> MatchResult:
    """Score every pair, assign (``params.mode``), explain. Deterministic for the same input.

    ``topic_axis`` maps every topic slug used to ``"field"``, ``"lever"`` or ``"theme"``;
    ``topic_parent`` (optional) maps each practice to its broader topic (its axis in
    ``topic_axis`` is then the parent's); ``topic_names`` (optional) gives the names used in
    the reasons (the slug otherwise); ``topic_glossary`` (optional) maps practices to their
    name and definition, added to the wording of the offered actions tagged with them.
    Raises :class:`InfeasiblePins` when the pins cannot all hold, ``ValueError`` on
    inconsistent input (duplicate ids, topics without an axis).
    """
    started = time.perf_counter()
    scorer = _scorer(
        applicants, hosts, params, topic_axis, topic_names, topic_parent, topic_glossary
    )
    scored = time.perf_counter()
    problem = build_problem(scorer, params)
    lists = preference_lists(problem)
    stable = params.mode == "stable"
    assigned = solve_stable(problem, lists) if stable else solve_optimal(problem)
    assigned_at = time.perf_counter()
    blocking = count_blocking_pairs(problem, assigned, lists)
    timings = {"scoring": scored - started, "assignment": assigned_at - scored}
    result = build_result(problem, assigned, lists, blocking, timings)
    timings["explanation"] = time.perf_counter() - assigned_at
    return result


class HostScores:
    """Every applicant's score with one host, and the evidence of any of them on demand."""

    def __init__(self, scorer: Scorer, j: int):
        self._scorer, self._j = scorer, j
        ids = [a.id for a in scorer.applicants]
        column = scorer.score_q[:, j] if scorer.hosts else []
        self.scores: dict[int, float] = {
            app_id: int(q) / SCORE_SCALE for app_id, q in zip(ids, column, strict=True)
        }

    def evidence(self, applicant_id: int) -> dict[str, object]:
        """:func:`~matching.engine.explain.pair_evidence` of the applicant with the host
        (empty when the applicant is unknown)."""
        i = self._scorer.app_index.get(applicant_id)
        return {} if i is None else pair_evidence(self._scorer, i, self._j)


def score_host(
    applicants: Sequence[Applicant],
    hosts: Sequence[Host],
    host_id: int,
    params: Params,
    topic_axis: Mapping[str, str],
    *,
    topic_names: Mapping[str, str] | None = None,
    topic_parent: Mapping[str, str] | None = None,
    topic_glossary: Mapping[str, str] | None = None,
) -> HostScores:
    """Score every applicant with every host as :func:`run` does (no assignment) and keep the
    column of ``host_id``: how well each applicant fits that host, for its recommendations."""
    scorer = _scorer(
        applicants, hosts, params, topic_axis, topic_names, topic_parent, topic_glossary
    )
    if host_id not in scorer.host_index:
        raise ValueError(f"unknown host {host_id}")
    return HostScores(scorer, scorer.host_index[host_id])
