"""Text evidence between items: a small tokenizer and BM25 in pure Python, numpy and
scipy.sparse (no model downloads, no scikit-learn). See the section comment before
:func:`bm25` for the definitions, so that a reviewer can check a value by hand."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, pairwise

import numpy as np
import scipy.sparse as sp

_STOP_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each etc few for
from further had has have having he her here hers herself him himself his how i if in into
is it its itself just me more most my myself no nor not now of off on once only or other
our ours ourselves out over own same she should so some such than that the their theirs
them themselves then there these they this those through to too under until up very via
was we were what when where which while who whom why will with would you your yours
yourself yourselves city cities our us new use using well within across per e g eg ie
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

# Letters that Unicode does not decompose into a base letter plus a combining mark.
_SPECIAL_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "þ": "th"}
)
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents from Latin letters (other scripts are kept)."""
    text = text.lower()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


# -- item-to-item evidence: BM25 over stemmed words and word pairs -------------------------------
#
# Each applicant item (a learning need, something it can share) is a query; each host item (an
# offered action's title and description; a challenge, an expected benefit) is a document. The
# terms of a text are its words, folded (lower case, no accents), mapped through
# :data:`SYNONYMS` (abbreviations and words of the field that mean the same), stemmed with
# :func:`stem`, without :data:`STOP_WORDS` nor :data:`ITEM_STOP_WORDS`, and each pair of
# consecutive kept words ("district heating", "energy community"). Words of the hosts' names
# are dropped on both sides (a city's name is no evidence of what it offers).
#
# BM25 (k1 = 1.2, b = 0.75) over the host documents of one kind:
#
#     idf(t) = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))
#     bm25(q, d) = Σ_{t ∈ q, distinct} idf(t) · tf(t, d)·(k1 + 1)
#                  / (tf(t, d) + k1·(1 − b + b·|d|/avgdl))
#
# and the evidence of a query for a document is ``bm25(q, d) / max(BM25_FLOOR, max_d' bm25(q, d'))``
# in [0, 1]: the best-matching document of the whole call gets 1 when it matches well enough
# (its score reaches the floor), so a need that names a practice offered once points at it.

BM25_K1 = 1.2
BM25_B = 0.75
BM25_FLOOR = 4.0

_ITEM_STOP_TEXT = """
    learn learning want wish would like need needs help know how way ways example examples
    experience experiences interested interest especially particular particularly other
    others good best practice practices approach approaches exchange peer twin mission
    programme municipality municipal local town region area areas work working make making
    get
"""
ITEM_STOP_WORDS = frozenset(_ITEM_STOP_TEXT.split())

