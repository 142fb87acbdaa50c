"""Plain data in and out of the matching engine: frozen dataclasses, no Django.

Topics are plain slug strings. The caller passes ``topic_axis`` (slug → ``"field"``, ``"lever"``
or ``"theme"``) beside the applicants and hosts; levers and cross-cutting themes are scored
together as one axis ("how"), fields of action as the other ("what").

Scores are fixed-point numbers with :data:`SCORE_DECIMALS` decimals (a score is an integer
number of millionths), so that equal scores are exactly equal and the assignment is optimised
in exact integer arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

SCORE_DECIMALS = 6
SCORE_SCALE = 10**SCORE_DECIMALS

Axis = Literal["field", "lever", "theme"]
Mode = Literal["choices", "optimal", "stable"]
AXES: tuple[str, ...] = ("field", "lever", "theme")
MODES: tuple[str, ...] = ("choices", "optimal", "stable")

# The components of a score, in the order they are reported.
COMPONENTS: tuple[str, ...] = (
    "action_interest",
    "need_offer",
    "text",
    "share_challenge",
    "preference",
    "host_interest",
    "context",
)


@dataclass(frozen=True, slots=True)
class Need:
    """Something the applicant wants to learn: topics and a short free text."""

    topics: frozenset[str]
    text: str = ""


@dataclass(frozen=True, slots=True)
class Share:
    """Something the applicant can share with the host (mutual benefit)."""

    topics: frozenset[str]
    text: str = ""


@dataclass(frozen=True, slots=True)
class Offer:
    """One bullet of a host's card: an action it offers, a challenge it faces or a benefit it
    expects. ``id`` identifies an offered action for applicants' action-level interest."""

    title: str
    topics: frozenset[str]
    text: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Applicant:
    """An applicant (a Twin City's application).

    ``preferences`` are host ids in rank order (rank 1 first); ids of unknown hosts are
    skipped but keep their rank position. ``texts`` is the applicant's other free text (its
    reasons for its preferences); it is never evidence of what a host offers.
    ``interests`` are the ids of offered actions (:attr:`Offer.id`) it wants to learn about.
    ``country`` (ISO code), ``population`` and ``languages`` are context for the small bonuses
    of :class:`Context`, as are ``english_level`` (the best CEFR level of its contacts, e.g.
    ``"B2"``; empty when unknown) and ``site_visits`` (``"yes"``: it can host and travel,
    ``"travel"``: travel only, ``"no"``, or empty when unknown).
    """

    id: int
    name: str
    eligible: bool = True
    withdrawn: bool = False
    needs: tuple[Need, ...] = ()
    shares: tuple[Share, ...] = ()
    preferences: tuple[int, ...] = ()
    texts: str = ""
    interests: frozenset[int] = frozenset()
    country: str = ""
    population: int | None = None
    languages: frozenset[str] = frozenset()
    english_level: str = ""
    site_visits: str = ""


