"""Text similarity: a small tokenizer and TF-IDF cosine in pure Python, numpy and scipy.sparse.

No model downloads and no scikit-learn. The definitions (documented so that a reviewer can
check a value by hand):

- tokens: the text is case-folded (accents removed for Latin letters), split into runs of
  letters and digits; tokens of one character, digits only, or in :data:`STOP_WORDS` are
  dropped; a light plural folding maps ``-ies`` → ``-y`` and drops a final ``-s`` (not
  ``-ss``, ``-us``, ``-is``) on words longer than four letters.
- term frequency: ``1 + ln(count)`` (sublinear);
- inverse document frequency over the instance's documents (applicants and hosts together):
  ``idf(t) = ln((1 + n) / (1 + df(t))) + 1`` (smoothed);
- each document vector is L2-normalised; similarity is the dot product, clipped to [0, 1].
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

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


def _stem(token: str) -> str:
    if len(token) > 4:
        if token.endswith("ies"):
            return token[:-3] + "y"
        if token.endswith("s") and not token.endswith(("ss", "us", "is")):
            return token[:-1]
    return token


def _term(token: str) -> str | None:
    """The term a lower-case raw token counts as, or ``None`` when it is dropped."""
    if not token.isascii():
        token = fold(token)
    if len(token) < 2 or token.isdigit() or token in STOP_WORDS:
        return None
    return _stem(token)


def tokenize(text: str) -> list[str]:
    """The terms of ``text``, in order (see the module docstring for the rules)."""
    return [term for term in map(_term, _WORD.findall(text.lower())) if term is not None]


@dataclass(frozen=True)
class TfIdf:
    """L2-normalised TF-IDF rows of the applicants' and the hosts' documents."""

    vocabulary: tuple[str, ...]
    left: sp.csr_matrix  # one row per applicant
    right: sp.csr_matrix  # one row per host

    def cosine(self) -> np.ndarray:
        """Dense (applicants × hosts) cosine similarities in [0, 1]."""
        product = np.asarray(self.left @ self.right.T.toarray())
        return np.clip(product, 0.0, 1.0, out=product)

    def shared_terms(self, left_row: int, right_row: int, limit: int = 3) -> list[str]:
        """The terms contributing most to one pair's similarity, best first."""
        weights = dict(zip(*_row(self.left, left_row), strict=True))
        contributions = [
            (-weights[t] * w, self.vocabulary[t])
            for t, w in zip(*_row(self.right, right_row), strict=True)
            if t in weights
        ]
        contributions.sort()
        return [term for _, term in contributions[:limit]]


def _row(matrix: sp.csr_matrix, row: int) -> tuple[list[int], list[float]]:
    start, stop = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[start:stop].tolist(), matrix.data[start:stop].tolist()


def tfidf(left_docs: Sequence[str], right_docs: Sequence[str]) -> TfIdf:
    """Fit TF-IDF over ``left_docs + right_docs`` and return both sides' rows.

    Vectorised: one regular-expression pass per document, each distinct raw token mapped to
    its term once, then the (document, term) counts with numpy.
    """
    docs = (*left_docs, *right_docs)
    n_docs = len(docs)
    per_doc = [_WORD.findall(doc.lower()) for doc in docs]
    lengths = np.fromiter(map(len, per_doc), dtype=np.int64, count=n_docs)
    raw_tokens = list(chain.from_iterable(per_doc))
    term_ids: dict[str, int] = {}
    raw_to_id: dict[str, int] = {}
    for raw in dict.fromkeys(raw_tokens):  # first-seen order: the same ids in every process
        term = _term(raw)
        raw_to_id[raw] = -1 if term is None else term_ids.setdefault(term, len(term_ids))
    ids = np.fromiter(map(raw_to_id.__getitem__, raw_tokens), dtype=np.int64, count=len(raw_tokens))
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    kept = ids >= 0
    n_terms = max(len(term_ids), 1)
    keys, counts = np.unique(doc_of[kept] * n_terms + ids[kept], return_counts=True)
    doc, col = keys // n_terms, keys % n_terms
    tf = 1.0 + np.log(counts.astype(np.float64))
    df = np.bincount(col, minlength=n_terms).astype(np.float64)
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    values = tf * idf[col]
    norms = np.sqrt(np.bincount(doc, weights=values * values, minlength=n_docs))
    values /= np.where(norms > 0, norms, 1.0)[doc]
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(doc, minlength=n_docs), out=indptr[1:])
    matrix = sp.csr_matrix((values, col, indptr), shape=(n_docs, n_terms))
    terms = [""] * n_terms
    for term, index in term_ids.items():
        terms[index] = term
    split = len(left_docs)
    return TfIdf(tuple(terms), matrix[:split], matrix[split:])