# Folded word → the words it stands for (after this, words are stemmed).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "pv": ("solar",),
    "photovoltaic": ("solar",),
    "photovoltaics": ("solar",),
    "rooftop": ("roof",),
    "bike": ("cycling",),
    "bikes": ("cycling",),
    "bicycle": ("cycling",),
    "bicycles": ("cycling",),
    "cycle": ("cycling",),
    "cyclist": ("cycling",),
    "cyclists": ("cycling",),
    "walkability": ("walking",),
    "walkable": ("walking",),
    "pedestrian": ("walking",),
    "pedestrians": ("walking",),
    "retrofit": ("renovation",),
    "retrofits": ("renovation",),
    "retrofitting": ("renovation",),
    "refurbishment": ("renovation",),
    "renovate": ("renovation",),
    "renovating": ("renovation",),
    "ccs": ("carbon", "capture", "storage"),
    "beccs": ("bio", "energy", "carbon", "capture", "storage"),
    "bioenergy": ("bio", "energy"),
    "co2": ("carbon",),
    "removals": ("removal",),
    "negative": ("removal",),
    "dh": ("district", "heating"),
    "oss": ("one", "stop", "shop"),
    "onestopshop": ("one", "stop", "shop"),
    "rec": ("energy", "community"),
    "recs": ("energy", "community"),
    "cer": ("energy", "community"),
    "lez": ("low", "emission", "zone"),
    "zez": ("zero", "emission", "zone"),
    "ghg": ("greenhouse",),
    "nbs": ("nature", "based", "solution"),
    "greywater": ("grey", "water"),
    "graywater": ("grey", "water"),
    "gray": ("grey",),
    "wastewater": ("waste", "water"),
    "stormwater": ("rainwater",),
    "timber": ("biobased",),
    "wood": ("biobased",),
    "wooden": ("biobased",),
    "bus": ("public", "transport"),
    "buses": ("public", "transport"),
    "tram": ("public", "transport"),
    "trams": ("public", "transport"),
    "metro": ("public", "transport"),
    "transit": ("public", "transport"),
    "jury": ("assembly",),
    "juries": ("assembly",),
    "assemblies": ("assembly",),
    "children": ("youth",),
    "pupils": ("youth",),
    "pupil": ("youth",),
    "students": ("youth",),
    "young": ("youth",),
    "schoolyard": ("school",),
    "schoolyards": ("school",),
    "trees": ("greening",),
    "tree": ("greening",),
    "greenery": ("greening",),
    "crowdfund": ("crowdfunding",),
    "ppp": ("public", "private", "partnership"),
    "ppps": ("public", "private", "partnership"),
    "esco": ("energy", "service", "company"),
    "escos": ("energy", "service", "company"),
    "heatpump": ("heat", "pump"),
    "heatpumps": ("heat", "pump"),
    "nzeb": ("zero", "energy", "building"),
    "kpi": ("indicator",),
    "kpis": ("indicator",),
    "philanthropy": ("philanthropies",),
    "philantropies": ("philanthropies",),
    "residents": ("citizen",),
    "inhabitants": ("citizen",),
    "tenders": ("procurement",),
    "tender": ("procurement",),
    "purchasing": ("procurement",),
}

_SUFFIXES = (
    ("ational", "ate"),
    ("ization", "ize"),
    ("isation", "ize"),
    ("fulness", "ful"),
    ("iveness", "ive"),
    ("ements", ""),
    ("ement", ""),
    ("ments", ""),
    ("ment", ""),
    ("ations", "ate"),
    ("ation", "ate"),
    ("ities", ""),
    ("ity", ""),
    ("ies", "y"),
    ("ing", ""),
    ("ers", ""),
    ("er", ""),
    ("ed", ""),
    ("es", ""),
    ("s", ""),
    ("ly", ""),
)


def stem(word: str) -> str:
    """A light English stemmer: strips a common suffix (the first match of :data:`_SUFFIXES`)
    when at least three letters remain, twice at most, never after ``-ss``/``-us``/``-is``;
    then undoubles a final double consonant and drops a final ``e``: "buildings" and
    "building" → "build", "communities" and "community" → "commun", "renovations" and
    "renovation" → "renovat"."""
    if len(word) <= 3 or word.isdigit():
        return word
    for _ in range(2):
        if word.endswith(("ss", "us", "is")):
            break
        for suffix, replacement in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)] + replacement
                break
        else:
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


_WORD_CACHE: dict[str, tuple[str, ...]] = {}


def _word_stems(raw: str) -> tuple[str, ...]:
    """The stems a folded raw word stands for (synonyms, stop words), memoised."""
    stems = _WORD_CACHE.get(raw)
    if stems is None:
        stems = tuple(
            stem(word)
            for word in SYNONYMS.get(raw, (raw,))
            if len(word) >= 2
            and not word.isdigit()
            and word not in STOP_WORDS
            and word not in ITEM_STOP_WORDS
        )
        if len(_WORD_CACHE) < 200_000:
            _WORD_CACHE[raw] = stems
    return stems


def item_words(text: str, dropped: frozenset[str] = frozenset()) -> list[str]:
    """The stemmed words of ``text`` kept for item evidence, in order (see above); words in
    ``dropped`` (folded, before stemming) are left out."""
    cache = _WORD_CACHE
    out: list[str] = []
    for raw in _WORD.findall(fold(text)):
        if raw in dropped:
            continue
        stems = cache.get(raw)
        out.extend(_word_stems(raw) if stems is None else stems)
    return out


def name_words(name: str) -> frozenset[str]:
    """The folded words of a name longer than two letters (dropped from item evidence)."""
    return frozenset(w for w in _WORD.findall(fold(name)) if len(w) > 2)