@dataclass(frozen=True, slots=True)
class Host:
    """A host (a Mission City taking part in the call).

    ``capacity`` is the maximum number of applicants; ``min_capacity`` an optional minimum
    that the assignment fills first when it can (see :mod:`matching.engine.assign`).
    ``shortlist`` is applicant ids in the host's order of interest (1st first).
    """

    id: int
    name: str
    capacity: int
    min_capacity: int = 0
    actions: tuple[Offer, ...] = ()
    challenges: tuple[Offer, ...] = ()
    shortlist: tuple[int, ...] = ()
    texts: str = ""
    benefits: tuple[Offer, ...] = ()
    country: str = ""
    population: int | None = None
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the score components; the score is ``Σ weight × component``.

    Weights must be finite and ≥ 0, and not all zero; they are not renormalised. The
    ``context`` component is already a sum of small bonuses (see :class:`Context`), so its
    weight is 1 (0 turns the bonuses off).
    """

    action_interest: float = 0.5
    need_offer: float = 0.4
    text: float = 0.4
    share_challenge: float = 0.1
    preference: float = 0.3
    host_interest: float = 0.05
    context: float = 1.0

    def __post_init__(self) -> None:
        values = self.as_dict().values()
        if any(not math.isfinite(v) or v < 0 for v in values):
            raise ValueError(f"weights must be finite and non-negative: {self.as_dict()}")
        if not any(values):
            raise ValueError("at least one weight must be positive")

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in COMPONENTS}


@dataclass(frozen=True, slots=True)
class Context:
    """Small bonuses an officer would weigh, added to the score (``context`` component):

    - ``language``: the applicant and the host share an official language;
    - ``neighbour``: their countries are the same or share a border (and no language);
    - ``size``: their populations are in the same size class (see
      :data:`SIZE_CLASSES`);
    - ``site_visits``: the applicant can travel for site visits (``"yes"`` or ``"travel"``);
      the same for every host, so it never changes an applicant's order of hosts, only who
      gets a contested place;
    - ``english``: the pair shares no official language and the applicant's contact has
      English at :data:`ENGLISH_WORKING_LEVEL` or above (the exchange can run in English).

    None of them excludes a pair: an applicant without them only misses the bonus.
    """

    language: float = 0.06
    neighbour: float = 0.04
    size: float = 0.04
    site_visits: float = 0.02
    english: float = 0.0

    def __post_init__(self) -> None:
        for name in CONTEXT_BONUSES:
            value = getattr(self, name)
            if not math.isfinite(value) or not 0 <= value <= 1:
                raise ValueError(f"context bonus {name} must be in [0, 1], not {value!r}")


CONTEXT_BONUSES: tuple[str, ...] = ("language", "neighbour", "size", "site_visits", "english")
# CEFR levels in order; the English bonus needs at least this one.
CEFR_LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")
ENGLISH_WORKING_LEVEL = "B2"


def english_working(level: str) -> bool:
    """Whether a CEFR level (``"B2"``, ``"c1"``) is at least :data:`ENGLISH_WORKING_LEVEL`."""
    level = (level or "").upper()
    return level in CEFR_LEVELS and CEFR_LEVELS.index(level) >= CEFR_LEVELS.index(
        ENGLISH_WORKING_LEVEL
    )


# Upper bounds (inhabitants) of the size classes: small, medium, large, very large.
SIZE_CLASSES: tuple[int, ...] = (50_000, 250_000, 1_000_000)


def size_class(population: int | None) -> int | None:
    if population is None or population <= 0:
        return None
    return sum(population > bound for bound in SIZE_CLASSES)


@dataclass(frozen=True, slots=True)
class Params:
    """The settings of one matching run.

    - ``min_score``: pairs scoring below it are never proposed (pins excepted).
    - ``mode``: ``"choices"`` (choices respected, then the maximum total score; the
      default), ``"optimal"`` (maximum total score) or ``"stable"`` (applicant-proposing
      deferred acceptance); see :mod:`matching.engine.assign`.
    - ``pins``: ``(applicant_id, host_id)`` pairs that must be in the result, whatever their
      score; ``forbids``: pairs that must never be.
    - ``max_preferences``: how many ranks count for the preference component (ranks beyond
      it count as unranked).
    - ``preference_step``: how much the preference component falls from the 1st rank to the
      rank after the last counted one (see :func:`matching.engine.scoring.rank_value`): 0.9
      gives 1.0 / 0.7 / 0.4 for three ranks, 0.2 gives 1.0 / 0.93 / 0.87.
    """

    weights: Weights = field(default_factory=Weights)
    min_score: float = 0.2
    mode: Mode = "choices"
    pins: frozenset[tuple[int, int]] = frozenset()
    forbids: frozenset[tuple[int, int]] = frozenset()
    max_preferences: int = 3
    context: Context = field(default_factory=Context)
    preference_step: float = 0.9

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")
        if not math.isfinite(self.min_score) or self.min_score < 0:
            raise ValueError(f"min_score must be finite and ≥ 0, not {self.min_score!r}")
        if self.max_preferences < 1:
            raise ValueError("max_preferences must be at least 1")
        if not math.isfinite(self.preference_step) or not 0 <= self.preference_step <= 1:
            raise ValueError(f"preference_step must be in [0, 1], not {self.preference_step!r}")
        # Accept any iterable of pairs from callers; store frozensets of int pairs.
        object.__setattr__(self, "pins", frozenset((int(a), int(h)) for a, h in self.pins))
        object.__setattr__(self, "forbids", frozenset((int(a), int(h)) for a, h in self.forbids))


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """One scored (applicant, host) pair, with its components and the reasons in words."""

    applicant_id: int
    host_id: int
    score: float
    components: Mapping[str, float]
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed pair: its score breakdown, reasons and a one-paragraph explanation.

    ``rank`` is the applicant's rank of the host (``None`` when unranked); ``pinned`` tells
    that staff forced the pair. ``details`` is the evidence as plain data, for explanations in
    several voices (see :func:`matching.engine.explain.proposal_details`).
    """

    applicant_id: int
    host_id: int
    score: float
    components: Mapping[str, float]
    reasons: tuple[str, ...]
    explanation: str
    rank: int | None = None
    pinned: bool = False
    details: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Unmatched:
    """An applicant left without a host, and why."""

    applicant_id: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class MatchResult:
    """The outcome of :func:`matching.engine.run`.

    - ``proposals`` sorted by applicant id; ``unmatched`` (every applicant not proposed,
      eligible or not) sorted by applicant id, each with at least one reason.
    - ``candidates``: every allowed scored pair, a lazy sequence of objects with the attributes
      of :class:`ScoredPair` (see :class:`matching.engine.scoring.CandidatePairs`; its
      ``arrays()`` gives ids and scores as numpy arrays).
    - ``stats``: counts, scores, choice shares and loads (see
      :func:`matching.engine.explain.stats`).
    - ``blocking_pairs``: number of blocking pairs of the result with respect to the stable
      mode's preference lists (0 for a stable run without pins).
    - ``objective``: the total score of the proposals (exact: the sum of fixed-point scores).
    - ``warnings``: e.g. hosts left below their minimum capacity.
    - ``timings``: seconds spent scoring and assigning (not part of equality).
    """

    mode: str
    proposals: tuple[Proposal, ...]
    unmatched: tuple[Unmatched, ...]
    candidates: Sequence
    stats: Mapping[str, object]
    blocking_pairs: int
    objective: float
    warnings: tuple[str, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict, compare=False)


class InfeasiblePins(Exception):
    """Staff pins that cannot all hold; ``problems`` names each problem pin in words."""

    def __init__(self, problems: list[str] | tuple[str, ...]):
        self.problems = tuple(problems)
        super().__init__("Infeasible pins: " + "; ".join(self.problems))
