"""Scoring: every (applicant, host) pair gets five components in [0, 1] and a weighted score.

All components are computed at once as dense (applicants × hosts) numpy matrices; the reasons
in words are computed on demand, pair by pair, only for the pairs that are shown.

Topic overlap (used for need → offer and for share → challenge)
----------------------------------------------------------------
Topics are split into two axes: fields of action ("what", axis ``field``) and levers of change
with cross-cutting themes ("how", axes ``lever`` and ``theme``). For one applicant item ``n``
(a learning need, or something it can share) and one host item ``a`` (an offered action, or
a challenge)::

    f = Σ_{t ∈ F(n)} w(t)·c(t, a) / Σ_{t ∈ F(n)} w(t)   rarity-weighted share of the item's
                                                         fields that ``a`` covers
    l = the same over L(n), its levers/themes
    v(n, a) = 0.5·f + 0.3·l + 0.2·f·l   when ``n`` has topics on both axes
    v(n, a) = f  (or l)                 when ``n`` has topics on one axis only

where ``c(t, a)`` is 1 when ``a`` carries ``t`` (or a practice under it), :data:`PARENT_CREDIT`
when ``t`` is a practice and ``a`` has only its broader topic, else 0; and ``w(t)`` is the
rarity of ``t`` among the hosts, with the BM25 form of :mod:`matching.engine.text`::

    w(t) = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))

``N`` the number of hosts and ``df(t)`` how many of them have a host item of the kind compared
(offered actions for needs; challenges, benefits and motivation for shares) that carries ``t``
or a practice under it. Within one axis, the rarer topic of an item says more about what it
asks for ("Just transition" in a need tagged "Democracy & participation, Just transition"
weighs more than the participation that 9 of 16 Mission Cities offer); with one topic per
axis the weights cancel and ``f``, ``l`` are the plain shares.

A learning need is scored with its topics as read (:class:`~.practices.PracticeReader`): each
broad topic it carries is replaced by the practices under it that its text names ("waste heat
into our district heating" → District heating & waste heat), so an action carrying that
practice covers it in full and one carrying only the broad topic covers it at
:data:`PARENT_CREDIT`. Shares keep their topics as given.

So a single host item that matches an item on a field *and* on a lever/theme earns the
``0.2·f·l`` bonus that two host items matching one axis each do not. The component is the
mean over the applicant's items that have topics of ``max_a v(n, a)`` over the host's items
(0 when either side has none)::

    need_offer(i, j)      = mean_{n ∈ needs(i)}  max_{a ∈ actions(j)}    v(n, a)
    share_challenge(i, j) = mean_{s ∈ shares(i)} max_{c ∈ challenges(j)} v(s, c)

Ranks
-----
``rank_value(r, n, s) = 1 − s·(r − 1)/n`` for ranks ``1 ≤ r ≤ n``, else 0; with ``n = 3`` and
the step ``s = 0.9``: 1st → 1.0, 2nd → 0.7, 3rd → 0.4, unranked → 0.

- preference(i, j): ``rank_value(rank of j in i's preferences, max_preferences,
  preference_step)``; the step is a setting of the run (:class:`~.types.Params`): a small step
  counts every city the applicant ranked as a strong signal and the order among them as a
  weak one;
- host_interest(i, j): ``rank_value(rank of i in j's shortlist, length of the shortlist)``.

Preferences and shortlists are de-duplicated (first occurrence counts); unknown ids keep
their position.

Text evidence (``text``): each learning need's BM25 evidence against each offered action's
title, description and glossary, item to item (see :mod:`matching.engine.text`); the component
is the mean over the needs with text of the best evidence among the host's actions.

Score: ``Σ weight_k × component_k``, rounded to :data:`~matching.engine.types.SCORE_DECIMALS`
decimals (an integer number of millionths, ``score_q``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .context import COUNTRY_LANGUAGES, NEIGHBOURS
from .practices import PracticeReader
from .text import bm25, name_words
from .types import (
    AXES,
    COMPONENTS,
    CONTEXT_BONUSES,
    SCORE_SCALE,
    Applicant,
    Context,
    Host,
    Need,
    Offer,
    ScoredPair,
    Weights,
    english_working,
    size_class,
)

# The answers to "site visits" that mean the applicant can travel.
TRAVELS = frozenset({"yes", "travel"})

FIELD_WEIGHT = 0.5
HOW_WEIGHT = 0.3
BOTH_AXES_BONUS = 0.2
# A practice asked for, offered only as its broader topic (or as a sibling practice).
PARENT_CREDIT = 0.35
RANK_STEP = 0.9


def rank_value(rank: int | None, n: int, step: float = RANK_STEP) -> float:
    """1.0 for rank 1 down to ``1 − step·(n − 1)/n`` for rank ``n``; 0 when unranked or beyond
    ``n``."""
    if rank is None or rank < 1 or rank > n:
        return 0.0
    return 1.0 - step * (rank - 1) / n


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def expand_topics(topics: frozenset[str], topic_parent: Mapping[str, str]) -> frozenset[str]:
    """The topics with the broader topic of each practice added."""
    parents = {topic_parent[t] for t in topics if t in topic_parent}
    return topics | parents if parents else topics


def topic_credit(
    topic: str, offer_topics: frozenset[str], topic_parent: Mapping[str, str]
) -> float:
    """How far a host item with ``offer_topics`` (expanded) covers one topic of an item: 1 when
    it has it, :data:`PARENT_CREDIT` when the topic is a practice and the item has only its
    broader topic (the same field, another practice or none), else 0."""
    if topic in offer_topics:
        return 1.0
    parent = topic_parent.get(topic)
    return PARENT_CREDIT if parent is not None and parent in offer_topics else 0.0


def topic_rarity(df: np.ndarray | float, n_hosts: int) -> np.ndarray | float:
    """``w(t)`` of the module docstring from ``df(t)`` (how many of ``n_hosts`` hosts offer t)."""
    return np.log(1.0 + (n_hosts - df + 0.5) / (df + 0.5))


def item_overlap(
    item_topics: frozenset[str],
    offer_topics: frozenset[str],
    topic_axis: Mapping[str, str],
    topic_parent: Mapping[str, str] | None = None,
    rarity: Mapping[str, float] | None = None,
) -> float:
    """``v(n, a)`` of the module docstring for one item and one host item (pure Python);
    ``rarity`` maps topics to ``w(t)`` (every topic weighs 1 when it is ``None``)."""
    topic_parent = topic_parent or {}
    offer_topics = expand_topics(offer_topics, topic_parent)
    fields = {t for t in item_topics if topic_axis[t] == "field"}
    hows = item_topics - fields

    def share(topics: set[str]) -> float:
        if not topics:
            return 0.0
        w = {t: 1.0 if rarity is None else rarity[t] for t in sorted(topics)}
        return sum(w[t] * topic_credit(t, offer_topics, topic_parent) for t in w) / sum(w.values())

    f, lv = share(fields), share(hows)
    if fields and hows:
        return FIELD_WEIGHT * f + HOW_WEIGHT * lv + BOTH_AXES_BONUS * f * lv
    return f if fields else lv


def _rank_values(ranks: np.ndarray, n, step: float = RANK_STEP) -> np.ndarray:
    """``rank_value`` elementwise (same operations, so the same floats)."""
    ranks = np.asarray(ranks, dtype=np.int64)
    n = np.broadcast_to(np.asarray(n, dtype=np.int64), ranks.shape)
    values = 1.0 - step * (ranks - 1) / n
    return np.where((ranks >= 1) & (ranks <= n), values, 0.0)


# OpenBLAS multiplies on several threads above about 2**18 multiply-adds and on one below,
# with the same kernel (each value the same float). On 2 cores shared with the web server
# the threads cost more CPU than they save (waiting and spinning): rows go by blocks below
# that size.
_SINGLE_THREAD_PRODUCT = 2**18


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b``, a block of rows at a time, each block small enough for one thread."""
    rows = max(1, _SINGLE_THREAD_PRODUCT // max(1, b.shape[0] * b.shape[1]))
    if len(a) <= rows:
        return a @ b
    return np.concatenate([a[start : start + rows] @ b for start in range(0, len(a), rows)])


def _unique_positions(ids: Sequence[int]) -> dict[int, int]:
    """Id → 1-based position of its first occurrence."""
    positions: dict[int, int] = {}
    for position, item in enumerate(ids, start=1):
        positions.setdefault(item, position)
    return positions


class Scorer:
    """The component matrices of one instance and the evidence of any pair.

    Applicants and hosts are held sorted by id; row ``i`` / column ``j`` of every matrix is
    ``applicants[i]`` / ``hosts[j]``.
    """

    def __init__(
        self,
        applicants: Sequence[Applicant],
        hosts: Sequence[Host],
        weights: Weights,
        topic_axis: Mapping[str, str],
        *,
        topic_names: Mapping[str, str] | None = None,
        max_preferences: int = 3,
        topic_parent: Mapping[str, str] | None = None,
        context: Context | None = None,
        neighbours: Mapping[str, frozenset[str]] | None = None,
        topic_glossary: Mapping[str, str] | None = None,
        preference_step: float = RANK_STEP,
    ):
        self.preference_step = preference_step
        self.applicants = tuple(sorted(applicants, key=lambda a: a.id))
        self.hosts = tuple(sorted(hosts, key=lambda h: h.id))
        self.app_index = {a.id: i for i, a in enumerate(self.applicants)}
        self.host_index = {h.id: j for j, h in enumerate(self.hosts)}
        if len(self.app_index) != len(self.applicants):
            raise ValueError("applicant ids must be unique")
        if len(self.host_index) != len(self.hosts):
            raise ValueError("host ids must be unique")
        bad_axes = sorted(s for s, axis in topic_axis.items() if axis not in AXES)
        if bad_axes:
            raise ValueError(f"topics with an axis other than {AXES}: {bad_axes}")
        self.topic_axis = dict(topic_axis)
        self.topic_names = dict(topic_names or {})
        self.topic_parent = {
            slug: parent for slug, parent in (topic_parent or {}).items() if slug in topic_axis
        }
        bad_parents = sorted(p for p in self.topic_parent.values() if p not in topic_axis)
        if bad_parents:
            raise ValueError(f"parent topics missing from topic_axis: {bad_parents}")
        self.weights = weights
        self.max_preferences = max_preferences
        self.context_bonus = context or Context()
        self.neighbours = neighbours if neighbours is not None else NEIGHBOURS
        self.topic_glossary = dict(topic_glossary or {})
        self._cache: dict = {}
        # Topic → rarity w(t) among the hosts' offered actions ("need") and among what they
        # hope to gain ("share"); see the module docstring.
        self.rarity: dict[str, dict[str, float]] = {}
        self._check_topics()

        n, m = len(self.applicants), len(self.hosts)
        self.pref_rank = np.zeros((n, m), dtype=np.int32)  # 0 = unranked
        self.shortlist_rank = np.zeros((n, m), dtype=np.int32)  # 0 = not shortlisted
        self.shortlist_len = np.zeros(m, dtype=np.int32)
        self._fill_ranks()

        # Each need's topics as scored: broad topics replaced by the practices its wording
        # names (:mod:`matching.engine.practices`).
        self.need_topics = self._read_need_topics()
        self.need_offer = self._overlap(
            [[Need(topics) for topics in row] for row in self.need_topics],
            [h.actions for h in self.hosts],
        )
        self._dropped = frozenset().union(*(name_words(h.name) for h in self.hosts))
        # Item-to-item text evidence: needs ↔ offered actions; shares ↔ challenges, benefits
        # and the host's motivation.
        self.need_docs = [(j, k) for j, h in enumerate(self.hosts) for k in range(len(h.actions))]
        self.need_items = [
            (i, k) for i, a in enumerate(self.applicants) for k in range(len(a.needs))
        ]
        self.need_bm25 = bm25(
            [self.applicants[i].needs[k].text for i, k in self.need_items],
            [self._action_text(self.hosts[j].actions[k]) for j, k in self.need_docs],
            self._dropped,
            [j for j, _ in self.need_docs],
            m,
        )
        self.text = self._text_component(
            self.need_items,
            self.need_bm25,
            [len(a.needs) for a in self.applicants],
            [bool(n.text.strip()) for a in self.applicants for n in a.needs],
        )
        self.share_docs = [
            (j, k) for j, h in enumerate(self.hosts) for k in range(len(_mutual_items(h)))
        ]
        self.share_items = [
            (i, k) for i, a in enumerate(self.applicants) for k in range(len(a.shares))
        ]
        self.share_bm25 = bm25(
            [self.applicants[i].shares[k].text for i, k in self.share_items],
            [_offer_text(_mutual_items(self.hosts[j])[k]) for j, k in self.share_docs],
            self._dropped,
            [j for j, _ in self.share_docs],
            m,
        )
        self.share_challenge = self._share_component()
        self.action_interest = self._interest_component()
        self.context = self._context_component()

        raw = np.zeros((n, m), dtype=np.float64)
        for name, weight in weights.as_dict().items():
            if weight:
                raw += weight * getattr(self, name)
        self.score_q = np.rint(raw * SCORE_SCALE).astype(np.int64)

    # -- building ---------------------------------------------------------------------------

    def _check_topics(self) -> None:
        used: set[str] = set()
        for a in self.applicants:
            for item in (*a.needs, *a.shares):
                used |= item.topics
        for h in self.hosts:
            for offer in (*h.actions, *h.challenges, *h.benefits):
                used |= offer.topics
        unknown = sorted(used - self.topic_axis.keys())
        if unknown:
            raise ValueError(f"topics missing from topic_axis: {unknown}")

    def _fill_ranks(self) -> None:
        """Rank matrices, and the preference and host-interest components from them."""
        n, m = self.shape
        self.preference = np.zeros((n, m), dtype=np.float64)
        self.host_interest = np.zeros((n, m), dtype=np.float64)
        rows, cols, ranks = [], [], []
        for i, a in enumerate(self.applicants):
            for host_id, rank in _unique_positions(a.preferences).items():
                j = self.host_index.get(host_id)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
                    ranks.append(rank)
        self.pref_rank[rows, cols] = ranks
        self.preference[rows, cols] = _rank_values(
            np.array(ranks), self.max_preferences, self.preference_step
        )
        rows, cols, ranks, lengths = [], [], [], []
        for j, h in enumerate(self.hosts):
            positions = _unique_positions(h.shortlist)
            self.shortlist_len[j] = len(positions)
            for app_id, rank in positions.items():
                i = self.app_index.get(app_id)
                if i is not None:
                    rows.append(i)
                    cols.append(j)
                    ranks.append(rank)
                    lengths.append(len(positions))
        self.shortlist_rank[rows, cols] = ranks
        self.host_interest[rows, cols] = _rank_values(np.array(ranks), np.array(lengths))

    def _read_need_topics(self) -> tuple[tuple[frozenset[str], ...], ...]:
        read = PracticeReader(self.topic_parent)
        return tuple(tuple(read(n.topics, n.text) for n in a.needs) for a in self.applicants)

    def _topic_columns(self) -> tuple[dict[str, int], np.ndarray]:
        slugs = sorted(self.topic_axis)
        column = {slug: k for k, slug in enumerate(slugs)}
        is_field = np.array([self.topic_axis[s] == "field" for s in slugs], dtype=bool)
        return column, is_field

    def _unique_sets(
        self, groups: Sequence[Sequence], column: Mapping[str, int]
    ) -> tuple[np.ndarray, sp.csr_matrix]:
        """The distinct topic sets of the groups' items as a (sets × topics) 0/1 matrix, and
        the (groups × sets) matrix counting how often each group has each set."""
        ids: dict[frozenset[str], int] = {}
        owners, set_ids = [], []
        for owner, items in enumerate(groups):
            for item in items:
                if item.topics:
                    owners.append(owner)
                    set_ids.append(ids.setdefault(item.topics, len(ids)))
        matrix = np.zeros((len(ids), len(column)), dtype=np.float64)
        for topics, k in ids.items():
            matrix[k, [column[t] for t in topics]] = 1.0
        counts = sp.csr_matrix(
            (np.ones(len(owners)), (owners, set_ids)), shape=(len(groups), len(ids))
        )
        return matrix, counts

    def _credits(self, offers: np.ndarray, column: Mapping[str, int]) -> np.ndarray:
        """Each offer set's credit per topic (:func:`topic_credit`): practices add their
        broader topic, and a practice not offered gets :data:`PARENT_CREDIT` where its broader
        topic is."""
        if not self.topic_parent:
            return offers
        pairs = sorted((column[c], column[p]) for c, p in self.topic_parent.items())
        children, parents = np.array([c for c, _ in pairs]), np.array([p for _, p in pairs])
        expanded = offers.copy()
        np.maximum.at(expanded.T, parents, offers[:, children].T)
        credit = expanded.copy()
        credit[:, children] = np.maximum(
            expanded[:, children], PARENT_CREDIT * expanded[:, parents]
        )
        return credit

    def _best_per_set(self, left, right, kind: str) -> tuple[dict, np.ndarray, sp.csr_matrix]:
        """``max_a v(n, a)`` for each distinct item topic set and each right owner; the topic
        rarity ``w(t)`` among the right owners is kept in ``self.rarity[kind]``."""
        column, is_field = self._topic_columns()
        ids: dict[frozenset[str], int] = {}
        for items in left:
            for item in items:
                if item.topics:
                    ids.setdefault(item.topics, len(ids))
        items = np.zeros((len(ids), len(column)), dtype=np.float64)
        for topics, k in ids.items():
            items[k, [column[t] for t in topics]] = 1.0
        offers, offer_counts = self._unique_sets(right, column)
        best = np.zeros((len(ids), len(right)), dtype=np.float64)
        if not len(offers):
            self.rarity[kind] = dict.fromkeys(column, float(topic_rarity(0.0, len(right))))
            return ids, best, offer_counts
        offers = self._credits(offers, column)
        # df(t): the right owners with an item carrying t (or a practice under it).
        df = (
            (np.asarray(offer_counts @ (offers >= 1.0).astype(np.float64)) > 0)
            .sum(axis=0)
            .astype(np.float64)
        )
        weight = topic_rarity(df, len(right))
        self.rarity[kind] = {slug: float(weight[k]) for slug, k in column.items()}
        if not len(ids):
            return ids, best, offer_counts
        items = items * weight
        item_f, item_h = items[:, is_field], items[:, ~is_field]
        n_f, n_h = item_f.sum(axis=1)[:, None], item_h.sum(axis=1)[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(n_f > 0, _product(item_f, offers[:, is_field].T) / n_f, 0.0)
            lv = np.where(n_h > 0, _product(item_h, offers[:, ~is_field].T) / n_h, 0.0)
        v = np.where(
            (n_f > 0) & (n_h > 0),
            FIELD_WEIGHT * f + HOW_WEIGHT * lv + BOTH_AXES_BONUS * f * lv,
            np.where(n_f > 0, f, lv),
        )
        owner_sets = offer_counts.tolil().rows
        for owner, sets in enumerate(owner_sets):
            if sets:
                best[:, owner] = v[:, sets].max(axis=1)
        return ids, best, offer_counts

    def _overlap(self, left: Sequence[Sequence], right: Sequence[Sequence[Offer]]) -> np.ndarray:
        """``mean_n max_a v(n, a)`` for every (left owner, right owner), vectorised; items
        without topics do not count."""
        ids, best, _ = self._best_per_set(left, right, "need")
        owners, set_ids = [], []
        for owner, items in enumerate(left):
            for item in items:
                if item.topics:
                    owners.append(owner)
                    set_ids.append(ids[item.topics])
        counts = sp.csr_matrix(
            (np.ones(len(owners)), (owners, set_ids)), shape=(len(left), len(ids))
        )
        sums = np.asarray(counts @ best) if len(ids) else np.zeros((len(left), len(right)))
        n_items = np.asarray(counts.sum(axis=1))
        return sums / np.maximum(n_items, 1.0)

    def _action_text(self, offer: Offer) -> str:
        """An offered action's document: its title, description and the glossary entries
        (name and definition) of the practices it is tagged with."""
        extra = [self.topic_glossary[t] for t in sorted(offer.topics) if t in self.topic_glossary]
        return "\n".join([_offer_text(offer), *extra])

    def _text_component(self, items, result, per_owner, has_text) -> np.ndarray:
        """``mean over the applicant's items with text of max over the host's documents``."""
        n, m = self.shape
        best = result.group_best
        keep = np.array(has_text, dtype=bool)
        if not keep.any():
            return np.zeros((n, m), dtype=np.float64)
        owners = np.array([i for i, _ in items], dtype=np.int64)
        owner_matrix = sp.csr_matrix(
            (np.ones(int(keep.sum())), (owners[keep], np.nonzero(keep)[0])),
            shape=(n, len(items)),
        )
        sums = np.asarray(owner_matrix @ best)
        counts = np.bincount(owners[keep], minlength=n).astype(np.float64)
        return sums / np.maximum(counts, 1.0)[:, None]

    def _share_component(self) -> np.ndarray:
        """``mean over shares of max(best topic overlap, best text evidence)`` against the
        host's challenges, expected benefits and motivation."""
        n, m = self.shape
        left = [a.shares for a in self.applicants]
        ids, best_topics, _ = self._best_per_set(
            left, [_mutual_items(h) for h in self.hosts], "share"
        )
        best_text = self.share_bm25.group_best
        shares = [self.applicants[i].shares[k] for i, k in self.share_items]
        has_text = np.array([bool(x.text.strip()) for x in shares], dtype=bool)
        set_of = np.array([ids[x.topics] if x.topics else -1 for x in shares], dtype=np.int64)
        counted = has_text | (set_of >= 0)
        if not counted.any():
            return np.zeros((n, m), dtype=np.float64)
        # max(text evidence if any, topic overlap if any); every value is ≥ 0.
        value = np.where(has_text[:, None], best_text, 0.0)
        if len(ids):
            by_topics = np.where((set_of >= 0)[:, None], best_topics[np.maximum(set_of, 0)], 0.0)
            np.maximum(value, by_topics, out=value)
        owners = np.array([i for i, _ in self.share_items], dtype=np.int64)
        owner_matrix = sp.csr_matrix(
            (np.ones(int(counted.sum())), (owners[counted], np.nonzero(counted)[0])),
            shape=(n, len(shares)),
        )
        sums = np.asarray(owner_matrix @ value)
        counts = np.bincount(owners[counted], minlength=n).astype(np.float64)
        return sums / np.maximum(counts, 1.0)[:, None]

    def _interest_component(self) -> np.ndarray:
        """Share of the applicant's named actions that the host offers, over the largest such
        share among hosts (1 for the host(s) it named most actions of, 0 when it named none)."""
        n, m = self.shape
        owner = {}
        for j, h in enumerate(self.hosts):
            for offer in h.actions:
                if offer.id is not None:
                    owner[offer.id] = j
        counts = np.zeros((n, m), dtype=np.float64)
        for i, a in enumerate(self.applicants):
            for action_id in a.interests:
                j = owner.get(action_id)
                if j is not None:
                    counts[i, j] += 1
        top = counts.max(axis=1, keepdims=True) if m else np.zeros((n, 1))
        return np.where(top > 0, counts / np.maximum(top, 1.0), 0.0)

    def _context_component(self) -> np.ndarray:
        """The sum of the :class:`Context` bonuses that apply to each pair."""
        n, m = self.shape
        bonus = self.context_bonus
        out = np.zeros((n, m), dtype=np.float64)
        if not any(getattr(bonus, name) for name in CONTEXT_BONUSES):
            return out
        host_lang = [
            h.languages or COUNTRY_LANGUAGES.get(h.country, frozenset()) for h in self.hosts
        ]
        host_size = np.array(
            [
                size_class(h.population) if size_class(h.population) is not None else -1
                for h in self.hosts
            ]
        )
        keys: dict[tuple, np.ndarray] = {}
        for i, a in enumerate(self.applicants):
            english = english_working(a.english_level)
            travels = a.site_visits in TRAVELS
            key = (a.country, a.languages, size_class(a.population), english, travels)
            row = keys.get(key)
            if row is None:
                langs = a.languages or COUNTRY_LANGUAGES.get(a.country, frozenset())
                near = self.neighbours.get(a.country, frozenset())
                row = np.zeros(m, dtype=np.float64)
                for j, h in enumerate(self.hosts):
                    if langs & host_lang[j]:
                        row[j] += bonus.language
                    else:
                        if english:
                            row[j] += bonus.english
                        if a.country and (h.country == a.country or h.country in near):
                            row[j] += bonus.neighbour
                if travels:
                    row += bonus.site_visits
                cls = key[2]
                if cls is not None:
                    row += np.where(host_size == cls, bonus.size, 0.0)
                keys[key] = row
            out[i] = row
        return out

    # -- one pair ---------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.applicants), len(self.hosts)

    def score(self, i: int, j: int) -> float:
        return int(self.score_q[i, j]) / SCORE_SCALE

    def components(self, i: int, j: int) -> dict[str, float]:
        return {name: float(getattr(self, name)[i, j]) for name in COMPONENTS}

    def rank(self, i: int, j: int) -> int | None:
        """The applicant's rank of the host (``None`` when unranked)."""
        r = int(self.pref_rank[i, j])
        return r or None

    def topic_label(self, slug: str) -> str:
        return self.topic_names.get(slug, slug)

    def _sorted_topics(self, topics: frozenset[str] | set[str]) -> list[str]:
        return sorted(topics, key=lambda s: (AXES.index(self.topic_axis[s]), self.topic_label(s)))

    def item_label(self, item) -> str:
        if item.text.strip():
            return item.text.strip()
        return ", ".join(self.topic_label(t) for t in self._sorted_topics(item.topics))

    def coverage(self, i: int, j: int) -> list[Coverage]:
        """For each learning need of applicant ``i``: the offered action of host ``j`` that
        covers it best (topics and wording), or none (``action`` is ``None``). Kept per pair:
        a proposal's reasons and its details both ask for it."""
        key = ("coverage", i, j)
        if key not in self._cache:
            self._cache[key] = tuple(self._coverage(i, j))
        return list(self._cache[key])

    def _coverage(self, i: int, j: int) -> list[Coverage]:
        a, h = self.applicants[i], self.hosts[j]
        first = self._first_doc(self.need_docs, j)
        out = []
        for k, need in enumerate(a.needs):
            topics = self.need_topics[i][k]
            q = self._item_row(self.need_items, i, k)
            best, best_value, best_topics, best_terms = None, 0.0, (), ()
            for d, offer in enumerate(h.actions):
                v = (
                    item_overlap(
                        topics,
                        offer.topics,
                        self.topic_axis,
                        self.topic_parent,
                        self.rarity["need"],
                    )
                    if topics
                    else 0.0
                )
                t = self.need_bm25.value(q, first + d) if first is not None else 0.0
                value = max(v, t)
                if value > best_value + 1e-12:
                    best, best_value = offer, value
                    shared = expand_topics(offer.topics, self.topic_parent) & topics
                    best_topics = tuple(self.topic_label(s) for s in self._sorted_topics(shared))
                    best_terms = tuple(self.need_bm25.shared_terms(q, first + d)) if t > 0 else ()
            covered = best is not None and best_value >= COVERED
            interest = bool(best is not None and best.id is not None and best.id in a.interests)
            out.append(
                Coverage(
                    need=self.item_label(need),
                    action=best.title if covered else None,
                    strength=best_value,
                    topics=best_topics if covered else (),
                    terms=best_terms if covered else (),
                    named=interest,
                )
            )
        return out

    def named_actions(self, i: int, j: int) -> list[str]:
        """Titles of the host's offered actions the applicant named ("I want to learn this")."""
        a = self.applicants[i]
        return [o.title for o in self.hosts[j].actions if o.id is not None and o.id in a.interests]

    def context_reasons(self, i: int, j: int) -> list[str]:
        a, h = self.applicants[i], self.hosts[j]
        bonus, out = self.context_bonus, []
        langs = a.languages or COUNTRY_LANGUAGES.get(a.country, frozenset())
        host_langs = h.languages or COUNTRY_LANGUAGES.get(h.country, frozenset())
        shared = bool(langs & host_langs)
        if bonus.language and shared:
            out.append("shared language")
        elif (
            bonus.neighbour
            and a.country
            and (h.country == a.country or h.country in self.neighbours.get(a.country, frozenset()))
        ):
            out.append("same or neighbouring country")
        if bonus.english and not shared and english_working(a.english_level):
            out.append("works in English")
        cls = size_class(a.population)
        if bonus.size and cls is not None and cls == size_class(h.population):
            out.append("similar size")
        if bonus.site_visits and a.site_visits in TRAVELS:
            out.append("will travel for site visits")
        return out

    def _first_doc(self, docs, j) -> int | None:
        """The index of host ``j``'s first document (documents are grouped by host)."""
        key = ("first", id(docs))
        if key not in self._cache:
            first: dict[int, int] = {}
            for k, (owner, _) in enumerate(docs):
                first.setdefault(owner, k)
            self._cache[key] = first
        return self._cache[key].get(j)

    def _item_row(self, items, i, k) -> int:
        key = ("row", id(items))
        if key not in self._cache:
            self._cache[key] = {pair: q for q, pair in enumerate(items)}
        return self._cache[key][(i, k)]

    def reasons(self, i: int, j: int) -> tuple[str, ...]:
        """The evidence of one pair in short neutral phrases, strongest first."""
        h = self.hosts[j]
        reasons = []
        named = self.named_actions(i, j)
        if named:
            reasons.append("wants to learn " + "; ".join(f"'{t}'" for t in named))
        for c in self.coverage(i, j):
            if c.action:
                via = ", ".join(c.topics) if c.topics else ", ".join(f"'{t}'" for t in c.terms)
                reasons.append(
                    f"need '{c.need}' ↔ action '{c.action}'" + (f" ({via})" if via else "")
                )
        rank = int(self.pref_rank[i, j])
        if rank and rank <= self.max_preferences:
            reasons.append(f"ranked {h.name} {ordinal(rank)}")
        elif rank:
            reasons.append(
                f"ranked {h.name} {ordinal(rank)} (only the first {self.max_preferences} count)"
            )
        listed = int(self.shortlist_rank[i, j])
        if listed:
            reasons.append(f"{h.name} shortlisted the applicant ({ordinal(listed)})")
        if self.share_challenge[i, j] > 0:
            reasons.append(f"what it can share meets {h.name}'s challenges and expected benefits")
        reasons += self.context_reasons(i, j)
        return tuple(reasons)

    def scored_pair(self, i: int, j: int) -> ScoredPair:
        return ScoredPair(
            applicant_id=self.applicants[i].id,
            host_id=self.hosts[j].id,
            score=self.score(i, j),
            components=self.components(i, j),
            reasons=self.reasons(i, j),
        )


# A need counts as covered by an action when its best evidence (topics or wording) reaches this.
COVERED = 0.5


@dataclass(frozen=True, slots=True)
class Coverage:
    """How one learning need is covered by a host: the action, how strongly, and why."""

    need: str
    action: str | None
    strength: float
    topics: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    named: bool = False


def _offer_text(offer: Offer) -> str:
    return f"{offer.title}\n{offer.text}"


def _mutual_items(h: Host) -> tuple[Offer, ...]:
    """What a host hopes to gain: its challenges, its expected benefits, its motivation."""
    motivation = (Offer(title="motivation", topics=frozenset(), text=h.texts),) if h.texts else ()
    return (*h.challenges, *h.benefits, *motivation)


class Candidate:
    """One allowed pair of :class:`CandidatePairs`: the same attributes as
    :class:`~matching.engine.types.ScoredPair`, with ``components`` and ``reasons`` computed on
    first access (so listing many candidates with their scores stays cheap)."""

    __slots__ = ("_i", "_j", "_reasons", "_scorer", "applicant_id", "host_id", "score")

    def __init__(self, scorer: Scorer, i: int, j: int):
        self._scorer, self._i, self._j = scorer, i, j
        self.applicant_id = scorer.applicants[i].id
        self.host_id = scorer.hosts[j].id
        self.score = scorer.score(i, j)
        self._reasons: tuple[str, ...] | None = None

    @property
    def components(self) -> dict[str, float]:
        return self._scorer.components(self._i, self._j)

    @property
    def reasons(self) -> tuple[str, ...]:
        if self._reasons is None:
            self._reasons = self._scorer.reasons(self._i, self._j)
        return self._reasons

    def as_scored_pair(self) -> ScoredPair:
        return self._scorer.scored_pair(self._i, self._j)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Candidate):
            return NotImplemented
        return (self.applicant_id, self.host_id, self.score) == (
            other.applicant_id,
            other.host_id,
            other.score,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        ids = f"applicant_id={self.applicant_id}, host_id={self.host_id}"
        return f"Candidate({ids}, score={self.score})"


class CandidatePairs(Sequence):
    """Every allowed scored pair, sorted by (applicant id, host id), built lazily.

    Indexing or iterating yields :class:`Candidate` objects (ids and score; components and
    reasons on demand); :meth:`arrays` gives the ids and scores as numpy arrays at once.
    """

    def __init__(self, scorer: Scorer, rows: np.ndarray, cols: np.ndarray):
        """``rows``/``cols`` in row-major order, as ``np.nonzero`` of a matrix gives them."""
        self._scorer = scorer
        self._rows = np.asarray(rows, dtype=np.int64)
        self._cols = np.asarray(cols, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        return Candidate(self._scorer, int(self._rows[index]), int(self._cols[index]))

    def __iter__(self) -> Iterator[Candidate]:
        for k in range(len(self)):
            yield self[k]

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(applicant ids, host ids, scores) of every candidate, in order."""
        app_ids = np.array([a.id for a in self._scorer.applicants], dtype=np.int64)
        host_ids = np.array([h.id for h in self._scorer.hosts], dtype=np.int64)
        scores = self._scorer.score_q[self._rows, self._cols] / SCORE_SCALE
        return app_ids[self._rows], host_ids[self._cols], scores

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CandidatePairs):
            return NotImplemented
        mine, theirs = self.arrays(), other.arrays()
        return all(np.array_equal(x, y) for x, y in zip(mine, theirs, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<CandidatePairs: {len(self)} allowed pairs>"