def item_terms(text: str, dropped: frozenset[str] = frozenset()) -> list[str]:
    """The words of :func:`item_words` and each pair of consecutive words ("a b")."""
    words = item_words(text, dropped)
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True, eq=False)
class Bm25:
    """BM25 evidence of every query for every document.

    Only what the scores need is computed up front: each query's best evidence among each
    group of documents (``group_best``, queries × groups, when :func:`bm25` is given the
    documents' groups). The value of one (query, document) pair is summed again on demand
    (:meth:`value`, same operations in the same order, so the same float); the whole sparse
    matrices (:attr:`raw`, :attr:`evidence`) are built only when asked for.
    """

    vocabulary: tuple[str, ...]
    query_matrix: sp.csr_matrix  # 0/1, queries × terms, sorted indices
    doc_matrix: sp.csr_matrix  # BM25 weight of each term in each document, sorted indices
    scale: np.ndarray  # 1 / max(BM25_FLOOR, best bm25 of the query)
    queries: tuple[str, ...]
    doc_terms: tuple[frozenset[str], ...]
    dropped: frozenset[str] = frozenset()
    group_best: np.ndarray | None = None  # best evidence per group of documents

    @cached_property
    def raw(self) -> sp.csr_matrix:
        """bm25(q, d) of every pair, sparse (queries × documents)."""
        return (self.query_matrix @ self.doc_matrix.T).tocsr()

    @cached_property
    def evidence(self) -> sp.csr_matrix:
        """raw / max(BM25_FLOOR, best of the query), in [0, 1], sparse."""
        return sp.csr_matrix(sp.diags(self.scale) @ self.raw)

    def value(self, q: int, d: int) -> float:
        """The evidence of query ``q`` for document ``d``: the query's terms' weights in the
        document added in term order from 0 (as the sparse product does), times the scale."""
        weights = self._doc_weights(d)
        start, end = self.query_matrix.indptr[q : q + 2]
        total = 0.0
        for term in self.query_matrix.indices[start:end].tolist():
            weight = weights.get(term)
            if weight is not None:
                total += weight
        return float(self.scale[q] * total)

    def _doc_weights(self, d: int) -> dict[int, float]:
        cache = self.__dict__.setdefault("_weights", {})
        weights = cache.get(d)
        if weights is None:
            start, end = self.doc_matrix.indptr[d : d + 2]
            weights = dict(
                zip(
                    self.doc_matrix.indices[start:end].tolist(),
                    self.doc_matrix.data[start:end].tolist(),
                    strict=True,
                )
            )
            cache[d] = weights
        return weights

    def query_terms(self, q: int) -> frozenset[str]:
        """The terms of query ``q`` (computed again on demand: only shown pairs need them)."""
        return frozenset(item_terms(self.queries[q], self.dropped))

    def shared_terms(self, q: int, d: int, limit: int = 3) -> list[str]:
        """The terms the query and the document share, longest (word pairs) first."""
        common = self.query_terms(q) & self.doc_terms[d]
        return sorted(common, key=lambda t: (-t.count(" "), t))[:limit]


# Between texts joined into one; no text that holds it is joined.
_TEXT_BREAK = "\x00"
# ASCII characters that are neither letters nor digits, to spaces (but the break): in ASCII
# text, the words of :data:`_WORD` are what ``str.split`` leaves after this.
_ASCII_BREAKS = str.maketrans({chr(c): " " for c in range(1, 128) if not chr(c).isalnum()})


def _raw_words(folded: Sequence[str]) -> list[list[str]]:
    """``_WORD.findall`` of each folded text; the ASCII texts all at once (joined, translated,
    split: far faster than the regular expression, same words)."""
    fast = [text.isascii() and _TEXT_BREAK not in text for text in folded]
    joined = _TEXT_BREAK.join(text for text, ok in zip(folded, fast, strict=True) if ok)
    parts = iter(map(str.split, joined.translate(_ASCII_BREAKS).split(_TEXT_BREAK)))
    return [next(parts) if ok else _WORD.findall(t) for t, ok in zip(folded, fast, strict=True)]


