"""The text folding of the matching engine (BM25 item evidence: test_engine_scoring.py)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine.text import bm25, fold, item_terms


def test_fold_lowercases_and_strips_accents_of_latin_letters():
    assert fold("Łódź Straße Café Øresund") == "lodz strasse cafe oresund"


def test_fold_keeps_other_scripts():
    assert fold("София Αθήνα") == "софия αθηνα"


# -- BM25 item evidence computed for all queries at once ------------------------------------------

WORDS = [
    "district",
    "heating",
    "DH",
    "dh",
    "PV",
    "solar",
    "Łódź",
    "Straße",
    "ΣΟΦΊΑ",
    "σοφία",
    "東京",
    "bike",
    "bikes",
    "cycling",
    "communities",
    "community",
    "renovation",
    "retrofit",
    "learn",
    "new",
    "a",
    "b",
    "12",
    "x_y",
    "e.g.",
    "one-stop-shop",
    "Torino",
]
texts = st.lists(
    st.one_of(st.sampled_from(WORDS), st.text(alphabet="ab _-.\n\x00é", max_size=4)),
    max_size=9,
).map(" ".join)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    queries=st.lists(texts, max_size=6),
    documents=st.lists(texts, max_size=5),
    groups=st.lists(st.integers(0, 2), max_size=5),
)
def test_bm25_for_all_queries_at_once_is_the_pair_by_pair_evidence(queries, documents, groups):
    """The query terms found for all queries at once are each query's own terms; the best
    evidence per group and the evidence of one pair are those of the whole sparse matrix."""
    dropped = frozenset({"torino"})
    groups = sorted((groups + [0] * len(documents))[: len(documents)])
    result = bm25(queries, documents, dropped, groups, 3)
    vocabulary = set(result.vocabulary)
    for q, query in enumerate(queries):
        row = result.query_matrix[q].indices
        assert {result.vocabulary[t] for t in row} == set(item_terms(query, dropped)) & vocabulary
    evidence = result.evidence.toarray()
    for q in range(len(queries)):
        for d in range(len(documents)):
            assert result.value(q, d) == evidence[q, d]
        for g in range(3):
            in_group = [evidence[q, d] for d in range(len(documents)) if groups[d] == g]
            assert result.group_best[q, g] == max(in_group, default=0.0)