def _query_matrix(
    queries: Sequence[str], vocab: dict[str, int], dropped: frozenset[str]
) -> sp.csr_matrix:
    """0/1 (queries × terms): the terms of each query that occur in some document (the others
    never score): the words of :func:`item_words` and the pairs of consecutive words of
    :func:`item_terms`, for all queries at once: each distinct raw word is stemmed once, then
    numpy follows the stems of every query in order."""
    n_q, n_terms = len(queries), max(len(vocab), 1)
    word_lists = _raw_words(list(map(fold, queries)))
    raw_counts = np.fromiter(map(len, word_lists), dtype=np.int64, count=n_q)
    raw_words = list(chain.from_iterable(word_lists))
    # Each distinct raw word: its stems (none when dropped or a stop word), as stem numbers.
    raw_index = {raw: k for k, raw in enumerate(dict.fromkeys(raw_words))}
    stem_index: dict[str, int] = {}
    stems_of, stem_counts = [], []
    for raw in raw_index:
        stems = () if raw in dropped else _word_stems(raw)
        stems_of.extend(stem_index.setdefault(st, len(stem_index)) for st in stems)
        stem_counts.append(len(stems))
    stem_flat = np.array(stems_of, dtype=np.int64)
    per_raw = np.array(stem_counts, dtype=np.int64)
    first = np.cumsum(per_raw) - per_raw
    # The stem sequence of all queries, and the query of each stem.
    raw_ids = np.fromiter(
        map(raw_index.__getitem__, raw_words), dtype=np.int64, count=len(raw_words)
    )
    reps = per_raw[raw_ids]
    total = int(reps.sum())
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(reps) - reps, reps)
    seq = stem_flat[np.repeat(first[raw_ids], reps) + offsets]
    owner = np.repeat(np.repeat(np.arange(n_q, dtype=np.int64), raw_counts), reps)
    # Words: the vocabulary number of each stem (−1 when no document has it).
    stem_term = np.array([vocab.get(st, -1) for st in stem_index], dtype=np.int64)
    word_terms = stem_term[seq] if total else seq
    # Pairs of consecutive stems of one query, looked up by their stem numbers.
    n_stems = max(len(stem_index), 1)
    pair_codes, pair_terms = [], []
    for term, idx in vocab.items():
        parts = term.split(" ")
        if len(parts) == 2 and parts[0] in stem_index and parts[1] in stem_index:
            pair_codes.append(stem_index[parts[0]] * n_stems + stem_index[parts[1]])
            pair_terms.append(idx)
    pair_terms_of = np.full(max(total - 1, 0), -1, dtype=np.int64)
    if pair_codes and total > 1:
        order = np.argsort(pair_codes)
        codes, terms = np.array(pair_codes, np.int64)[order], np.array(pair_terms, np.int64)[order]
        wanted = seq[:-1] * n_stems + seq[1:]
        at = np.minimum(np.searchsorted(codes, wanted), len(codes) - 1)
        found = (codes[at] == wanted) & (owner[:-1] == owner[1:])
        pair_terms_of[found] = terms[at[found]]
    # Each (query, term) once, sorted: the CSR arrays.
    rows = np.concatenate([owner, owner[:-1]])
    cols = np.concatenate([word_terms, pair_terms_of])
    keys = np.sort(rows[cols >= 0] * n_terms + cols[cols >= 0])
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
    indices = keys % n_terms
    indptr = np.zeros(n_q + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys // n_terms, minlength=n_q), out=indptr[1:])
    data = np.ones(len(indices), dtype=np.float64)
    matrix = sp.csr_matrix((data, indices, indptr), shape=(n_q, n_terms))
    matrix.sort_indices()
    return matrix


def bm25(
    queries: Sequence[str],
    documents: Sequence[str],
    dropped: frozenset[str] = frozenset(),
    groups: Sequence[int] | None = None,
    n_groups: int = 0,
) -> Bm25:
    """Item-to-item BM25 evidence (see the section comment above). With ``groups`` (the group
    number, below ``n_groups``, of each document; documents grouped, numbers never
    decreasing), :attr:`Bm25.group_best` holds each query's best evidence in each group."""
    doc_lists = [item_terms(d, dropped) for d in documents]
    n_docs, n_q = len(documents), len(queries)
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for k, terms in enumerate(doc_lists):
        counts: dict[int, int] = {}
        for t in terms:
            idx = vocab.setdefault(t, len(vocab))
            counts[idx] = counts.get(idx, 0) + 1
        for idx, c in counts.items():
            rows.append(k)
            cols.append(idx)
            vals.append(c)
    n_terms = max(len(vocab), 1)
    tf = sp.csr_matrix((np.array(vals, dtype=np.float64), (rows, cols)), shape=(n_docs, n_terms))
    doc_terms = tuple(map(frozenset, doc_lists))
    if n_docs == 0 or n_q == 0 or not vocab:
        group_best = None if groups is None else np.zeros((n_q, n_groups), dtype=np.float64)
        return Bm25(
            tuple(vocab),
            sp.csr_matrix((n_q, n_terms)),
            sp.csr_matrix((n_docs, n_terms)),
            np.full(n_q, 1.0 / BM25_FLOOR),
            tuple(queries),
            doc_terms,
            dropped,
            group_best,
        )
    df = np.bincount(np.array(cols, dtype=np.int64), minlength=n_terms).astype(np.float64)
    idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
    lengths = np.array([len(t) for t in doc_lists], dtype=np.float64)
    avgdl = lengths.mean() if lengths.mean() > 0 else 1.0
    tf = tf.tocoo()
    norm = BM25_K1 * (1.0 - BM25_B + BM25_B * lengths[tf.row] / avgdl)
    weight = idf[tf.col] * tf.data * (BM25_K1 + 1.0) / (tf.data + norm)
    doc_matrix = sp.csr_matrix((weight, (tf.row, tf.col)), shape=(n_docs, n_terms))
    doc_matrix.sort_indices()
    query_matrix = _query_matrix(queries, vocab, dropped)
    best, group_best = _best_raw(query_matrix, doc_matrix, groups, n_groups)
    scale = 1.0 / np.maximum(best, BM25_FLOOR)
    if group_best is not None:
        # Scaling by a positive number keeps the order, so the best scaled value is the
        # scaled best value (the same float).
        group_best = group_best.T * scale[:, None]
    vocabulary = tuple(vocab)
    return Bm25(
        vocabulary, query_matrix, doc_matrix, scale, tuple(queries), doc_terms, dropped, group_best
    )


# Queries per block of the dense (documents × queries) products: bounds the memory they take.
_BLOCK = 4096


def _best_raw(
    query_matrix: sp.csr_matrix,
    doc_matrix: sp.csr_matrix,
    groups: Sequence[int] | None,
    n_groups: int,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Each query's best bm25 over all documents, and over each group of documents (groups ×
    queries; documents are grouped: their group numbers never decrease).

    bm25 of all pairs, a block of queries at a time, as dense (documents × queries) arrays:
    ``doc_matrix @ query_matrix.T`` adds each pair's term weights in term order from 0, as
    ``query_matrix @ doc_matrix.T`` does, so the values are the same floats; no stored value
    is negative, so the zeros of pairs without common terms do not change a maximum.
    """
    n_q = query_matrix.shape[0]
    best = np.zeros(n_q, dtype=np.float64)
    bounds: list[tuple[int, int, int]] = []
    group_best = None
    if groups is not None:
        owner = np.asarray(groups, dtype=np.int64)
        starts = np.searchsorted(owner, np.arange(n_groups + 1))
        bounds = [(g, int(a), int(b)) for g, (a, b) in enumerate(pairwise(starts)) if b > a]
        group_best = np.zeros((n_groups, n_q), dtype=np.float64)
    for start in range(0, n_q, _BLOCK):
        stop = min(start + _BLOCK, n_q)
        block = (doc_matrix @ query_matrix[start:stop].T.tocsr()).toarray()
        best[start:stop] = block.max(axis=0)
        for g, a, b in bounds:
            group_best[g, start:stop] = block[a:b].max(axis=0)
    return best, group_best
